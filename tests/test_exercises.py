"""The workshop exercises of the stage notebooks check themselves (issue 14 §4): right answers are
accepted, wrong ones rejected with why, an answer left None asks for one (never an error).

Each test builds the tables of one stage by hand (the fixture district's parameters: census 2007
1,000 and 2017 1,100, envelope 60,000 + 0 + 40,000 soles, ATM 42,000, monitoring green 0.95 and
amber 0.80, equal prioritisation weights) and states the expected answer worked out by hand.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from propilas.core.params import CRITERIA, load_params
from propilas.core.registry import stage
from propilas.method.scheduling import PLAN_COLUMNS
from propilas.method.sustainability import E_PARTS, G_PARTS, O_PARTS
from propilas.run import exercises as ex
from propilas.stages.worked import worked_example

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def params():
    return load_params("fixture", ROOT / "tests" / "fixtures" / "params")


def ctx(params, slug, lang="en", loaded=None, result=None):
    return SimpleNamespace(stage=stage(slug), params=params.model_copy(update={"language": lang}), lang=lang,
                           loaded=loaded or {}, result=result or {})


def communities(rows):
    base = {"households": 100, "hh_water_piped_premises": 0, "hh_water_public_tap": 0, "hh_water_protected_source": 0,
            "hh_water_unprotected": 0, "hh_water_surface": 0, "water_round_trip_min": np.nan}
    return pd.DataFrame([{**base, **r} for r in rows])


# ----------------------------------------------------------------------------- answers
@pytest.mark.parametrize("given,expected", [(2.58, 2.58), (3, 3.0), ("2,58", 2.58), ("2.58", 2.58), (" 45.2 % ", 45.2),
                                            ("1,071,200", 1071200.0), ("abc", None), (None, None), (True, None)])
def test_as_number(given, expected):
    assert ex.as_number(given) == expected


@pytest.mark.parametrize("slug", list(ex.EXERCISES))
def test_no_answer_asks_for_one_in_the_report_language(params, slug):
    for lang, word in (("es", "Escriba su respuesta"), ("en", "Write your answer")):
        v = ex.check(None, ctx(params, slug, lang))
        assert v.ok is None and word in v.message


# ----------------------------------------------------------------------------- 00 profile
def test_profile_projection(params):
    # r = (1100/1000)^(1/10) - 1 = 0.0095765; B: 200 × 1.0095765^15 = 200 × 1.1^1.5 = 230.74
    comm = communities([{"community_id": "a", "name": "A", "population": 500},
                        {"community_id": "b", "name": "B", "population": 200}])
    pop = pd.DataFrame({"community_id": ["a", "b"], "year": [2030, 2030], "population": [576.8, 230.738]})
    c = ctx(params, "profile", result={"communities": comm, "population": pop})
    assert ex.exercise(c).expected == pytest.approx(230.738)
    assert ex.check(230.7, c).ok is True
    assert ex.check("230,74", c).ok is True
    v = ex.check(200, c)
    assert v.ok is False and "base-year population" in v.message
    v = ex.check(228.7, c)  # linear growth: 200 × (1 + 0.0095765 × 15) = 228.73
    assert v.ok is False and "linear" in v.message
    assert ex.check(250, c).ok is False
    assert ex.check("many", c).ok is False


# ----------------------------------------------------------------------------- 01 diagnosis
def test_diagnosis_rung_of_taps_beyond_the_round_trip_limit(params):
    # A (the worked example) walks 10 min; B walks 45 min > 30 min: its taps and protected sources are limited
    comm = communities([{"community_id": "a", "name": "A", "population": 500, "hh_water_public_tap": 5,
                         "water_round_trip_min": 10},
                        {"community_id": "b", "name": "B", "population": 200, "hh_water_public_tap": 3,
                         "hh_water_protected_source": 2, "water_round_trip_min": 45}])
    ladder = pd.DataFrame({"community_id": ["a", "b"], "rung": ["basic", "basic"], "share_pct": [100.0, 0.0],
                           "households": [100.0, 0.0]})
    c = ctx(params, "diagnosis", loaded={"communities": comm}, result={"water_ladder": ladder})
    assert ex.exercise(c).expected == "limited"
    assert ex.check("limited", c).ok is True
    assert ex.check("Limitado", c).ok is True
    v = ex.check("basic", c)
    assert v.ok is False and "45 min > 30 min" in v.message
    assert ex.check("safely managed", c).ok is False
    assert ex.check("purple", c).ok is False
    es = ex.check("básico", ctx(params, "diagnosis", "es", {"communities": comm}, {"water_ladder": ladder}))
    assert es.ok is False and "limitado" in es.message


# ----------------------------------------------------------------------------- 02 sustainability
def sustainability_table():
    s1 = dict(zip(E_PARTS + G_PARTS + O_PARTS, [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]))
    s2 = dict(zip(E_PARTS + G_PARTS + O_PARTS, [2, 3, 4, 1, 2, 4, 1, 4, 3, 1, 4, 4, 2]))
    # S2: E = (2+3+4+1+2)/5 = 2.4, G = (4+1+4+3)/4 = 3.0, O = (1+4+4+2)/4 = 2.75; IS = (2×2.4 + 3 + 2.75)/4 = 2.6375
    rows = [{"system_id": "S1", "community_id": "a", **s1, "E": 4.0, "G": 4.0, "O": 4.0, "index": 4.0, "class": "A",
             "partial": False},
            {"system_id": "S2", "community_id": "b", **s2, "E": 2.4, "G": 3.0, "O": 2.75, "index": 2.6375,
             "class": "B", "partial": False}]
    return pd.DataFrame(rows)


def test_sustainability_index_by_hand(params):
    comm = communities([{"community_id": "a", "name": "A", "population": 1}, {"community_id": "b", "name": "B",
                                                                               "population": 1}])
    c = ctx(params, "sustainability", loaded={"communities": comm}, result={"sustainability": sustainability_table()})
    e = ex.exercise(c)
    assert e.expected == pytest.approx(2.6375) and "S2" in e.prompt and "B: in process" not in e.prompt
    assert ex.check(2.64, c).ok is True
    assert ex.check(2.6375, c).ok is True
    v = ex.check(2.72, c)  # the plain mean (2.4 + 3.0 + 2.75)/3 = 2.717
    assert v.ok is False and "weighs double" in v.message
    assert ex.check(2.5, c).ok is False
    assert ex.check("B", c).ok is False
    # the worked example shows the first system: IS = (2 × 4 + 4 + 4)/4 = 4
    text = worked_example("sustainability", c.loaded, c.result, c.params, "en")
    assert "S1" in text and "= 4.000" in text and "class A: sustainable" in text


def test_sustainability_without_classified_systems_has_no_exercise(params):
    table = sustainability_table().assign(**{"class": "unclassified"})
    c = ctx(params, "sustainability", result={"sustainability": table})
    assert ex.exercise(c).expected is None
    assert ex.check(2.5, c).ok is None


# ----------------------------------------------------------------------------- 03 strategy
def test_strategy_gap(params):
    # B: max(0, 1.00 × 50 − 20) = 30 people; with the base population: 60 − 20 = 40
    gaps = pd.DataFrame({"community_id": ["a", "b"], "service": ["water", "water"], "population_base": [300.0, 60.0],
                         "served_base": [100.0, 20.0], "target_pct": [100.0, 100.0],
                         "population_horizon": [250.0, 50.0], "gap": [150.0, 30.0], "gap_indicator_pct": [66.7, 66.7]})
    comm = communities([{"community_id": "a", "name": "A", "population": 300},
                        {"community_id": "b", "name": "B", "population": 60}])
    c = ctx(params, "strategy", loaded={"communities": comm}, result={"gaps": gaps})
    assert ex.exercise(c).expected == 30.0
    assert ex.check(30, c).ok is True
    v = ex.check(40, c)
    assert v.ok is False and "horizon population" in v.message
    v = ex.check(-5, c)
    assert v.ok is False and "never negative" in v.message
    assert ex.check(31.5, c).ok is False


# ----------------------------------------------------------------------------- 04 prioritisation
def test_prioritisation_score(params):
    w = params.prioritisation.weights
    assert all(w[k] == pytest.approx(1 / 7) for k in CRITERIA)  # the fixture's weights are equal
    # B's criteria 1, 0, 0.5, 0.5, 1, 0, 0.5: score = (1 + 0 + 0.5 + 0.5 + 1 + 0 + 0.5)/7 = 3.5/7 = 0.5
    values = dict(zip(CRITERIA, [1, 0, 0.5, 0.5, 1, 0, 0.5]))
    pr = pd.DataFrame([{"community_id": "a", "rank": 1.0, "score": 0.9, **{f"{k}_norm": 0.9 for k in CRITERIA}},
                       {"community_id": "b", "rank": 2.0, "score": 0.5, **{f"{k}_norm": v for k, v in values.items()}}])
    comm = communities([{"community_id": "a", "name": "A", "population": 1}, {"community_id": "b", "name": "B",
                                                                               "population": 1}])
    c = ctx(params, "prioritisation", loaded={"communities": comm}, result={"priorities": pr})
    assert ex.exercise(c).expected == 0.5
    assert ex.check(0.5, c).ok is True
    assert ex.check("0,502", c).ok is True
    v = ex.check(3.5, c)  # criteria added without their weights
    assert v.ok is False and "weight" in v.message
    assert ex.check(0.55, c).ok is False


# ----------------------------------------------------------------------------- 05 investment plan
def investment_tables():
    # 2016: envelope 60,000 + 0 + 40,000 = 100,000; ATM 42,000 → 58,000; i1 30,000 → 28,000; i2 20,000 → 8,000;
    # i3 50,000 > 8,000: the first item the envelope cannot fund; i4 5,000 → 3,000
    items = pd.DataFrame({"item_id": ["i1", "i2", "i3", "i4"], "community_id": ["c1", "c2", "c3", "c4"],
                          "system_id": [None] * 4, "intervention": ["extension"] * 4,
                          "cost_pen": [30000.0, 20000.0, 50000.0, 5000.0]})
    pr = pd.DataFrame({"community_id": ["c1", "c2", "c3", "c4"], "rank": [1.0, 2.0, 3.0, 4.0]})
    rows = [("atm-2016", 2016.0, "atm", "funded"), ("i1", 2016.0, "extension", "funded"),
            ("i2", 2016.0, "extension", "funded"), ("i4", 2016.0, "extension", "funded"),
            ("i3", 2017.0, "extension", "funded")]
    plan = pd.DataFrame([{c: None for c in PLAN_COLUMNS} | {"item_id": i, "year": y, "intervention": k, "status": s}
                         for i, y, k, s in rows])
    comm = communities([{"community_id": f"c{i}", "name": f"C{i}", "population": 1} for i in range(1, 5)])
    return {"interventions": items, "priorities": pr, "communities": comm}, {"investment_plan": plan}


def test_investment_first_item_the_budget_cannot_fund(params):
    loaded, result = investment_tables()
    c = ctx(params, "investment_plan", loaded=loaded, result=result)
    assert ex.exercise(c).expected == "i3"
    assert ex.check(3, c).ok is True
    assert ex.check("i3", c).ok is True
    v = ex.check(2, c)  # i2 fits: 100,000 − 42,000 − 30,000 = 28,000 ≥ 20,000
    assert v.ok is False and "does fit" in v.message and "28,000" in v.message
    assert ex.check("none", c).ok is False
    assert ex.check("zzz", c).ok is False
    v = ex.check("i3", ctx(params, "investment_plan", "es", loaded, result))
    assert v.ok is True and "8 000" in v.message.replace("\u00a0", " ").replace("\u202f", " ")


# ----------------------------------------------------------------------------- 06 participatory budget
def test_budget_share_of_the_first_source(params):
    # sheet 3 (the municipality pays part of it, not sheet 1): 100 × 8,000 / 77,000 = 10.39 %
    sheets = pd.DataFrame({"sheet_no": [1, 2, 3], "year": [2016, 2016, 2017], "community_name": ["A", "A", "B"],
                           "intervention": ["extension", "improvement", "sanitation_units"],
                           "cost_pen": [70400.0, 18000.0, 77000.0], "cost_municipal_pen": [8000.0, 0.0, 8000.0]})
    c = ctx(params, "participatory_budget", result={"project_sheets": sheets})
    assert ex.exercise(c).expected == pytest.approx(10.389610)
    assert ex.check(10.4, c).ok is True
    v = ex.check(0.104, c)
    assert v.ok is False and "percentage" in v.message
    assert ex.check(11.4, c).ok is False


# ----------------------------------------------------------------------------- 07 monitoring
def test_monitoring_light(params):
    # 2016 water target 60: the exercise's survey reads 60 × (0.95 + 0.80)/2 = 52.5; ratio 0.875 → amber
    mon = pd.DataFrame({"indicator": ["water_basic_or_better_pct", "cumulative_investment_pen", "water_basic_or_better_pct"],
                        "year": [2015, 2016, 2016], "target": [50.0, 100000.0, 60.0], "actual": [50.0, np.nan, np.nan],
                        "ratio": [1.0, np.nan, np.nan], "light": ["green", None, None]})
    c = ctx(params, "monitoring", result={"monitoring": mon})
    e = ex.exercise(c)
    assert e.expected == "amber" and "52.5" in e.prompt
    assert ex.check("amber", c).ok is True
    assert ex.check("Ámbar", ctx(params, "monitoring", "es", result={"monitoring": mon})).ok is True
    assert ex.check("verde", c).ok is False
    assert ex.check("blue", c).ok is False


# ----------------------------------------------------------------------------- 08 summary
def test_summary_unfunded_share(params):
    # plan cost 380,000 + 313,500 = 693,500 (the ATM apart); unfunded 100 × 313,500 / 693,500 = 45.2 %
    rows = [{"item_id": "atm-2016", "year": 2016.0, "intervention": "atm", "service": "management",
             "cost_pen": 42000.0, "status": "funded", "item_cost_pen": 42000.0, "source": "municipal"},
            {"item_id": "a", "year": 2016.0, "intervention": "extension", "service": "water", "cost_pen": 380000.0,
             "status": "funded", "item_cost_pen": 380000.0, "source": "municipal"},
            {"item_id": "b", "year": np.nan, "intervention": "sanitation_units", "service": "sanitation",
             "cost_pen": 313500.0, "status": "unfunded", "item_cost_pen": 313500.0, "source": None}]
    plan = pd.DataFrame([{c: None for c in PLAN_COLUMNS} | r for r in rows])
    c = ctx(params, "summary", loaded={"investment_plan": plan})
    assert ex.exercise(c).expected == pytest.approx(45.205479)
    assert ex.check(45.2, c).ok is True
    v = ex.check(82.5, c)  # divided by the programmed investment: 313,500 / 380,000
    assert v.ok is False and "programmed investment" in v.message
    assert ex.check(0.452, c).ok is False
    text = worked_example("summary", c.loaded, {}, c.params, "en")
    assert r"\underbrace{693500}" in text and r"\underbrace{380000}" in text and r"\underbrace{313500}" in text
