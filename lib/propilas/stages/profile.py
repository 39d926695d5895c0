"""Stage 00: district profile and data check."""

from __future__ import annotations

from typing import Any

import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.data_quality import data_quality_table, field_checklist
from propilas.method.population import community_projection, district_population


def compute(inputs: dict[str, Any], params: DistrictParams) -> dict[str, Any]:
    """Validated inputs become the canonical tables every later stage reads."""
    communities: pd.DataFrame = inputs["communities"]
    systems: pd.DataFrame = inputs["water_systems"]
    return {
        "communities": communities,
        "water_systems": systems,
        "population": community_projection(communities, params),
        "district_population": district_population(communities, params),
        "validation": inputs.get("validation", pd.DataFrame(columns=["severity", "file", "sheet", "row", "column",
                                                                      "value", "rule"])),
        # issue 11: what the importer found in the published records, and what to collect per community
        "data_quality": data_quality_table(inputs.get("data_quality")),
        "field_checklist": field_checklist(communities, systems, inputs.get("data_quality")),
    }
