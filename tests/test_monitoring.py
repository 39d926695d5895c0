"""Stage 7: indicators, annual targets, round handling and traffic lights (hand-computed)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from helpers import make_params
from propilas.method.monitoring import (INDICATORS, annual_targets, indicators_from_tables, light, monitoring_table)

NaN = np.nan
P = make_params()  # base 2015, horizon 2030, green 0.95, amber 0.80, systems_ab 0.8


def ladder(rows, rungs) -> pd.DataFrame:
    out = []
    for cid, pops in rows.items():
        for rung, pop in zip(rungs, pops):
            out.append({"community_id": cid, "rung": rung, "households": NaN, "population": pop})
    return pd.DataFrame(out)


WR = ("safely_managed", "basic", "limited", "unimproved", "surface")
SR = ("safely_managed", "basic", "limited", "unimproved", "open")


def water() -> pd.DataFrame:
    return ladder({"C1": [20.0, 60.0, 10.0, 10.0, 0.0], "C2": [0.0, 30.0, 0.0, 50.0, 20.0]}, WR)


def sanitation() -> pd.DataFrame:
    # safely managed not surveyed: NaN; basic holds every improved private household
    return ladder({"C1": [NaN, 50.0, 20.0, 20.0, 10.0], "C2": [NaN, 30.0, 0.0, 40.0, 30.0]}, SR)


def sus(classes=("A", "B", "C", "unclassified"), index=(3.6, 2.6, 1.6, NaN)) -> pd.DataFrame:
    return pd.DataFrame({"system_id": [f"S{i}" for i in range(len(classes))], "community_id": "C1",
                         "index": list(index), "class": list(classes), "partial": False})


def test_indicators_from_tables_hand_computed():
    ind = indicators_from_tables(water(), sanitation(), sus())
    assert ind["water_basic_or_better_pct"] == pytest.approx(55.0)   # (20+60+0+30)/200
    assert ind["water_safely_managed_pct"] == pytest.approx(10.0)    # 20/200
    assert ind["sanitation_basic_or_better_pct"] == pytest.approx(40.0)  # (50+30)/200, NaN rung left out
    assert ind["systems_ab_pct"] == pytest.approx(200 / 3)           # 2 of 3 classified (unclassified out)
    assert ind["mean_sustainability_index"] == pytest.approx(2.6)    # (3.6+2.6+1.6)/3


def test_indicators_missing_values_are_nan_not_zero():
    w = water()
    w.loc[(w["community_id"] == "C2") & (w["rung"] == "safely_managed"), "population"] = NaN
    empty = sus(classes=("unclassified",), index=(NaN,))
    ind = indicators_from_tables(w, sanitation(), empty)
    assert math.isnan(ind["water_safely_managed_pct"])
    assert math.isnan(ind["systems_ab_pct"]) and math.isnan(ind["mean_sustainability_index"])
    ind = indicators_from_tables(w, sanitation(), sus().iloc[0:0])
    assert math.isnan(ind["systems_ab_pct"]) and math.isnan(ind["mean_sustainability_index"])


@pytest.mark.parametrize("ratio,target,expected", [
    (0.95, 80.0, "green"),      # exactly green -> green
    (0.9499, 80.0, "amber"),
    (0.80, 80.0, "amber"),      # exactly amber -> amber
    (0.7999, 80.0, "red"),
    (1.3, 80.0, "green"),
    (0.5, 0.0, "not_applicable"),          # target 0: not applicable
    (NaN, NaN, "no_target"),               # missing target: unknown ("sin dato"), not "not applicable"
    (NaN, 80.0, None),          # target but nothing measured
])
def test_light_boundaries(ratio, target, expected):
    assert light(ratio, target, P) == expected


@given(st.floats(0, 3, allow_nan=False), st.floats(0.01, 1e6, allow_nan=False))
def test_light_property(ratio, target):
    got = light(ratio, target, P)
    assert got == ("green" if ratio >= 0.95 else "amber" if ratio >= 0.80 else "red")


def trajectory() -> pd.DataFrame:
    rows = []
    for y in range(2015, 2031):
        rows.append({"year": y, "service": "water", "population": 200.0, "population_served": NaN,
                     "coverage_pct": 55.0 if y == 2015 else 80.0})
        rows.append({"year": y, "service": "sanitation", "population": 200.0, "population_served": NaN,
                     "coverage_pct": 40.0 if y == 2015 else 50.0})
    return pd.DataFrame(rows)


def cost_by_year() -> pd.DataFrame:
    return pd.DataFrame({"year": [2016, 2016, 2017, 2017], "source": ["municipal", "regional"] * 2,
                         "envelope_pen": [150.0, 100.0, 150.0, 100.0], "spent_pen": [100.0, 50.0, 200.0, 0.0],
                         "remaining_pen": [50.0, 50.0, -50.0, 100.0]})


def test_annual_targets():
    tg = annual_targets({"systems_ab_pct": 50.0}, trajectory(), cost_by_year(), P)
    # the trajectory (plan measure: working A/B systems) sets the water_served targets; the JMP
    # basic-or-better share has another definition and gets no target
    assert tg["water_served_pct"][2015] == 55.0 and tg["water_served_pct"][2020] == 80.0
    assert all(math.isnan(v) for v in tg["water_basic_or_better_pct"].values())
    assert tg["sanitation_basic_or_better_pct"][2030] == 50.0
    # linear 50 -> 80 over 2015..2030: 2020 = 50 + 30 * 5/15 = 60
    assert tg["systems_ab_pct"][2015] == 50.0
    assert tg["systems_ab_pct"][2020] == pytest.approx(60.0)
    assert tg["systems_ab_pct"][2030] == pytest.approx(80.0)
    # cumulative spending: 2015 0, 2016 150, 2017 350, later years no spending -> 350
    cum = tg["cumulative_investment_pen"]
    assert (cum[2015], cum[2016], cum[2017], cum[2030]) == (0.0, 150.0, 350.0, 350.0)
    assert all(math.isnan(v) for v in tg["water_safely_managed_pct"].values())
    assert all(math.isnan(v) for v in tg["mean_sustainability_index"].values())


def test_systems_ab_target_when_baseline_already_meets_goal_or_missing():
    tg = annual_targets({"systems_ab_pct": 90.0}, trajectory(), cost_by_year(), P)
    assert set(tg["systems_ab_pct"].values()) == {80.0}          # keep the goal, never ask to fall
    tg = annual_targets({"systems_ab_pct": NaN}, trajectory(), cost_by_year(), P)
    assert all(math.isnan(v) for v in tg["systems_ab_pct"].values())


def stub_round(communities, water_systems):
    # what the lead's stage-1/2 runner would return for the 2018 inventory
    return {"water_served_pct": 76.0, "water_basic_or_better_pct": 90.0, "sanitation_basic_or_better_pct": 40.0,
            "systems_ab_pct": 28.0, "water_safely_managed_pct": 12.0, "mean_sustainability_index": 2.9}


def rounds(*years):
    return {y: {"communities": pd.DataFrame(), "water_systems": pd.DataFrame()} for y in years}


def test_monitoring_table_with_round():
    sus_base = sus(classes=("A", "C"), index=(3.6, 2.0))     # systems_ab baseline 50 %
    m, warnings = monitoring_table(water(), sanitation(), sus_base, trajectory(), cost_by_year(), rounds(2018), P,
                                   stub_round)
    assert warnings == []
    assert list(m.columns) == ["indicator", "year", "target", "actual", "ratio", "light", "unit", "target_reason"]
    assert len(m) == len(INDICATORS) * 16                     # 7 indicators x 2015..2030
    r = m.set_index(["indicator", "year"])
    # baseline row: actual from base tables, target = trajectory base
    assert r.loc[("water_served_pct", 2015), "actual"] == pytest.approx(55.0)
    assert r.loc[("water_served_pct", 2015), "light"] == "green"   # 55/55 = 1
    # 2018: water 76/80 = 0.95 exactly -> green; sanitation 40/50 = 0.80 -> amber
    assert r.loc[("water_served_pct", 2018), "ratio"] == 0.95
    assert r.loc[("water_served_pct", 2018), "light"] == "green"
    assert r.loc[("sanitation_basic_or_better_pct", 2018), "light"] == "amber"
    # systems A/B target 2018 = 50 + 30*3/15 = 56; 28/56 = 0.5 -> red
    assert r.loc[("systems_ab_pct", 2018), "target"] == pytest.approx(56.0)
    assert r.loc[("systems_ab_pct", 2018), "light"] == "red"
    # no target: "no data (no target)" with its reason, not "not applicable"; the actual is kept
    assert r.loc[("mean_sustainability_index", 2018), "light"] == "no_target"
    assert r.loc[("mean_sustainability_index", 2018), "target_reason"] == "method_sets_none"
    assert r.loc[("water_served_pct", 2018), "target_reason"] is None
    assert r.loc[("mean_sustainability_index", 2018), "actual"] == 2.9
    # base-year cumulative investment: target 0 -> n/a
    assert r.loc[("cumulative_investment_pen", 2015), "light"] == "not_applicable"
    # a round brings no spending: no actual, no light
    assert math.isnan(r.loc[("cumulative_investment_pen", 2018), "actual"])
    assert r.loc[("cumulative_investment_pen", 2018), "light"] is None
    # years without a round: targets only
    assert math.isnan(r.loc[("water_served_pct", 2019), "actual"])


def test_rounds_outside_range_ignored_with_warning_and_boundaries_kept():
    m, warnings = monitoring_table(water(), sanitation(), sus(), trajectory(), cost_by_year(),
                                   rounds(2015, 2016, 2030, 2031), P, stub_round)
    assert len(warnings) == 2                                  # 2015 (= base) and 2031 (> horizon)
    assert "2015" in warnings[0] and "2031" in warnings[1]
    r = m.set_index(["indicator", "year"])
    assert r.loc[("water_served_pct", 2016), "actual"] == 76.0   # base+1 kept
    assert r.loc[("water_served_pct", 2030), "actual"] == 76.0   # horizon kept
    assert r.loc[("water_served_pct", 2015), "actual"] == pytest.approx(55.0)  # baseline not replaced


def test_rounds_without_function_raise():
    with pytest.raises(ValueError):
        monitoring_table(water(), sanitation(), sus(), trajectory(), cost_by_year(), rounds(2018), P, None)


def test_stage_no_rounds_and_chart(recwarn):
    from propilas.stages import monitoring as stage
    out = stage.compute({"water_ladder": water(), "sanitation_ladder": sanitation(), "sustainability": sus(),
                         "trajectory": trajectory(), "cost_by_year": cost_by_year(), "rounds": {}}, P)
    m = out["monitoring"]
    assert m["actual"].notna().sum() == 7                      # baseline only (6 status indicators + cum 0)
    assert set(m.loc[m["actual"].notna(), "year"]) == {2015}
    from propilas.stages.charts.monitoring import monitoring_chart
    import matplotlib.pyplot as plt
    fig = monitoring_chart(m, P)
    assert len(fig.axes) >= 7
    plt.close(fig)


def test_stage_round_outside_range_warns():
    from propilas.stages import monitoring as stage
    with pytest.warns(UserWarning):
        out = stage.compute({"water_ladder": water(), "sanitation_ladder": sanitation(), "sustainability": sus(),
                             "trajectory": trajectory(), "cost_by_year": cost_by_year(),
                             "rounds": rounds(2040)}, P)
    assert out["monitoring"].attrs["warnings"]
