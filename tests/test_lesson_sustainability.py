"""The sustainability lesson (notebooks/lessons/sustainability.ipynb, run/lessons_sustainability.py):
sliders set one system's sub-variable scores; its E, G, O, index, class, interventions and its
community's water gap follow the method's own functions. Numbers worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from propilas.run import lessons
from propilas.run.lessons_sustainability import PARTS, UNKNOWN

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def district():
    return lessons.district_tables("fixture", ROOT / "tests" / "fixtures" / "params", ROOT / "tests" / "fixtures" / "data")


def first_system(tables):
    return lessons.system_choices(tables, "en")[0][1]


def test_district_scores_reproduce_stage_2(district):
    params, tables = district
    sus = tables["sustainability"].set_index("system_id")
    for sid in sus.index:
        r = lessons.evaluate(tables, params, sid, lessons.scores_of(tables, sid))
        if math.isnan(sus.at[sid, "index"]):
            assert math.isnan(r.scored["index"])
        else:
            assert r.scored["index"] == pytest.approx(sus.at[sid, "index"])
        assert r.scored["class"] == sus.at[sid, "class"]


def test_all_four_but_infrastructure_one_is_class_a_without_works(district):
    # E = (1 + 4 + 4 + 4 + 4)/5 = 3.4, G = O = 4: IS = (2 × 3.4 + 4 + 4)/4 = 3.7 > 3.5 → A; class A gets no works
    params, tables = district
    sid = first_system(tables)
    scores = {p: 4.0 for p in PARTS} | {"infrastructure": 1.0}
    r = lessons.evaluate(tables, params, sid, scores)
    assert r.scored["E"] == pytest.approx(3.4) and r.scored["index"] == pytest.approx(3.7)
    assert r.scored["class"] == "A"
    assert list(r.interventions["intervention"]) == []


def test_index_exactly_on_the_cut_off_is_the_lower_class_and_works_follow_infrastructure(district):
    # E = 1 (all five at 1), G = O = 4: IS = (2 + 4 + 4)/4 = 2.50, not > 2.50 → C; infrastructure 1 ≤ 1.5 → reconstruction
    params, tables = district
    sid = first_system(tables)
    scores = {p: 4.0 for p in PARTS} | {p: 1.0 for p in ("infrastructure", "coverage", "continuity", "quantity", "quality")}
    r = lessons.evaluate(tables, params, sid, scores)
    assert r.scored["index"] == pytest.approx(2.5) and r.scored["class"] == "C"
    assert "reconstruction" in set(r.interventions["intervention"])
    # with G = O = (4 + 1 + 4 + 1)/4 = 2.5, class C whatever the infrastructure: E = (2 + 4 × 1)/5 = 1.2 →
    # IS = (2.4 + 2.5 + 2.5)/4 = 1.85; E = (2.75 + 4)/5 = 1.35 → IS = 1.925.
    # Infrastructure 2.0 (≤ 2.5): rehabilitation; 2.75 (> 2.5): improvement instead of works
    scores |= dict(zip(("g_jass_recognised", "g_board_active", "g_fee_charged", "g_fee_collection",
                        "o_maintenance_plan", "o_trained_operator", "o_chlorination", "o_cleanings"),
                       (4.0, 1.0, 4.0, 1.0, 4.0, 1.0, 4.0, 1.0)))
    r = lessons.evaluate(tables, params, sid, scores | {"infrastructure": 2.0})
    assert r.scored["index"] == pytest.approx(1.85)
    assert r.scored["class"] == "C" and "rehabilitation" in set(r.interventions["intervention"])
    r = lessons.evaluate(tables, params, sid, scores | {"infrastructure": 2.75})
    assert r.scored["index"] == pytest.approx(1.925)
    assert r.scored["class"] == "C" and "improvement" in set(r.interventions["intervention"])
    assert not {"rehabilitation", "reconstruction"} & set(r.interventions["intervention"])


def test_too_few_known_sub_variables_leave_the_system_unclassified(district):
    # only infrastructure known in E: 1 < min_subvariables (2) → E missing → unclassified → a diagnosis visit
    params, tables = district
    sid = first_system(tables)
    scores = {p: 4.0 for p in PARTS} | {p: UNKNOWN for p in ("coverage", "continuity", "quantity", "quality")}
    r = lessons.evaluate(tables, params, sid, scores)
    assert math.isnan(r.scored["E"]) and r.scored["class"] == "unclassified"
    assert list(r.interventions["intervention"]) == ["diagnosis_visit"]
    # two known (infrastructure and coverage): E = (4 + 4)/2 = 4 counts again
    r = lessons.evaluate(tables, params, sid, scores | {"coverage": 4.0})
    assert r.scored["E"] == pytest.approx(4.0) and r.scored["class"] == "A"


def test_low_management_brings_jass_strengthening(district):
    # G = (1 + 1 + 4 + 4)/4 = 2.5 ≤ jass_strengthening_max_g (2.5) → JASS strengthening
    params, tables = district
    sid = first_system(tables)
    scores = {p: 4.0 for p in PARTS} | {"g_jass_recognised": 1.0, "g_board_active": 1.0}
    r = lessons.evaluate(tables, params, sid, scores)
    assert r.scored["G"] == pytest.approx(2.5)
    assert "jass_strengthening" in set(r.interventions["intervention"])


def test_slider_options_follow_the_parameters(district):
    params, _ = district
    assert [v for _, v in lessons.slider_options("continuity", params)] == [UNKNOWN, 1.0, 2.0, 3.0, 4.0]
    assert [v for _, v in lessons.slider_options("quantity", params)] == [UNKNOWN, 1.0, 2.5, 4.0]
    assert [v for _, v in lessons.slider_options("g_fee_charged", params)] == [UNKNOWN, 1.0, 4.0]
    # a district's infrastructure mean (1.8) is among the options, so the lesson starts on the report's value
    opts = lessons.slider_options("infrastructure", params, 1.8)
    assert 1.8 in [v for _, v in opts] and lessons.nearest_option(1.8, opts) == 1.8
    assert lessons.nearest_option(float("nan"), opts) == UNKNOWN


def test_app_moves_class_live(district):
    params, tables = district
    app = lessons.sustainability_app(tables, params)
    box, holder, out = app.children
    assert len(holder.children) == len(PARTS)
    for sl in holder.children:  # everything at its lowest score → E = G = O = 1 → IS 1 → D
        sl.value = sl.options[1][1]
    shown = " ".join(str(o.get("data", {}).get("text/markdown", "")) for o in out.outputs)
    assert "D: collapsed" in shown
