"""Stage 5: the best plan the budget can buy, beside the rule's plan (issue 16).

The rule (`scheduling.schedule`) is what a workshop can check by hand; it can leave a costly
top-ranked item unfunded for years while money goes unspent. This module asks a different
question of the same data: *which items, funded in which year, give the most people-years of
service by the horizon?* — under the same envelopes, sources, ATM years and phasing rules.

People-years of a plan (`people_years`, the one definition both plans are measured with):
Σ over water and sanitation, communities c and years t (base … horizon) of
weight(service) × [served_c(t) with the plan's works − served_c(t) with none], where served_c(t) =
min(P_c(t), capacity_c(t)) exactly as the trajectory counts it (`scheduling.served_by_community`).
A work funded in year f counts from f + 1 (a multi-year work after its last tranche); a work
funded in the horizon year adds nothing. Communities whose served base is unknown are out of the
trajectory and so out of people-years: their items are counted in `unvalued_items`, never as 0.

The optimiser is a mixed-integer programme (scipy.optimize.milp, the HiGHS solver that ships
with SciPy), in assignment form (`_solve`):
- x[i, e] ∈ {0, 1}: item i finished in year e (paid whole that year, or its last tranche under
  multi_year phasing), Σ_e x[i, e] ≤ 1; only items that can add people-years get variables, and
  only for years whose money could cover them; items of unknown cost have none;
- budget: each year, works ≤ the pooled envelope minus the ATM paid that year (the same ATM years
  as the rule); with carry_over, the same summed over the years so far; multi-year tranches
  a[i, t] ≥ 0 sum to the item's cost and fall only in the max_years ending with its last;
- value: a work's gain counts each year after it is finished, capped by the community's unserved
  people that year; where a community has several works that together could exceed that cap, a
  variable z[c, s, t] ≤ min(cap, Σ gains of its finished works) carries the capped value.
The solver stops once its plan is proven within `optimum.max_gap` of the best possible, or after
`optimum.node_limit` branch-and-bound nodes — both deterministic (the same plan on every machine);
`optimum.time_limit_s` is only a safety for far larger districts. The works the programme left out
are then funded, in funding order, wherever money is still free (`_fill`: adding a work never
lowers people-years, and no money a work could use is left idle). Sources are charged in
`budget.sources` order, as the rule does. The rule's plan is one of the plans the programme
considers, so the optimum is never below it; if the solver stops before proving its plan the
result says so (`proven_optimal` false, with the bound it proved) and the better of the two is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.scheduling import (EPS_PEN, PLAN_COLUMNS, _atm_item, _charge, _plan_frames, _plan_row,
                                        ordered_items, schedule)
from propilas.method.served import ServedModel

SERVICES: tuple[str, ...] = ("water", "sanitation")
def _empty_plan() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("item_id", "community_id", "system_id", "intervention",
                                                             "service", "source", "status") else float)
                         for c in PLAN_COLUMNS})


def people_years(plan: pd.DataFrame, population: pd.DataFrame, gaps: pd.DataFrame,
                 interventions: pd.DataFrame, params: DistrictParams, served: ServedModel | None = None) -> float:
    """People-years of service a plan's works add by the horizon (module doc), weighted by
    `optimum.service_weights`; counted exactly as the trajectory counts served people
    (`served.ServedModel`: the district's model, shared by the plans of stage 5; built if absent)."""
    model = served if served is not None else ServedModel(population, gaps, interventions, params)
    return model.people_years(plan)


def unvalued_items(interventions: pd.DataFrame, gaps: pd.DataFrame) -> int:
    """Water or sanitation items whose people-years cannot be counted: unknown served_gain, or a
    community whose served base of that service is unknown (out of the trajectory)."""
    known = {(str(c), str(s)) for c, s, b in zip(gaps["community_id"], gaps["service"], gaps["served_base"])
             if b == b and b is not None}
    n = 0
    for r in interventions.itertuples():
        if r.service not in SERVICES:
            continue
        g = r.served_gain
        if g is None or g != g or (str(r.community_id), str(r.service)) not in known:
            n += 1
    return n


@dataclass
class OptimumResult:
    plan: pd.DataFrame                   # PLAN_COLUMNS, like investment_plan
    people_years: float
    proven_optimal: bool
    seconds: float
    status: str = ""
    options: dict[str, tuple[int, int]] = field(default_factory=dict)  # item_id → (first year, last year)
    bound: float = float("nan")          # no plan can give more people-years than this (solver's proof)


def _atm_paid(rule_plan: pd.DataFrame) -> dict[int, bool]:
    atm = rule_plan[rule_plan["intervention"].astype(str).eq("atm")]
    return {int(str(i).split("-")[-1]): st == "funded" for i, st in zip(atm["item_id"], atm["status"])}


def _value_groups(items: pd.DataFrame, population: pd.DataFrame, gaps: pd.DataFrame, params: DistrictParams,
                  pop: pd.DataFrame | None = None):
    """[(weight, years index list, headroom per year, [(item position, gain)])] per community × service.
    `pop`: population per community × year (`ServedModel.pop`), pivoted here when not given."""
    years = list(params.years)
    if pop is None:
        pop = population.pivot_table(index="community_id", columns="year", values="population",
                                     aggfunc="sum").reindex(columns=years).astype(float)
    out = []
    for service in SERVICES:
        w = float(params.optimum.service_weights.get(service, 0.0))
        if w <= 0:
            continue
        base = gaps[gaps["service"] == service].set_index("community_id")["served_base"].astype(float)
        sel = items[(items["service"] == service)]
        for cid, grp in sel.groupby("community_id", sort=True):
            b = base.get(cid, np.nan)
            if b != b or cid not in pop.index:
                continue
            gains = [(int(pos), float(g)) for pos, g in zip(grp["_pos"], grp["served_gain"]) if g == g and g > 0]
            if not gains:
                continue
            head = np.maximum(0.0, pop.loc[cid].to_numpy(dtype=float) - b)  # NaN stays NaN
            out.append((w, years, head, gains))
    return out


def optimise(interventions: pd.DataFrame, priorities: pd.DataFrame, population: pd.DataFrame,
             gaps: pd.DataFrame, params: DistrictParams, rule_plan: pd.DataFrame | None = None,
             served: ServedModel | None = None) -> OptimumResult:
    """The plan of most people-years under the rule's envelopes, ATM years and phasing (module doc).
    `served`: the district's served-population model, shared with the trajectory (built if absent)."""
    import time


    t0 = time.perf_counter()
    if rule_plan is None:
        rule_plan, _ = schedule(interventions, priorities, params)
    opts = params.scheduling
    K = opts.max_years if opts.phasing == "multi_year" else 1
    atm = float(params.unit_costs.atm_per_year)
    years = list(range(params.base_year + 1, params.horizon_year + 1))
    ny = len(years)
    paid = _atm_paid(rule_plan)
    avail = np.array([sum(params.budget.envelope_for(y).values()) - (atm if paid.get(y, False) else 0.0)
                      for y in years], dtype=float)
    scale = max(1.0, float(np.nanmax(np.abs(avail))) if ny else 1.0)  # soles → O(1) for the solver
    items = ordered_items(interventions, priorities, params)
    items["_pos"] = np.arange(len(items))
    cost = pd.to_numeric(items["cost_pen"], errors="coerce").to_numpy(dtype=float)

    if served is None:
        served = ServedModel(population, gaps, interventions, params)
    sol, proven, status, tranches, bound = _solve(items, cost, years, avail, K, scale, population, gaps, params, t0,
                                                  pop=served.pop)
    _fill(tranches, cost, avail, params.scheduling.carry_over)
    plan = _to_plan(items, tranches, years, params, paid)
    py = served.people_years(plan)
    py_rule = served.people_years(rule_plan)
    if sol is None or py < py_rule - 1e-6 * max(1.0, abs(py_rule)):
        plan, py = rule_plan.copy(), py_rule   # never report less than the rule (time limit, no solution)
    spans = {}
    for it, yr in plan[plan["status"].eq("funded") & plan["intervention"].ne("atm")].groupby("item_id")["year"]:
        spans[str(it)] = (int(yr.min()), int(yr.max()))
    return OptimumResult(plan=plan, people_years=py, proven_optimal=proven, seconds=time.perf_counter() - t0,
                         status=status, options=spans, bound=max(bound, py) if bound == bound else np.nan)


def _fill(tranches: dict[int, dict[int, float]], cost: np.ndarray, avail: np.ndarray, carry_over: bool) -> None:
    """Fund, in funding order, each work the programme left out in the earliest year whose money
    still covers it whole (with carry-over: every year's running total stays within the envelopes).
    Adding a work never lowers people-years, so the optimum keeps its value and no money a work
    could use is left idle; deterministic."""
    ny = len(avail)
    spent = np.zeros(ny)
    for amounts in tranches.values():
        for t, x in amounts.items():
            spent[t] += x
    for i in range(len(cost)):
        if i in tranches or not math.isfinite(cost[i]):
            continue
        for t in range(ny):
            trial = spent.copy()
            trial[t] += cost[i]
            ok = (np.cumsum(trial) <= np.cumsum(avail) + EPS_PEN).all() if carry_over else trial[t] <= avail[t] + EPS_PEN
            if ok:
                spent = trial
                tranches[i] = {t: float(cost[i])}
                break


def _to_plan(items: pd.DataFrame, tranches: dict[int, dict[int, float]], years: list[int],
             params: DistrictParams, paid: dict[int, bool]) -> pd.DataFrame:
    """Plan rows like the rule's: per year the ATM (same years as the rule), then the chosen works'
    tranches in funding order, each charged to the sources in `budget.sources` order."""
    sources = list(params.budget.sources)
    atm = float(params.unit_costs.atm_per_year)
    recs = items.to_dict("records")
    rows: list[dict[str, Any]] = []
    carried = {s: 0.0 for s in sources}
    for t, year in enumerate(years):
        env = params.budget.envelope_for(year)
        remaining = {s: env[s] + carried[s] for s in sources}
        if paid.get(year, False):
            for s, amount in _charge(remaining, atm, sources):
                rows.append(_plan_row(_atm_item(year, atm), float(year), s, amount, "funded"))
        else:
            rows.append(_plan_row(_atm_item(year, atm), float(year), None, atm, "unfunded"))
        for i, it in enumerate(recs):
            amount = tranches.get(i, {}).get(t)
            if amount is None:
                continue
            for s, part in _charge(remaining, amount, sources):
                rows.append(_plan_row(it, float(year), s, part, "funded"))
        carried = {s: max(0.0, remaining[s]) if params.scheduling.carry_over else 0.0 for s in sources}
    for i, it in enumerate(recs):
        if i not in tranches:
            rows.append(_plan_row(it, np.nan, None, it["cost_pen"], "unfunded"))
    plan, _ = _plan_frames(rows, [], ["year", "source"])
    return plan


def _windows(avail: np.ndarray, K: int, carry_over: bool) -> np.ndarray:
    """The most money a work finished in year t can have used: that year's envelope (single year),
    the K years ending with t (multi-year), or everything up to t (carry-over)."""
    if carry_over:
        return np.cumsum(avail)
    return np.array([avail[max(0, t - K + 1):t + 1].sum() for t in range(len(avail))])


def _solve(items: pd.DataFrame, cost: np.ndarray, years: list[int], avail: np.ndarray, K: int, scale: float,
           population: pd.DataFrame, gaps: pd.DataFrame, params: DistrictParams, t0: float,
           pop: pd.DataFrame | None = None):
    """Build and solve the programme in assignment form: x[i, e] = 1 when item i is finished in
    year e (paid whole that year, or its last tranche). Only the works that can add people-years
    get variables, and only for the years whose money could cover them (`_windows`): a work of no
    known value is funded afterwards by `_fill`, one too dear for every year never. Each year's
    spend is then a plain knapsack row (Σ cost × x ≤ money), which the solver's cover cuts tighten.
    Deterministic: the solver stops on a proven gap (`optimum.max_gap`) or a node count
    (`optimum.node_limit`), never on the clock unless `optimum.time_limit_s` (a safety for far
    larger districts) is reached — the result then says so.
    Returns (solution or None, proven, status, tranches, bound)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    opts = params.scheduling
    ny = len(years)
    multi = K > 1
    all_years = list(params.years)
    col_of_year = {y: j for j, y in enumerate(all_years)}
    groups = _value_groups(items, population, gaps, params, pop)
    valued = sorted({pos for _w, _y, _h, gains in groups for pos, _g in gains})
    room = _windows(avail, K, opts.carry_over)
    # a work finished in the horizon year adds nothing: its years are base+1 … horizon−1
    x_index: dict[tuple[int, int], int] = {}
    for i in valued:
        if not math.isfinite(cost[i]):
            continue
        for e in range(ny - 1):
            if cost[i] <= room[e] + EPS_PEN:
                x_index[(i, e)] = len(x_index)
    nx = len(x_index)
    fundable = sorted({i for i, _e in x_index})
    ends = {i: [e for e in range(ny - 1) if (i, e) in x_index] for i in fundable}
    a_index: dict[tuple[int, int], int] = {}
    if multi:
        for i in fundable:
            for t in range(max(0, ends[i][0] - K + 1), ends[i][-1] + 1):
                a_index[(i, t)] = nx + len(a_index)
    na = len(a_index)
    c_x = np.zeros(nx)
    z_index: list[tuple[int, int]] = []               # (group, year index t: works finished by t−1 count)
    z_ub: list[float] = []
    z_w: list[float] = []
    for g, (w, _yrs, head, gains) in enumerate(groups):
        total = sum(x for _p, x in gains)
        for t in range(1, ny):                           # year t counts the works finished by t − 1
            h = head[col_of_year[years[t]]]
            if h != h or h <= 0:
                continue
            if total <= h + 1e-9 or len(gains) == 1:
                # the works cannot serve more than the unserved people that year (or there is one
                # work, whose gain that year is min(gain, unserved), exactly): linear in x
                for pos, gain in gains:
                    for e in ends.get(pos, []):
                        if e <= t - 1:
                            c_x[x_index[(pos, e)]] -= w * min(gain, h)
            else:                                        # several works that together could exceed it
                z_index.append((g, t))
                z_ub.append(h)
                z_w.append(w)
    nz = len(z_index)
    n = nx + na + nz
    if nx == 0:
        return None, True, "optimal", {}, 0.0
    rows: list[int] = []
    cols_: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(entries: list[tuple[int, float]], lower: float, upper: float) -> None:
        r = len(lo)
        for c, v in entries:
            rows.append(r)
            cols_.append(c)
            vals.append(v)
        lo.append(lower)
        hi.append(upper)

    for i in fundable:                                   # each work at most once
        add([(x_index[(i, e)], 1.0) for e in ends[i]], -np.inf, 1.0)
    spend: list[list[tuple[int, float]]] = [[] for _ in range(ny)]
    avail_cap = (np.cumsum(avail) if opts.carry_over else avail) / scale
    for i in fundable:
        c = cost[i] / scale
        if multi:
            # tranches sum to the cost of a funded work and fall only in the K years ending with its last
            add([(a, 1.0) for (j, _t), a in a_index.items() if j == i] + [(x_index[(i, e)], -c) for e in ends[i]], 0.0, 0.0)
            for (j, t), a in a_index.items():
                if j != i:
                    continue
                # a tranche is never more than the work's cost nor than the year's money (tighter)
                cap = min(c, avail_cap[t])
                add([(a, 1.0)] + [(x_index[(i, e)], -cap) for e in ends[i] if t <= e <= t + K - 1], -np.inf, 0.0)
                spend[t].append((a, 1.0))
        else:
            for e in ends[i]:
                spend[e].append((x_index[(i, e)], c))
    for t in range(ny - 1):                              # envelopes (pooled; carry-over: cumulative)
        if opts.carry_over:
            add([en for u in range(t + 1) for en in spend[u]], -np.inf, float(np.cumsum(avail)[t] / scale))
        elif spend[t]:
            add(spend[t], -np.inf, float(avail[t] / scale))
    for zi, (g, t) in enumerate(z_index):                # z ≤ Σ min(gain, headroom) of the works finished before t
        h = z_ub[zi]
        ent = [(nx + na + zi, 1.0)]
        for pos, gain in groups[g][3]:
            for e in ends.get(pos, []):
                if e <= t - 1:
                    ent.append((x_index[(pos, e)], -min(gain, h)))
        add(ent, -np.inf, 0.0)
    c_obj = np.r_[c_x, np.zeros(na), -np.array(z_w, dtype=float)]
    A = coo_matrix((vals, (rows, cols_)), shape=(len(lo), n)).tocsr()
    integrality = np.r_[np.ones(nx), np.zeros(na + nz)]
    ub = np.r_[np.ones(nx), np.full(na, np.inf), np.array(z_ub, dtype=float)]
    o = params.optimum
    res = milp(c_obj, constraints=[LinearConstraint(A, np.array(lo), np.array(hi))], integrality=integrality,
               bounds=Bounds(np.zeros(n), ub),
               options={"mip_rel_gap": float(o.max_gap), "node_limit": int(o.node_limit),
                        "time_limit": float(o.time_limit_s), "presolve": True})
    if res.x is None:
        return None, False, f"solver: {res.message}", {}, np.nan
    bound = -float(res.mip_dual_bound) if getattr(res, "mip_dual_bound", None) is not None else np.nan
    proven = res.status == 0
    status = "optimal" if proven else f"solver: {res.message}"
    sol = res.x
    tranches: dict[int, dict[int, float]] = {}
    for i in fundable:
        done = [e for e in ends[i] if sol[x_index[(i, e)]] > 0.5]
        if not done:
            continue
        e = done[0]
        if multi:
            amounts = {t: max(0.0, float(sol[a_index[(i, t)]]) * scale) for t in range(max(0, e - K + 1), e + 1)
                       if (i, t) in a_index}
            amounts = {t: x for t, x in amounts.items() if x > EPS_PEN}
            total = sum(amounts.values())
            last = max(amounts) if amounts else e
            amounts[last] = amounts.get(last, 0.0) + (cost[i] - total)  # exact cost: float residue to the last
            tranches[i] = amounts
        else:
            tranches[i] = {e: float(cost[i])}
    return sol, proven, status, tranches, bound
