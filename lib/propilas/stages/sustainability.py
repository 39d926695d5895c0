"""Stage 02 — sustainability of water systems: the PROPILAS index per system and class counts."""

from __future__ import annotations

import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.sustainability import class_counts, sustainability_table


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """sustainability and sustainability_by_class from the canonical tables."""
    table = sustainability_table(inputs["communities"], inputs["water_systems"], params)
    return {"sustainability": table, "sustainability_by_class": class_counts(table)}
