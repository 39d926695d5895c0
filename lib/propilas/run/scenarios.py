"""Issue 16: run a district's named scenarios, each into outputs/<district>/scenarios/<name>/, and
write outputs/<district>/scenarios.html beside them.

Incremental: an override touches stages from a known one on (`first_stage`: budget, scheduling
or optimum → stage 05; only budget.sheet_years → 06; prioritisation, interventions or unit costs
→ 04; targets or the workshop → 03; sustainability → 02; water → 01; anything else → 00). The
stages before it compute exactly what the base run computed, so they run with the *base*
parameters: the base district's outputs and cache records are copied in, and the stage cache
(run/cache.py, unchanged) serves them as hits. A scenario runs in its own work folder
`scenarios/<name>/.run/<district>/` (the layout of a district run, so the cache keys — notebook,
library, parameters, input files by their last three path parts — equal the base's); its tables,
summary.json and stage pages are then published to `scenarios/<name>/`.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any, Mapping

from propilas.core.errors import PropilasError
from propilas.core.paths import district_dir, stage_outputs
from propilas.core.registry import STAGES, Stage
from propilas.run import cache
from propilas.run.runner import (CACHED, FAILED, NOT_RUN, OK, RunConfig, StageResult, check_writable, clear_stage,
                                 notebook_paths, run_stage, stage_is_fresh, data_files, upstream_files, _write_log)

# first stage (its id) an override of a top-level key touches; every other key → "00"
FIRST_STAGE: dict[str, str] = {
    "budget": "05", "scheduling": "05", "optimum": "05",
    "prioritisation": "04", "interventions": "04", "unit_costs": "04",
    "targets": "03", "workshop": "03",
    "sustainability": "02",
    "water": "01",
}
SHEET_ONLY = "sheet_years"   # budget.sheet_years alone → stage 06 (the project sheets)


def first_stage(overrides: Mapping[str, Any]) -> int:
    """Index in STAGES of the first stage a scenario's overrides touch (module doc)."""
    ids = [s.id for s in STAGES]
    firsts = []
    for key, value in overrides.items():
        if key == "budget" and isinstance(value, Mapping) and value and set(value) <= {SHEET_ONLY}:
            firsts.append("06")
        else:
            firsts.append(FIRST_STAGE.get(key, "00"))
    return min(ids.index(f) for f in firsts) if firsts else 0


def scenario_dir(out_dir: Path, district: str, name: str) -> Path:
    return district_dir(out_dir, district) / "scenarios" / name


def scenario_config(cfg: RunConfig, district: str, name: str) -> RunConfig:
    """The run configuration of a scenario's work folder (a district layout under .run/)."""
    return dataclasses.replace(cfg, out_dir=scenario_dir(cfg.out_dir, district, name) / ".run")


def _stage_files(cfg: RunConfig, district: str, stage: Stage) -> list[Path]:
    return stage_outputs(cfg.out_dir, district, stage) + list(notebook_paths(cfg, district, stage))


def _seed(cfg: RunConfig, wcfg: RunConfig, district: str, stage: Stage, base_data: dict[str, Any]) -> None:
    """Copy the base district's outputs and cache record of `stage` into the scenario's work
    folder, when the base's are current and the scenario's are not (then the stage is a hit)."""
    inputs = data_files(cfg, district, stage) + upstream_files(cfg, district, stage)
    key = cache.stage_key(cfg.notebooks_dir / stage.notebook, base_data, inputs)
    if not stage_is_fresh(cfg, district, stage, key):
        return
    w_inputs = data_files(wcfg, district, stage) + upstream_files(wcfg, district, stage)
    w_key = cache.stage_key(wcfg.notebooks_dir / stage.notebook, base_data, w_inputs)
    if stage_is_fresh(wcfg, district, stage, w_key):
        return
    src_dir, dst_dir = district_dir(cfg.out_dir, district), district_dir(wcfg.out_dir, district)
    for p in _stage_files(cfg, district, stage):
        q = dst_dir / p.relative_to(src_dir)
        q.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, q)
    q = cache.record_path(dst_dir, stage.name)
    q.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(cache.record_path(src_dir, stage.name), q)


def _publish(wcfg: RunConfig, district: str, dest: Path, completed: bool) -> None:
    """tables/, summary.json and the stage pages of the work folder → scenarios/<name>/; a
    scenario that did not complete keeps none of them (nothing stale shown as current)."""
    for old in [dest / "tables", dest / "summary.json", *dest.glob("[0-9][0-9]_*.html")]:
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
    if not completed:
        return
    src = district_dir(wcfg.out_dir, district)
    shutil.copytree(src / "tables", dest / "tables")
    for p in [src / "summary.json", *sorted(src.glob("[0-9][0-9]_*.html"))]:
        if p.exists():
            shutil.copy2(p, dest / p.name)


def run_scenario(district: str, name: str, cfg: RunConfig, base_data: dict[str, Any], sc_data: dict[str, Any],
                 first: int, kernel: str, timeout: int) -> list[StageResult]:
    """Every stage of one scenario in its work folder: before `first` with the base parameters
    (seeded from the base run: cache hits), from `first` on with the scenario's."""
    from propilas.run.kernel import _KernelPool

    wcfg = scenario_config(cfg, district, name)
    check_writable(district_dir(wcfg.out_dir, district))
    results: list[StageResult] = []
    pool = _KernelPool(kernel, cfg.root)
    failed = False
    try:
        for i, st in enumerate(STAGES):
            if failed:
                clear_stage(wcfg, district, st)
                results.append(StageResult(district, st.name, NOT_RUN, reason="earlier stage failed"))
                continue
            data = base_data if i < first else sc_data
            if i < first:
                _seed(cfg, wcfg, district, st, base_data)
            res = run_stage(wcfg, district, st, data, kernel, timeout, pool)
            results.append(res)
            failed = res.status == FAILED
    finally:
        pool.discard()
    _write_log(wcfg, district, results)
    _publish(wcfg, district, scenario_dir(cfg.out_dir, district, name),
             all(r.status in (OK, CACHED) for r in results))
    return results


def run_scenarios(district: str, cfg: RunConfig, names: list[str] | None = None) -> dict[str, list[StageResult]]:
    """Run the district's scenarios (all, or `names`) and write scenarios.html; raises
    PropilasError naming the file and key when a scenario's overrides are not valid."""
    from propilas.core.params import load_params
    from propilas.inputs.scenario_check import scenario_problems
    from propilas.report.scenarios_report import write_scenarios_report

    params = load_params(district, cfg.params_dir)
    bad = scenario_problems(params, cfg.params_dir / f"{district}.yaml")
    if bad:
        raise PropilasError("\n".join(p.rule for p in bad))
    from propilas.core.scenarios import check_scenarios

    built = check_scenarios(params, cfg.params_dir / f"{district}.yaml")
    if cfg.language:
        params = params.model_copy(update={"language": cfg.language})
        built = {k: v.model_copy(update={"language": cfg.language}) for k, v in built.items()}
    unknown = [n for n in (names or []) if n not in built]
    if unknown:
        raise PropilasError(f"{cfg.params_dir / f'{district}.yaml'}: no scenario {unknown[0]!r}; "
                            f"declared: {', '.join(built) or 'none'}")
    base_data = params.model_dump(mode="json")
    kernel = cfg.kernel or params.run.kernel
    out: dict[str, list[StageResult]] = {}
    for name, sp in built.items():
        if names and name not in names:
            continue
        first = first_stage(params.scenarios[name].overrides)
        out[name] = run_scenario(district, name, cfg, base_data, sp.model_dump(mode="json"), first, kernel,
                                 params.run.cell_timeout_s)
    write_scenarios_report(cfg.out_dir, district, params, built, out)
    return out
