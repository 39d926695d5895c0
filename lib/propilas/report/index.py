"""outputs/index.html: district x stage status with links; failures show their reason."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from propilas.core.registry import COMPARISON, STAGES
from propilas.inputs.tableio import atomic_write_text

STATUS_STYLE = {
    "ok": ("#2e7d32", "ok"), "cached": ("#558b2f", "ok (=)"), "failed": ("#c62828", "FALLÓ / FAILED"),
    "not_run": ("#9e9e9e", "—"),
}


def _t(key: str, language: str) -> str:
    from propilas.core.labels import t

    return t(key, language)


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


def write_index(out_dir: Path, manifest: dict[str, Any]) -> Path:
    e = html.escape
    head = "".join(f"<th title='{e(s.title_en)}'>{e(s.id)}<br><small>{e(s.title_es)}</small></th>" for s in STAGES)
    rows = []
    for district, info in manifest["districts"].items():
        cells = []
        for s in STAGES:
            r = info["stages"].get(s.name, {"status": "not_run"})
            colour, text = STATUS_STYLE.get(r["status"], ("#000", r["status"]))
            link = f"{district}/{s.name}.html"
            exists = (out_dir / link).exists()
            label = f"<a href='{e(link)}'>{e(text)}</a>" if exists else e(text)
            tip = e(r.get("reason", "") or f"{r.get('duration_s', 0):.1f} s")
            cells.append(f"<td style='color:{colour}' title='{tip}'>{label}</td>")
        reason = next((v["reason"] for v in info["stages"].values() if v["status"] == "failed"), "")
        report = out_dir / district / "report.html"
        rep = f"<a href='{e(district)}/report.html'>report.html</a>" if report.exists() else ""
        if (out_dir / district / "tables.xlsx").exists():
            rep += f"<br><a href='{e(district)}/tables.xlsx'>tables.xlsx</a>"
        if (out_dir / district / "plan.docx").exists():  # the plan the council approves (report/plan_document.py)
            rep += f"<br><a href='{e(district)}/plan.docx'>plan.docx</a>"
        draft = _draft(out_dir / district / "summary.json") if info["status"] == "completed" else None
        if draft is not None:  # completed on placeholders (core/drafts.py): never the green "completo"
            state = (f"<span style='color:#b26a00;font-weight:bold'>{e(_t('draft.index', 'es'))} / "
                     f"{e(_t('draft.index', 'en'))}</span><br><small>{e('; '.join(draft))}</small>")
        else:
            state = ("<span style='color:#2e7d32'>completo / completed</span>" if info["status"] == "completed"
                     else f"<span style='color:#c62828'>falló / failed</span><br><small>{e(reason)}</small>")
        rows.append(f"<tr><th style='text-align:left'>{e(district)}</th>{''.join(cells)}<td>{rep}</td><td>{state}</td></tr>")
    comp = manifest["comparison"]
    comp_link = ("<a href='comparison.html'>comparison.html</a>"
                 + (" · <a href='comparison.csv'>comparison.csv</a>" if (out_dir / "comparison.csv").exists() else "")
                 if (out_dir / "comparison.html").exists() and comp["status"] in ("ok", "cached")
                 else e(f"{comp['status']}: {comp.get('reason', '')}"))
    manifest_link = ("<a href=\"manifest.json\">manifest.json</a>" if (out_dir / "manifest.json").exists()
                     else "manifest.json")  # links only to files that exist
    national = (" · <a href='national/national.html'>nacional / national (SIASAR)</a>"
                if (out_dir / "national" / "national.html").exists() else "")
    cv = manifest["code_version"]
    page = f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>PROPILAS — report set {e(manifest['run_id'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccd; padding: 4px 8px; text-align: center; }}
thead th {{ background: #eef3f7; font-size: 0.85em; }} small {{ color: #555; }}
</style></head><body>
<h1>PROPILAS — planes distritales de agua y saneamiento rural / district water and sanitation plans</h1>
<p>Ejecución / run <code>{e(manifest['run_id'])}</code> · {e(manifest['started_utc'])} ·
código / code <code>{e(str(cv['commit'])[:12])}</code>{' (modificado / dirty)' if cv.get('dirty') else ''} ·
{manifest_link}</p>
<h2>Comparación / comparison</h2><p>{comp_link}{national}</p>
<h2>Distritos × etapas / districts × stages</h2>
<table><thead><tr><th>distrito / district</th>{head}<th>informe / report</th><th>estado / status</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<p><small>ok = ejecutado / executed; ok (=) = sin cambios desde la última ejecución / unchanged since the last run;
— = no ejecutado porque falló una etapa anterior / not run because an earlier stage failed.</small></p>
<p><small>Datos reales de sistemas: SIASAR Perú vía openwashdata/portawaterperu (Judah, Loos &amp; Zhong 2024), CC BY 4.0.
Las filas ilustrativas están marcadas en cada informe. / Real system data: SIASAR Peru via openwashdata, CC BY 4.0;
illustrative rows are marked in every report.</small></p>
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
