"""Upstream tables of a stage notebook run by hand (issue 14 §3).

`propilas run` executes the stages in order, each reading what the earlier ones wrote to
`outputs/<district>/tables/`. A trainer who opens `02_sustainability.ipynb` in JupyterLab, or runs
it alone with papermill, may have no such tables, or tables of another set of parameters. Then
the stage's declared upstream tables are computed here from the district's inputs, by the
registry's earlier stages (`stages/*.compute`), exactly as a run computes them.

Which tables a hand run uses:

- the runner's tables (`outputs/<district>/tables/`) when every one the stage reads exists, was
  written with the same parameters as this hand run (the parameters papermill injected into the
  runner's executed notebook of the producing stage) and is newer than every input file of the
  district: then the hand run shows the same numbers as the report;
- otherwise all of them are computed from the inputs. Each stage's tables go through the same
  CSV writer and reader as in a run (in a temporary folder, deleted afterwards), so the hand
  run's numbers are those a run with these parameters would give, to the last digit.

Nothing is written under `outputs/<district>/`: a hand run writes its own tables to the scratch
folder `outputs/_manual/<district>/` (run/context.py).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from propilas.core.params import DistrictParams
from propilas.core.paths import district_dir, output_path
from propilas.core.registry import STAGES, Stage, producer

RUNNER, COMPUTED = "runner", "computed"


@dataclass
class Upstream:
    tables: dict[str, Any]
    origin: str  # RUNNER | COMPUTED
    reason: str = ""  # why the runner's tables were not used (a catalogue key under nb.manual.)
    files: list[Path] = field(default_factory=list)


def _injected_params(out_dir: Path, district: str, stage: Stage) -> dict[str, Any] | None:
    """The parameters `propilas run` injected into its executed notebook of `stage`, or None."""
    path = district_dir(out_dir, district) / stage.notebook
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    injected = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {}
    data = injected.get("params_data")
    return data if isinstance(data, dict) else None


def _district_input_files(data_dir: Path, district: str) -> list[Path]:
    folder = Path(data_dir) / district
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def runner_tables_usable(stage: Stage, district: str, params: DistrictParams, out_dir: Path,
                         data_dir: Path, params_dir: Path) -> str:
    """'' when the runner's tables can stand for this hand run's upstream, else why not
    ('missing', 'other_params' or 'older_inputs')."""
    names = stage.table_inputs
    paths = [output_path(out_dir, district, n) for n in names]
    if not all(p.exists() for p in paths):
        return "missing"
    mine = json.loads(json.dumps(params.model_dump(mode="json"), default=str))
    for st in {producer(n) for n in names}:
        if _injected_params(out_dir, district, st) != mine:
            return "other_params"
    oldest = min(p.stat().st_mtime for p in paths)
    newer = [f for f in _district_input_files(data_dir, district)
             + [Path(params_dir) / f"{district}.yaml", Path(params_dir) / "defaults.yaml"]
             if f.exists() and f.stat().st_mtime > oldest]
    return "older_inputs" if newer else ""


def stage_inputs(stage: Stage, tables: dict[str, Any], found: Any) -> dict[str, Any]:
    """What `StageContext.inputs()` gives `stage` in a run, from in-memory tables."""
    out: dict[str, Any] = {}
    if "communities" in stage.data_inputs or "water_systems" in stage.data_inputs:
        out["validation"] = found.report()
        out.update(found.tables)
        out["data_quality"] = found.data_quality
    if "rounds" in stage.data_inputs:
        out["rounds"] = found.rounds
    for name in stage.table_inputs:
        out[name] = tables[name]
    return out


def compute_upstream(stage: Stage, district: str, params: DistrictParams, found: Any) -> dict[str, Any]:
    """Every table the stages before `stage` write, computed from the validated inputs `found`
    (inputs/validation.Inputs) with `params`; each table written and read back as in a run."""
    import importlib

    from propilas.inputs.stage_tables import read_output
    from propilas.inputs.tableio import atomic_write_json, write_canonical_csv

    tables: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="propilas-hand-run-") as tmp:
        for st in STAGES:
            if st.id >= stage.id:
                break
            module = importlib.import_module(f"propilas.stages.{st.slug}")
            result = module.compute(stage_inputs(st, tables, found), params)
            for name in st.writes:
                path = output_path(Path(tmp), district, name)
                if path.suffix == ".json":
                    atomic_write_json(result[name], path)
                else:
                    write_canonical_csv(result[name], path)
                tables[name] = read_output(Path(tmp), district, name)
    return tables
