"""The plan's money figures: one definition each (method/money.py), the same on every page.

Hand case (years 2016-2017, ATM 30 a year, envelope municipal 100 + regional 50; 2016: municipal 20):
- 2016: the ATM (30) does not fit the 20 → unfunded ATM year. Items in order: a-ext 100 > 20 skip;
  a-san 200 skip; b-rec has no known cost (never funded); b-imp 15.5 ≤ 20 → funded (4.5 left);
  b-jass 20 > 4.5 skip.
- 2017: ATM 30 → 120 left; a-ext 100 funded (20 left); a-san 200 > 20; b-jass 20 ≤ 20 funded.
So funded works: b-imp 15.5 + a-ext 100 (water), b-jass 20 (management); unfunded: a-san 200
(sanitation), b-rec unpriced (water); ATM: 2017 paid, 2016 unpaid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import make_params
from propilas.method.headline import money_rows
from propilas.method.money import money_figures, money_sentences, money_table
from propilas.method.scheduling import schedule, target_years, trajectory
from propilas.method.summary import build_summary, citizen_summary
from test_scheduling import items_df, prio_df
from test_summary import inputs as summary_inputs

EXPECTED = {
    "water_investment_total_pen": 116.0,      # 100 + 15.5 = 115.5 → half up 116
    "water_funding_gap_pen": 0.0,             # b-rec has no cost: not in any sum ...
    "water_plan_cost_pen": 116.0,
    "water_unpriced_items": 1,                # ... counted here
    "sanitation_investment_total_pen": 0.0,
    "sanitation_funding_gap_pen": 200.0,
    "sanitation_plan_cost_pen": 200.0,
    "sanitation_unpriced_items": 0,
    "management_investment_total_pen": 20.0,  # JASS strengthening; the ATM is not a work
    "management_funding_gap_pen": 0.0,
    "management_plan_cost_pen": 20.0,
    "management_unpriced_items": 0,
    "investment_total_pen": 136.0,            # 116 + 0 + 20
    "funding_gap_pen": 200.0,                 # a-san only: no ATM year, no unpriced item
    "plan_cost_pen": 336.0,                   # = investment_total + funding_gap
    "atm_total_pen": 60.0,                    # two years × 30, paid or not
    "atm_unfunded_pen": 30.0,                 # 2016
    "atm_unfunded_years": 1,
    "unpriced_items": 1,
    "unfunded_items": 2,                      # a-san, b-rec (ATM years are not works)
}


def hand_plan():
    p = make_params(horizon_year=2017, unit_costs={"atm_per_year": 30.0},
                    budget={"envelope": {"municipal": 100, "regional": 50, "national": 0},
                            "envelope_by_year": {2016: {"municipal": 20}}})
    items = items_df([("a-ext", "a", "extension", 100, 5), ("a-san", "a", "sanitation_units", 200, 10),
                      ("b-rec", "b", "reconstruction", 0, 5), ("b-imp", "b", "improvement", 15.5, 0),
                      ("b-jass", "b", "jass_strengthening", 20, 0)])
    items.loc[items["item_id"] == "b-rec", "cost_pen"] = np.nan
    plan, _ = schedule(items, prio_df({"a": 1, "b": 2}), p)
    return p, items, plan


def test_schedule_is_the_hand_case():
    _, _, plan = hand_plan()
    status = plan.groupby("item_id")["status"].first().to_dict()
    assert status == {"atm-2016": "unfunded", "atm-2017": "funded", "a-ext": "funded", "a-san": "unfunded",
                      "b-rec": "unfunded", "b-imp": "funded", "b-jass": "funded"}


def test_every_money_key_by_hand():
    _, _, plan = hand_plan()
    assert money_figures(plan) == EXPECTED
    m = money_figures(plan)
    assert m["investment_total_pen"] + m["funding_gap_pen"] == m["plan_cost_pen"]
    assert sum(m[f"{s}_plan_cost_pen"] for s in ("water", "sanitation", "management")) == m["plan_cost_pen"]


def test_no_plan_is_unknown_not_zero():
    assert all(v is None for v in money_figures(None).values())


def test_target_years_funding_gap_is_the_money_figure():
    # before: the management row held the unfunded ATM year (30) and the total was 230
    p, items, plan = hand_plan()
    pop = pd.DataFrame([{"community_id": c, "year": y, "population": 100.0} for c in "ab" for y in p.years])
    gaps = pd.DataFrame([{"community_id": c, "service": s, "served_base": 50.0} for c in "ab"
                         for s in ("water", "sanitation")])
    ty = target_years(trajectory(pop, gaps, plan, items, p), plan, p).set_index("service")
    assert ty["funding_gap_pen"].to_dict() == {"water": 0.0, "sanitation": 200.0, "management": 0.0}
    assert (ty["funding_gap_total_pen"] == 200.0).all()
    assert ty["unpriced_items"].to_dict() == {"water": 1, "sanitation": 0, "management": 0}
    assert (ty["atm_unfunded_pen"] == 30.0).all()


def test_summary_states_the_money_figures_and_drops_plan_total():
    p, _, plan = hand_plan()
    inp = summary_inputs()
    inp["investment_plan"] = plan
    s = build_summary(inp, make_params(horizon_year=2017, language="en"))
    for k, v in EXPECTED.items():
        assert s[k] == v, k
    assert "plan_total_pen" not in s                     # invest + ATM: misleading, dropped


def test_headline_and_citizen_summary_say_what_each_figure_includes():
    p = make_params(horizon_year=2017, language="en")
    _, _, plan = hand_plan()
    inp = summary_inputs()
    inp["investment_plan"] = plan
    s = build_summary(inp, p)
    rows = dict(money_rows(s, p))       # the money rows of the mayor's headline
    assert rows["Plan cost (every work, without the ATM)"] == "S/ 336"
    assert rows["Programmed investment (funded works, without the ATM)"] == "S/ 136"
    assert rows["Funding gap at the horizon (unfunded works, without the ATM)"] == "S/ 200"
    assert rows["Running the ATM (2016–2017, separate)"] == "S/ 60"
    assert rows["ATM unfunded (1 year(s))"] == "S/ 30"
    assert rows["Works without a known cost (not in the figures)"] == "1"
    text = " ".join(citizen_summary(inp, p, summary=s))
    assert "The plan funds works worth S/ 136 up to 2017 (programmed investment, without the ATM)" in text
    assert "2 work(s) worth S/ 200 remain unfunded" in text
    assert "1 work(s) of the plan have no known cost yet" in text
    assert "In 1 year(s) the budget could not pay the ATM: S/ 30" in text


def test_stage_five_sentences_and_table_state_the_same_numbers():
    _, _, plan = hand_plan()
    m = money_figures(plan)
    es = " ".join(money_sentences(m, "es", 2016, 2017))
    assert "Costo del plan (todas las obras, sin la ATM): **S/ 336**" in es
    assert "inversión programada (obras financiadas, sin la ATM) **S/ 136**" in es
    assert "brecha de financiamiento (obras sin financiar al horizonte) **S/ 200**" in es
    assert "de 2016 a 2017: **S/ 60**" in es
    assert "1 obra(s) no tienen costo conocido" in es
    tab = money_table(m, "en").set_index("service")
    assert tab.loc["Total"].tolist() == [336.0, 136.0, 200.0, 1]
    assert tab.loc["sanitation", "funding_gap_pen"] == 200.0


def test_summary_figures_equal_stage_five_on_the_summary_fixture():
    # the summary fixture's plan: funded 150 000 + 55 000, unfunded 16 000 + 30 000, ATM 42 000 paid
    s = build_summary(summary_inputs(), make_params(prioritisation={"top_k": 2}, language="en"))
    assert (s["plan_cost_pen"], s["investment_total_pen"], s["funding_gap_pen"], s["atm_total_pen"]) == \
        (251000.0, 205000.0, 46000.0, 42000.0)
    assert (s["water_funding_gap_pen"], s["sanitation_funding_gap_pen"]) == (46000.0, 0.0)
    assert s["unpriced_items"] == 0 and s["atm_unfunded_pen"] == 0.0


@pytest.mark.parametrize("cost,expected", [(0.5, 1.0), (2.5, 3.0), (1.49, 1.0)])
def test_whole_soles_half_up(cost, expected):
    plan = pd.DataFrame({"item_id": ["x"], "intervention": ["extension"], "service": ["water"],
                         "cost_pen": [cost], "status": ["funded"]})
    assert money_figures(plan)["investment_total_pen"] == expected
