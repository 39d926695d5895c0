"""outputs/index.html: district x stage status with links; failures show their reason."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from propilas.core.registry import COMPARISON, STAGES
from propilas.core.atomicio import atomic_write_text

STATUS_COLOUR = {"ok": "#1b5e20", "cached": "#33691e", "failed": "#b71c1c", "not_run": "#757575"}
STATE_COLOUR = {"completed": "#1b5e20", "failed": "#b71c1c", "stale": "#8a4b00", "draft": "#8a4b00"}


def _t(key: str, language: str, **fmt: Any) -> str:
    from propilas.core.labels import t

    return t(key, language, **fmt)


def _draft(summary_path: Path) -> list[str] | None:
    """The placeholders of a district whose summary.json says `draft: true`; None otherwise."""
    import json

    try:
        s = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(s, dict) or not s.get("draft"):
        return None
    return [str(x) for x in (s.get("placeholders") or [])]


def _hint(district: str, reason: str, language: str) -> str:
    """What to do about a failure: validate the inputs, correct the parameters, or read the page."""
    low = reason.lower()
    if "input error" in low or "dataerror" in low or "error(es) de entrada" in low:
        key = "site.hint.input"
    elif "params" in low or ".yaml" in low or "paramserror" in low:
        key = "site.hint.params"
    else:
        key = "site.hint.stage"
    return _t(key, language, district=district)


def _code(text: str) -> str:
    """Catalogue text with `code` spans, HTML-escaped."""
    import re

    parts = re.split(r"`([^`]*)`", text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def write_index(out_dir: Path, manifest: dict[str, Any], language: str = "es",
                twin: tuple[str, str, str] | None = None) -> Path:
    """The report set's front page, in one language: each district by name and province, its
    stages, files and state (completed, draft, failed with the whole reason and what to do, or
    stale when its inputs changed since); districts of earlier runs still on disk are listed too
    (run/batch.kept_districts). `twin`: the index in the other language (href, text, language)."""
    e = html.escape
    L = language if language in ("es", "en") else "es"
    head = "".join(f"<th title='{e(s.title(L))}'>{e(s.id)}<br><small>{e(s.title(L))}</small></th>" for s in STAGES)
    rows = []
    for district, info in manifest["districts"].items():
        cells = []
        for s in STAGES:
            r = info["stages"].get(s.name, {"status": "not_run"})
            status = r.get("status", "not_run")
            text = _t(f"site.stage.{status}", L) if status in STATUS_COLOUR else str(status)
            link = f"{district}/{s.name}.html"
            label = f"<a href='{e(link)}'>{e(text)}</a>" if (out_dir / link).exists() else e(text)
            tip = e(r.get("reason", "") or f"{r.get('duration_s', 0):.1f} s")
            cells.append(f"<td class='st' style='color:{STATUS_COLOUR.get(status, '#000')}' title='{tip}'>{label}</td>")
        files = []
        for fname, key in (("report.html", "site.report"), ("tables.xlsx", "site.workbook"), ("plan.docx", "site.plan")):
            if (out_dir / district / fname).exists():  # links only to files that exist
                files.append(f"<a href='{e(district)}/{fname}'>{e(_t(key, L))}</a>")
        reason = next((v.get("reason", "") for v in info["stages"].values() if v.get("status") == "failed"), "")
        draft = _draft(out_dir / district / "summary.json") if info["status"] == "completed" else None
        if info.get("stale"):
            changed = ", ".join(info.get("stale_inputs") or [])
            state = (f"<strong style='color:{STATE_COLOUR['stale']}'>{e(_t('site.status.stale', L))}</strong>"
                     f"<div class='why'>{_code(_t('site.stale_reason', L, files=changed, district=district))}</div>")
        elif draft is not None:  # completed on placeholders (core/drafts.py): never the green "completo"
            state = (f"<strong style='color:{STATE_COLOUR['draft']}'>{e(_t('draft.index', L))}</strong>"
                     f"<div class='why'>{e('; '.join(draft))}</div>")
        elif info["status"] == "completed":
            state = f"<strong style='color:{STATE_COLOUR['completed']}'>{e(_t('site.status.completed', L))}</strong>"
        else:
            state = (f"<strong style='color:{STATE_COLOUR['failed']}'>{e(_t('site.status.failed', L))}</strong>"
                     f"<div class='reason'>{e(reason)}</div><div class='why'>{_code(_hint(district, reason, L))}</div>")
        if district not in manifest.get("run_districts", manifest["districts"]):
            state += f"<div class='when'>{e(_t('site.from_run', L, run_id=info.get('run_id') or '?'))}</div>"
        name = info.get("name") or district
        where = (_t("site.province", L, province=info["province"], department=info.get("department") or "")
                 if info.get("province") else "")
        rows.append(f"<tr id='d-{e(district)}'><th class='name' title='{e(district)}'>{e(name)}"
                    f"{f'<br><small>{e(where)}</small>' if where else ''}</th>{''.join(cells)}"
                    f"<td class='files'>{'<br>'.join(files)}</td><td class='state'>{state}</td></tr>")
    comp = manifest["comparison"]
    compared = [manifest["districts"].get(d, {}).get("name") or d for d in manifest.get("compared", [])]
    if (out_dir / "comparison.html").exists() and comp["status"] in ("ok", "cached"):
        comp_html = f"<a href='comparison.html'>{e(_t('site.comparison', L))}</a>"
        if (out_dir / "comparison.csv").exists():
            comp_html += " · <a href='comparison.csv'>comparison.csv</a>"
        if compared:
            comp_html += f"<br><small>{e(_t('site.comparison_covers', L, n=len(compared), names=', '.join(compared)))}</small>"
    elif comp["status"] == "failed":
        comp_html = e(_t("site.comparison_failed", L, reason=comp.get("reason", "")))
    else:
        comp_html = e(_t("site.comparison_none", L))
    if (out_dir / "national" / "national.html").exists():
        comp_html += f" · <a href='national/national.html'>{e(_t('site.national', L))}</a>"
    manifest_link = (f'<a href="manifest.json">{e(_t("site.manifest", L))}</a>' if (out_dir / "manifest.json").exists()
                     else e(_t("site.manifest", L)))
    cv = manifest["code_version"]
    run_line = _t("site.run_line", L, run_id=manifest["run_id"], started=manifest["started_utc"],
                  commit=str(cv["commit"])[:12], dirty=_t("site.dirty", L) if cv.get("dirty") else "")
    twin_html = ""
    if twin:
        twin_html = (f"<p class='twin'><a href='{e(twin[0], quote=True)}' hreflang='{e(twin[2])}' "
                     f"lang='{e(twin[2])}'>{e(twin[1])}</a></p>")
    title = _t("site.title", L)
    page = f"""<!DOCTYPE html>
<html lang="{L}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1240px; margin: 1.5em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ccd; padding: 4px 6px; text-align: center; vertical-align: top; }}
thead th {{ background: #eef3f7; font-size: 0.8em; font-weight: 600; }}
thead th small {{ font-weight: normal; }}
th.name {{ text-align: left; white-space: nowrap; }} td.files, td.state {{ text-align: left; font-size: 0.9em; }}
td.files {{ white-space: nowrap; }}
td.st {{ white-space: nowrap; }} td.state {{ min-width: 16em; max-width: 30em; }}
.reason {{ white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85em; color: #5a1010; margin-top: 0.3em; }}
.why {{ font-size: 0.85em; margin-top: 0.3em; }} .when {{ font-size: 0.8em; color: #555; margin-top: 0.3em; }}
small {{ color: #555; }} p.twin {{ float: right; margin: 0; }}
</style></head><body>
{twin_html}<h1>{e(title)}</h1>
<p>{e(run_line)} · {manifest_link}</p>
<h2>{e(_t('site.comparison', L))}</h2><p>{comp_html}</p>
<h2>{e(_t('site.districts', L))}</h2>
<table><thead><tr><th>{e(_t('site.col_district', L))}</th>{head}<th>{e(_t('site.col_files', L))}</th>
<th>{e(_t('site.col_status', L))}</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<p><small>{e(_t('site.legend', L))}</small></p>
<p><small>{e(_t('site.credit', L))}</small></p>
</body></html>
"""
    path = out_dir / "index.html"
    atomic_write_text(page, path)
    return path


def write_index_in_progress(out_dir: Path, run_id: str, started_utc: str) -> Path:
    """The index while a run writes the folder: it links nothing (files are being replaced), and if
    the run is killed it says so instead of presenting the previous run's files as current."""
    from propilas.core.labels import t

    e = html.escape
    body = "".join(f"<p lang='{lang}'>{e(t('index.in_progress.body', lang, run_id=run_id, started=started_utc))}</p>\n"
                   for lang in ("es", "en"))
    title = f"{t('index.in_progress.title', 'es')} / {t('index.in_progress.title', 'en')}"
    page = f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 900px; margin: 2em auto; color: #222; }}</style>
</head><body>
<h1>{e(title)}</h1>
{body}</body></html>
"""
    path = out_dir / "index.html"
    atomic_write_text(page, path)
    return path
