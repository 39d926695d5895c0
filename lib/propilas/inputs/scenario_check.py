"""Issue 16: a district's named scenarios checked like its params, as validation problems."""

from __future__ import annotations

from pathlib import Path

from propilas.core.errors import ParamsError
from propilas.core.params import DistrictParams
from propilas.inputs.tableio import Problem


def scenario_problems(params: DistrictParams | None, params_file: Path | str) -> list[Problem]:
    """Issue 16: every named scenario of the district built with its overrides and checked like
    params (core/scenarios.check_scenarios); one error per scenario that cannot be built, naming
    `scenarios.<name>.overrides.<key>`. Kept apart from `load_inputs` so a broken what-if never
    stops the district's own run; `propilas validate` and the scenario runner report them."""
    from propilas.core.scenarios import scenario_params

    out: list[Problem] = []
    if params is None:
        return out
    for name in params.scenarios:
        try:
            scenario_params(params, name, params_file)
        except ParamsError as e:
            out.append(Problem("error", str(params_file), None, None, None, e.msg or str(e)))
    return out
