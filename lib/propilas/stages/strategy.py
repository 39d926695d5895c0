"""Stage 03: strategy — targets, gaps per community and district gap indicators (METHOD §3)."""

from __future__ import annotations

import pandas as pd

from propilas.method.gaps import compute_gaps, gap_indicators, targets_table
from propilas.core.params import DistrictParams


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """Writes targets, gaps, gap_indicators (pure: no file I/O)."""
    gaps = compute_gaps(inputs["communities"], inputs["water_systems"], inputs["population"],
                        inputs["water_ladder"], inputs["sanitation_ladder"],
                        inputs["sustainability"], params)
    indicators = gap_indicators(gaps)
    targets = targets_table(indicators, inputs["sustainability"], params)
    return {"targets": targets, "gaps": gaps, "gap_indicators": indicators}
