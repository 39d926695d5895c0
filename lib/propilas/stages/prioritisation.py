"""Stage 04: candidate interventions, community priorities and their weight sensitivity."""

from __future__ import annotations

import pandas as pd

from propilas.method.interventions import choose_interventions
from propilas.core.params import DistrictParams
from propilas.method.prioritisation import norm_matrix, priorities, sensitivity


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """Writes interventions, priorities (with p_top_k), sensitivity, robustness."""
    items = choose_interventions(inputs["communities"], inputs["water_systems"],
                                 inputs["sustainability"], inputs["water_ladder"],
                                 inputs["sanitation_ladder"], inputs["gaps"], params)
    prio = priorities(inputs["communities"], inputs["sustainability"], inputs["gaps"], items, params)
    sens, robust = sensitivity(norm_matrix(prio), params,
                               tiebreak=prio.set_index("community_id")["total_gap"])
    prio["p_top_k"] = prio["community_id"].map(sens.set_index("community_id")["p_top_k"]).astype(float)
    items.attrs = {}  # attrs do not survive CSV; the flags column carries the information
    return {"interventions": items, "priorities": prio, "sensitivity": sens, "robustness": robust}
