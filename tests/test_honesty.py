"""Issue 10, items 8-9: illustrative marks where a figure appears; the comparison classes with each
district's own cut-offs; pph bounds from params; a missing target is "no data"; no sentence prints nan."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import communities, make_params, systems
from propilas.core.labels import t


def illustrative_inputs(*a, **k):  # imported per call: each test fails on its own on the old code
    from propilas.method.sources import illustrative_inputs as f

    return f(*a, **k)


def illustrative_from_summary(*a, **k):
    from propilas.method.sources import illustrative_from_summary as f

    return f(*a, **k)


def mark_table(*a, **k):
    from propilas.method.sources import mark_table as f

    return f(*a, **k)

# c2 and c3 are generated rows (helpers' default source is "illustrative"); c1 is a SIASAR record.
COMM = communities(
    {"community_id": "c1", "name": "Uno", "population": 300, "households": 60, "hh_water_piped_premises": 60,
     "hh_san_improved_private": 60, "source": "SIASAR 2015"},
    {"community_id": "c2", "name": "Dos", "population": 200, "households": 40, "hh_water_piped_premises": 40,
     "hh_san_improved_private": 40},
    {"community_id": "c3", "name": "Tres", "population": 100, "households": 20, "hh_water_piped_premises": 20,
     "hh_san_improved_private": 20},
)
SYS = systems({"system_id": "s1", "community_id": "c1", "source": "SIASAR 2015"},
              {"system_id": "s2", "community_id": "c2"})
REAL_MONEY = {"illustrative": {"unit_costs": False, "envelope": False, "census": False}}


def marked_ids(fig) -> set[str]:
    """Ids of the rows a chart marks as illustrative (the overlays' gid 'illustrative:<id>')."""
    out = set()
    for ax in fig.axes:
        for p in ax.patches:
            gid = p.get_gid() or ""
            if gid.startswith("illustrative:"):
                out.add(gid.split(":", 1)[1])
    return out


# ---------------------------------------------------------------- the one helper
def test_helper_says_which_inputs_are_illustrative():
    p = make_params()  # shipped defaults: unit costs and envelopes illustrative, census not
    m = illustrative_inputs(p, COMM, SYS)
    assert m.communities == {"c2", "c3"} and m.systems == {"s2"}
    assert m.rows_pct == pytest.approx(200 / 3)  # 2 of 3 communities
    assert (m.unit_costs, m.envelope, m.census) == (True, True, False)
    assert m.kinds_list() == ["rows", "unit_costs", "envelope"]
    census = illustrative_inputs(make_params(illustrative={"census": True}, **{}), None, None)
    assert census.census and not census.rows
    real = illustrative_inputs(make_params(**REAL_MONEY), COMM.iloc[:1], SYS.iloc[:1])
    assert real.kinds_list() == []


def test_workshop_record_flag():
    p = make_params(workshop={"vision": "v", "objectives": ["o"], "swot": {}, "illustrative": True})
    assert illustrative_inputs(p).workshop
    assert not illustrative_inputs(make_params()).workshop  # no record: nothing to mark


# ---------------------------------------------------------------- charts
def test_population_chart_marks_exactly_the_illustrative_rows():
    from propilas.stages.charts.diagnosis import population_by_community

    m = illustrative_inputs(make_params(), COMM, SYS)
    fig = population_by_community(COMM, 2015, "es", "Fuente: x", illustrative=m)
    assert marked_ids(fig) == {"c2", "c3"}
    legend = [tx.get_text() for tx in fig.axes[0].get_legend().get_texts()]
    assert t("illustrative.row_legend", "es") in legend
    plt.close(fig)


def test_gap_and_priority_charts_mark_the_illustrative_communities():
    from propilas.stages.charts.prioritisation import priority_chart
    from propilas.stages.charts.strategy import gap_by_community

    m = illustrative_inputs(make_params(), COMM, SYS)
    gaps = pd.DataFrame({"community_id": ["c1", "c1", "c2", "c2", "c3", "c3"],
                         "service": ["water", "sanitation"] * 3, "gap": [10.0, 5.0, 20.0, np.nan, 0.0, 3.0]})
    fig = gap_by_community(gaps, 2030, "es", "Fuente: x", communities=COMM, illustrative=m)
    assert marked_ids(fig) == {"c2", "c3"}
    plt.close(fig)
    pri = pd.DataFrame({"community_id": ["c1", "c2", "c3"], "rank": [1, 2, 3], "score": [0.9, 0.5, 0.2]})
    sens = pd.DataFrame({"community_id": ["c1", "c2", "c3"], "p_top_k": [1.0, 0.6, 0.1],
                         "base_rank": [1, 2, 3], "rank_p05": [1, 1, 2], "rank_p95": [1, 3, 3]})
    rob = pd.DataFrame({"metric": ["fragile", "median_spearman", "draws"], "value": [0, 0.95, 100]})
    fig = priority_chart(pri, sens, rob, 1, "en", "Source: x", communities=COMM, illustrative=m)
    assert marked_ids(fig) == {"c2", "c3"}
    plt.close(fig)


def test_ladder_and_index_charts_mark_rows_and_systems():
    from propilas.stages.diagnosis import compute as diagnosis
    from propilas.stages.charts.diagnosis import ladder_chart
    from propilas.stages.charts.sustainability import index_chart

    p = make_params()
    m = illustrative_inputs(p, COMM, SYS)
    res = diagnosis({"communities": COMM, "water_systems": SYS}, p)
    fig = ladder_chart(res["water_ladder"], res["ladder_district"], "water", "es", "Fuente: x",
                       communities=COMM, illustrative=m)
    assert marked_ids(fig) == {"c2", "c3"}  # the district row is their sum: said in the note, not dotted
    plt.close(fig)
    table = pd.DataFrame({"system_id": ["s1", "s2"], "index": [3.0, 2.0], "class": ["B", "C"],
                          "partial": [False, False]})
    fig = index_chart(table, "es", "Fuente: x", water_systems=SYS, illustrative=m)
    assert marked_ids(fig) == {"s2"}
    plt.close(fig)


def test_no_marks_without_illustrative_rows_and_the_source_line_claims_none():
    from propilas.stages.charts.diagnosis import population_by_community

    real = COMM.iloc[:1]
    m = illustrative_inputs(make_params(**REAL_MONEY), real, None)
    fig = population_by_community(real, 2015, "es", "Fuente: x", illustrative=m)
    assert marked_ids(fig) == set()
    notes = [tx.get_text() for tx in fig.texts]
    assert not any("ilustrativ" in n for n in notes)
    plt.close(fig)
    assert "ilustrativas marcadas" not in t("common.source_inventory", "es", district="X")


def test_money_chart_says_its_envelope_is_illustrative_inside_the_axes():
    from propilas.stages.charts.investment import investment_by_year

    cy = pd.DataFrame({"year": [2016, 2016], "source": ["municipal", "regional"], "spent_pen": [100.0, 50.0],
                       "envelope_pen": [150.0, 100.0]})
    m = illustrative_inputs(make_params(), COMM, SYS)
    fig = investment_by_year(cy, ["municipal", "regional"], "es", "Fuente: x", illustrative=m)
    stamps = [tx.get_text() for tx in fig.axes[0].texts if tx.get_gid() == "illustrative:stamp"]
    assert stamps and t("illustrative.kind.envelope", "es") in stamps[0]
    plt.close(fig)
    real = illustrative_inputs(make_params(**REAL_MONEY), COMM.iloc[:1], None)
    fig = investment_by_year(cy, ["municipal", "regional"], "es", "Fuente: x", illustrative=real)
    assert not [tx for tx in fig.axes[0].texts if tx.get_gid() == "illustrative:stamp"]
    plt.close(fig)


def test_summary_coverage_bars_hatched_when_the_plan_rests_on_illustrative_money():
    from propilas.stages.charts.summary import coverage_chart

    s = {"water_basic_or_better_pct": 50.0, "sanitation_basic_or_better_pct": 40.0,
         "water_coverage_horizon_pct": 90.0, "sanitation_coverage_horizon_pct": 70.0,
         "water_target_pct": 100.0, "sanitation_target_pct": 80.0, "illustrative_communities_pct": 0.0}
    fig = coverage_chart(s, make_params())
    hatched = [b for b in fig.axes[0].patches if (b.get_gid() or "").startswith("illustrative:")]
    assert len(hatched) >= 2  # the horizon bars rest on the envelopes and unit costs
    plt.close(fig)
    fig = coverage_chart(s, make_params(**REAL_MONEY))
    assert not [b for b in fig.axes[0].patches if (b.get_gid() or "").startswith("illustrative:")]
    plt.close(fig)
    assert illustrative_from_summary(s, make_params()).kinds_list() == ["unit_costs", "envelope"]


# ---------------------------------------------------------------- tables and sentences
def test_table_gets_an_illustrative_column_and_a_money_footnote():
    m = illustrative_inputs(make_params(), COMM, SYS)
    plan = pd.DataFrame({"community_id": ["c1", "c2"], "cost_pen": [1000.0, 2000.0], "status": ["funded"] * 2})
    shown, cols, note = mark_table(plan, {"community_id": "col.community_id", "cost_pen": "col.cost_pen"}, m, "es")
    assert shown["illustrative_row"].tolist() == ["", t("common.yes", "es")]
    assert cols["illustrative_row"] == "col.illustrative_row"
    assert t("illustrative.kind.envelope", "es") in note and t("illustrative.kind.unit_costs", "es") in note
    real = illustrative_inputs(make_params(**REAL_MONEY), COMM.iloc[:1], None)
    shown, cols, note = mark_table(plan, None, real, "es")
    assert "illustrative_row" not in shown.columns and note == ""


def _citizen_inputs():
    plan = pd.DataFrame({"item_id": ["i1"], "community_id": ["c1"], "intervention": ["rehabilitation"],
                         "status": ["funded"], "cost_pen": [1000.0], "year": [2016]})
    return {"communities": COMM.iloc[:1], "water_systems": SYS.iloc[:1], "investment_plan": plan,
            "project_sheets": None}


def _citizen_summary_dict():
    return {"water_basic_or_better_pct": 50.0, "sanitation_basic_or_better_pct": 40.0,
            "investment_total_pen": 1000.0, "atm_total_pen": 0.0, "funding_gap_pen": 0.0, "unfunded_items": 0,
            "water_target_year": 2020, "sanitation_target_year": None, "water_target_pct": 100.0,
            "sanitation_target_pct": 80.0, "water_coverage_horizon_pct": 100.0,
            "sanitation_coverage_horizon_pct": None, "jass_to_recognise": 0, "illustrative_rows_pct": 0.0,
            "unpriced_items": 0, "atm_unfunded_years": 0, "atm_unfunded_pen": 0.0}


def test_all_funded_sentence_says_the_envelope_is_illustrative():
    from propilas.method.summary import citizen_summary

    base = t("citizen.all_funded", "es")
    out = citizen_summary(_citizen_inputs(), make_params(), _citizen_summary_dict())
    funded = [x for x in out if x.startswith(base[:-1])]
    assert len(funded) == 1
    assert "presupuesto ilustrativo" in funded[0] and "costos unitarios ilustrativos" in funded[0]
    # real unit costs and envelopes, real rows: the sentence is stated as it is
    out = citizen_summary(_citizen_inputs(), make_params(**REAL_MONEY), _citizen_summary_dict())
    assert base in out


def test_narrated_sentence_marked_by_what_it_rests_on():
    m = illustrative_inputs(make_params(), COMM, SYS)
    s = m.mark(t("citizen.all_funded", "en"), "en", ("envelope",))
    assert s == "Every work in the plan is funded (with an illustrative budget envelope)."
    assert m.mark("x.", "en", ("census",)) == "x."  # census not illustrative here


# ---------------------------------------------------------------- 9(a) comparison cut-offs
def test_comparison_classes_each_district_with_its_own_cutoffs():
    from propilas.method.comparison import comparison_table
    from propilas.report.comparison_charts import sustainability_by_district_chart
    from propilas.stages.charts.common import COLOURS
    from matplotlib.colors import to_hex

    def s(d, cut):
        out = {"district": d, "name": d, "mean_sustainability_index": 3.0}
        if cut is not None:
            out["class_cutoffs"] = cut
        return out

    table = comparison_table([s("d1", {"A": 2.9, "B": 2.0, "C": 1.0}),   # 3.0 > 2.9: A under its own cut-offs
                              s("d2", {"A": 3.5, "B": 2.5, "C": 1.5}),   # 3.0: B with the default ones
                              s("d3", None)])                            # cut-offs not stated: no class
    cls = dict(zip(table["district"], table["mean_sustainability_class"]))
    assert cls["d1"] == "A" and cls["d2"] == "B" and cls["d3"] is None
    fig = sustainability_by_district_chart(table, "es")
    colours = [to_hex(b.get_facecolor()) for b in fig.axes[0].patches]
    assert colours == [COLOURS["A"], COLOURS["B"], COLOURS["unclassified"]]
    plt.close(fig)


def test_comparison_bars_dotted_for_districts_with_illustrative_rows():
    from propilas.method.comparison import comparison_table
    from propilas.report.comparison_charts import coverage_by_district_chart

    table = comparison_table([
        {"district": "d1", "name": "d1", "water_basic_or_better_pct": 50.0, "sanitation_basic_or_better_pct": 40.0,
         "illustrative_inputs": ["rows", "unit_costs"]},
        {"district": "d2", "name": "d2", "water_basic_or_better_pct": 60.0, "sanitation_basic_or_better_pct": 30.0,
         "illustrative_inputs": ["unit_costs"]},
    ])
    fig = coverage_by_district_chart(table, "es")
    dotted = [b for b in fig.axes[0].patches if b.get_gid() == "illustrative"]
    assert len(dotted) == 2 and {round(b.get_x() + b.get_width() / 2) for b in dotted} == {0}  # d1's two bars
    plt.close(fig)


def test_summary_json_carries_the_cutoffs_and_the_illustrative_inputs():
    from test_summary import inputs as summary_inputs
    from propilas.method.summary import build_summary

    s = build_summary(summary_inputs(), make_params(sustainability={"class_cutoffs": {"A": 3.2, "B": 2.2, "C": 1.2}}))
    assert s["class_cutoffs"] == {"A": 3.2, "B": 2.2, "C": 1.2}
    assert "unit_costs" in s["illustrative_inputs"] and "envelope" in s["illustrative_inputs"]


# ---------------------------------------------------------------- 9(b) pph bounds from params
def test_pph_bounds_come_from_params():
    from propilas.inputs.validation import check_tables

    c = communities({"community_id": "c1", "population": 100, "households": 20, "hh_water_piped_premises": 20,
                     "hh_san_improved_private": 20})  # 5.0 persons per household
    ws = systems({"system_id": "s1", "community_id": "c1"})

    def pph_warnings(params):
        return [p for p in check_tables(c, ws, params) if p.column == "population" and "per household" in p.rule]

    assert pph_warnings(make_params()) == []                                    # 2-10: plausible
    found = pph_warnings(make_params(validation={"pph_min": 2.0, "pph_max": 4.5}))
    assert len(found) == 1 and "2-4.5" in found[0].rule and found[0].severity == "warning"
    assert make_params().validation.pph_min == 2.0 and make_params().validation.pph_max == 10.0


def test_pph_bounds_must_be_ordered():
    from propilas.core.errors import ParamsError

    with pytest.raises(ParamsError, match="must be below pph_max"):
        make_params(validation={"pph_min": 6.0, "pph_max": 4.0})


# ---------------------------------------------------------------- 9(c) missing target
def test_missing_target_is_no_data_not_not_applicable():
    from propilas.method.monitoring import light, target_reason

    p = make_params()
    assert light(np.nan, np.nan, p) == "no_target"
    assert light(np.nan, None, p) == "no_target"
    assert light(0.5, 0.0, p) == "not_applicable"       # only a target of 0 is not applicable
    assert target_reason("mean_sustainability_index", np.nan) == "method_sets_none"
    assert target_reason("systems_ab_pct", np.nan) == "no_baseline"
    assert target_reason("water_served_pct", 50.0) is None
    assert "sin dato" in t("light.no_target", "es")


# ---------------------------------------------------------------- 9(d) no sentence prints nan
@pytest.mark.parametrize("unknown", [float("nan"), None, float("inf"), pd.NA, np.float64("nan")])
def test_narration_helper_turns_unknown_into_sin_dato(unknown):
    s = t("nb.investment.target_missed", "es", service="saneamiento", target=80.0, horizon_year=2030,
          cov=unknown)
    assert "nan" not in s.lower().replace("financ", "") and "None" not in s and "inf" not in s
    assert "cobertura sin dato (" in s and "%)" not in s.split("cobertura")[1][:30]


def test_unknown_with_its_reason_and_units_dropped():
    s = t("nb.strategy.headline", "es", wgap=8102.0, sgap=np.nan, wind=11.7, sind=np.nan, base_year=2015,
          horizon_year=2030, reasons={"sgap": "reason.sanitation_not_surveyed", "sind": "reason.sanitation_not_surveyed"})
    reason = t("reason.sanitation_not_surveyed", "es")
    assert s.count(f"sin dato ({reason})") == 2
    assert "8\u00a0102 personas" in s and "nan" not in s  # Spanish groups thousands with a space (issue 13 §3)
    assert "sin dato (" + reason + ") personas" not in s and "sin dato (" + reason + ") %" not in s
    from propilas.core.labels import Unknown

    s = t("nb.investment.target_missed", "en", service="sanitation", target=80.0, horizon_year=2030,
          cov=Unknown("no survey"))
    assert s.endswith("(coverage no data (no survey)).")
    # known values are formatted exactly as before
    assert t("nb.investment.target_missed", "en", service="water", target=80.0, horizon_year=2030, cov=12.345) \
        == "The water target (80 %) is **not met** by 2030 (coverage 12.3 %)."
