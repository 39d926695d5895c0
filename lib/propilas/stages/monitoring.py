"""Stage 07 — monitoring: baseline, annual targets, actuals of follow-up rounds, traffic lights."""

from __future__ import annotations

import warnings
from typing import Mapping

import pandas as pd

from ..monitoring import indicators_from_tables, monitoring_table
from ..params import DistrictParams


def round_indicators(params: DistrictParams):
    """compute_round for `monitoring_table`: the stage-1/2 library run on one follow-up inventory,
    so round actuals are computed exactly as the baseline was."""

    def compute_round(communities: pd.DataFrame, water_systems: pd.DataFrame) -> Mapping[str, float]:
        from . import diagnosis, sustainability  # lazy: stages 1-2 are separate modules

        tables = {"communities": communities, "water_systems": water_systems}
        d = diagnosis.compute(tables, params)
        s = sustainability.compute(tables, params)
        return indicators_from_tables(d["water_ladder"], d["sanitation_ladder"], s["sustainability"])

    return compute_round


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """monitoring table; warnings (ignored rounds) go to `warnings.warn` and `table.attrs['warnings']`."""
    rounds = inputs.get("rounds") or {}
    table, notes = monitoring_table(inputs["water_ladder"], inputs["sanitation_ladder"], inputs["sustainability"],
                                    inputs["trajectory"], inputs["cost_by_year"], rounds, params,
                                    compute_round=round_indicators(params))
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    table.attrs["warnings"] = notes
    return {"monitoring": table}
