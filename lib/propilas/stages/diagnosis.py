"""Stage 01 — diagnosis of services: JMP water and sanitation ladders per community and district."""

from __future__ import annotations

import pandas as pd

from propilas.method.ladders import district_ladder, sanitation_ladder, water_ladder
from propilas.core.params import DistrictParams


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """water_ladder, sanitation_ladder, ladder_district, system_flags from the canonical tables."""
    communities, systems = inputs["communities"], inputs["water_systems"]
    water, flags = water_ladder(communities, systems, params)
    sanitation = sanitation_ladder(communities)
    return {
        "water_ladder": water,
        "sanitation_ladder": sanitation,
        "ladder_district": district_ladder(water, sanitation),
        "system_flags": flags,
    }
