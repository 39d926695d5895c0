"""JMP water and sanitation ladders (METHOD stage 1): hand-computed cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import make_params
from hypothesis import given, settings
from hypothesis import strategies as st

from propilas.core.errors import DataError
from propilas.method.ladders import (
    SANITATION_RUNGS,
    WATER_RUNGS,
    basic_or_better_households,
    basic_or_better_population,
    district_ladder,
    ladder_sum_problems,
    sanitation_ladder,
    system_flags,
    water_ladder,
)

from helpers import communities, systems  # noqa: E402



P = make_params()


def rung(ladder: pd.DataFrame, cid: str, code: str, col: str = "households") -> float:
    sel = ladder[(ladder.community_id == cid) & (ladder.rung == code)]
    assert len(sel) == 1
    return float(sel[col].iloc[0])


def water(comms, sys, params=P):
    return water_ladder(comms, sys, params)


# ---- safely managed ---------------------------------------------------------------------

def test_qualifying_system_makes_piped_households_safely_managed():
    # 20 piped households, one system 24 h, chlorinated, residual 0.5, 20 connected -> SM 20
    lad, flags = water(communities({}), systems({}))
    assert rung(lad, "c1", "safely_managed") == 20
    assert rung(lad, "c1", "basic") == 0
    # pph = 100 / 20 = 5 -> population 100, share 100 %
    assert rung(lad, "c1", "safely_managed", "population") == 100
    assert rung(lad, "c1", "safely_managed", "share_pct") == 100
    assert bool(flags["qualifies_safely_managed"].iloc[0]) is True
    assert list(lad["rung"]) == list(WATER_RUNGS)


def test_two_systems_in_one_community_sum_and_cap_at_piped():
    comm = communities(dict(population=150, households=30, hh_water_piped_premises=30, hh_san_improved_private=30))
    # 10 + 15 qualifying = 25 <= 30 piped -> SM 25, basic 5; third system fails (hours 6): not counted
    sys = systems(dict(system_id="s1", households_connected=10), dict(system_id="s2", households_connected=15),
                  dict(system_id="s3", households_connected=5, hours_per_day=6.0))
    lad, flags = water(comm, sys)
    assert rung(lad, "c1", "safely_managed") == 25
    assert rung(lad, "c1", "basic") == 5
    # pph = 150/30 = 5: SM population 125 (83.33 %), basic 25 (16.67 %)
    assert rung(lad, "c1", "safely_managed", "share_pct") == pytest.approx(100 * 125 / 150)
    assert flags["qualifies_safely_managed"].tolist() == [True, True, False]
    # capacity 20 + 20 = 40 > 30 piped -> SM capped at 30
    sys2 = systems(dict(system_id="s1", households_connected=20), dict(system_id="s2", households_connected=20))
    lad2, _ = water(comm, sys2)
    assert rung(lad2, "c1", "safely_managed") == 30 and rung(lad2, "c1", "basic") == 0


@pytest.mark.parametrize("hours, residual, qualifies", [
    (12.0, 0.5, True),     # both exactly at the threshold (>=)
    (11.9, 0.5, False),    # hours just below 12
    (12.0, 0.49, False),   # residual just below 0.5 mg/l
    (24.0, 0.8, True),
])
def test_qualification_boundaries(hours, residual, qualifies):
    lad, flags = water(communities({}), systems(dict(hours_per_day=hours, residual_chlorine_mg_l=residual)))
    assert bool(flags["qualifies_safely_managed"].iloc[0]) is qualifies
    assert rung(lad, "c1", "safely_managed") == (20 if qualifies else 0)
    assert rung(lad, "c1", "basic") == (0 if qualifies else 20)  # piped is at least basic


def test_thresholds_come_from_params():
    p = make_params(water={"safely_managed_min_hours": 10, "min_residual_chlorine_mg_l": 0.3})
    _, flags = water(communities({}), systems(dict(hours_per_day=11.0, residual_chlorine_mg_l=0.3)), p)
    assert bool(flags["qualifies_safely_managed"].iloc[0]) is True


def test_not_chlorinated_does_not_qualify_without_flag():
    _, flags = water(communities({}), systems(dict(chlorination=False, residual_chlorine_mg_l=np.nan)))
    assert bool(flags["qualifies_safely_managed"].iloc[0]) is False
    assert flags["flags"].iloc[0] == ""


@pytest.mark.parametrize("column, value", [
    ("residual_chlorine_mg_l", np.nan), ("hours_per_day", np.nan), ("chlorination", pd.NA),
    ("households_connected", np.nan),
])
def test_missing_data_does_not_qualify_and_is_flagged(column, value):
    lad, flags = water(communities({}), systems({column: value}))
    assert flags["qualifies_safely_managed"].isna().iloc[0]
    assert flags["flags"].iloc[0] == f"missing:{column}"
    assert rung(lad, "c1", "safely_managed") == 0 and rung(lad, "c1", "basic") == 20


def test_community_without_system_has_no_safely_managed():
    lad, flags = water(communities({}), systems())
    assert rung(lad, "c1", "safely_managed") == 0 and rung(lad, "c1", "basic") == 20
    assert len(flags) == 0
    assert str(flags["qualifies_safely_managed"].dtype) == "boolean"


# ---- non-piped rungs ----------------------------------------------------------------------

def _mixed(trip):
    # 20 hh: 4 piped, 3 public tap, 3 protected source (incl. rainwater), 6 unprotected, 4 surface
    return communities(dict(population=100, households=20, hh_water_piped_premises=4, hh_water_public_tap=3,
                            hh_water_protected_source=3, hh_water_unprotected=6, hh_water_surface=4,
                            water_round_trip_min=trip))


def test_round_trip_30_is_basic_31_is_limited():
    lad30, _ = water(_mixed(30.0), systems())
    # basic = 4 piped + 3 tap + 3 protected = 10 -> 50 persons -> 50 %
    assert [rung(lad30, "c1", r) for r in WATER_RUNGS] == [0, 10, 0, 6, 4]
    assert [rung(lad30, "c1", r, "share_pct") for r in WATER_RUNGS] == pytest.approx([0, 50, 0, 30, 20])
    lad31, _ = water(_mixed(31.0), systems())
    assert [rung(lad31, "c1", r) for r in WATER_RUNGS] == [0, 4, 6, 6, 4]


def test_missing_round_trip_leaves_basic_and_limited_uncomputed():
    lad, _ = water(_mixed(np.nan), systems())
    assert math.isnan(rung(lad, "c1", "basic")) and math.isnan(rung(lad, "c1", "limited"))
    assert math.isnan(rung(lad, "c1", "basic", "share_pct"))
    assert rung(lad, "c1", "unimproved") == 6 and rung(lad, "c1", "surface") == 4
    assert set(lad["flags"]) == {"missing:water_round_trip_min"}
    assert math.isnan(basic_or_better_households(lad).loc["c1"])


def test_missing_round_trip_irrelevant_without_taps_or_sources():
    comm = communities(dict(hh_water_piped_premises=10, hh_water_unprotected=10, water_round_trip_min=np.nan))
    lad, _ = water(comm, systems())
    assert rung(lad, "c1", "basic") == 10 and rung(lad, "c1", "limited") == 0
    assert set(lad["flags"]) == {""}


# ---- sanitation ---------------------------------------------------------------------------

def test_sanitation_without_safely_managed_column():
    comm = communities(dict(population=100, households=20, hh_san_improved_private=8, hh_san_improved_shared=2,
                            hh_san_unimproved=6, hh_san_open=4))
    lad = sanitation_ladder(comm)
    assert list(lad["rung"]) == list(SANITATION_RUNGS)
    assert math.isnan(rung(lad, "c1", "safely_managed"))
    assert math.isnan(rung(lad, "c1", "safely_managed", "population"))
    # basic holds all improved private: 8 hh x 5 = 40 persons = 40 %
    assert [rung(lad, "c1", r, "share_pct") for r in SANITATION_RUNGS[1:]] == pytest.approx([40, 10, 30, 20])
    assert basic_or_better_households(lad).loc["c1"] == 8
    assert "not_computed:safely_managed" in lad["flags"].iloc[0]


def test_sanitation_with_safely_managed_column_some_rows_missing():
    comm = communities(dict(community_id="a", hh_san_improved_private=8, hh_san_improved_shared=2,
                            hh_san_unimproved=6, hh_san_open=4, hh_san_safely_managed=3.0),
                       dict(community_id="b", hh_san_safely_managed=np.nan))
    lad = sanitation_ladder(comm)
    assert rung(lad, "a", "safely_managed") == 3 and rung(lad, "a", "basic") == 5  # 8 - 3
    assert math.isnan(rung(lad, "b", "safely_managed")) and rung(lad, "b", "basic") == 20
    assert basic_or_better_households(lad).to_dict() == {"a": 8.0, "b": 20.0}
    assert basic_or_better_population(lad).to_dict() == {"a": 40.0, "b": 100.0}


# ---- district -----------------------------------------------------------------------------

def test_district_ladder_sums_and_propagates_uncomputed():
    comm = communities(dict(community_id="a", population=100, households=20),
                       dict(community_id="b", population=60, households=20, hh_water_piped_premises=10,
                            hh_water_surface=10, hh_san_improved_private=10, hh_san_open=10))
    w, _ = water(comm, systems(dict(community_id="a")))
    s = sanitation_ladder(comm)
    d = district_ladder(w, s)
    assert list(d.columns) == ["service", "rung", "households", "population", "share_pct",
                               "population_covered_pct"]
    assert (d["population_covered_pct"] == 100).all()
    dw = d[d.service == "water"].set_index("rung")
    # a: 20 hh SM (100 persons); b: pph 3, 10 basic (30 persons), 10 surface (30) -> total 160
    assert dw.loc["safely_managed", "population"] == 100
    assert dw.loc["basic", "households"] == 10
    assert dw.loc["surface", "share_pct"] == pytest.approx(100 * 30 / 160)
    assert dw["share_pct"].sum() == pytest.approx(100)
    ds = d[d.service == "sanitation"].set_index("rung")
    assert math.isnan(ds.loc["safely_managed", "population"])  # not given anywhere
    assert ds.loc["basic", "population"] == 130 and ds.loc["open", "population"] == 30


def test_district_ladder_over_surveyed_communities_says_how_much_it_covers():
    # b has no sanitation survey (SIASAR-like): the district sanitation ladder covers a only
    comm = communities(dict(community_id="a", population=100, households=20, hh_san_improved_private=15,
                            hh_san_open=5),
                       dict(community_id="b", population=60, households=20, hh_san_improved_private=np.nan,
                            hh_san_improved_shared=np.nan, hh_san_unimproved=np.nan, hh_san_open=np.nan))
    w, _ = water(comm, systems(dict(community_id="a")))
    d = district_ladder(w, sanitation_ladder(comm))
    ds = d[d.service == "sanitation"].set_index("rung")
    # covered: 100 of 160 persons = 62.5 %; basic 15 hh x 5 = 75 persons of 100 = 75 %
    assert ds.loc["basic", "population_covered_pct"] == pytest.approx(62.5)
    assert ds.loc["basic", "share_pct"] == pytest.approx(75)
    assert ds.loc["open", "population"] == pytest.approx(25)
    dw = d[d.service == "water"].set_index("rung")
    assert dw.loc["basic", "population_covered_pct"] == pytest.approx(100)


# ---- sum checks ---------------------------------------------------------------------------

def test_ladder_sum_problems_lists_every_problem_with_row():
    comm = communities(dict(community_id="ok"),
                       dict(community_id="bad", hh_water_piped_premises=19),      # water sums 19 != 20
                       dict(community_id="worse", hh_san_open=3, hh_water_surface=1))  # both wrong
    probs = ladder_sum_problems(comm)
    assert [(p["community_id"], p["row"]) for p in probs] == [("bad", 3), ("worse", 4), ("worse", 4)]
    assert probs[0]["value"] == 19 and probs[0]["column"].startswith("hh_water_piped_premises+")
    assert "households (20)" in probs[0]["rule"]
    assert set(probs[0]) == {"row", "column", "value", "rule", "community_id"}
    with pytest.raises(DataError) as e:
        water(comm, systems())
    assert "bad" in str(e.value) and "hh_water_piped_premises=19" in str(e.value)
    assert len(e.value.problems) == 3
    with pytest.raises(DataError):
        sanitation_ladder(comm)


def test_safely_managed_sanitation_above_private_is_a_problem():
    comm = communities(dict(hh_san_safely_managed=21.0))
    probs = ladder_sum_problems(comm)
    assert len(probs) == 1 and probs[0]["column"] == "hh_san_safely_managed" and probs[0]["value"] == 21


def test_system_flags_table_columns():
    f = system_flags(systems(dict(system_id="x", community_id="c9")), P)
    assert list(f.columns) == ["system_id", "community_id", "qualifies_safely_managed", "flags"]


# ---- properties ---------------------------------------------------------------------------

@st.composite
def valid_community(draw):
    counts = draw(st.lists(st.integers(0, 200), min_size=5, max_size=5).filter(lambda c: sum(c) > 0))
    san = draw(st.lists(st.integers(0, 200), min_size=4, max_size=4))
    hh = sum(counts)
    # rescale sanitation counts to sum to hh: give the remainder to open defecation
    san = [min(x, hh) for x in san]
    while sum(san[:3]) > hh:
        san[int(np.argmax(san[:3]))] -= 1
    san[3] = hh - sum(san[:3])
    pph = draw(st.floats(1.0, 12.0))
    row = dict(population=max(1, round(hh * pph)), households=hh,
               **dict(zip(["hh_water_piped_premises", "hh_water_public_tap", "hh_water_protected_source",
                           "hh_water_unprotected", "hh_water_surface"], counts)),
               **dict(zip(["hh_san_improved_private", "hh_san_improved_shared", "hh_san_unimproved",
                           "hh_san_open"], san)),
               water_round_trip_min=draw(st.floats(0, 300)))
    sys_rows = [dict(system_id=f"s{i}", households_connected=float(draw(st.integers(0, 300))),
                     hours_per_day=draw(st.floats(0, 24)), residual_chlorine_mg_l=draw(st.floats(0, 2)),
                     chlorination=draw(st.booleans())) for i in range(draw(st.integers(0, 3)))]
    return row, sys_rows


@settings(max_examples=60, deadline=None)
@given(valid_community())
def test_shares_sum_to_100_for_any_valid_community(case):
    row, sys_rows = case
    comm = communities(row)
    w, _ = water(comm, systems(*sys_rows))
    s = sanitation_ladder(comm)
    assert w["share_pct"].notna().all()
    assert w["share_pct"].sum() == pytest.approx(100, abs=1e-9)
    assert s["share_pct"].sum() == pytest.approx(100, abs=1e-9)  # SM NaN skipped: basic holds it
    assert (w["households"] >= 0).all() and w["households"].sum() == row["households"]
    d = district_ladder(w, s)
    assert d.groupby("service")["share_pct"].sum().tolist() == pytest.approx([100, 100], abs=1e-9)


def test_stage_01_compute_writes_the_registry_tables():
    from propilas.core.registry import stage
    from propilas.stages import diagnosis

    comm = communities(dict(community_id="a"), dict(community_id="b"))
    out = diagnosis.compute({"communities": comm, "water_systems": systems(dict(community_id="a"))}, P)
    assert set(out) == set(stage("01").writes)
    assert len(out["water_ladder"]) == 2 * 5 and len(out["sanitation_ladder"]) == 2 * 5
    assert rung(out["water_ladder"], "a", "safely_managed") == 20 and rung(out["water_ladder"], "b", "basic") == 20
