"""Issue 16: a district's named scenarios — its parameters with a scenario's overrides, checked
like params (an unknown or forbidden key, or a value out of range, is an error naming
`scenarios.<name>.overrides.<key>` in the district's file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from propilas.core.errors import ParamsError
from propilas.core.messages import Msg
from propilas.core.params import DISTRICT_ID, DistrictParams
from propilas.core.safetext import quote

# A scenario may not change who the district is, the run's machinery or the report language.
SCENARIO_FORBIDDEN: tuple[str, ...] = ("district", "name", "ubigeo", "department", "province", "scenarios",
                                       "placeholders", "run", "language", "report")
# Mappings a scenario replaces whole (weights must still sum to 1); every other mapping merges key by
# key, so `budget: {envelope: {regional: 200000}}` changes the regional envelope only.
SCENARIO_REPLACE_WHOLE = frozenset({"weights", "census", "workshop"})


def _merge_scenario(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in SCENARIO_REPLACE_WHOLE:
            out[k] = _merge_scenario(out[k], v)
        else:
            out[k] = v
    return out


def scenario_params(params: DistrictParams, name: str, path: Path | str | None = None) -> DistrictParams:
    """The district's parameters with scenario `name`'s overrides applied, checked like params:
    an unknown or forbidden key, or a value out of range, raises ParamsError naming
    `scenarios.<name>.overrides.<key>` in the district's file."""
    import json

    where = Path(path) if path else Path(f"params/{params.district}.yaml")
    if not DISTRICT_ID.match(name):
        raise ParamsError(Msg("val.scen.name", where=str(where), name=quote(name)))
    sc = params.scenarios[name]
    overrides = json.loads(json.dumps(sc.overrides, default=str))  # year keys as text, like the dump
    bad = [k for k in overrides if k in SCENARIO_FORBIDDEN]
    if bad:
        raise ParamsError(Msg("val.scen.forbidden", where=str(where), name=name, key=bad[0],
                              keys=", ".join(repr(b) for b in bad)))
    merged = _merge_scenario(params.model_dump(mode="json"), overrides)
    try:
        out = DistrictParams.model_validate(merged)
    except ValidationError as e:
        from propilas.core.params_yaml import problem_list, pydantic_problems

        raise ParamsError(problem_list(Msg("val.scen.problems", where=str(where), name=repr(name), n=e.error_count()),
                                       pydantic_problems(e, f"scenarios.{name}.overrides."))) from None
    return out


def check_scenarios(params: DistrictParams, path: Path | str | None = None) -> dict[str, DistrictParams]:
    """Every scenario of the district built and checked: {name: its parameters}."""
    return {name: scenario_params(params, name, path) for name in params.scenarios}
