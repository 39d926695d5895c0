"""Stage 05: investment plan — schedule, cost by year and source, trajectory, target years."""

from __future__ import annotations

import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.scheduling import schedule, target_years, trajectory


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, pd.DataFrame]:
    """Writes investment_plan, cost_by_year, trajectory, target_years, and beside the rule's plan the
    best plan for the same budget (issue 16): optimum (the schedule) and optimum_comparison (pure)."""
    from propilas.method import optimum, optimum_compare
    from propilas.method.served import ServedModel

    plan, cost = schedule(inputs["interventions"], inputs["priorities"], params)
    # one served-population model for the three plans measured here (rule, optimum, no works)
    served = ServedModel(inputs["population"], inputs["gaps"], inputs["interventions"], params)
    traj = trajectory(inputs["population"], inputs["gaps"], plan, inputs["interventions"], params, served=served)
    ty = target_years(traj, plan, params)
    best = optimum.optimise(inputs["interventions"], inputs["priorities"], inputs["population"], inputs["gaps"],
                            params, plan, served=served)
    table = optimum_compare.optimum_table(best, plan)
    comp = optimum_compare.comparison(best, plan, table, ty, inputs["population"], inputs["gaps"], inputs["interventions"],
                                      params, served=served)
    return {"investment_plan": plan, "cost_by_year": cost, "trajectory": traj, "target_years": ty,
            "optimum": table, "optimum_comparison": comp}
