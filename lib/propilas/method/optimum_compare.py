"""Stage 5: the rule's plan beside the best plan (method/optimum.py) — the optimum table, the works
that differ, and the comparison of both plans' figures (issue 16). Money figures come from
`money.money_figures` and target years from `scheduling.target_years`: never recomputed here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.money import money_figures
from propilas.method.optimum import OptimumResult, unvalued_items
from propilas.method.served import ServedModel
from propilas.method.scheduling import PLAN_COLUMNS, target_years, trajectory

OPTIMUM_COLUMNS: list[str] = PLAN_COLUMNS + ["rule_year", "differs"]
COMPARISON_COLUMNS: list[str] = ["metric", "rule", "optimum", "difference"]
COMPARISON_METRICS: tuple[str, ...] = (
    "people_years", "water_target_year", "sanitation_target_year", "investment_total_pen",
    "funding_gap_pen", "unspent_pen", "items_funded", "items_differ", "unvalued_items", "people_years_bound",
    "proven_optimal")


def spent_by_year(plan: pd.DataFrame) -> pd.Series:
    """Soles paid per year (ATM included), from a plan's funded rows."""
    f = plan[plan["status"].eq("funded") & plan["year"].notna()]
    return f.groupby(f["year"].astype(int))["cost_pen"].sum()


def unspent_pen(plan: pd.DataFrame, params: DistrictParams) -> float:
    """Envelope money of base+1 … horizon a plan leaves unspent (Σ envelopes − Σ paid)."""
    years = range(params.base_year + 1, params.horizon_year + 1)
    total = sum(sum(params.budget.envelope_for(y).values()) for y in years)
    return float(total - plan.loc[plan["status"].eq("funded"), "cost_pen"].sum())


def optimum_table(result: OptimumResult, rule_plan: pd.DataFrame) -> pd.DataFrame:
    """tables/optimum.csv: the optimal schedule (PLAN_COLUMNS) + `rule_year` (the year the rule's
    plan finishes the item; empty if the rule leaves it unfunded) and `differs` (funded in another
    year, or funded by one plan only). ATM rows are identical in both and have differs False."""
    rf = rule_plan[rule_plan["status"].eq("funded")]
    rule_year = rf.groupby("item_id")["year"].max()
    opt = result.plan.copy()
    of = opt[opt["status"].eq("funded")].groupby("item_id")["year"].max()
    opt["rule_year"] = opt["item_id"].map(rule_year).astype(float)
    mine = opt["item_id"].map(of).astype(float)
    both_nan = mine.isna() & opt["rule_year"].isna()
    opt["differs"] = ~(both_nan | (mine == opt["rule_year"]))
    opt["differs"] = opt["differs"].astype(bool)
    return opt[OPTIMUM_COLUMNS].reset_index(drop=True)


def differing_items(optimum: pd.DataFrame) -> pd.DataFrame:
    """One row per work the two plans fund differently: item_id, community_id, intervention, service,
    item_cost_pen, rule_year, optimum_year (NaN = not funded by that plan), rank."""
    d = optimum[optimum["differs"].astype(bool) & optimum["intervention"].ne("atm")]
    if d.empty:
        return pd.DataFrame(columns=["item_id", "community_id", "intervention", "service", "item_cost_pen",
                                     "rule_year", "optimum_year", "rank"])
    opt_year = d[d["status"].eq("funded")].groupby("item_id")["year"].max()
    out = d.drop_duplicates("item_id")[["item_id", "community_id", "intervention", "service", "item_cost_pen",
                                        "rule_year", "rank"]].copy()
    out["optimum_year"] = out["item_id"].map(opt_year).astype(float)
    return out[["item_id", "community_id", "intervention", "service", "item_cost_pen", "rule_year",
                "optimum_year", "rank"]].sort_values(["rank", "item_id"], na_position="last").reset_index(drop=True)


def comparison(result: OptimumResult, rule_plan: pd.DataFrame, optimum: pd.DataFrame,
               rule_target_years: pd.DataFrame, population: pd.DataFrame, gaps: pd.DataFrame,
               interventions: pd.DataFrame, params: DistrictParams, served: ServedModel | None = None
               ) -> pd.DataFrame:
    """`metric, rule, optimum, difference` (COMPARISON_METRICS): people-years, target years (NaN =
    not met by the horizon), the money figures of `money.money_figures` for both plans, unspent
    envelope, works funded, works that differ, works whose people-years are unknown, and whether
    the optimum is proven. `difference` = optimum − rule where both are known. `served`: the district's
    served-population model (shared with the trajectory and the optimiser; built if absent)."""
    if served is None:
        served = ServedModel(population, gaps, interventions, params)
    opt_traj = trajectory(population, gaps, result.plan, interventions, params, served=served)
    opt_ty = target_years(opt_traj, result.plan, params).set_index("service")
    rule_ty = rule_target_years.set_index("service")
    m_rule, m_opt = money_figures(rule_plan), money_figures(result.plan)

    def n_funded(plan: pd.DataFrame) -> int:
        f = plan[plan["status"].eq("funded") & plan["intervention"].ne("atm")]
        return int(f["item_id"].nunique())

    unval = unvalued_items(interventions, gaps)
    ndiff = int(optimum.loc[optimum["differs"].astype(bool), "item_id"].nunique())
    vals = {
        "people_years": (served.people_years(rule_plan), result.people_years),
        "water_target_year": (rule_ty["year_met"].get("water", np.nan), opt_ty["year_met"].get("water", np.nan)),
        "sanitation_target_year": (rule_ty["year_met"].get("sanitation", np.nan),
                                   opt_ty["year_met"].get("sanitation", np.nan)),
        "investment_total_pen": (m_rule["investment_total_pen"], m_opt["investment_total_pen"]),
        "funding_gap_pen": (m_rule["funding_gap_pen"], m_opt["funding_gap_pen"]),
        "unspent_pen": (unspent_pen(rule_plan, params), unspent_pen(result.plan, params)),
        "items_funded": (n_funded(rule_plan), n_funded(result.plan)),
        "items_differ": (ndiff, ndiff),
        "unvalued_items": (unval, unval),
        "people_years_bound": (np.nan, result.bound),
        "proven_optimal": (np.nan, 1.0 if result.proven_optimal else 0.0),
    }
    rows = []
    for k in COMPARISON_METRICS:
        a, b = (np.nan if v is None else float(v) for v in vals[k])
        diff = b - a if a == a and b == b and k not in ("items_differ", "unvalued_items", "people_years_bound", "proven_optimal") else np.nan
        rows.append({"metric": k, "rule": a, "optimum": b, "difference": diff})
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    out["metric"] = out["metric"].astype(object)
    return out


def comparison_value(table: pd.DataFrame | None, metric: str, plan: str) -> float | None:
    """One figure of `optimum_comparison` (plan 'rule' or 'optimum'); None when absent or unknown."""
    if table is None or table.empty:
        return None
    row = table.loc[table["metric"].astype(str).eq(metric), plan]
    if row.empty:
        return None
    v = pd.to_numeric(row, errors="coerce").iloc[0]
    return None if v != v else float(v)
