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
from propilas.method.money import money_figures, services_in
from propilas.method.served import ServedModel, served_frame

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
                                  "funding_gap_pen", "funding_gap_total_pen", "unpriced_items",
                                  "atm_unfunded_pen"]


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
    opts = params.scheduling
    if opts.phasing != "single_year" or opts.carry_over:  # issue 16: METHOD's rule stays the default below
        return schedule_extended(interventions, priorities, params)
    sources = list(params.budget.sources)
    atm = float(params.unit_costs.atm_per_year)
    items = ordered_items(interventions, priorities, params)
    rows: list[dict[str, Any]] = []
    cost_rows: list[dict[str, Any]] = []
    funded: set[str] = set()
    recs = items.to_dict("records")

    for year in range(params.base_year + 1, params.horizon_year + 1):
        env = params.budget.envelope_for(year)
        remaining = dict(env)
        atm_item = _atm_item(year, atm)
        if atm <= sum(remaining.values()) + EPS_PEN:
            for s, amount in _charge(remaining, atm, sources):
                rows.append(_plan_row(atm_item, float(year), s, amount, "funded"))
        else:
            rows.append(_plan_row(atm_item, float(year), None, atm, "unfunded"))
        for it in recs:
            cost = it["cost_pen"]
            if it["item_id"] in funded or cost is None or math.isnan(cost):
                continue
            if cost <= sum(remaining.values()) + EPS_PEN:
                funded.add(it["item_id"])
                for s, amount in _charge(remaining, cost, sources):
                    rows.append(_plan_row(it, float(year), s, amount, "funded"))
        for s in sources:
            rem = max(0.0, remaining[s])
            cost_rows.append({"year": year, "source": s, "envelope_pen": env[s],
                              "spent_pen": env[s] - rem, "remaining_pen": rem})
    for it in recs:
        if it["item_id"] not in funded:
            rows.append(_plan_row(it, np.nan, None, it["cost_pen"], "unfunded"))

    return _plan_frames(rows, cost_rows, COST_COLUMNS)


def _plan_frames(rows: list[dict[str, Any]], cost_rows: list[dict[str, Any]],
                 cost_columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    plan = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    for col in ("item_id", "community_id", "system_id", "intervention", "service", "source", "status"):
        plan[col] = pd.Series([None if v is None or pd.isna(v) else str(v) for v in plan[col]],
                              index=plan.index, dtype=object)
    for col in ("year", "cost_pen", "beneficiaries", "rank", "item_cost_pen"):
        plan[col] = plan[col].astype(float)
    cost = pd.DataFrame(cost_rows, columns=cost_columns)
    cost["year"] = cost["year"].astype("int64")
    cost["source"] = cost["source"].astype(object)
    return plan, cost


def _plan_row(it: dict[str, Any], year: float, source: str | None, amount: float, status: str) -> dict:
    return {"item_id": it["item_id"], "year": year, "community_id": it["community_id"],
            "system_id": it["system_id"], "intervention": it["intervention"], "service": it["service"],
            "cost_pen": amount, "source": source, "beneficiaries": it["beneficiaries"], "rank": it["rank"],
            "status": status, "item_cost_pen": it["cost_pen"]}


def _atm_item(year: int, atm: float) -> dict[str, Any]:
    return {"item_id": f"atm-{year}", "community_id": None, "system_id": None, "intervention": "atm",
            "service": "management", "beneficiaries": 0.0, "rank": np.nan, "cost_pen": atm}


def schedule_extended(interventions: pd.DataFrame, priorities: pd.DataFrame,
                      params: DistrictParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rule with `scheduling.phasing: multi_year` and/or `scheduling.carry_over: true` (issue 16).

    Each year, in this order: the ATM (as in `schedule`); the tranches of multi-year works started
    earlier (reserved when they started, so they are always paid); then each unfunded item in
    funding order — paid whole if the remaining pooled money covers it; else, with multi_year, it
    is started if this year's remaining money plus what is still free in the next years (each
    year's envelope minus the ATM minus tranches already reserved) pays it within
    `scheduling.max_years` consecutive years ending by the horizon: all of this year's remaining
    money, then the next years' free money in turn. Its effect counts after its last tranche.
    With carry_over, money left at the end of a year (per source) is added to the next year's;
    cost_by_year then has `carried_in_pen`, and envelope + carried_in = spent + remaining.
    One plan row per item × year × source charged.
    """
    opts = params.scheduling
    multi = opts.phasing == "multi_year" and opts.max_years > 1
    sources = list(params.budget.sources)
    atm = float(params.unit_costs.atm_per_year)
    years = list(range(params.base_year + 1, params.horizon_year + 1))
    envs = {y: params.budget.envelope_for(y) for y in years}
    # money of a future year that a tranche may reserve: never the ATM's
    free = {y: max(0.0, sum(envs[y].values()) - atm) for y in years}
    due: dict[int, list[tuple[dict[str, Any], float]]] = {y: [] for y in years}
    recs = ordered_items(interventions, priorities, params).to_dict("records")
    rows: list[dict[str, Any]] = []
    cost_rows: list[dict[str, Any]] = []
    funded: set[str] = set()
    carried = {s: 0.0 for s in sources}
    for year in years:
        env = envs[year]
        remaining = {s: env[s] + carried[s] for s in sources}
        if atm <= sum(remaining.values()) + EPS_PEN:
            for s, amount in _charge(remaining, atm, sources):
                rows.append(_plan_row(_atm_item(year, atm), float(year), s, amount, "funded"))
        else:
            rows.append(_plan_row(_atm_item(year, atm), float(year), None, atm, "unfunded"))
        for it, amount in due[year]:
            for s, part in _charge(remaining, amount, sources):
                rows.append(_plan_row(it, float(year), s, part, "funded"))
        for it in recs:
            cost = it["cost_pen"]
            if it["item_id"] in funded or cost is None or math.isnan(cost):
                continue
            pooled = sum(remaining.values())
            if cost <= pooled + EPS_PEN:
                funded.add(it["item_id"])
                for s, amount in _charge(remaining, cost, sources):
                    rows.append(_plan_row(it, float(year), s, amount, "funded"))
                continue
            if not multi or pooled <= EPS_PEN:
                continue
            later = [y for y in years if year < y < year + opts.max_years]
            plan_t, left = [], cost - pooled
            for y in later:
                if left <= EPS_PEN:
                    break
                take = min(free[y], left)
                if take > EPS_PEN:
                    plan_t.append((y, take))
                    left -= take
            if left > EPS_PEN:
                continue
            funded.add(it["item_id"])
            for s, amount in _charge(remaining, pooled, sources):
                rows.append(_plan_row(it, float(year), s, amount, "funded"))
            for y, take in plan_t:
                free[y] -= take
                due[y].append((it, take))
        for s in sources:
            rem = max(0.0, remaining[s])
            rec = {"year": year, "source": s, "envelope_pen": env[s], "spent_pen": env[s] + carried[s] - rem,
                   "remaining_pen": rem}
            if opts.carry_over:
                rec["carried_in_pen"] = carried[s]
            cost_rows.append(rec)
        carried = {s: max(0.0, remaining[s]) if opts.carry_over else 0.0 for s in sources}
    for it in recs:
        if it["item_id"] not in funded:
            rows.append(_plan_row(it, np.nan, None, it["cost_pen"], "unfunded"))
    cols = COST_COLUMNS + (["carried_in_pen"] if opts.carry_over else [])
    return _plan_frames(rows, cost_rows, cols)


def _served_matrices(population: pd.DataFrame, gaps: pd.DataFrame, investment_plan: pd.DataFrame,
                     interventions: pd.DataFrame, params: DistrictParams, served: ServedModel | None = None):
    """Yield (service, communities, P_c(t), capacity_c(t), served_c(t)) — arrays communities ×
    years — and the population of every community per year (the rule of `trajectory`).
    `served`: the district's model (method/served.py), built here when not given."""
    model = served if served is not None else ServedModel(population, gaps, interventions, params)
    return model.matrices(investment_plan)


def served_by_community(population: pd.DataFrame, gaps: pd.DataFrame, investment_plan: pd.DataFrame,
                        interventions: pd.DataFrame, params: DistrictParams,
                        served: ServedModel | None = None) -> pd.DataFrame:
    """`community_id, service, year, population, capacity, population_served` per community and
    year: what `trajectory` sums (communities with an unknown served base are absent). For checks:
    population_served ≤ population everywhere; capacity never decreases."""
    years, _pop, per_service = _served_matrices(population, gaps, investment_plan, interventions, params, served)
    return served_frame(per_service, years)


def trajectory(population: pd.DataFrame, gaps: pd.DataFrame, investment_plan: pd.DataFrame,
               interventions: pd.DataFrame, params: DistrictParams, served: ServedModel | None = None
               ) -> pd.DataFrame:
    """Served population and coverage per year (base … horizon) and service.

    Per community c and year t (METHOD stage 5, revised): capacity_c(t) = served_base_c + Σ
    served_gain of c's items funded in a year < t — the people its works can serve, never
    decreasing — and served_c(t) = min(P_c(t), capacity_c(t)) (`served_by_community`). District
    served = Σ_c served_c, so served ≤ population and coverage ≤ 100 %, and a shrinking
    community's spare capacity never counts for another. Served people fall when population
    falls; coverage may fall when it grows. An item with an unknown served_gain adds nothing.
    Communities whose served_base is unknown (e.g. SIASAR communities, not surveyed for
    sanitation) are left out of both served and population, and `population_covered_pct` says
    which share of the population the figures cover (as in the district ladder); with none known
    the figures are NaN, never 0. One pass over communities × years (no loop over years).
    `served`: the district's `ServedModel`, shared by the plans stage 5 measures (built if absent).
    """
    years, pop, per_service = _served_matrices(population, gaps, investment_plan, interventions, params, served)
    everyone = _column_sums(pop.to_numpy(dtype=float), min_count=0)
    rows = []
    for service, _communities, p_c, _capacity, served_c in per_service:
        served = _column_sums(served_c)
        p = _column_sums(p_c)
        for j, y in enumerate(years):
            pj, sj = float(p[j]), float(served[j])
            cov = min(100.0, 100.0 * sj / pj) if pj > 0 and not math.isnan(sj) else np.nan
            rows.append({"year": y, "service": service, "population": pj,
                         "population_served": sj, "coverage_pct": cov,
                         "population_covered_pct": 100.0 * pj / everyone[j] if everyone[j] > 0 and pj == pj else np.nan})
    out = pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)
    out["service"] = out["service"].astype(object)
    out["year"] = out["year"].astype("int64")
    return out


def _column_sums(matrix: np.ndarray, min_count: int = 1) -> np.ndarray:
    """Σ over rows (communities) of each column (year), NaN skipped; NaN where fewer than
    `min_count` values are known. Summed as pandas sums a column (pairwise over a contiguous
    vector), so the figures are bit-for-bit those of a Series.sum per year."""
    t = np.ascontiguousarray(matrix.T)
    known = (~np.isnan(t)).sum(axis=1)
    sums = np.array([row.sum() for row in np.where(np.isnan(t), 0.0, t)], dtype=float)
    return np.where(known >= min_count, sums, np.nan) if min_count > 0 else sums


def met_year(years: Any, coverage: Any, target_pct: float) -> float:
    """First year Y such that coverage ≥ target in every year from Y to the last (the horizon);
    NaN if the last year is below the target or unknown. A target touched and then lost is not
    met (METHOD stage 5, revised)."""
    yrs = np.asarray(years, dtype=float)
    cov = np.asarray(coverage, dtype=float)
    if not len(yrs):
        return np.nan
    order = np.argsort(yrs, kind="stable")
    yrs, cov = yrs[order], cov[order]
    ok = cov >= target_pct - 1e-9                                  # NaN compares False
    if not ok[-1]:
        return np.nan
    below = np.flatnonzero(~ok)
    return float(yrs[below[-1] + 1]) if len(below) else float(yrs[0])


def target_years(trajectory: pd.DataFrame, investment_plan: pd.DataFrame,
                 params: DistrictParams) -> pd.DataFrame:
    """Year each coverage target is met for good (`met_year`; NaN if not by the horizon) and the
    funding gap by service, from `money.money_figures` (the one definition every page uses).

    funding_gap_pen = unfunded priced items of that service, ATM excluded ('management' holds
    JASS strengthening); funding_gap_total_pen = the plan's funding gap (Σ of the rows);
    unpriced_items = that service's items without a known cost (in no sum); atm_unfunded_pen =
    the ATM cost of years the envelope could not pay (district figure, on every row).
    """
    money = money_figures(investment_plan)
    targets = {"water": 100.0 * params.targets.water, "sanitation": 100.0 * params.targets.sanitation}
    rows = []
    for service in services_in(investment_plan):
        rec = {"service": service, "target_pct": targets.get(service, np.nan), "year_met": np.nan,
               "coverage_horizon_pct": np.nan, "funding_gap_pen": money[f"{service}_funding_gap_pen"],
               "funding_gap_total_pen": money["funding_gap_pen"],
               "unpriced_items": money[f"{service}_unpriced_items"],
               "atm_unfunded_pen": money["atm_unfunded_pen"]}
        if service in targets:
            tr = trajectory[trajectory["service"] == service].sort_values("year")
            rec["year_met"] = met_year(tr["year"], tr["coverage_pct"], targets[service])
            hz = tr[tr["year"] == params.horizon_year]["coverage_pct"]
            rec["coverage_horizon_pct"] = float(hz.iloc[0]) if len(hz) else np.nan
        rows.append(rec)
    out = pd.DataFrame(rows, columns=TARGET_YEAR_COLUMNS)
    out["service"] = out["service"].astype(object)
    return out
