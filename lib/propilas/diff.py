"""`propilas diff RUN_A RUN_B`: what changed between two runs of the same district, and why.

A reviewer comparing two report sets needs the causes before the effects: which input files
changed (SHA-256 recorded in each run's manifest), which parameters changed (the exact values
injected into the notebooks, not the YAML on disk today, which may have moved on), then the
headline figures (summary.json) and the priority ranking (priorities.csv). Everything is read
from the two output folders, so two runs made on different machines can be compared.
"""

from __future__ import annotations

from .labels import t as _labels_t

import argparse
import ast
import html
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import PropilasError

PARAM_FILES = ("params.json", "params_used.json", "params.yaml", "params_used.yaml")
PROFILE_NOTEBOOK = "00_profile.ipynb"
DEFAULT_TOP_K = 5



class DiffError(PropilasError):
    """A run folder cannot be compared (no manifest, district absent from both runs...)."""


def _t(key: str, language: str, **fmt: Any) -> str:
    return _labels_t("diff." + key, language, **fmt)


# --------------------------------------------------------------------------- reading a run


def _load_manifest(run: Path) -> dict[str, Any]:
    path = Path(run) / "manifest.json"
    if not path.exists():
        raise DiffError(f"{run}: no manifest.json; give an output folder written by `propilas run`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise DiffError(f"{path}: not valid JSON ({e})") from None


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings to dotted keys ({'water': {'x': 1}} → {'water.x': 1}); lists kept as values."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        if not obj and prefix:
            out[prefix] = {}
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    else:
        out[prefix] = obj
    return out


def params_from_notebook(path: Path) -> dict[str, Any] | None:
    """`params_data` as papermill injected it (cell tagged 'injected-parameters'), or None."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return None
    cells = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in cells if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    for cell in tagged + [c for c in cells if c not in tagged]:
        value = _assigned(cell.source, "params_data")
        if isinstance(value, dict):
            return value
    return None


def _assigned(source: str, name: str) -> Any:
    """The literal value assigned to `name` in a cell (never executed: ast.literal_eval only)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                try:
                    return ast.literal_eval(node.value)
                except ValueError:
                    return None
        return None
    marker = f"{name} = "
    if marker in source:  # a cell that does not parse as a whole: try the text after the marker
        rest = source.split(marker, 1)[1]
        for end in range(len(rest), 0, -1):
            if rest[end - 1] in "}\n":
                try:
                    return ast.literal_eval(rest[:end].strip())
                except (ValueError, SyntaxError):
                    continue
    return None


def read_run_params(run: Path, district: str) -> dict[str, Any] | None:
    """Parameters a run used: a params file in the district folder if present, else the notebook's."""
    ddir = Path(run) / district
    for name in PARAM_FILES:
        p = ddir / name
        if p.exists():
            text = p.read_text(encoding="utf-8")
            if p.suffix == ".json":
                return json.loads(text)
            import yaml

            return yaml.safe_load(text)
    nb = ddir / PROFILE_NOTEBOOK
    return params_from_notebook(nb) if nb.exists() else None


def _read_summary(run: Path, district: str) -> dict[str, Any] | None:
    p = Path(run) / district / "summary.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def _read_priorities(run: Path, district: str) -> pd.DataFrame | None:
    p = Path(run) / district / "tables" / "priorities.csv"
    if not p.exists():
        return None
    df = pd.read_csv(p, dtype={"community_id": str})
    if not {"community_id", "rank"} <= set(df.columns):
        return None
    return df


def _is_intermediate(path: str, district: str) -> bool:
    """An input that is another stage's output (`<out>/<district>/tables/x.csv`), not a user file."""
    parts = Path(path).parts
    return any(parts[i] == district and parts[i + 1] in ("tables", "summary.json")
               for i in range(len(parts) - 1))


def _input_hashes(manifest: dict[str, Any], district: str) -> dict[str, str]:
    info = manifest.get("districts", {}).get(district) or {}
    out: dict[str, str] = {}
    for rec in (info.get("stages") or {}).values():
        for path, sha in (rec.get("inputs") or {}).items():
            if not _is_intermediate(path, district):
                out[path] = sha
    return out


def _output_hashes(manifest: dict[str, Any], district: str) -> dict[str, str]:
    info = manifest.get("districts", {}).get(district) or {}
    out: dict[str, str] = {}
    for rec in (info.get("stages") or {}).values():
        for path, sha in (rec.get("outputs") or {}).items():
            if path.startswith("tables/") or path.endswith(".json"):
                out[path] = sha
    return out


# --------------------------------------------------------------------------- comparing


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)):
        return float(v)
    return None


def _same(a: Any, b: Any) -> bool:
    na, nb = _num(a), _num(b)
    if na is not None and nb is not None:
        return math.isclose(na, nb, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _compare_hashes(a: dict[str, str], b: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(set(a) | set(b)):
        if path not in b:
            rows.append({"path": path, "status": "removed", "sha_a": a[path], "sha_b": None})
        elif path not in a:
            rows.append({"path": path, "status": "added", "sha_a": None, "sha_b": b[path]})
        elif a[path] != b[path]:
            rows.append({"path": path, "status": "changed", "sha_a": a[path], "sha_b": b[path]})
    return rows


def _compare_params(a: dict[str, Any] | None, b: dict[str, Any] | None) -> list[dict[str, Any]]:
    fa, fb = flatten(a or {}), flatten(b or {})
    rows = []
    for key in sorted(set(fa) | set(fb)):
        old, new = fa.get(key), fb.get(key)
        if key in fa and key in fb and _same(old, new):
            continue
        rows.append({"key": key, "old": old, "new": new,
                     "status": "changed" if key in fa and key in fb else ("added" if key in fb else "removed")})
    return rows


def _compare_summary(a: dict[str, Any] | None, b: dict[str, Any] | None) -> tuple[list[dict], list[dict]]:
    fa, fb = flatten(a or {}), flatten(b or {})
    numeric, other = [], []
    for key in list(fa) + [k for k in fb if k not in fa]:
        old, new = fa.get(key), fb.get(key)
        if _num(old) is not None or _num(new) is not None:
            no, nn = _num(old), _num(new)
            delta = nn - no if no is not None and nn is not None else None
            numeric.append({"key": key, "old": old, "new": new, "delta": delta,
                            "changed": not _same(old, new)})
        elif not _same(old, new):
            other.append({"key": key, "old": old, "new": new})
    return numeric, other


def _top_k(*params: dict[str, Any] | None) -> int:
    for p in params:
        k = (p or {}).get("prioritisation", {}).get("top_k") if isinstance(p, dict) else None
        if isinstance(k, int) and k > 0:
            return k
    return DEFAULT_TOP_K


def _compare_ranking(a: pd.DataFrame | None, b: pd.DataFrame | None, k: int) -> dict[str, Any] | None:
    if a is None or b is None:
        return None
    ra = dict(zip(a["community_id"], pd.to_numeric(a["rank"], errors="coerce")))
    rb = dict(zip(b["community_id"], pd.to_numeric(b["rank"], errors="coerce")))
    changed = []
    for cid in sorted(set(ra) & set(rb)):
        x, y = ra[cid], rb[cid]
        if not (pd.isna(x) and pd.isna(y)) and x != y:
            changed.append({"community_id": cid, "rank_a": None if pd.isna(x) else int(x),
                            "rank_b": None if pd.isna(y) else int(y),
                            "delta": None if pd.isna(x) or pd.isna(y) else int(y - x)})
    changed.sort(key=lambda r: (-(abs(r["delta"]) if r["delta"] is not None else 10**9), r["community_id"]))
    top_a = {c for c, r in ra.items() if pd.notna(r) and r <= k}
    top_b = {c for c, r in rb.items() if pd.notna(r) and r <= k}
    return {
        "top_k": k,
        "changed": changed,
        "entered": sorted(top_b - top_a, key=lambda c: rb[c]),
        "left": sorted(top_a - top_b, key=lambda c: ra[c]),
        "only_a": sorted(set(ra) - set(rb)),
        "only_b": sorted(set(rb) - set(ra)),
        "top_a": sorted(top_a, key=lambda c: ra[c]),
        "top_b": sorted(top_b, key=lambda c: rb[c]),
    }


def diff_runs(a: Path, b: Path, district: str) -> dict[str, Any]:
    """Everything that differs for `district` between run folders `a` and `b` (plain data)."""
    a, b = Path(a), Path(b)
    ma, mb = _load_manifest(a), _load_manifest(b)
    in_a = district in ma.get("districts", {}) or (a / district).is_dir()
    in_b = district in mb.get("districts", {}) or (b / district).is_dir()
    if not in_a and not in_b:
        raise DiffError(f"district {district!r} is in neither run ({a}, {b})")
    notes: list[str] = []
    for label, ok, run in (("A", in_a, a), ("B", in_b, b)):
        if not ok:
            notes.append(f"{district} is not in run {label} ({run})")
    pa, pb = read_run_params(a, district), read_run_params(b, district)
    for label, p, run in (("A", pa, a), ("B", pb, b)):
        if p is None and (run / district).is_dir():
            notes.append(f"run {label}: parameters not found ({district}/{PROFILE_NOTEBOOK} has no injected "
                         "params_data)")
    sa, sb = _read_summary(a, district), _read_summary(b, district)
    for label, s, run in (("A", sa, a), ("B", sb, b)):
        if s is None:
            notes.append(f"run {label}: no {district}/summary.json (district not completed?)")
    headline, other = _compare_summary(sa, sb)
    qa, qb = _read_priorities(a, district), _read_priorities(b, district)
    ranking = _compare_ranking(qa, qb, _top_k(pb, pa))
    if ranking is None:
        notes.append("priorities.csv missing in one run: ranking not compared")

    def run_info(m: dict[str, Any], run: Path) -> dict[str, Any]:
        return {"path": str(run), "run_id": m.get("run_id"), "started_utc": m.get("started_utc"),
                "code_version": m.get("code_version"),
                "status": (m.get("districts", {}).get(district) or {}).get("status")}

    return {
        "district": district,
        "run_a": run_info(ma, a),
        "run_b": run_info(mb, b),
        "inputs": _compare_hashes(_input_hashes(ma, district), _input_hashes(mb, district)),
        "params": _compare_params(pa, pb) if pa is not None and pb is not None else [],
        "headline": headline,
        "summary_other": other,
        "ranking": ranking,
        "tables": _compare_hashes(_output_hashes(ma, district), _output_hashes(mb, district)),
        "notes": notes,
    }


def has_differences(d: dict[str, Any]) -> bool:
    r = d.get("ranking") or {}
    return bool(d["inputs"] or d["params"] or any(h["changed"] for h in d["headline"]) or d["summary_other"]
                or r.get("changed") or r.get("only_a") or r.get("only_b") or d.get("tables"))


# --------------------------------------------------------------------------- rendering


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if math.isnan(v):
            return "—"
        return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,d}" if abs(v) >= 10_000 else str(v)  # years and counts read as written
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _delta(v: float | None) -> str:
    if v is None:
        return "—"
    return ("+" if v > 0 else "") + (f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}")


def _code(c: Any) -> str:
    if isinstance(c, dict):
        return f"{c.get('commit', '?')}{' (dirty)' if c.get('dirty') else ''}"
    return _fmt(c)


def render_diff(d: dict[str, Any], language: str = "es") -> str:
    """Plain text for a terminal or a review comment."""
    L = language
    ra, rb = d["run_a"], d["run_b"]
    out = [_t("title", L, district=d["district"]),
           f"A: {ra['path']}  run {ra['run_id']}  {ra['started_utc'] or ''}  {_t('code', L)} {_code(ra['code_version'])}",
           f"B: {rb['path']}  run {rb['run_id']}  {rb['started_utc'] or ''}  {_t('code', L)} {_code(rb['code_version'])}",
           ""]

    def section(title: str, lines: list[str]) -> None:
        out.append(f"== {title}")
        out.extend(lines if lines else [f"  {_t('none', L)}"])
        out.append("")

    section(_t("inputs", L), [f"  {_t(r['status'], L):9s} {r['path']}" for r in d["inputs"]])
    section(_t("params", L), [f"  {r['key']}: {_fmt(r['old'])} → {_fmt(r['new'])}" for r in d["params"]])
    changed = [h for h in d["headline"] if h["changed"]]
    section(_t("headline", L), [f"  {h['key']}: {_fmt(h['old'])} → {_fmt(h['new'])} ({_delta(h['delta'])})"
                                for h in changed])
    if d["summary_other"]:
        section(_t("other", L), [f"  {o['key']}: {_fmt(o['old'])} → {_fmt(o['new'])}" for o in d["summary_other"]])
    r = d.get("ranking")
    if r is not None:
        lines = []
        if r["entered"]:
            lines.append(f"  {_t('entered', L, k=r['top_k'])}: {', '.join(r['entered'])}")
        if r["left"]:
            lines.append(f"  {_t('left', L, k=r['top_k'])}: {', '.join(r['left'])}")
        if r["changed"]:
            lines.append(f"  {_t('rank_changed', L)}:")
            lines += [f"    {c['community_id']}: {_fmt(c['rank_a'])} → {_fmt(c['rank_b'])} ({_delta(c['delta'])})"
                      for c in r["changed"]]
        if r["only_a"]:
            lines.append(f"  {_t('only_a', L)}: {', '.join(r['only_a'])}")
        if r["only_b"]:
            lines.append(f"  {_t('only_b', L)}: {', '.join(r['only_b'])}")
        section(_t("ranking", L), lines)
    section(_t("tables", L), [f"  {_t(x['status'], L):9s} {x['path']}" for x in d.get("tables", [])])
    if d["notes"]:
        section(_t("notes", L), [f"  - {n}" for n in d["notes"]])
    if not has_differences(d):
        out.append(_t("same", L))
    return "\n".join(out).rstrip() + "\n"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    e = html.escape
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def diff_html_section(d: dict[str, Any], language: str = "es") -> str:
    """One district's differences as an HTML <section> (see `diff_html` for a whole page)."""
    L, e = language, html.escape
    none = f"<p class='none'>{e(_t('none', L))}</p>"
    ra, rb = d["run_a"], d["run_b"]
    parts = [f"<section id='{e(d['district'])}'><h2>{e(_t('title', L, district=d['district']))}</h2>",
             _table(["", "run", "UTC", _t("code", L), _t("status", L)],
                    [["A", ra["run_id"] or "", ra["started_utc"] or "", _code(ra["code_version"]), ra["status"] or ""],
                     ["B", rb["run_id"] or "", rb["started_utc"] or "", _code(rb["code_version"]), rb["status"] or ""]])]
    parts.append(f"<h3>{e(_t('inputs', L))}</h3>")
    parts.append(_table([_t("file", L), _t("status", L)], [[r["path"], _t(r["status"], L)] for r in d["inputs"]])
                 if d["inputs"] else none)
    parts.append(f"<h3>{e(_t('params', L))}</h3>")
    parts.append(_table([_t("key", L), "A", "B"], [[r["key"], _fmt(r["old"]), _fmt(r["new"])] for r in d["params"]])
                 if d["params"] else none)
    parts.append(f"<h3>{e(_t('headline', L))}</h3>")
    rows = [[h["key"], _fmt(h["old"]), _fmt(h["new"]), _delta(h["delta"])] for h in d["headline"]]
    parts.append(_table([_t("key", L), "A", "B", _t("delta", L)], rows) if rows else none)
    if d["summary_other"]:
        parts.append(f"<h3>{e(_t('other', L))}</h3>")
        parts.append(_table([_t("key", L), "A", "B"],
                            [[o["key"], _fmt(o["old"]), _fmt(o["new"])] for o in d["summary_other"]]))
    r = d.get("ranking")
    if r is not None:
        parts.append(f"<h3>{e(_t('ranking', L))}</h3><ul>")
        parts.append(f"<li>{e(_t('entered', L, k=r['top_k']))}: {e(', '.join(r['entered']) or '—')}</li>")
        parts.append(f"<li>{e(_t('left', L, k=r['top_k']))}: {e(', '.join(r['left']) or '—')}</li>")
        if r["only_a"]:
            parts.append(f"<li>{e(_t('only_a', L))}: {e(', '.join(r['only_a']))}</li>")
        if r["only_b"]:
            parts.append(f"<li>{e(_t('only_b', L))}: {e(', '.join(r['only_b']))}</li>")
        parts.append("</ul>")
        parts.append(_table([_t("community", L), f"{_t('rank', L)} A", f"{_t('rank', L)} B", _t("delta", L)],
                            [[c["community_id"], _fmt(c["rank_a"]), _fmt(c["rank_b"]), _delta(c["delta"])]
                             for c in r["changed"]]) if r["changed"] else none)
    parts.append(f"<h3>{e(_t('tables', L))}</h3>")
    parts.append(_table([_t("file", L), _t("status", L)], [[x["path"], _t(x["status"], L)] for x in d["tables"]])
                 if d.get("tables") else none)
    if d["notes"]:
        parts.append(f"<h3>{e(_t('notes', L))}</h3><ul>" + "".join(f"<li>{e(n)}</li>" for n in d["notes"]) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def diff_html(diffs: dict[str, Any] | list[dict[str, Any]], language: str = "es") -> str:
    """A self-contained HTML page for one diff (dict from `diff_runs`) or several (list)."""
    items = [diffs] if isinstance(diffs, dict) else list(diffs)
    title = "PROPILAS · diff"
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;"
             "text-align:left;font-size:.92em}th{background:#eef}.none{color:#777}")
    body = "\n".join(diff_html_section(d, language) for d in items)
    return (f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{style}</style></head><body><h1>{title}</h1>\n{body}\n</body></html>\n")


# --------------------------------------------------------------------------- CLI


def _districts_of(run: Path) -> list[str]:
    m = _load_manifest(run)
    return list(m.get("districts", {}))


def cmd_diff(args: argparse.Namespace) -> int:
    from .tableio import atomic_write_text

    a, b = Path(args.run_a), Path(args.run_b)
    districts = args.districts
    if not districts:
        da, db = _districts_of(a), _districts_of(b)
        districts = [d for d in da if d in db] + [d for d in da if d not in db] + [d for d in db if d not in da]
        if not districts:
            raise DiffError(f"no districts in the manifests of {a} and {b}")
    diffs = [diff_runs(a, b, d) for d in districts]
    for d in diffs:
        language = args.language or _language(d, a, b)
        print(render_diff(d, language))
    if args.html:
        atomic_write_text(diff_html(diffs, args.language or _language(diffs[0], a, b)), Path(args.html))
        print(f"html: {args.html}")
    if args.exit_code:
        return 1 if any(has_differences(d) for d in diffs) else 0
    return 0


def _language(d: dict[str, Any], a: Path, b: Path) -> str:
    for run in (b, a):
        p = read_run_params(run, d["district"])
        if isinstance(p, dict) and p.get("language") in ("es", "en"):
            return p["language"]
    return "es"


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `propilas diff` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "diff", help="what changed between two runs (inputs, parameters, headline figures, ranking)",
        description="Compare two output folders (each with manifest.json) district by district.")
    p.add_argument("run_a", type=Path, metavar="RUN_A", help="output folder of the first (older) run")
    p.add_argument("run_b", type=Path, metavar="RUN_B", help="output folder of the second (newer) run")
    p.add_argument("districts", nargs="*", metavar="DISTRICT", help="districts to compare (default: all in either run)")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write the differences as an HTML page")
    p.add_argument("--language", choices=("es", "en"), help="text language (default: the district's)")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when there are differences (like git diff)")
    p.set_defaults(func=cmd_diff)
    return p
