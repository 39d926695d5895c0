"""Comparing two runs of the same district: what changed, and why (the data behind `propilas diff`).

A reviewer comparing two report sets needs the causes before the effects: which input files
changed (SHA-256 recorded in each run's manifest), which parameters changed (the exact values
injected into the notebooks, not the YAML on disk today, which may have moved on), then the
headline figures (summary.json) and the priority ranking (priorities.csv). Everything is read
from the two output folders, so two runs made on different machines can be compared.

Rendering the result as text or HTML is in `propilas.report.diff_render`; the command line
(`propilas diff RUN_A RUN_B`) in `propilas.cli.diff`.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core.errors import PropilasError
from propilas.inputs.tableio import read_run_csv

PARAM_FILES = ("params.json", "params_used.json", "params.yaml", "params_used.yaml")
PROFILE_NOTEBOOK = "00_profile.ipynb"
DEFAULT_TOP_K = 5


class DiffError(PropilasError):
    """A run folder cannot be compared (no manifest, district absent from both runs...)."""


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
    df = read_run_csv(p, dtype={"community_id": str})  # 'NA' stays a name; CSV-injection quote removed
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


def districts_of(run: Path) -> list[str]:
    """The districts recorded in a run's manifest, in manifest order."""
    m = _load_manifest(run)
    return list(m.get("districts", {}))


def diff_language(d: dict[str, Any], a: Path, b: Path) -> str:
    """The report language of the district in run B (else A) of diff `d`; 'es' when unknown."""
    for run in (b, a):
        p = read_run_params(run, d["district"])
        if isinstance(p, dict) and p.get("language") in ("es", "en"):
            return p["language"]
    return "es"
