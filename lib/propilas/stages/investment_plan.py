"""Stage 05: investment plan — schedule, cost by year and source, trajectory, target years."""

from __future__ import annotations

import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.scheduling import schedule, target_years, trajectory


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """Writes investment_plan, cost_by_year, trajectory, target_years (pure: no file I/O)."""
    plan, cost = schedule(inputs["interventions"], inputs["priorities"], params)
    traj = trajectory(inputs["population"], inputs["gaps"], plan, inputs["interventions"], params)
    return {"investment_plan": plan, "cost_by_year": cost, "trajectory": traj,
            "target_years": target_years(traj, plan, params)}
