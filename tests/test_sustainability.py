"""PROPILAS sustainability index (METHOD stage 2): hand-computed cases, boundaries, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import make_params
from hypothesis import given, settings
from hypothesis import strategies as st

from propilas.stages import sustainability as stage02
from propilas.method.sustainability import (
    CLASSES,
    class_counts,
    classify,
    combine,
    sustainability_table,
)

from helpers import communities, systems  # noqa: E402



P = make_params()


def one(system: dict | None = None, community: dict | None = None, params=P) -> pd.Series:
    """Score a single system (default: every score 4) in a single community."""
    table = sustainability_table(communities(community or {}), systems(system or {}), params)
    assert len(table) == 1
    return table.iloc[0]


def test_all_good_system_scores_four_and_class_a():
    r = one()
    # states A,A,A,A (no treatment) = 4; coverage 20/20 = 1 -> 4; 24 h -> 4; sufficient 4; yes & 0.5 -> 4
    for col in ("infrastructure", "coverage", "continuity", "quantity", "quality", "E", "G", "O", "index"):
        assert r[col] == 4, col
    assert r["class"] == "A" and not r["partial"] and r["flags"] == ""


def test_index_exactly_350_is_b():
    # E = 4; G = (jass yes 4 + board no 1 + fee yes 4 + collection 0.7 -> 3)/4 = 3
    # O = (plan yes 4 + operator no 1 + chlorination yes 4 + cleanings 2 -> 3)/4 = 3
    # IS = (2*4 + 3 + 3)/4 = 3.5 -> not > 3.5 -> B
    r = one(dict(jass_board_active=False, fee_collection_rate=0.7, trained_operator=False,
                 reservoir_cleanings_per_year=2.0))
    assert (r["G"], r["O"], r["index"]) == (3.0, 3.0, 3.5)
    assert r["class"] == "B"


@pytest.mark.parametrize("index, cls", [
    (4.0, "A"), (3.5001, "A"), (3.5, "B"), (2.5001, "B"), (2.5, "C"), (1.5001, "C"), (1.5, "D"), (1.0, "D"),
    (float("nan"), "unclassified"),
])
def test_class_cutoffs_strict_no_rounding(index, cls):
    assert classify(index, P) == cls


def test_class_cutoffs_from_params():
    p = make_params(sustainability={"class_cutoffs": {"A": 3.4, "B": 2.5, "C": 1.5}})
    assert classify(3.45, p) == "A" and classify(3.45, P) == "B"


def test_missing_component_g_renormalises_weights():
    # no G data at all -> G missing; IS = (2E + O)/3 with E = 4, O = 1 (all no, 0 cleanings) -> 9/3 = 3
    r = one(dict(jass_recognised=pd.NA, jass_board_active=pd.NA, fee_charged=pd.NA, fee_collection_rate=np.nan,
                 maintenance_plan=False, trained_operator=False, reservoir_cleanings_per_year=0.0,
                 chlorination=True))
    assert math.isnan(r["G"])
    # O = (1 + 1 + 4 (chlorination practised) + 1)/4 = 1.75; IS = (2*4 + 1.75)/3 = 3.25
    assert r["O"] == 1.75
    assert r["index"] == pytest.approx((2 * 4 + 1.75) / 3)
    assert r["class"] == "B" and bool(r["partial"]) is True
    for f in ("missing:jass_recognised", "missing:fee_collection_rate", "missing_component:G", "partial_index"):
        assert f in r["flags"].split("; ")


def test_combine_hand_computed():
    # IS = (2E + O)/3 when G missing: (2*3 + 1)/3 = 7/3
    assert combine({"E": 3.0, "G": np.nan, "O": 1.0}, P) == (pytest.approx(7 / 3), True)
    # both G and O missing: IS = E
    assert combine({"E": 2.0, "G": np.nan, "O": np.nan}, P) == (2.0, True)
    # full: (2*3 + 2 + 4)/4 = 3
    assert combine({"E": 3.0, "G": 2.0, "O": 4.0}, P) == (3.0, False)
    idx, partial = combine({"E": np.nan, "G": 4.0, "O": 4.0}, P)
    assert math.isnan(idx) and partial


def test_e_missing_is_unclassified_with_nan_index():
    r = one(dict(state_catchment=None, state_conduction=None, state_reservoir=None, state_distribution=None,
                 households_connected=np.nan, hours_per_day=np.nan, dry_season=None, chlorination=pd.NA))
    assert math.isnan(r["E"]) and math.isnan(r["index"])
    assert r["class"] == "unclassified" and bool(r["partial"]) is True
    assert not math.isnan(r["G"])  # management is still scored and shown
    assert "missing_component:E" in r["flags"]


def test_missing_sub_variable_left_out_of_mean_and_flagged():
    # hours missing; dry season partial 2.5 -> E = (4 + 4 + 2.5 + 4)/4 = 3.625
    r = one(dict(hours_per_day=np.nan, dry_season="partial"))
    assert math.isnan(r["continuity"]) and r["E"] == 3.625
    assert r["flags"] == "missing:hours_per_day"
    assert bool(r["partial"]) is False  # a missing sub-variable does not make the index partial
    # IS = (2*3.625 + 4 + 4)/4 = 3.8125
    assert r["index"] == 3.8125


def test_no_treatment_is_not_a_penalty():
    # states A, B, C, D -> (4+3+2+1)/4 = 2.5; with treatment A -> (4+3+2+1+4)/5 = 2.8
    states = dict(state_catchment="A", state_conduction="B", state_reservoir="C", state_distribution="D")
    r = one({**states, "state_treatment": None})
    assert r["infrastructure"] == 2.5 and "state_treatment" not in r["flags"]
    assert one({**states, "state_treatment": "A"})["infrastructure"] == pytest.approx(2.8)
    # a missing main component state is flagged
    r2 = one({**states, "state_reservoir": None})
    assert r2["infrastructure"] == pytest.approx((4 + 3 + 1) / 3)
    assert "missing:state_reservoir" in r2["flags"]


def test_coverage_sums_the_systems_of_a_community():
    comm = communities(dict(households=20))
    # 10 + 5 = 15 of 20 -> 0.75 -> 3, the same for both systems
    t = sustainability_table(comm, systems(dict(system_id="s1", households_connected=10.0),
                                           dict(system_id="s2", households_connected=5.0)), P)
    assert t["coverage"].tolist() == [3.0, 3.0] and t["coverage_ratio"].tolist() == [0.75, 0.75]
    # 15 + 10 = 25 of 20 -> min(1, 1.25) = 1 -> 4
    t2 = sustainability_table(comm, systems(dict(system_id="s1", households_connected=15.0),
                                            dict(system_id="s2", households_connected=10.0)), P)
    assert t2["coverage"].tolist() == [4.0, 4.0] and t2["coverage_ratio"].tolist() == [1.0, 1.0]
    # one system without households_connected: coverage unknown for both, flagged
    t3 = sustainability_table(comm, systems(dict(system_id="s1", households_connected=15.0),
                                            dict(system_id="s2", households_connected=np.nan)), P)
    assert t3["coverage"].isna().all()
    assert all("missing:households_connected" in f for f in t3["flags"])


@pytest.mark.parametrize("connected, score", [(18, 4), (17, 3), (15, 3), (14, 2), (10, 2), (9, 1)])
def test_coverage_bands(connected, score):
    # of 20 households: 18 -> 0.90 -> 4; 17 -> 0.85 -> 3; 15 -> 0.75 -> 3; 14 -> 0.70 -> 2; 10 -> 0.5 -> 2; 9 -> 0.45 -> 1
    assert one(dict(households_connected=float(connected)))["coverage"] == score


@pytest.mark.parametrize("hours, score", [(24, 4), (20, 4), (19.9, 3), (12, 3), (11.9, 2), (6, 2), (5.9, 1), (0, 1)])
def test_continuity_bands(hours, score):
    assert one(dict(hours_per_day=float(hours)))["continuity"] == score


@pytest.mark.parametrize("dry, score", [("sufficient", 4), ("partial", 2.5), ("insufficient", 1)])
def test_quantity(dry, score):
    assert one(dict(dry_season=dry))["quantity"] == score


@pytest.mark.parametrize("chlor, residual, score", [
    (True, 0.5, 4.0), (True, 0.49, 2.5), (True, np.nan, 2.5), (False, np.nan, 1.0), (False, 0.8, 1.0),
])
def test_quality(chlor, residual, score):
    r = one(dict(chlorination=chlor, residual_chlorine_mg_l=residual))
    assert r["quality"] == score
    assert r["o_chlorination"] == (4.0 if chlor else 1.0)


def test_quality_unknown_chlorination_is_missing():
    r = one(dict(chlorination=pd.NA, residual_chlorine_mg_l=0.8))
    assert math.isnan(r["quality"]) and math.isnan(r["o_chlorination"])
    assert r["flags"] == "missing:chlorination"
    # E = (4 + 4 + 4 + 4)/4 = 4; O = (4 + 4 + 4)/3 = 4
    assert r["E"] == 4 and r["O"] == 4


@pytest.mark.parametrize("rate, score", [(1.0, 4), (0.9, 4), (0.89, 3), (0.7, 3), (0.69, 2), (0.5, 2), (0.49, 1)])
def test_fee_collection_bands(rate, score):
    assert one(dict(fee_collection_rate=rate))["g_fee_collection"] == score


@pytest.mark.parametrize("n, score", [(12, 4), (4, 4), (3, 3), (2, 3), (1.5, 2), (1, 2), (0, 1)])
def test_cleanings_bands(n, score):
    assert one(dict(reservoir_cleanings_per_year=float(n)))["o_cleanings"] == score


def test_g_and_o_yes_no_means():
    # G = (no 1 + yes 4 + no 1 + 0.95 -> 4)/4 = 2.5 ; O = (no 1 + no 1 + yes 4 + 4 -> 4)/4 = 2.5
    r = one(dict(jass_recognised=False, fee_charged=False, maintenance_plan=False, trained_operator=False))
    assert (r["g_jass_recognised"], r["g_board_active"], r["g_fee_charged"], r["g_fee_collection"]) == (1, 4, 1, 4)
    assert r["G"] == 2.5 and r["O"] == 2.5
    # IS = (2*4 + 2.5 + 2.5)/4 = 3.25 -> B
    assert r["index"] == 3.25 and r["class"] == "B"


def test_scores_come_from_params():
    p = make_params(sustainability={"quantity": {"sufficient": 4, "partial": 3, "insufficient": 1},
                                    "weights": {"E": 1, "G": 1, "O": 1}})
    r = one(dict(dry_season="partial", jass_recognised=False), params=p)
    # E = (4+4+4+3+4)/5 = 3.8; G = (1+4+4+4)/4 = 3.25; O = 4; IS = (3.8+3.25+4)/3 = 3.6833
    assert r["E"] == pytest.approx(3.8) and r["index"] == pytest.approx((3.8 + 3.25 + 4) / 3)


def test_table_columns_and_class_counts():
    comm = communities(dict(households=20))
    sys = systems(dict(system_id="a", households_connected=10.0),
                  dict(system_id="b", households_connected=10.0, jass_recognised=pd.NA, jass_board_active=pd.NA,
                       fee_charged=pd.NA, fee_collection_rate=np.nan),
                  dict(system_id="c", households_connected=np.nan, state_catchment=None, state_conduction=None,
                       state_reservoir=None, state_distribution=None, hours_per_day=np.nan, dry_season=None,
                       chlorination=pd.NA))
    out = stage02.compute({"communities": comm, "water_systems": sys}, P)
    t = out["sustainability"]
    for col in ("system_id", "community_id", "infrastructure", "coverage", "continuity", "quantity", "quality",
                "E", "G", "O", "index", "class", "partial", "flags", "g_jass_recognised", "g_board_active",
                "g_fee_charged", "g_fee_collection", "o_maintenance_plan", "o_trained_operator", "o_chlorination",
                "o_cleanings"):
        assert col in t.columns
    # coverage unknown for the whole community (system c): E of a and b = (4+4+4+4)/4 = 4 -> a: A, b partial A
    assert t["class"].tolist() == ["A", "A", "unclassified"]
    assert t["partial"].tolist() == [False, True, True]
    counts = out["sustainability_by_class"].set_index("class")
    assert list(counts.index) == list(CLASSES)
    assert counts.loc["A", "systems"] == 2 and counts.loc["A", "partial_systems"] == 1
    assert counts.loc["unclassified", "systems"] == 1 and counts["systems"].sum() == 3


def test_no_systems_gives_empty_table_and_zero_counts():
    t = sustainability_table(communities({}), systems(), P)
    assert len(t) == 0
    assert class_counts(t)["systems"].sum() == 0


yn = st.sampled_from([True, False, pd.NA])
state = st.sampled_from(["A", "B", "C", "D", None])
maybe = lambda s: st.one_of(st.just(np.nan), s)  # noqa: E731


@settings(max_examples=80, deadline=None)
@given(st.fixed_dictionaries(dict(
    state_catchment=state, state_conduction=state, state_reservoir=state, state_distribution=state,
    state_treatment=state, households_connected=maybe(st.integers(0, 100).map(float)),
    hours_per_day=maybe(st.floats(0, 24)), dry_season=st.sampled_from(["sufficient", "partial", "insufficient", None]),
    chlorination=yn, residual_chlorine_mg_l=maybe(st.floats(0, 10)), jass_recognised=yn, jass_board_active=yn,
    fee_charged=yn, fee_collection_rate=maybe(st.floats(0, 1)), maintenance_plan=yn, trained_operator=yn,
    reservoir_cleanings_per_year=maybe(st.floats(0, 365)))))
def test_index_in_range_for_any_system(system):
    r = one(system)
    for col in ("E", "G", "O", "index"):
        assert math.isnan(r[col]) or 1 <= r[col] <= 4
    assert math.isnan(r["index"]) == math.isnan(r["E"])
    assert (r["class"] == "unclassified") == math.isnan(r["index"])
    assert bool(r["partial"]) == any(math.isnan(r[c]) for c in ("E", "G", "O"))


# --- evidence before a class (METHOD stage 2 revised, issue 10 item 6) ------------------------
_NO_E = dict(state_catchment=None, state_conduction=None, state_reservoir=None, state_distribution=None,
             state_treatment=None, hours_per_day=np.nan, dry_season=None)


def test_only_coverage_known_is_unclassified_not_a():
    # E: only coverage known (20/20 -> 4); the old code scored E = 4 and, with G = O = 4, IS = 4 -> A.
    # Chlorination unknown too, so quality and o_chlorination are missing; O = plan, operator,
    # cleanings = 4 (3 known). E has 1 known sub-variable and no infrastructure -> missing -> unclassified.
    r = one({**_NO_E, "chlorination": pd.NA, "residual_chlorine_mg_l": np.nan})
    assert r["coverage"] == 4.0                      # the sub-score is still shown
    assert math.isnan(r["E"]) and math.isnan(r["index"])
    assert r["class"] == "unclassified" and bool(r["partial"]) is True
    assert (r["G"], r["O"]) == (4.0, 4.0)
    flags = r["flags"].split("; ")
    assert "insufficient_evidence:E" in flags and "missing_component:E" in flags


def test_siasar_like_coverage_and_quality_without_infrastructure_is_unclassified():
    # The SIASAR pattern: coverage 4 and chlorination no (quality 1), nothing else. Old code:
    # E = (4 + 1)/2 = 2.5, O = o_chlorination alone = 1, G missing -> IS = (2*2.5 + 1)/3 = 2.00 -> C.
    # New: E has 2 sub-variables but not infrastructure -> missing; O has 1 -> missing.
    nothing_go = dict(jass_recognised=pd.NA, jass_board_active=pd.NA, fee_charged=pd.NA,
                      fee_collection_rate=np.nan, maintenance_plan=pd.NA, trained_operator=pd.NA,
                      reservoir_cleanings_per_year=np.nan)
    r = one({**_NO_E, **nothing_go, "chlorination": False, "residual_chlorine_mg_l": np.nan})
    assert (r["coverage"], r["quality"], r["o_chlorination"]) == (4.0, 1.0, 1.0)
    assert math.isnan(r["E"]) and math.isnan(r["O"]) and math.isnan(r["index"])
    assert r["class"] == "unclassified"
    assert "insufficient_evidence:O" in r["flags"].split("; ")


def test_component_with_one_known_subvariable_is_missing():
    # G: only jass_recognised known (no -> 1). Old: G = 1, IS = (2*4 + 1 + 4)/4 = 3.25 -> B, not partial.
    # New: G missing (1 < min_subvariables 2) -> IS = (2*4 + 4)/3 = 4.0 -> A, partial.
    sys = dict(jass_recognised=False, jass_board_active=pd.NA, fee_charged=pd.NA, fee_collection_rate=np.nan)
    r = one(sys)
    assert r["g_jass_recognised"] == 1.0 and math.isnan(r["G"])
    assert r["index"] == 4.0 and r["class"] == "A" and bool(r["partial"]) is True
    assert "insufficient_evidence:G" in r["flags"].split("; ")
    # two known sub-variables count: G = (1 + 4)/2 = 2.5; IS = (8 + 2.5 + 4)/4 = 3.625 -> A, complete
    r2 = one({**sys, "fee_charged": True})
    assert r2["G"] == 2.5 and r2["index"] == 3.625 and bool(r2["partial"]) is False
    # min_subvariables comes from params: with 1 the single answer counts again (old result)
    r3 = one(sys, params=make_params(sustainability={"min_subvariables": 1}))
    assert r3["G"] == 1.0 and r3["index"] == 3.25 and r3["class"] == "B"


def test_e_needs_infrastructure_even_with_enough_subvariables():
    # continuity, quantity, quality, coverage known (4 sub-variables) but no component state
    no_states = dict(state_catchment=None, state_conduction=None, state_reservoir=None, state_distribution=None)
    r = one(no_states)
    assert math.isnan(r["infrastructure"]) and math.isnan(r["E"]) and r["class"] == "unclassified"
    # infrastructure alone (1 sub-variable) is not enough either ...
    r2 = one({**_NO_E, "state_catchment": "B", "households_connected": np.nan, "chlorination": pd.NA})
    assert r2["infrastructure"] == 3.0 and math.isnan(r2["E"]) and r2["class"] == "unclassified"
    # ... infrastructure + one more is: E = (3 + 4 coverage)/2 = 3.5; IS = (7 + 4 + 4)/4 = 3.75 -> A
    r3 = one({**_NO_E, "state_catchment": "B", "chlorination": pd.NA})
    assert r3["E"] == 3.5 and r3["index"] == 3.75 and r3["class"] == "A"


def test_unclassified_counted_in_class_counts():
    comm = communities(dict(households=20))
    sys = systems(dict(system_id="a"), dict(system_id="b", **_NO_E))
    counts = class_counts(sustainability_table(comm, sys, P)).set_index("class")["systems"]
    assert counts["A"] == 1 and counts["unclassified"] == 1 and counts.sum() == 2
