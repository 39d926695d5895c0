"""Stage 06 — participatory budget and institutional plan: project sheets and municipal commitments."""

from __future__ import annotations

import pandas as pd

from propilas.method.budget_sheets import commitments, project_sheets
from propilas.core.params import DistrictParams


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """project_sheets (first `budget.sheet_years` years) and commitments from stages 0-5 tables.

    `interventions` (stage 4) is used when present for each item's served_gain (the plan table
    does not carry it); without it the sheets fall back to beneficiaries.
    """
    return {
        "project_sheets": project_sheets(inputs["investment_plan"], inputs["priorities"], inputs["gaps"],
                                         inputs["communities"], params,
                                         interventions=inputs.get("interventions")),
        "commitments": commitments(inputs["investment_plan"], inputs["sustainability"], inputs["communities"],
                                   params),
    }
