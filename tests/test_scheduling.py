"""Scheduler, trajectory and target years: hand cases and hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import make_params
from propilas.method.scheduling import schedule, served_by_community, target_years, trajectory
from propilas.stages import investment_plan

ORDER = ["new_system", "reconstruction", "rehabilitation", "extension", "improvement",
         "sanitation_units", "jass_strengthening"]
SERVICE = {"new_system": "water", "reconstruction": "water", "rehabilitation": "water",
           "extension": "water", "improvement": "water", "sanitation_units": "sanitation",
           "jass_strengthening": "management"}


def small_params(envelope=None, atm=30.0, horizon=2017, by_year=None):
    return make_params(horizon_year=horizon,
                       unit_costs={"atm_per_year": atm},
                       budget={"envelope": envelope or {"municipal": 100, "regional": 50, "national": 0},
                               "envelope_by_year": by_year or {}})


def items_df(rows: list[tuple]) -> pd.DataFrame:
    """rows: (item_id, community_id, intervention, cost_pen, served_gain)."""
    out = []
    for iid, cid, code, cost, gain in rows:
        out.append({"item_id": iid, "community_id": cid, "system_id": None, "intervention": code,
                    "service": SERVICE[code], "quantity": 1.0, "unit": "household",
                    "unit_cost_pen": cost, "cost_pen": float(cost), "beneficiaries": float(gain),
                    "served_gain": float(gain), "one_off": True, "flags": ""})
    cols = ["item_id", "community_id", "system_id", "intervention", "service", "quantity", "unit",
            "unit_cost_pen", "cost_pen", "beneficiaries", "served_gain", "one_off", "flags"]
    return pd.DataFrame(out, columns=cols)


def prio_df(ranks: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"community_id": list(ranks), "rank": list(ranks.values())})


def test_hand_schedule_atm_first_rank_order_skip_and_cofinancing():
    # envelope per year: municipal 100 + regional 50 = 150; ATM 30 first → 120 left
    # order: a (rank 1): a-ext 100 (extension), a-san 50 (sanitation); b (rank 2): b-jass 20
    # 2016: ATM 30 (municipal, 70 left); a-ext 100 ≤ 120 → municipal 70 + regional 30;
    #       20 left (regional); a-san 50 > 20 → skip; b-jass 20 ≤ 20 → regional 20.
    # 2017: ATM 30 municipal; a-san 50 municipal (20 municipal + 50 regional left).
    p = small_params()
    items = items_df([("b-jass", "b", "jass_strengthening", 20, 0),
                      ("a-san", "a", "sanitation_units", 50, 10),
                      ("a-ext", "a", "extension", 100, 5)])
    plan, cost = schedule(items, prio_df({"a": 1, "b": 2}), p)
    f = plan[plan["status"] == "funded"]
    got = [(r.item_id, int(r.year), r.source, r.cost_pen) for r in f.itertuples()]
    assert got == [("atm-2016", 2016, "municipal", 30), ("a-ext", 2016, "municipal", 70),
                   ("a-ext", 2016, "regional", 30), ("b-jass", 2016, "regional", 20),
                   ("atm-2017", 2017, "municipal", 30), ("a-san", 2017, "municipal", 50)]
    assert (plan["status"] == "funded").all()
    atm = plan[plan["intervention"] == "atm"]
    assert atm["community_id"].isna().all() and atm["service"].eq("management").all()
    c = cost.set_index(["year", "source"])
    assert c.loc[(2016, "municipal"), "spent_pen"] == 100 and c.loc[(2016, "regional"), "spent_pen"] == 50
    assert c.loc[(2017, "municipal"), "remaining_pen"] == 20
    assert c.loc[(2017, "regional"), "remaining_pen"] == 50
    assert c.loc[(2017, "national"), "envelope_pen"] == 0
    # co-financed item keeps its whole cost and beneficiaries on each row
    ext = plan[plan["item_id"] == "a-ext"]
    assert ext["item_cost_pen"].tolist() == [100, 100] and ext["beneficiaries"].tolist() == [5, 5]
    assert ext["rank"].tolist() == [1, 1]


def test_intervention_order_breaks_rank_ties_then_item_id():
    # one community, pooled 150 − ATM 30 = 120: new_system (order 0) before reconstruction
    p = small_params(horizon=2016)
    items = items_df([("a-rec-S2", "a", "reconstruction", 60, 0), ("a-rec-S1", "a", "reconstruction", 60, 0),
                      ("a-new", "a", "new_system", 70, 0)])
    plan, _ = schedule(items, prio_df({"a": 1}), p)
    funded = plan[(plan["status"] == "funded") & (plan["intervention"] != "atm")]["item_id"].unique()
    # a-new 70 → 50 left; a-rec-S1 60 > 50 skip; a-rec-S2 60 skip → both unfunded
    assert funded.tolist() == ["a-new"]
    unf = plan[plan["status"] == "unfunded"]
    assert unf["item_id"].tolist() == ["a-rec-S1", "a-rec-S2"]   # in funding order
    assert unf["year"].isna().all() and unf["source"].isna().all()


def test_no_splitting_and_funding_gap():
    # item 200 > pooled 120 every year → never funded; funding gap 200 (sanitation) + 0
    p = small_params()
    items = items_df([("a-san", "a", "sanitation_units", 200, 10), ("a-j", "a", "jass_strengthening", 10, 0)])
    plan, cost = schedule(items, prio_df({"a": 1}), p)
    assert plan.loc[plan["item_id"] == "a-san", "status"].tolist() == ["unfunded"]
    pop = pd.DataFrame([{"community_id": "a", "year": y, "population": 100.0} for y in p.years])
    gaps = pd.DataFrame([{"community_id": "a", "service": s, "served_base": 50.0}
                         for s in ("water", "sanitation")])
    traj = trajectory(pop, gaps, plan, items, p)
    ty = target_years(traj, plan, p).set_index("service")
    assert ty.loc["sanitation", "funding_gap_pen"] == 200
    assert ty.loc["water", "funding_gap_pen"] == 0 and ty.loc["management", "funding_gap_pen"] == 0
    assert (ty["funding_gap_total_pen"] == 200).all()


def test_atm_unfunded_when_envelope_too_small_and_envelope_by_year():
    # 2016 envelope 20 < ATM 30 → ATM unfunded that year (kept with its year); items still
    # tried with the 20 left: item 15 funded. 2017: default envelope 150.
    p = small_params(by_year={2016: {"municipal": 20}})
    items = items_df([("a-j", "a", "jass_strengthening", 15, 0)])
    plan, cost = schedule(items, prio_df({"a": 1}), p)
    atm16 = plan[plan["item_id"] == "atm-2016"].iloc[0]
    assert atm16["status"] == "unfunded" and atm16["year"] == 2016 and atm16["cost_pen"] == 30
    assert plan.loc[plan["item_id"] == "a-j", "year"].tolist() == [2016]
    c = cost.set_index(["year", "source"])
    assert c.loc[(2016, "municipal"), "envelope_pen"] == 20 and c.loc[(2016, "regional"), "envelope_pen"] == 0
    assert c.loc[(2016, "municipal"), "spent_pen"] == 15
    pop = pd.DataFrame([{"community_id": "a", "year": y, "population": 100.0} for y in p.years])
    gaps = pd.DataFrame([{"community_id": "a", "service": s, "served_base": 50.0} for s in ("water", "sanitation")])
    ty = target_years(trajectory(pop, gaps, plan, items, p), plan, p).set_index("service")
    # issue 10: the ATM is in no works figure; its unfunded year is reported on its own
    # (before: counted in management's funding gap, 30)
    assert ty.loc["management", "funding_gap_pen"] == 0
    assert (ty["atm_unfunded_pen"] == 30).all() and (ty["funding_gap_total_pen"] == 0).all()


def test_unpriced_item_never_funded_and_counted():
    p = small_params()
    items = items_df([("a-rec", "a", "reconstruction", 10, 5)])
    items.loc[0, "cost_pen"] = np.nan
    plan, _ = schedule(items, prio_df({"a": 1}), p)
    assert plan.loc[plan["item_id"] == "a-rec", "status"].tolist() == ["unfunded"]
    pop = pd.DataFrame([{"community_id": "a", "year": y, "population": 100.0} for y in p.years])
    gaps = pd.DataFrame([{"community_id": "a", "service": s, "served_base": 50.0} for s in ("water", "sanitation")])
    ty = target_years(trajectory(pop, gaps, plan, items, p), plan, p).set_index("service")
    assert ty.loc["water", "unpriced_items"] == 1 and ty.loc["water", "funding_gap_pen"] == 0


def test_trajectory_effects_from_next_year_cap_and_target_year():
    # a: P 100 (2015), 110 (2016), 120 (2017) → cap 120; b: P 50 flat. water served base a 60, b 50
    # water served: 2015 110; 2016 110 (effects next year); 2017 min(120, 60+40+... ) → a-rec
    #   funded 2017 counts from 2018 → a = min(120, 60 + 40) = 100 → 150. coverage 150/170.
    p = small_params(envelope={"municipal": 1000}, atm=0)
    pop = pd.DataFrame([{"community_id": c, "year": y, "population": v}
                        for c, vals in {"a": [100, 110, 120], "b": [50, 50, 50]}.items()
                        for y, v in zip(p.years, vals)])
    gaps = pd.DataFrame([{"community_id": "a", "service": "water", "served_base": 60.0},
                         {"community_id": "b", "service": "water", "served_base": 50.0},
                         {"community_id": "a", "service": "sanitation", "served_base": 100.0},
                         {"community_id": "b", "service": "sanitation", "served_base": 0.0}])
    items = items_df([("a-ext", "a", "extension", 500, 40), ("a-san", "a", "sanitation_units", 400, 30),
                      ("a-rec", "a", "reconstruction", 900, 40)])
    plan, _ = schedule(items, prio_df({"a": 1}), p)
    funded = plan[(plan["status"] == "funded") & (plan["intervention"] != "atm")]
    years = funded.set_index("item_id")["year"]
    # order: rank then intervention order → a-rec (reconstruction) 900 first in 2016, 100 left;
    # a-ext 500 > 100 skip; a-san 400 skip. 2017: a-ext 500, a-san 400 → both.
    assert years.to_dict() == {"a-rec": 2016, "a-ext": 2017, "a-san": 2017}
    traj = trajectory(pop, gaps, plan, items, p)
    w = traj[traj["service"] == "water"].set_index("year")
    # water: 2015 60+50 = 110; 2016 110 (a-rec funded 2016 counts from 2017);
    # 2017 a = min(120, 60 + 40) = 100 → 150 (a-ext funded 2017 counts from 2018)
    assert w["population_served"].tolist() == pytest.approx([110, 110, 150])
    assert w["population"].tolist() == pytest.approx([150, 160, 170])
    assert w["coverage_pct"].tolist() == pytest.approx([100 * 110 / 150, 100 * 110 / 160, 100 * 150 / 170])
    s = traj[traj["service"] == "sanitation"].set_index("year")
    # sanitation: a 100 + b 0; a-san funded 2017 → effect from 2018 (after horizon)
    assert s["population_served"].tolist() == pytest.approx([100, 100, 100])
    # cap: served_base above population is capped at the community's population of each year
    # (issue 10; before: at its maximum over the years, 120, so 170 served of 150 people in 2015)
    gaps2 = gaps.copy()
    gaps2.loc[0, "served_base"] = 500.0
    w2 = trajectory(pop, gaps2, plan, items, p)
    assert w2[w2["service"] == "water"]["population_served"].tolist() == pytest.approx([150, 160, 170])
    assert w2[w2["service"] == "water"]["coverage_pct"].max() == 100.0
    ty = target_years(traj, plan, p).set_index("service")
    # water target 100 % never reached (88.2 % at 2017); sanitation 80 %: 66.7, 62.5, 58.8 → no
    assert math.isnan(ty.loc["water", "year_met"])
    assert ty.loc["water", "coverage_horizon_pct"] == pytest.approx(100 * 150 / 170)
    p80 = make_params(horizon_year=2017, targets={"water": 0.85})
    assert target_years(traj, plan, p80).set_index("service").loc["water", "year_met"] == 2017


def test_served_never_above_population_shrinking_community_next_to_unserved():
    # issue 10: a (shrinking, P 100 → 90 → 80) is fully served at base (100) and gets no works;
    # b (P 50 flat) is not served and gets no works. Per community served = min(P_c(t), capacity_c(t)):
    #   a: min(100, 100) = 100, min(90, 100) = 90, min(80, 100) = 80; b: 0
    #   district served 100, 90, 80 of 150, 140, 130 → coverage 66.67, 64.29, 61.54 %.
    # Before: a was capped at its maximum population (100) every year, so a counted 100 served of
    # 80 people and its spare 20 offset b: coverage 66.7, 71.4, 76.9 % (rising with no works).
    p = small_params(envelope={"municipal": 0}, atm=0)
    pop = pd.DataFrame([{"community_id": c, "year": y, "population": v}
                        for c, vals in {"a": [100, 90, 80], "b": [50, 50, 50]}.items()
                        for y, v in zip(p.years, vals)])
    gaps = pd.DataFrame([{"community_id": "a", "service": s, "served_base": 100.0} for s in ("water", "sanitation")]
                        + [{"community_id": "b", "service": s, "served_base": 0.0} for s in ("water", "sanitation")])
    items = items_df([])
    plan, _ = schedule(items, prio_df({"a": 1, "b": 2}), p)
    traj = trajectory(pop, gaps, plan, items, p)
    w = traj[traj["service"] == "water"].set_index("year")
    assert w["population_served"].tolist() == pytest.approx([100, 90, 80])
    assert w["population"].tolist() == pytest.approx([150, 140, 130])
    assert w["coverage_pct"].tolist() == pytest.approx([100 * 100 / 150, 100 * 90 / 140, 100 * 80 / 130])
    assert (w["population_served"] <= w["population"]).all()
    per = served_by_community(pop, gaps, plan, items, p)
    a = per[(per["service"] == "water") & (per["community_id"] == "a")]
    assert a["population_served"].tolist() == pytest.approx([100, 90, 80])   # never above P_a(t)
    assert a["capacity"].tolist() == pytest.approx([100, 100, 100])          # spare 10, 20 counts for nobody
    assert (per["population_served"] <= per["population"]).all()


def test_capacity_never_decreases_and_works_fill_the_growth():
    # a: P 100, 120, 130; base 90; a-ext (+40) funded 2016 → capacity 90, 90, 130 (from 2017)
    # served = min(P, capacity): 90, 90, 130; b shrinking 60, 50, 40 with base 60 → 60, 50, 40.
    p = small_params(envelope={"municipal": 1000}, atm=0)
    pop = pd.DataFrame([{"community_id": c, "year": y, "population": v}
                        for c, vals in {"a": [100, 120, 130], "b": [60, 50, 40]}.items()
                        for y, v in zip(p.years, vals)])
    gaps = pd.DataFrame([{"community_id": "a", "service": "water", "served_base": 90.0},
                         {"community_id": "b", "service": "water", "served_base": 60.0}])
    items = items_df([("a-ext", "a", "extension", 500, 40)])
    plan, _ = schedule(items, prio_df({"a": 1, "b": 2}), p)
    w = trajectory(pop, gaps, plan, items, p)
    w = w[w["service"] == "water"].set_index("year")
    assert w["population_served"].tolist() == pytest.approx([150, 140, 170])
    assert w["coverage_pct"].tolist() == pytest.approx([100 * 150 / 160, 100 * 140 / 170, 100.0])


def test_target_touched_then_lost_is_not_met():
    # a: P 100, 110, 120 (growing), fully served at base (100), no works: coverage 100, 90.9, 83.3 %.
    # Target 100 %: touched in 2015, then below to the horizon → not met (before: "met in 2015").
    p = small_params(envelope={"municipal": 0}, atm=0)
    pop = pd.DataFrame([{"community_id": "a", "year": y, "population": v} for y, v in zip(p.years, [100, 110, 120])])
    gaps = pd.DataFrame([{"community_id": "a", "service": s, "served_base": 100.0} for s in ("water", "sanitation")])
    items = items_df([])
    plan, _ = schedule(items, prio_df({"a": 1}), p)
    traj = trajectory(pop, gaps, plan, items, p)
    ty = target_years(traj, plan, p).set_index("service")
    assert math.isnan(ty.loc["water", "year_met"])
    assert ty.loc["water", "coverage_horizon_pct"] == pytest.approx(100 * 100 / 120)
    # sanitation target 80 %: 100, 90.9, 83.3 all ≥ 80 → met from the base year
    assert ty.loc["sanitation", "year_met"] == 2015


def test_met_year_is_the_first_year_the_target_holds_to_the_horizon():
    # coverage 80, 100, 95, 100, 100 (2015-2019), target 100 → met in 2018 (before: 2016)
    p = small_params(horizon=2019)
    traj = pd.DataFrame({"year": list(range(2015, 2020)) * 2,
                         "service": ["water"] * 5 + ["sanitation"] * 5,
                         "coverage_pct": [80, 100, 95, 100, 100] + [85, 70, 90, 95, np.nan]})
    plan, _ = schedule(items_df([]), prio_df({"a": 1}), p)
    ty = target_years(traj, plan, p).set_index("service")
    assert ty.loc["water", "year_met"] == 2018
    # sanitation (80 %): unknown at the horizon → not met (cannot be said to hold)
    assert math.isnan(ty.loc["sanitation", "year_met"])


def test_stage_compute_returns_registry_writes():
    p = small_params()
    items = items_df([("a-j", "a", "jass_strengthening", 15, 0)])
    pop = pd.DataFrame([{"community_id": "a", "year": y, "population": 100.0} for y in p.years])
    gaps = pd.DataFrame([{"community_id": "a", "service": s, "served_base": 50.0} for s in ("water", "sanitation")])
    out = investment_plan.compute({"interventions": items, "priorities": prio_df({"a": 1}),
                                   "population": pop, "gaps": gaps}, p)
    from propilas.core.registry import stage

    assert set(out) == set(stage("05").writes)


# ---------------------------------------------------------------- properties (hypothesis)

SOURCES = ["municipal", "regional", "national"]

item_st = st.tuples(st.integers(0, 5), st.sampled_from(ORDER),
                    st.floats(0, 400, allow_nan=False).map(lambda x: round(x, 2)),
                    st.floats(0, 60, allow_nan=False))
env_st = st.fixed_dictionaries({s: st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 2))
                                for s in SOURCES})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.lists(item_st, min_size=0, max_size=25), env=env_st,
       by_year=st.dictionaries(st.integers(2016, 2019), env_st, max_size=2),
       atm=st.floats(0, 200, allow_nan=False), ranks=st.permutations(list(range(1, 7))))
def test_scheduler_properties(raw, env, by_year, atm, ranks):
    p = small_params(envelope=env, atm=atm, horizon=2019, by_year=by_year)
    rows = [(f"c{c}-{code}-{i}", f"c{c}", code, cost, gain) for i, (c, code, cost, gain) in enumerate(raw)]
    items = items_df(rows)
    prio = prio_df({f"c{i}": r for i, r in enumerate(ranks)})
    plan, cost = schedule(items, prio, p)
    funded = plan[plan["status"] == "funded"]

    # 1. no year spends more than its envelope (pooled and per source)
    for (year, source), spent in funded.groupby(["year", "source"])["cost_pen"].sum().items():
        assert spent <= p.budget.envelope_for(int(year))[source] + 1e-6
    c = cost.set_index(["year", "source"])
    assert (c["spent_pen"] <= c["envelope_pen"] + 1e-6).all()
    assert (c["remaining_pen"] >= -1e-9).all()
    # 2. no one-off item funded twice (a single year per item) and every item appears
    years_per_item = funded.groupby("item_id")["year"].nunique()
    assert (years_per_item == 1).all()
    assert set(plan["item_id"]) >= set(items["item_id"])
    assert not set(funded["item_id"]) & set(plan.loc[plan["status"] == "unfunded", "item_id"])
    # each funded item is paid in full (no splitting), by one or more sources in one year
    paid = funded.groupby("item_id")["cost_pen"].sum()
    whole = items.set_index("item_id")["cost_pen"]
    for iid, amount in paid.items():
        expected = whole[iid] if iid in whole.index else atm
        assert amount == pytest.approx(expected, abs=1e-6)
    # 3. total cost equals the sum of the schedule: spent by year/source == funded plan rows,
    #    and funded + unfunded == all items + ATM of every year
    assert cost["spent_pen"].sum() == pytest.approx(funded["cost_pen"].sum(), abs=1e-6)
    n_years = len(range(p.base_year + 1, p.horizon_year + 1))
    total = plan.groupby("item_id")["cost_pen"].sum().sum()
    assert total == pytest.approx(items["cost_pen"].sum() + n_years * atm, abs=1e-5)
    # 4. every unfunded item is counted in the funding gap
    pop = pd.DataFrame([{"community_id": f"c{i}", "year": y, "population": 100.0 + 2 * (y - 2015)}
                        for i in range(6) for y in p.years])
    gaps = pd.DataFrame([{"community_id": f"c{i}", "service": s, "served_base": 20.0}
                         for i in range(6) for s in ("water", "sanitation")])
    traj = trajectory(pop, gaps, plan, items, p)
    ty = target_years(traj, plan, p)
    #    (issue 10: in whole soles per service, the ATM apart — see tests/test_money.py)
    unf = plan[plan["status"] == "unfunded"]
    unfunded_cost = unf.loc[unf["intervention"] != "atm", "cost_pen"].sum()
    assert ty["funding_gap_pen"].sum() == pytest.approx(unfunded_cost, abs=0.5 * len(ty))
    assert (ty["funding_gap_total_pen"] == ty["funding_gap_pen"].sum()).all()
    assert np.allclose(ty["atm_unfunded_pen"], unf.loc[unf["intervention"] == "atm", "cost_pen"].sum(), atol=0.5)
    # 5. served population never decreases; coverage within 0..100
    for _, t in traj.groupby("service"):
        s = t.sort_values("year")["population_served"].to_numpy()
        assert (np.diff(s) >= -1e-9).all()
        assert ((t["coverage_pct"] >= 0) & (t["coverage_pct"] <= 100)).all()
        assert (t["population_served"] <= t["population"] + 1e-9).all()
    # 5b. a met year holds to the horizon
    for service, row in ty.set_index("service").iterrows():
        if row["year_met"] == row["year_met"]:
            t = traj[(traj["service"] == service) & (traj["year"] >= row["year_met"])]
            assert (t["coverage_pct"] >= row["target_pct"] - 1e-9).all()
    # 6. greedy rule: an unfunded priced item did not fit the remaining pooled envelope in any
    #    year after the items before it were paid (checked on the final year's leftovers)
    last = cost[cost["year"] == p.horizon_year]["remaining_pen"].sum()
    for iid in plan.loc[(plan["status"] == "unfunded") & plan["year"].isna(), "item_id"]:
        assert whole[iid] > last - 1e-6
