"""The report set as a whole (issue 13 §2-§4): which districts of earlier runs it keeps and whether
their inputs changed since (stale), the navigation of every page (index, the district's report,
previous and next stage, the same page in the other language), and the language of its pages.

A report set may exist in two languages: the first in the output folder, the other in
<output folder>/<language>/ (run/batch.run_languages); each page links to its twin when it exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from propilas.core.paths import district_dir
from propilas.core.registry import COMPARISON, STAGES
import datetime as _dt

from propilas.run.runner import DERIVED, RunConfig, StageResult


def site_language(cfg: RunConfig) -> str:
    """The language of the pages of no single district (index, comparison)."""
    from propilas.core.language import resolve_language

    return cfg.language or cfg.ui_language or resolve_language(None, {})


def _in_order(cfg: RunConfig, districts: list[str]) -> list[str]:
    """Districts in the order of params/ (the order `propilas list` shows), unknown ones last."""
    from propilas.core.params import district_ids

    try:
        known = district_ids(cfg.params_dir)
    except Exception:  # noqa: BLE001 - an unreadable params folder is reported elsewhere
        known = []
    pos = {d: i for i, d in enumerate(known)}
    return sorted(dict.fromkeys(districts), key=lambda d: (pos.get(d, len(pos)), d))


def district_identity(cfg: RunConfig, district: str) -> dict[str, Any]:
    """Name, province, department and report language of a district for the index ({} when its
    parameters cannot be read: the index then shows the id and the failure)."""
    from propilas.core.params import load_params

    try:
        p = load_params(district, cfg.params_dir)
    except Exception:  # noqa: BLE001
        return {}
    return {"name": p.name, "province": p.province, "department": p.department,
            "language": cfg.language or p.language}


def _input_files(cfg: RunConfig, district: str) -> list[Path]:
    """Everything a district's outputs are made from that is not itself an output: its data files
    and its parameter files."""
    from propilas.run.runner import data_files

    files: list[Path] = []
    for st in STAGES:
        files += data_files(cfg, district, st)
    return files + [cfg.params_dir / f"{district}.yaml", cfg.params_dir / "defaults.yaml"]


def district_input_hashes(cfg: RunConfig, district: str, results: list[StageResult] | None = None) -> dict[str, str]:
    """SHA-256 of a district's inputs as its stages read them (their recorded input hashes, outputs
    left out), plus its parameter files: what `stale_inputs` compares the files on disk with."""
    from propilas.core.provenance import hash_files

    out_dir = Path(cfg.out_dir).resolve()
    recorded: dict[str, str] = {}
    for r in results or []:
        for path, digest in (r.inputs or {}).items():
            full = Path(path) if Path(path).is_absolute() else cfg.root / path
            if not full.resolve().is_relative_to(out_dir):
                recorded[path] = digest
    params = hash_files([cfg.params_dir / f"{district}.yaml", cfg.params_dir / "defaults.yaml"], cfg.root)
    return {**hash_files(_input_files(cfg, district), cfg.root), **recorded, **params}


def stale_inputs(cfg: RunConfig, district: str, info: dict[str, Any]) -> list[str]:
    """Inputs of a district that changed (or appeared, or disappeared) since its outputs were made,
    from the hashes its manifest entry recorded; [] when it is current."""
    from propilas.core.provenance import hash_files

    recorded = dict(info.get("input_sha256") or {})
    if not recorded:  # a manifest of an earlier version: the stages' input hashes
        for st in (info.get("stages") or {}).values():
            recorded.update(st.get("inputs") or {})
    if not recorded:
        return []
    now = hash_files(_input_files(cfg, district), cfg.root)
    changed = []
    for path, digest in recorded.items():
        full = Path(path) if Path(path).is_absolute() else cfg.root / path
        if full.resolve().is_relative_to(Path(cfg.out_dir).resolve()):
            continue  # the district's own tables: outputs, not inputs
        if not full.exists():
            changed.append(path)
        elif path in now and now[path] != digest:
            changed.append(path)
        elif path not in now:
            from propilas.core.provenance import sha256_file

            if sha256_file(full) != digest:
                changed.append(path)
    changed += [path for path in now if path not in recorded]
    return sorted(dict.fromkeys(changed))


def previous_manifest(out_dir: Path) -> dict[str, Any]:
    import json

    try:
        data = json.loads((Path(out_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("districts"), dict) else {}


def district_state(cfg: RunConfig, district: str, info: dict[str, Any] | None) -> str:
    """'completed', 'failed', 'stale' (inputs changed since), or 'not_run' (no outputs on disk)."""
    if not info or not (cfg.out_dir / district).is_dir():
        return "not_run"
    if info.get("status") == "completed" and not (cfg.out_dir / district / "summary.json").exists():
        return "not_run"
    if stale_inputs(cfg, district, info):
        return "stale"
    return "completed" if info.get("status") == "completed" else "failed"


def kept_districts(cfg: RunConfig, ran: list[str]) -> dict[str, dict[str, Any]]:
    """Districts of earlier runs into this folder, not run now, whose outputs are still on disk and
    whose parameters still exist: their manifest entries, marked `stale` (with the changed inputs)
    when their inputs changed since."""
    from propilas.core.params import district_ids

    prev = previous_manifest(cfg.out_dir)
    try:
        known = set(district_ids(cfg.params_dir))
    except Exception:  # noqa: BLE001
        known = set()
    out: dict[str, dict[str, Any]] = {}
    for d, info in (prev.get("districts") or {}).items():
        if d in ran or d not in known or not isinstance(info, dict):
            continue
        state = district_state(cfg, d, info)
        if state == "not_run":
            continue
        entry = {**info, "run_id": info.get("run_id") or prev.get("run_id")}
        entry.pop("stale", None)
        entry.pop("stale_inputs", None)
        if state == "stale":
            entry["stale"] = True
            entry["stale_inputs"] = stale_inputs(cfg, d, info)
        out[d] = entry
    return out


def _trees(cfg: RunConfig) -> list[Path]:
    """The folders of the report set in each language: the top one, and <top>/<language>/."""
    from propilas.core.language import LANGUAGES

    top = Path(cfg.site_root or cfg.out_dir)
    return [top] + [top / lang for lang in LANGUAGES]


def _tree_language(tree: Path, district: str | None) -> str | None:
    m = previous_manifest(tree)
    if not m:
        return None
    info = (m.get("districts") or {}).get(district) or {} if district else {}
    return info.get("language") or m.get("language") or (m.get("site_language") if district is None else None)


def twin_page(cfg: RunConfig, page: Path, district: str | None,
              lang: str | None = None) -> tuple[str, str, str] | None:
    """(relative href, link text, language) of the same page in the report set of another language,
    when that page exists; None otherwise. `lang`: the page's language when the caller knows it."""
    import os

    from propilas.core.labels import t

    here = Path(cfg.out_dir).resolve()
    lang = lang or (district_identity(cfg, district).get("language") if district else None) or site_language(cfg)
    rel = Path(page).resolve().relative_to(here)
    for tree in _trees(cfg):
        if not tree.is_dir() or tree.resolve() == here:
            continue
        other = _tree_language(tree, district)
        if other is None or other == lang:
            continue
        target = tree / rel
        if target.exists():
            return os.path.relpath(target, Path(page).parent), t("nav.twin", lang), other
    return None


def _relink(cfg: RunConfig, page: Path, nav: str, record_dir: Path, record: str,
            result: StageResult | None = None) -> None:
    """Write the navigation into a page and keep its cache record (and this run's result) current.
    A page whose record says it already carries this bar is not read again (an unchanged re-run)."""
    import hashlib

    from propilas.core.provenance import sha256_file
    from propilas.report.htmlexport import set_nav
    from propilas.run import cache

    try:
        before = sha256_file(page)  # known already when the cache checked the stage's outputs
    except FileNotFoundError:
        return
    nav_key = hashlib.sha256(nav.encode("utf-8")).hexdigest()
    if cache.holds_nav(record_dir, record, page, before, nav_key):
        return
    changed = set_nav(page, nav)
    digest = cache.refresh_output(record_dir, record, page, before, nav_key, changed)
    if not changed:
        return
    if result is not None and digest:
        rel = str(page.relative_to(record_dir))
        if rel in result.outputs:
            result.outputs[rel] = digest


def link_district_pages(cfg: RunConfig, district: str, results: list[StageResult] | None = None) -> None:
    """Navigation of a district's pages, from the files on disk (so every link resolves): the index,
    the district's full report, the previous and next stage, the same page in the other language."""
    from propilas.core.labels import t
    from propilas.report.htmlexport import nav_html

    d = district_dir(cfg.out_dir, district)
    ident = district_identity(cfg, district)
    lang = ident.get("language") or site_language(cfg)
    name = ident.get("name") or district
    by_stage = {r.stage: r for r in results or []}
    report = d / DERIVED["report"]
    pages = [d / f"{s.name}.html" for s in STAGES]
    try:
        for i, (st, page) in enumerate(zip(STAGES, pages)):
            if not page.exists():
                continue
            links = [("../index.html", t("nav.index", lang))]
            if report.exists():
                links.append((report.name, t("nav.report", lang, district=name)))
            if i > 0 and pages[i - 1].exists():
                links.append((pages[i - 1].name, t("nav.previous", lang, stage=f"{STAGES[i - 1].id}. {STAGES[i - 1].title(lang)}")))
            if i + 1 < len(STAGES) and pages[i + 1].exists():
                links.append((pages[i + 1].name, t("nav.next", lang, stage=f"{STAGES[i + 1].id}. {STAGES[i + 1].title(lang)}")))
            nav = nav_html(links, t("nav.label", lang), twin_page(cfg, page, district, lang))
            _relink(cfg, page, nav, d, st.name, by_stage.get(st.name))
        if report.exists():
            links = [("../index.html", t("nav.index", lang))]
            if (cfg.out_dir / "comparison.html").exists():
                links.append(("../comparison.html", t("nav.comparison", lang)))
            _relink(cfg, report, nav_html(links, t("nav.label", lang), twin_page(cfg, report, district, lang)), d,
                    "report")
    except OSError:  # navigation is a convenience: an unwritable page keeps its old bar
        pass


def link_comparison_page(cfg: RunConfig, comparison: StageResult | None = None) -> None:
    from propilas.core.labels import t
    from propilas.report.htmlexport import nav_html

    page = cfg.out_dir / "comparison.html"
    lang = site_language(cfg)
    try:
        _relink(cfg, page, nav_html([("index.html", t("nav.index", lang))], t("nav.label", lang),
                                    twin_page(cfg, page, None)), cfg.out_dir, COMPARISON.name, comparison)
    except OSError:
        pass


def build_manifest(cfg: RunConfig, districts: list[str], results: dict[str, list[StageResult]],
                   comparison: StageResult, started: _dt.datetime, seconds: float,
                   kept: dict[str, dict[str, Any]] | None = None, compared: list[str] | None = None) -> dict[str, Any]:
    """This run's districts, then those kept from earlier runs (`kept_districts`), in the order of
    params/; `compared`: the districts the comparison covers. The exit code is this run's."""
    from propilas.core.provenance import code_version, package_versions
    from propilas.run.runner import FAILED, completed

    status = {d: ("completed" if completed(results[d]) else "failed") for d in districts}
    ran = {
        d: {
            "status": status[d],
            "run_id": cfg.run_id,
            **district_identity(cfg, d),
            "input_sha256": district_input_hashes(cfg, d, results[d]),
            "stages": {r.stage: {k: v for k, v in r.as_dict().items() if k not in ("district", "stage")}
                       for r in results[d]},
        }
        for d in districts
    }
    every = {**ran, **{d: info for d, info in (kept or {}).items() if d not in ran}}
    return {
        "run_id": cfg.run_id,
        "started_utc": started.isoformat(timespec="seconds"),
        "duration_s": round(seconds, 2),
        "code_version": code_version(str(cfg.root)),
        "packages": package_versions(),
        "out_dir": str(cfg.out_dir),
        "language": cfg.language,
        "site_language": site_language(cfg),
        "stages": [s.name for s in STAGES],
        "run_districts": list(districts),
        "districts": {d: every[d] for d in _in_order(cfg, list(every))},
        "compared": list(compared if compared is not None else [d for d in districts if status[d] == "completed"]),
        "comparison": comparison.as_dict(),
        "exit_code": 0 if all(v == "completed" for v in status.values()) and comparison.status != FAILED else 1,
    }


def status_table(manifest: dict[str, Any], language: str = "es") -> str:
    """Plain-text district x stage table printed at the end of a run, in the CLI's language;
    districts kept from earlier runs show their state (completed, failed, stale)."""
    from propilas.core.labels import t
    from propilas.run.runner import CACHED, FAILED, NOT_RUN, OK

    ids = [s.split("_", 1)[0] for s in manifest["stages"]]
    sym = {OK: "ok", CACHED: "=", FAILED: t("cli.run.fail", language), NOT_RUN: "-"}
    width = max([8] + [len(d) for d in manifest["districts"]])
    lines = [f"{t('cli.run.header', language):{width}s} " + " ".join(f"{i:>5s}" for i in ids)
             + "  " + t("cli.run.status_reason", language)]
    for d, info in manifest["districts"].items():
        cells = [sym.get(info["stages"].get(s, {}).get("status", NOT_RUN), "?") for s in manifest["stages"]]
        reason = next((v["reason"].splitlines()[0] for v in info["stages"].values() if v["status"] == FAILED), "")
        state = "stale" if info.get("stale") else info["status"]
        label = t(f"site.status.{state}", language)
        if d not in manifest.get("run_districts", manifest["districts"]):
            label += " (" + t("site.from_run", language, run_id=info.get("run_id") or "?") + ")"
        lines.append(f"{d:{width}s} " + " ".join(f"{c:>5s}" for c in cells) + f"  {label} {reason}".rstrip())
    c = manifest["comparison"]
    lines.append(t("cli.run.comparison", language, status=c["status"], reason=c.get("reason", "")).rstrip())
    lines.append(t("cli.run.legend", language))
    return "\n".join(lines)
