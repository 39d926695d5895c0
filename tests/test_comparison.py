"""Stage 9: comparison table flattening, per-person money and need rankings (hand-computed)."""

from __future__ import annotations

import math

import pandas as pd

from propilas.method.comparison import comparison_table, headline_columns


def summary(district, water, san, mis, gap, pop_h, invest=1000.0, pop_b=100, top=("C1", "C2")):
    return {"district": district, "name": district.title(), "population_base": pop_b, "population_horizon": pop_h,
            "water_basic_or_better_pct": water, "sanitation_basic_or_better_pct": san,
            "mean_sustainability_index": mis, "funding_gap_pen": gap, "investment_total_pen": invest,
            "systems": 3, "systems_by_class": {"A": 1, "B": 1, "C": 0, "D": 1, "unclassified": 0},
            "top_priorities": list(top), "data_sources": ["SIASAR 2015", "illustrative"]}


def table() -> pd.DataFrame:
    # given in non-sorted order on purpose
    return comparison_table([
        summary("d3", 80.0, 20.0, 3.0, 0.0, 200),
        summary("d1", 50.0, 40.0, 2.5, 1000.0, 100),
        summary("d2", 50.0, 60.0, None, 5000.0, 100, invest=None),
    ])


def test_one_row_per_district_sorted_and_flattened():
    t = table()
    assert t["district"].tolist() == ["d1", "d2", "d3"]
    assert t.loc[0, "systems_A"] == 1 and t.loc[0, "systems_D"] == 1 and t.loc[0, "systems_unclassified"] == 0
    assert "systems_by_class" not in t.columns
    assert t.loc[0, "top_priorities"] == "C1 C2"
    assert t.loc[0, "data_sources"] == "SIASAR 2015; illustrative"
    assert [c for c in headline_columns() if c in t.columns] == t.columns[:len([c for c in headline_columns()
                                                                               if c in t.columns])].tolist()


def test_per_person_money():
    t = table().set_index("district")
    assert t.loc["d1", "funding_gap_per_person_pen"] == 10.0     # 1000 / 100
    assert t.loc["d2", "funding_gap_per_person_pen"] == 50.0     # 5000 / 100
    assert t.loc["d3", "funding_gap_per_person_pen"] == 0.0      # 0 / 200
    assert t.loc["d1", "investment_per_person_pen"] == 10.0      # 1000 / 100
    assert math.isnan(t.loc["d2", "investment_per_person_pen"])  # unknown investment stays unknown


def test_need_rankings():
    t = table().set_index("district")
    # lowest water first; d1 and d2 tie at 50 -> both 1, d3 3
    assert t["rank_water"].tolist() == [1, 1, 3]
    # lowest sanitation first: d3 (20) 1, d1 (40) 2, d2 (60) 3
    assert t["rank_sanitation"].tolist() == [2, 3, 1]
    # lowest mean IS first; d2 has none -> no rank
    assert t.loc["d1", "rank_sustainability"] == 1 and t.loc["d3", "rank_sustainability"] == 2
    assert pd.isna(t.loc["d2", "rank_sustainability"])
    # largest funding gap per person first: d2 50, d1 10, d3 0
    assert t["rank_funding_gap"].tolist() == [2, 1, 3]


def test_empty_and_charts():
    assert list(comparison_table([]).columns) == headline_columns()
    from propilas.report.comparison_charts import (coverage_by_district_chart, investment_per_person_chart,
                                            sustainability_by_district_chart)
    import matplotlib.pyplot as plt
    t = table()
    for fig in (coverage_by_district_chart(t, "es"), sustainability_by_district_chart(t, "en"),
                investment_per_person_chart(t, "es")):
        assert fig.axes[0].get_title(loc="left")
        plt.close(fig)


def test_money_columns_are_the_summary_money_figures():
    # issue 10: the comparison shows the plan cost and the ATM beside investment and gap, the
    # summary's numbers unchanged; a district without them is empty, never 0
    s = summary("d1", 50.0, 40.0, 2.5, 1000.0, 100, invest=4000.0)
    s.update({"plan_cost_pen": 5000.0, "atm_total_pen": 630.0, "unpriced_items": 1})
    t = comparison_table([s, summary("d2", 50.0, 60.0, 3.0, 0.0, 100)]).set_index("district")
    cols = headline_columns()
    assert cols.index("plan_cost_pen") < cols.index("investment_total_pen") < cols.index("funding_gap_pen")
    assert "atm_total_pen" in cols and "plan_total_pen" not in cols
    assert (t.loc["d1", "plan_cost_pen"], t.loc["d1", "investment_total_pen"], t.loc["d1", "funding_gap_pen"],
            t.loc["d1", "atm_total_pen"]) == (5000.0, 4000.0, 1000.0, 630.0)
    assert math.isnan(t.loc["d2", "plan_cost_pen"]) and math.isnan(t.loc["d2", "atm_total_pen"])
