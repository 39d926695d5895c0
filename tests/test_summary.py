"""Stage 8: summary.json figures, rounding, JSON safety and the citizen summary."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers import make_params
from propilas.method.summary import build_summary, citizen_summary, round_half_up

NaN = np.nan
WR = ("safely_managed", "basic", "limited", "unimproved", "surface")
SR = ("safely_managed", "basic", "limited", "unimproved", "open")


def ladder(rows, rungs) -> pd.DataFrame:
    return pd.DataFrame([{"community_id": c, "rung": r, "households": NaN, "population": p}
                         for c, pops in rows.items() for r, p in zip(rungs, pops)])


def inputs() -> dict[str, pd.DataFrame]:
    communities = pd.DataFrame({"community_id": ["C1", "C2", "C3"], "name": ["Alto", "Bajo", "Centro"],
                                "population": [100, 200, 300], "households": [20, 40, 60],
                                "source": ["SIASAR 2015", "illustrative", "illustrative"]})
    water_systems = pd.DataFrame({"system_id": ["S1", "S2", "S3"], "community_id": ["C1", "C2", "C3"],
                                  "source": ["SIASAR 2015", "SIASAR 2015", "illustrative"]})
    population = pd.DataFrame([{"community_id": c, "year": y, "population": p * (1.01 ** (y - 2015))}
                               for c, p in (("C1", 100.0), ("C2", 200.0), ("C3", 300.0)) for y in (2015, 2030)])
    # water: basic-or-better = (10+40) + (0+50) + (0+99) = 199 of 600 -> 33.1666.. -> 33.2
    water = ladder({"C1": [10.0, 40.0, 50.0, 0.0, 0.0], "C2": [0.0, 50.0, 150.0, 0.0, 0.0],
                    "C3": [0.0, 99.0, 201.0, 0.0, 0.0]}, WR)
    # sanitation basic: 25 + 24.5 + 24 = 73.5 of 600 -> 12.25 % -> half up 12.3 (half-even would give 12.2)
    san = ladder({"C1": [NaN, 25.0, 75.0, 0.0, 0.0], "C2": [NaN, 24.5, 175.5, 0.0, 0.0],
                  "C3": [NaN, 24.0, 276.0, 0.0, 0.0]}, SR)
    sus = pd.DataFrame({"system_id": ["S1", "S2", "S3"], "community_id": ["C1", "C2", "C3"],
                        "index": [3.75, 2.5, NaN], "class": ["A", "C", "unclassified"],
                        "partial": [False, True, False], "g_jass_recognised": [4.0, 1.0, 1.0]})
    gaps = pd.DataFrame({"community_id": ["C1", "C1", "C2", "C2"], "service": ["water", "sanitation"] * 2,
                         "population_base": [100.0, 100.0, 200.0, 200.0], "served_base": [50.0, 25.0, 50.0, 24.5],
                         "target_pct": [100.0, 80.0, 100.0, 80.0], "population_horizon": [116.1, 116.1, 232.2, 232.2],
                         "gap": [66.1, 67.9, 182.2, 161.3], "gap_indicator_pct": [50.0, 75.0, 75.0, 87.75]})
    priorities = pd.DataFrame({"community_id": ["C1", "C2", "C3"], "score": [0.2, 0.9, 0.5], "rank": [3, 1, 2]})
    plan = pd.DataFrame([
        ("ATM-2016", 2016.0, None, "atm", "management", 42000.0, "municipal", 0.0, NaN, "funded"),
        ("I1", 2016.0, "C2", "new_system", "water", 100000.0, "municipal", 150.0, 1, "funded"),
        ("I1", 2016.0, "C2", "new_system", "water", 50000.0, "national", 150.0, 1, "funded"),
        ("I2", 2017.0, "C3", "sanitation_units", "sanitation", 55000.0, "regional", 50.0, 2, "funded"),
        ("I3", NaN, "C1", "extension", "water", 16000.0, None, 20.0, 3, "unfunded"),
        ("I4", NaN, "C3", "new_system", "water", 30000.0, None, 20.0, 2, "unfunded"),
    ], columns=["item_id", "year", "community_id", "intervention", "service", "cost_pen", "source",
                "beneficiaries", "rank", "status"])
    target_years = pd.DataFrame({"service": ["water", "sanitation"], "target_pct": [100.0, 80.0],
                                 "year_met": [2022.0, NaN], "coverage_horizon_pct": [100.0, 61.25],
                                 "funding_gap_pen": [0.0, 46000.0]})
    sheets = pd.DataFrame({"sheet_no": [1, 2], "year": [2016, 2017], "item_id": ["I1", "I2"],
                           "community_id": ["C2", "C3"], "community_name": ["Bajo", "Centro"],
                           "intervention": ["new_system", "sanitation_units"], "service": ["water", "sanitation"],
                           "beneficiaries": [150.0, 50.0], "cost_pen": [150000.0, 55000.0],
                           "cost_municipal_pen": [100000.0, 0.0], "cost_regional_pen": [0.0, 55000.0],
                           "cost_national_pen": [50000.0, 0.0]})
    robustness = pd.DataFrame({"metric": ["median_spearman", "fragile", "draws", "top_k"],
                               "value": [0.95, 1.0, 1000.0, 2.0]})
    trajectory = pd.DataFrame({"year": [2015, 2030], "service": ["water", "water"],
                               "population_served": [199.0, 697.0], "coverage_pct": [33.2, 100.0]})
    return {"communities": communities, "water_systems": water_systems, "population": population,
            "water_ladder": water, "sanitation_ladder": san, "sustainability": sus, "gaps": gaps,
            "priorities": priorities, "investment_plan": plan, "target_years": target_years,
            "project_sheets": sheets, "robustness": robustness, "trajectory": trajectory}


P = make_params(prioritisation={"top_k": 2}, language="en")

CONTRACT_KEYS = ("district, name, ubigeo, base_year, horizon_year, population_base, population_horizon, "
                 "water_basic_or_better_pct, sanitation_basic_or_better_pct, water_safely_managed_pct, systems, "
                 "systems_by_class, partial_indices, mean_sustainability_index, investment_total_pen, "
                 "funding_gap_pen, water_target_year, sanitation_target_year, top_priorities").split(", ")


@pytest.mark.parametrize("x,digits,expected", [
    (12.25, 1, 12.3), (12.35, 1, 12.4), (33.3333, 1, 33.3), (99.95, 1, 100.0), (2.675, 2, 2.68),
    (NaN, 1, None), (None, 1, None), (float("inf"), 1, None), (1234.5, 0, 1235.0),
])
def test_round_half_up(x, digits, expected):
    assert round_half_up(x, digits) == expected


def test_summary_keys_and_values():
    s = build_summary(inputs(), P)
    for k in CONTRACT_KEYS + ["department", "province", "rural_share", "fragile_ranking", "illustrative_rows_pct",
                              "data_sources"]:
        assert k in s, k
    assert (s["district"], s["ubigeo"], s["base_year"], s["horizon_year"]) == ("fixture", "999999", 2015, 2030)
    assert s["population_base"] == 600                       # 100 + 200 + 300 at 2015
    assert s["population_horizon"] == round(600 * 1.01 ** 15)  # 696.58 -> 697
    assert s["water_basic_or_better_pct"] == 33.2            # 199 / 600 = 33.17 %
    assert s["sanitation_basic_or_better_pct"] == 12.3       # 73.5 / 600 = 12.25 % half up
    assert s["water_safely_managed_pct"] == 1.7              # 10 / 600 = 1.667 %
    assert s["systems"] == 3
    assert s["systems_by_class"] == {"A": 1, "B": 0, "C": 1, "D": 0, "unclassified": 1}
    assert s["partial_indices"] == 1
    assert s["systems_ab_pct"] == 50.0                       # 1 of 2 classified
    assert s["mean_sustainability_index"] == 3.13            # (3.75 + 2.5) / 2 = 3.125 -> 3.13
    assert s["investment_total_pen"] == 205000.0             # 150 000 + 55 000, ATM excluded
    assert s["atm_total_pen"] == 42000.0
    assert s["funding_gap_pen"] == 46000.0                   # 16 000 + 30 000 unfunded
    assert s["unfunded_items"] == 2
    assert s["water_target_year"] == 2022 and isinstance(s["water_target_year"], int)
    assert s["sanitation_target_year"] is None
    assert s["top_priorities"] == ["C2", "C3"]               # ranks 1, 2 (top_k = 2)
    assert s["fragile_ranking"] is True
    assert s["illustrative_rows_pct"] == 50.0                # 2 of 3 communities + 1 of 3 systems = 3 / 6
    assert s["data_sources"] == ["SIASAR 2015", "illustrative"]
    assert s["jass_to_recognise"] == 2
    assert s["water_gap_people"] == 248                      # 66.1 + 182.2
    assert s["project_sheets"] == 2


def test_summary_json_safe_and_none_for_missing():
    inp = inputs()
    inp["water_ladder"].loc[inp["water_ladder"]["rung"].eq("safely_managed") & inp["water_ladder"]["community_id"].eq("C3"),
                            "population"] = NaN
    del inp["robustness"], inp["target_years"]
    s = build_summary(inp, P)
    text = json.dumps(s, allow_nan=False)
    assert json.loads(text) == s
    assert s["water_safely_managed_pct"] is None
    assert s["fragile_ranking"] is None
    assert s["water_target_year"] is None and s["water_coverage_horizon_pct"] is None


def test_citizen_summary_en_and_es():
    en = citizen_summary(inputs(), P)
    assert all(isinstance(x, str) and x for x in en)
    joined = " ".join(en)
    assert "In 2016: new water system in Bajo, for 150 people; cost S/ 150,000" in joined
    assert "municipality S/ 100,000; national government S/ 50,000" in joined
    assert "reached in 2022" in joined                       # water target met
    assert "is not reached by 2030: coverage reaches 61.3 %" in joined  # 61.25 half up
    assert "2 work(s) worth S/ 46,000 remain unfunded, in: Alto, Centro" in joined
    assert "illustrative" in joined
    es = citizen_summary(inputs(), make_params(prioritisation={"top_k": 2}, language="es"))
    assert "En 2016" in " ".join(es) and es != en


def test_stage_and_charts():
    from propilas.stages import summary as stage
    out = stage.compute(inputs(), P)
    assert isinstance(out["summary.json"], dict)
    assert list(out["citizen_summary"].columns) == ["sentence"] and len(out["citizen_summary"]) >= 6
    from propilas.stages.charts.summary import coverage_chart, investment_chart, systems_by_class_chart
    import matplotlib.pyplot as plt
    s = out["summary.json"]
    cby = pd.DataFrame({"year": [2016, 2016, 2017], "source": ["municipal", "national", "regional"],
                        "envelope_pen": [150000.0, 250000.0, 100000.0], "spent_pen": [142000.0, 50000.0, 55000.0],
                        "remaining_pen": [8000.0, 200000.0, 45000.0]})
    for fig in (coverage_chart(s, P), systems_by_class_chart(s, P), investment_chart(cby, P, s)):
        assert fig.axes[0].get_title(loc="left")
        plt.close(fig)


def test_citizen_sheet_without_beneficiaries_says_no_people():
    inp = inputs()
    inp["project_sheets"].loc[1, "beneficiaries"] = 0.0
    text = " ".join(citizen_summary(inp, P))
    assert "In 2017: basic sanitation units (UBS) in Centro; cost S/ 55,000" in text


def test_mayor_chart_shows_the_plans_served_measure_at_both_ends():
    # issue 10 item 7: the base bar is the plan's served measure (trajectory 2015: 20.0 %), not the
    # JMP basic-or-better share (33.2 %), which is stated apart; before, the chart drew 33.2 against
    # the trajectory's horizon value.
    import matplotlib.pyplot as plt
    from propilas.stages.charts.summary import coverage_chart

    inp = inputs()
    inp["trajectory"] = pd.DataFrame({"year": [2015, 2030, 2015, 2030], "service": ["water", "water", "sanitation",
                                                                                    "sanitation"],
                                      "population_served": [120.0, 697.0, 60.0, 300.0],
                                      "coverage_pct": [20.0, 100.0, 10.0, 43.07]})
    s = build_summary(inp, P)
    assert (s["water_coverage_base_pct"], s["sanitation_coverage_base_pct"]) == (20.0, 10.0)
    assert s["water_basic_or_better_pct"] == 33.2
    fig = coverage_chart(s, P)
    ax = fig.axes[0]
    heights = [b.get_height() for c in ax.containers for b in c]
    assert heights[:2] == [20.0, 10.0]                   # base year, water and sanitation: plan's measure
    assert 33.2 not in heights
    assert "33.2 %" in ax.get_xlabel() and "JMP" in ax.get_xlabel()
    plt.close(fig)
