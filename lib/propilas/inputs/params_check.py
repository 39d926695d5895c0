"""What validation checks in a district's parameters file besides loading it (inputs/validation.py):
the placeholders `propilas new` left (census of 1, ubigeo 000000, TODO text) and the loader's notes
as warnings, a ubigeo that is not the district the names say as an error; and the row limit of the
input files (`inputs.max_rows`) even when the district's parameters do not load.
"""

from __future__ import annotations

from pathlib import Path

from propilas.core.messages import Msg
from propilas.core.params import DistrictParams
from propilas.inputs.consistency import PLACEHOLDER_CENSUS
from propilas.inputs.tableio import Problem


def _max_rows(params: DistrictParams | None, params_dir: Path) -> int:
    """inputs.max_rows of the district, or of defaults.yaml when the district's params do not load."""
    if params is not None:
        return params.inputs.max_rows
    from propilas.core.params import InputParams, load_defaults

    try:
        return InputParams.model_validate(load_defaults(params_dir)["inputs"]).max_rows
    except Exception:  # defaults unreadable too: that error is already reported; keep the schema bound
        return int(next(m.le for m in InputParams.model_fields["max_rows"].metadata if hasattr(m, "le")))


def _params_warnings(params: DistrictParams, path: Path) -> list[Problem]:
    """Placeholders left by `propilas new` (census of 1, ubigeo 000000, TODO text) are flagged."""
    out = [Problem("warning", n["file"], None, n["key"], n["value"], n["rule"]) for n in params.load_notes]
    for year, pop in params.census_known.items():
        if pop < PLACEHOLDER_CENSUS:
            out.append(Problem("warning", str(path), None, f"census.{year}", pop, Msg("val.params.census_placeholder")))
    if params.ubigeo == "000000":
        out.append(Problem("warning", str(path), None, "ubigeo", params.ubigeo, Msg("val.params.ubigeo_placeholder")))
    if "TODO" in params.name or (params.workshop and "TODO" in params.workshop.vision):
        out.append(Problem("warning", str(path), None, "workshop", "TODO", Msg("val.params.todo")))
    # issue 11: the ubigeo must be the district the names say (district reference table)
    from propilas.inputs.reference import ReferenceError, names_problem

    try:
        why = names_problem(params.ubigeo, params.name, params.department, params.province)
    except ReferenceError:
        why = None  # no reference table in this project: nothing to check against
    if why:
        out.append(Problem("error", str(path), None, "ubigeo", params.ubigeo, why))
    return out
