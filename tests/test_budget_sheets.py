"""Stage 6: project sheets and commitments, on hand-built stage-0..5 output tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import make_params
from propilas.method.budget_sheets import commitments, project_sheets, sheet_columns, sheet_years
from propilas.stages import participatory_budget

NaN = np.nan


def communities() -> pd.DataFrame:
    return pd.DataFrame({"community_id": ["C1", "C2"], "name": ["Alto", "Bajo"],
                         "population": [200, 100], "households": [40, 20]})


def gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "community_id": ["C1", "C1", "C2"],
        "service": ["water", "sanitation", "water"],
        "population_base": [200.0, 200.0, 100.0],
        "served_base": [120.0, 80.0, 50.0],
        "target_pct": [100.0, 80.0, 100.0],
        "population_horizon": [220.0, 220.0, 110.0],
        "gap": [100.0, 96.0, 60.0],
        "gap_indicator_pct": [40.0, 60.0, 50.0],
    })


def priorities() -> pd.DataFrame:
    return pd.DataFrame({"community_id": ["C1", "C2"], "score": [0.9, 0.4], "rank": [1, 2]})


def plan(with_gain: bool = True) -> pd.DataFrame:
    # item, year, community, system, intervention, service, cost, source, beneficiaries, served_gain, rank, status
    rows = [
        ("ATM-2016", 2016, None, None, "atm", "management", 42000.0, "municipal", 0.0, 0.0, NaN, "funded"),
        ("I1", 2016, "C1", None, "new_system", "water", 100000.0, "municipal", 60.0, 60.0, 1, "funded"),
        ("I1", 2016, "C1", None, "new_system", "water", 20000.0, "regional", 60.0, 60.0, 1, "funded"),
        ("I4", 2016, "C2", "S2", "jass_strengthening", "management", 6000.0, "municipal", 0.0, 0.0, 2, "funded"),
        ("I2", 2017, "C1", "S1", "extension", "water", 16000.0, "national", 30.0, 30.0, 1, "funded"),
        ("I3", 2017, "C2", None, "sanitation_units", "sanitation", 55000.0, "national", 50.0, 50.0, 2, "funded"),
        ("I5", 2018, "C1", "S1", "improvement", "water", 18000.0, "municipal", 10.0, 0.0, 1, "funded"),
        ("I6", NaN, "C2", None, "new_system", "water", 150000.0, None, 100.0, 100.0, 2, "unfunded"),
    ]
    df = pd.DataFrame(rows, columns=["item_id", "year", "community_id", "system_id", "intervention", "service",
                                     "cost_pen", "source", "beneficiaries", "served_gain", "rank", "status"])
    df["year"] = df["year"].astype(float)
    return df if with_gain else df.drop(columns=["served_gain"])


def test_sheet_years_default_and_clipped_to_horizon():
    assert sheet_years(make_params()) == [2016, 2017]
    # base 2015, sheet_years 20 would run past the horizon 2030: stops at 2030
    assert sheet_years(make_params(budget={"sheet_years": 20}))[-1] == 2030


def test_sheets_one_per_funded_item_in_first_years_ordered_and_summed():
    p = make_params()
    s = project_sheets(plan(), priorities(), gaps(), communities(), p)
    assert list(s.columns) == sheet_columns(p)
    # ATM excluded, I5 (2018 > base+2) excluded, I6 unfunded excluded; 2016: I1 (rank 1), I4 (rank 2); 2017: I2, I3
    assert s["item_id"].tolist() == ["I1", "I4", "I2", "I3"]
    assert s["sheet_no"].tolist() == [1, 2, 3, 4]
    i1 = s.iloc[0]
    assert i1["community_name"] == "Alto"
    assert i1["cost_pen"] == 120000.0                    # 100 000 municipal + 20 000 regional
    assert (i1["cost_municipal_pen"], i1["cost_regional_pen"], i1["cost_national_pen"]) == (100000.0, 20000.0, 0.0)
    assert i1["priority_rank"] == 1
    assert i1["gap_indicator"] == "water"
    assert i1["gap_indicator_base_pct"] == 40.0
    assert i1["gap_closed_pp"] == pytest.approx(30.0)     # 100 * 60 / 200
    assert i1["gap_indicator_after_pct"] == pytest.approx(10.0)  # 40 - 30


def test_gap_after_is_cumulative_per_community_and_floored_at_zero():
    s = project_sheets(plan(), priorities(), gaps(), communities(), make_params()).set_index("item_id")
    assert s.loc["I2", "gap_closed_pp"] == pytest.approx(15.0)  # 100 * 30 / 200
    # after I1 (30) and I2 (15): 40 - 45 < 0 -> 0
    assert s.loc["I2", "gap_indicator_after_pct"] == 0.0


def test_management_item_and_missing_gap_row_leave_indicator_empty():
    s = project_sheets(plan(), priorities(), gaps(), communities(), make_params()).set_index("item_id")
    assert s.loc["I4", "gap_indicator"] is None
    assert math.isnan(s.loc["I4", "gap_closed_pp"]) and math.isnan(s.loc["I4", "gap_indicator_base_pct"])
    # C2 has no sanitation gap row: indicator named, values not invented
    assert s.loc["I3", "gap_indicator"] == "sanitation"
    assert math.isnan(s.loc["I3", "gap_indicator_base_pct"]) and math.isnan(s.loc["I3", "gap_closed_pp"])


def test_beneficiaries_used_when_plan_has_no_served_gain():
    pl = plan(with_gain=False)
    pl.loc[pl["item_id"].eq("I1"), "beneficiaries"] = 50.0
    s = project_sheets(pl, priorities(), gaps(), communities(), make_params()).set_index("item_id")
    assert s.loc["I1", "gap_closed_pp"] == pytest.approx(25.0)  # 100 * 50 / 200


def test_sheet_years_boundary():
    one = project_sheets(plan(), priorities(), gaps(), communities(), make_params(budget={"sheet_years": 1}))
    assert one["item_id"].tolist() == ["I1", "I4"]              # only 2016 = base + 1
    three = project_sheets(plan(), priorities(), gaps(), communities(), make_params(budget={"sheet_years": 3}))
    assert three["item_id"].tolist() == ["I1", "I4", "I2", "I3", "I5"]  # 2018 = base + 3 included


def test_rank_from_priorities_when_plan_has_none():
    pl = plan().drop(columns=["rank"])
    s = project_sheets(pl, priorities(), gaps(), communities(), make_params()).set_index("item_id")
    assert s.loc["I3", "priority_rank"] == 2


def test_no_sheets_gives_empty_table_with_columns():
    pl = plan()
    pl = pl.loc[pl["year"].ne(2016) & pl["year"].ne(2017)]
    s = project_sheets(pl, priorities(), gaps(), communities(), make_params())
    assert s.empty and list(s.columns) == sheet_columns(make_params())


def sustainability() -> pd.DataFrame:
    return pd.DataFrame({"system_id": ["S1", "S2", "S3"], "community_id": ["C1", "C2", "C2"],
                         "g_jass_recognised": [4.0, 1.0, NaN], "index": [3.0, 2.0, 1.5],
                         "class": ["B", "C", "D"], "partial": [False, False, True]})


def test_commitments_atm_jass_ordinance_roles():
    p = make_params(unit_costs={"atm_per_year": 50000}, language="en")
    c = commitments(plan(), sustainability(), communities(), p)
    assert list(c.columns) == ["item", "actor", "detail", "amount_pen", "year"]
    budget = c.loc[c["item"].eq("atm_budget")].set_index("year")["amount_pen"]
    assert list(budget.index) == list(range(2016, 2031))       # every programming year
    assert budget[2016] == 42000.0                             # what the plan funded that year
    assert budget[2017] == 50000.0                             # param where the plan has no ATM row
    jass = c.loc[c["item"].eq("jass_recognition")]
    assert len(jass) == 1 and "S2" in jass["detail"].iloc[0] and "Bajo" in jass["detail"].iloc[0]
    verify = c.loc[c["item"].eq("jass_verify")]
    assert len(verify) == 1 and "S3" in verify["detail"].iloc[0]   # unknown status: verify, not assume
    assert c["item"].eq("ordinance").sum() == 1 and c["item"].eq("atm_staff").sum() == 1
    roles = c.loc[c["item"].eq("role"), "actor"].tolist()
    assert roles == ["municipality", "atm", "jass", "health_post", "oversight_committee"]
    assert c.loc[c["item"].eq("role"), "amount_pen"].isna().all()


def test_commitments_language():
    es = commitments(plan(), sustainability(), communities(), make_params(language="es"))
    en = commitments(plan(), sustainability(), communities(), make_params(language="en"))
    o_es = es.loc[es["item"].eq("ordinance"), "detail"].iloc[0]
    o_en = en.loc[en["item"].eq("ordinance"), "detail"].iloc[0]
    assert "ordenanza" in o_es and "ordinance" in o_en and "2015-2030" in o_en


def test_stage_and_chart():
    p = make_params()
    out = participatory_budget.compute({"investment_plan": plan(), "priorities": priorities(), "gaps": gaps(),
                                        "communities": communities(), "sustainability": sustainability()}, p)
    assert set(out) == {"project_sheets", "commitments"}
    from propilas.stages.charts.budget import sheets_cost_chart
    import matplotlib.pyplot as plt
    fig = sheets_cost_chart(out["project_sheets"], p)
    assert fig.axes[0].get_title(loc="left").startswith("Fichas")
    plt.close(fig)
    from propilas.stages.charts.common import NoChart

    empty = sheets_cost_chart(out["project_sheets"].iloc[0:0], p)  # no empty frame: a sentence (issue 13 §3)
    assert isinstance(empty, NoChart) and str(p.budget.sheet_years) in empty.text


def test_served_gain_from_interventions_when_plan_lacks_it():
    pl = plan(with_gain=False)
    iv = pd.DataFrame({"item_id": ["I1", "I2"], "served_gain": [0.0, 20.0]})
    s = project_sheets(pl, priorities(), gaps(), communities(), make_params(), interventions=iv).set_index("item_id")
    assert s.loc["I1", "gap_closed_pp"] == 0.0                   # improvement-like item: nobody newly served
    assert s.loc["I2", "gap_closed_pp"] == pytest.approx(10.0)   # 100 * 20 / 200
    assert s.loc["I2", "gap_indicator_after_pct"] == pytest.approx(30.0)  # 40 - 0 - 10
    # items absent from interventions fall back to beneficiaries: I3 has no gap row anyway
    assert math.isnan(s.loc["I3", "gap_closed_pp"])


def test_after_float_noise_is_zero():
    g = gaps()
    g.loc[0, "gap_indicator_pct"] = 45.0                         # 45 - 30 - 15 = 0 exactly in points
    s = project_sheets(plan(), priorities(), g, communities(), make_params()).set_index("item_id")
    assert s.loc["I2", "gap_indicator_after_pct"] == 0.0
