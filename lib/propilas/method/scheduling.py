"""Stage 5: schedule the candidate interventions within the yearly budget envelope.

Why this greedy rule: it is what a municipal planning team can do by hand in the participatory
budget workshop and check line by line — the technical unit (ATM) is paid first because without
it nothing else is sustained, then communities are served in priority order, and an item is
only programmed in a year whose remaining envelope covers it whole (Invierte.pe programmes
whole investments; there is no splitting across years and no carry-over of unspent money).
Sources are charged in the order `budget.sources` lists them, so the municipal money is used
first and the co-financing rows show what each level of government is asked for.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams

# Money tolerance in soles when comparing a cost with a remaining envelope (float sums).
EPS_PEN: float = 1e-6

PLAN_COLUMNS: list[str] = [
    "item_id", "year", "community_id", "system_id", "intervention", "service", "cost_pen",
    "source", "beneficiaries", "rank", "status", "item_cost_pen",
]
COST_COLUMNS: list[str] = ["year", "source", "envelope_pen", "spent_pen", "remaining_pen"]
TRAJECTORY_COLUMNS: list[str] = ["year", "service", "population", "population_served",
                                 "coverage_pct", "population_covered_pct"]
TARGET_YEAR_COLUMNS: list[str] = ["service", "target_pct", "year_met", "coverage_horizon_pct",
                                  "funding_gap_pen", "funding_gap_total_pen", "unpriced_items"]


def _charge(remaining: dict[str, float], amount: float, sources: list[str]) -> list[tuple[str, float]]:
    """Take `amount` from the sources in order; caller has checked the pooled total covers it."""
    out: list[tuple[str, float]] = []
    left = amount
    for s in sources:
        if left <= EPS_PEN:
            break
        take = min(remaining[s], left)
        if take > 0:
            out.append((s, take))
            remaining[s] -= take
            left -= take
    if not out:  # a zero-cost item still gets one row
        out.append((sources[0], 0.0))
    return out


def ordered_items(interventions: pd.DataFrame, priorities: pd.DataFrame,
                  params: DistrictParams) -> pd.DataFrame:
    """Items in funding order: community rank, then params.interventions.order, then item_id.
    Items of a community without a rank go last."""
    rank = priorities.set_index("community_id")["rank"]
    order = {code: i for i, code in enumerate(params.interventions.order)}
    items = interventions.copy()
    items["rank"] = items["community_id"].map(rank).astype(float)
    items["_r"] = items["rank"].fillna(np.inf)
    items["_o"] = items["intervention"].map(order).fillna(len(order))
    items = items.sort_values(["_r", "_o", "item_id"], kind="stable")
    return items.drop(columns=["_r", "_o"]).reset_index(drop=True)


def schedule(interventions: pd.DataFrame, priorities: pd.DataFrame,
             params: DistrictParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`(investment_plan, cost_by_year)` for years base+1 … horizon.

    Each year: the ATM (unit_costs.atm_per_year) first — if the pooled envelope cannot cover it,
    that year's ATM row is 'unfunded' (with its year) and counts in the funding gap; then each
    not-yet-funded item in funding order is funded if its whole cost ≤ the remaining pooled
    envelope, else the next is tried. One plan row per item × source charged (cost_pen = the
    amount from that source; item_cost_pen = the whole item). Items never funded: one row,
    year NaN, source None, status 'unfunded'. An item whose cost is unknown (NaN) is never
    funded. beneficiaries repeat on each source row of an item: count them per item_id.
    """
    sources = list(params.budget.sources)
    atm = float(params.unit_costs.atm_per_year)
    items = ordered_items(interventions, priorities, params)
    rows: list[dict[str, Any]] = []
    cost_rows: list[dict[str, Any]] = []
    funded: set[str] = set()
    recs = items.to_dict("records")

    def row(it: dict[str, Any], year: float, source: str | None, amount: float, status: str) -> dict:
        return {"item_id": it["item_id"], "year": year, "community_id": it["community_id"],
                "system_id": it["system_id"], "intervention": it["intervention"],
                "service": it["service"], "cost_pen": amount, "source": source,
                "beneficiaries": it["beneficiaries"], "rank": it["rank"], "status": status,
                "item_cost_pen": it["cost_pen"]}

    for year in range(params.base_year + 1, params.horizon_year + 1):
        env = params.budget.envelope_for(year)
        remaining = dict(env)
        atm_item = {"item_id": f"atm-{year}", "community_id": None, "system_id": None,
                    "intervention": "atm", "service": "management", "beneficiaries": 0.0,
                    "rank": np.nan, "cost_pen": atm}
        if atm <= sum(remaining.values()) + EPS_PEN:
            for s, amount in _charge(remaining, atm, sources):
                rows.append(row(atm_item, float(year), s, amount, "funded"))
        else:
            rows.append(row(atm_item, float(year), None, atm, "unfunded"))
        for it in recs:
            cost = it["cost_pen"]
            if it["item_id"] in funded or cost is None or math.isnan(cost):
                continue
            if cost <= sum(remaining.values()) + EPS_PEN:
                funded.add(it["item_id"])
                for s, amount in _charge(remaining, cost, sources):
                    rows.append(row(it, float(year), s, amount, "funded"))
        for s in sources:
            rem = max(0.0, remaining[s])
            cost_rows.append({"year": year, "source": s, "envelope_pen": env[s],
                              "spent_pen": env[s] - rem, "remaining_pen": rem})
    for it in recs:
        if it["item_id"] not in funded:
            rows.append(row(it, np.nan, None, it["cost_pen"], "unfunded"))

    plan = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    for col in ("item_id", "community_id", "system_id", "intervention", "service", "source", "status"):
        plan[col] = pd.Series([None if v is None or pd.isna(v) else str(v) for v in plan[col]],
                              index=plan.index, dtype=object)
    for col in ("year", "cost_pen", "beneficiaries", "rank", "item_cost_pen"):
        plan[col] = plan[col].astype(float)
    cost = pd.DataFrame(cost_rows, columns=COST_COLUMNS)
    cost["year"] = cost["year"].astype("int64")
    cost["source"] = cost["source"].astype(object)
    return plan, cost


def trajectory(population: pd.DataFrame, gaps: pd.DataFrame, investment_plan: pd.DataFrame,
               interventions: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """Served population and coverage per year (base … horizon) and service.

    population_served(y) = Σ_c min(cap_c, served_base_c + Σ served_gain of c's items funded in a
    year < y), cap_c = max over years of P_c, so it never decreases; coverage_pct = 100 ×
    served / population, capped at 100 (it may fall as population grows). An item with an
    unknown served_gain adds nothing. Communities whose served_base is unknown (e.g. SIASAR
    communities, not surveyed for sanitation) are left out of both served and population, and
    `population_covered_pct` says which share of the population the figures cover (as in the
    district ladder); with none known the figures are NaN, never 0.
    """
    years = params.years
    pop = population.pivot_table(index="community_id", columns="year", values="population",
                                 aggfunc="sum").reindex(columns=years).astype(float)
    cap = pop.max(axis=1)
    funded = investment_plan[(investment_plan["status"] == "funded")
                             & investment_plan["year"].notna()
                             & (investment_plan["intervention"] != "atm")]
    fyear = funded.groupby("item_id")["year"].min()
    items = interventions[["item_id", "community_id", "service", "served_gain"]].copy()
    items["funded_year"] = items["item_id"].map(fyear)
    items = items[items["funded_year"].notna()]
    rows = []
    for service in ("water", "sanitation"):
        g = gaps[gaps["service"] == service].set_index("community_id")["served_base"].astype(float)
        base_all = g.reindex(pop.index)
        communities = base_all.index[base_all.notna()]
        base = base_all.reindex(communities)
        its = items[items["service"] == service]
        for y in years:
            gain = its[its["funded_year"] < y].groupby("community_id")["served_gain"].sum()
            gain = gain.reindex(communities).fillna(0.0)
            served_c = np.minimum(cap.reindex(communities), base + gain)
            served = float(served_c.sum(min_count=1))
            p = float(pop.loc[communities, y].sum(min_count=1))
            everyone = float(pop[y].sum())
            cov = min(100.0, 100.0 * served / p) if p > 0 and not math.isnan(served) else np.nan
            rows.append({"year": y, "service": service, "population": p,
                         "population_served": served, "coverage_pct": cov,
                         "population_covered_pct": 100.0 * p / everyone if everyone > 0 and p == p else np.nan})
    out = pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)
    out["service"] = out["service"].astype(object)
    out["year"] = out["year"].astype("int64")
    return out


def target_years(trajectory: pd.DataFrame, investment_plan: pd.DataFrame,
                 params: DistrictParams) -> pd.DataFrame:
    """Year each coverage target is first met (NaN if not by the horizon) and the funding gap.

    funding_gap_pen = Σ cost of the unfunded rows of that service (the 'management' row holds
    JASS strengthening and any unfunded ATM year), so the rows add up to funding_gap_total_pen.
    Unfunded items with unknown cost cannot be added: they are counted in unpriced_items.
    """
    unf = investment_plan[investment_plan["status"] == "unfunded"]
    total = float(unf["cost_pen"].sum(skipna=True))
    targets = {"water": 100.0 * params.targets.water, "sanitation": 100.0 * params.targets.sanitation}
    rows = []
    for service in ("water", "sanitation", "management"):
        u = unf[unf["service"] == service]
        rec = {"service": service, "target_pct": targets.get(service, np.nan), "year_met": np.nan,
               "coverage_horizon_pct": np.nan, "funding_gap_pen": float(u["cost_pen"].sum(skipna=True)),
               "funding_gap_total_pen": total, "unpriced_items": int(u["cost_pen"].isna().sum())}
        if service in targets:
            tr = trajectory[trajectory["service"] == service].sort_values("year")
            met = tr[tr["coverage_pct"] >= targets[service] - 1e-9]
            rec["year_met"] = float(met["year"].iloc[0]) if len(met) else np.nan
            hz = tr[tr["year"] == params.horizon_year]["coverage_pct"]
            rec["coverage_horizon_pct"] = float(hz.iloc[0]) if len(hz) else np.nan
        rows.append(rec)
    out = pd.DataFrame(rows, columns=TARGET_YEAR_COLUMNS)
    out["service"] = out["service"].astype(object)
    return out
