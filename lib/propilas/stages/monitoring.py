"""Stage 07 — monitoring: baseline, annual targets, actuals of follow-up rounds, traffic lights."""

from __future__ import annotations

import warnings
from typing import Mapping

import pandas as pd

from propilas.method.monitoring import indicators_from_tables, monitoring_table
from propilas.core.params import DistrictParams


def round_indicators(params: DistrictParams):
    """compute_round for `monitoring_table`: the stage-1/2 library run on one follow-up inventory,
    so round actuals are computed exactly as the baseline was."""

    def compute_round(communities: pd.DataFrame, water_systems: pd.DataFrame) -> Mapping[str, float]:
        from propilas.stages import diagnosis, sustainability  # lazy: stages 1-2 are separate modules

        tables = {"communities": communities, "water_systems": water_systems}
        d = diagnosis.compute(tables, params)
        s = sustainability.compute(tables, params)
        out = indicators_from_tables(d["water_ladder"], d["sanitation_ladder"], s["sustainability"])
        out["water_served_pct"] = served_share(communities, water_systems, d, s["sustainability"], params)
        return out

    return compute_round


def served_share(communities: pd.DataFrame, water_systems: pd.DataFrame, diagnosis_tables: Mapping,
                 sustainability_table: pd.DataFrame, params: DistrictParams) -> float:
    """The plan's water measure (stage 3 served population) on a follow-up inventory, as a share of
    its communities' population: the same definition as the trajectory's targets."""
    from propilas.method.gaps import compute_gaps

    pop = pd.concat([pd.DataFrame({"community_id": communities["community_id"], "year": y,
                                   "population": communities["population"].astype(float)})
                     for y in (params.base_year, params.horizon_year)], ignore_index=True)
    gaps = compute_gaps(communities, water_systems, pop, diagnosis_tables["water_ladder"],
                        diagnosis_tables["sanitation_ladder"], sustainability_table, params)
    w = gaps[(gaps["service"] == "water") & gaps["served_base"].notna()]
    total = float(w["population_base"].sum())
    return 100.0 * float(w["served_base"].sum()) / total if total > 0 else float("nan")


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
