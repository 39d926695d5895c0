"""Stage 3 gaps and targets: hand-computed cases (arithmetic in comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import make_params
from propilas.method.gaps import compute_gaps, gap_indicators, targets_table
from propilas.stages import strategy

WATER_RUNGS = ("safely_managed", "basic", "limited", "unimproved", "surface")
SAN_RUNGS = ("safely_managed", "basic", "limited", "unimproved", "open")


def community(cid: str, population: int, households: int, **kw) -> dict:
    row = {"community_id": cid, "name": cid.upper(), "population": population,
           "households": households, "poverty_rate": 0.5,
           "hh_water_piped_premises": 0, "hh_water_public_tap": 0, "hh_water_protected_source": 0,
           "hh_water_unprotected": 0, "hh_water_surface": 0, "water_round_trip_min": 10.0,
           "hh_san_improved_private": 0, "hh_san_improved_shared": 0, "hh_san_unimproved": 0,
           "hh_san_open": 0, "jass_exists": True, "counterpart_committed": True,
           "source": "illustrative"}
    row.update(kw)
    return row


def communities_df(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for col in ("community_id", "name", "source"):
        df[col] = df[col].astype(object)
    for col in ("jass_exists", "counterpart_committed"):
        df[col] = df[col].astype("boolean")
    df["poverty_rate"] = df["poverty_rate"].astype(float)
    return df


def ladder(cid: str, pph: float, rungs: tuple[str, ...], hh: tuple) -> list[dict]:
    total = sum(h for h in hh if h == h)
    return [{"community_id": cid, "rung": r, "households": float(h), "population": pph * h,
             "share_pct": 100.0 * h / total} for r, h in zip(rungs, hh)]


def systems_df(rows: list[tuple]) -> pd.DataFrame:
    """rows: (system_id, community_id, households_connected)."""
    df = pd.DataFrame(rows, columns=["system_id", "community_id", "households_connected"])
    df["households_connected"] = df["households_connected"].astype(float)
    for col in ("system_id", "community_id"):
        df[col] = df[col].astype(object)
    return df


def sustainability_df(rows: list[tuple]) -> pd.DataFrame:
    """rows: (system_id, community_id, index, class, quality, G, partial)."""
    df = pd.DataFrame(rows, columns=["system_id", "community_id", "index", "class", "quality",
                                     "G", "partial"])
    for col in ("index", "quality", "G"):
        df[col] = df[col].astype(float)
    df["partial"] = df["partial"].astype(bool)
    return df


def population_df(values: dict[str, tuple[float, float]], params) -> pd.DataFrame:
    """Linear between base and horizon values (the exact path is irrelevant here)."""
    rows = []
    n = params.horizon_year - params.base_year
    for cid, (p0, p1) in values.items():
        for i, y in enumerate(params.years):
            rows.append({"community_id": cid, "year": y, "population": p0 + (p1 - p0) * i / n})
    return pd.DataFrame(rows)


def fixture(c1_s2_class: str = "C", params=None):
    """c1: 100 persons, 20 households (pph 5); piped 10, tap 4, protected 2 (round trip 20 min
    → basic), unprotected 3, surface 1. Systems S1 (class A, 6 connected), S2 (5 connected).
    Water ladder c1: safely managed 3, basic 10−3+6 = 13, limited 0, unimproved 3, surface 1.
    Sanitation c1: private 8, shared 4, unimproved 5, open 3, safely managed not surveyed.
    c2: 60 persons, 10 households (pph 6), no system; tap 5 at 45 min (limited), unprotected 5;
    all 10 with a private improved toilet. Population horizon: c1 120, c2 66."""
    params = params or make_params()
    comms = communities_df([
        community("c1", 100, 20, hh_water_piped_premises=10, hh_water_public_tap=4,
                  hh_water_protected_source=2, hh_water_unprotected=3, hh_water_surface=1,
                  water_round_trip_min=20.0, hh_san_improved_private=8, hh_san_improved_shared=4,
                  hh_san_unimproved=5, hh_san_open=3),
        community("c2", 60, 10, hh_water_public_tap=5, hh_water_unprotected=5,
                  water_round_trip_min=45.0, hh_san_improved_private=10),
    ])
    ws = systems_df([("S1", "c1", 6), ("S2", "c1", 5)])
    sus = sustainability_df([("S1", "c1", 3.8, "A", 4, 4, False),
                             ("S2", "c1", 2.0, c1_s2_class, 2.5, 2, False)])
    wl = pd.DataFrame(ladder("c1", 5, WATER_RUNGS, (3, 13, 0, 3, 1))
                      + ladder("c2", 6, WATER_RUNGS, (0, 0, 5, 5, 0)))
    sl = pd.DataFrame(ladder("c1", 5, SAN_RUNGS, (np.nan, 8, 4, 5, 3))
                      + ladder("c2", 6, SAN_RUNGS, (np.nan, 10, 0, 0, 0)))
    pop = population_df({"c1": (100, 120), "c2": (60, 66)}, params)
    return {"communities": comms, "water_systems": ws, "sustainability": sus,
            "water_ladder": wl, "sanitation_ladder": sl, "population": pop}, params


def _gaps(inputs, params):
    return compute_gaps(inputs["communities"], inputs["water_systems"], inputs["population"],
                        inputs["water_ladder"], inputs["sanitation_ladder"],
                        inputs["sustainability"], params).set_index(["community_id", "service"])


def test_water_served_counts_non_piped_basic_and_working_connections():
    inputs, params = fixture()
    g = _gaps(inputs, params)
    # c1: non-piped basic = (3 + 13) − 10 = 6; piped working = min(10, Σ A/B = 6) = 6
    # served = 5 × (6 + 6) = 60; gap = max(0, 1.0 × 120 − 60) = 60; indicator 100 × 40/100 = 40
    r = g.loc[("c1", "water")]
    assert r["served_base"] == pytest.approx(60.0)
    assert r["gap"] == pytest.approx(60.0)
    assert r["gap_indicator_pct"] == pytest.approx(40.0)
    assert r["target_pct"] == pytest.approx(100.0)
    assert r["population_base"] == pytest.approx(100.0)
    assert r["population_horizon"] == pytest.approx(120.0)
    # c2: tap at 45 min is limited → served 0; gap = 66; indicator 100
    r = g.loc[("c2", "water")]
    assert r["served_base"] == pytest.approx(0.0)
    assert r["gap"] == pytest.approx(66.0)
    assert r["gap_indicator_pct"] == pytest.approx(100.0)


def test_piped_capped_by_households_connected_of_ab_systems():
    # S2 in class B: Σ A/B = 6 + 5 = 11 > 10 piped → min = 10; served = 5 × (6 + 10) = 80
    inputs, params = fixture(c1_s2_class="B")
    r = _gaps(inputs, params).loc[("c1", "water")]
    assert r["served_base"] == pytest.approx(80.0)
    assert r["gap"] == pytest.approx(40.0)        # 120 − 80
    assert r["gap_indicator_pct"] == pytest.approx(20.0)


@pytest.mark.parametrize("cls", ["D", "unclassified"])
def test_failing_or_unclassified_system_does_not_serve(cls):
    # S1 not A/B either: piped working = min(10, 0) = 0 → served = 5 × 6 = 30
    inputs, params = fixture()
    inputs["sustainability"].loc[inputs["sustainability"]["system_id"] == "S1", "class"] = cls
    r = _gaps(inputs, params).loc[("c1", "water")]
    assert r["served_base"] == pytest.approx(30.0)


def test_sanitation_basic_or_better_and_zero_floor():
    inputs, params = fixture()
    g = _gaps(inputs, params)
    # c1: safely managed not surveyed (NaN) → counts 0; served = 5 × 8 = 40
    # target 0.8 × 120 = 96 → gap 56; indicator 100 × 60/100 = 60
    r = g.loc[("c1", "sanitation")]
    assert (r["served_base"], r["gap"], r["gap_indicator_pct"]) == pytest.approx((40, 56, 60))
    assert r["target_pct"] == pytest.approx(80.0)
    # c2: served 6 × 10 = 60 > 0.8 × 66 = 52.8 → gap max(0, −7.2) = 0; indicator 0
    r = g.loc[("c2", "sanitation")]
    assert (r["served_base"], r["gap"], r["gap_indicator_pct"]) == pytest.approx((60, 0, 0))


def test_sanitation_safely_managed_added_when_surveyed():
    inputs, params = fixture()
    sl = inputs["sanitation_ladder"]
    # c1 with 2 safely managed and 6 basic: served = 5 × (2 + 6) = 40 (same total)
    sl.loc[(sl["community_id"] == "c1") & (sl["rung"] == "safely_managed"), "households"] = 2.0
    sl.loc[(sl["community_id"] == "c1") & (sl["rung"] == "basic"), "households"] = 6.0
    assert _gaps(inputs, params).loc[("c1", "sanitation"), "served_base"] == pytest.approx(40.0)


def test_missing_connections_of_ab_system_flagged():
    inputs, params = fixture(c1_s2_class="B")
    inputs["water_systems"].loc[1, "households_connected"] = np.nan
    r = _gaps(inputs, params).loc[("c1", "water")]
    # only S1's 6 known → min(10, 6) = 6 → 60, flagged
    assert r["served_base"] == pytest.approx(60.0)
    assert "missing:households_connected:S2" in r["flags"]


def test_district_totals_are_sums():
    inputs, params = fixture()
    g = compute_gaps(inputs["communities"], inputs["water_systems"], inputs["population"],
                     inputs["water_ladder"], inputs["sanitation_ladder"], inputs["sustainability"],
                     params)
    d = gap_indicators(g).set_index("service")
    # water: base 100 + 60 = 160; served 60 + 0 = 60; without 100 → 62.5 %; horizon 186; gap 126
    w = d.loc["water"]
    assert (w["population_base"], w["served_base"], w["without_service"]) == pytest.approx((160, 60, 100))
    assert (w["gap_indicator_pct"], w["population_horizon"], w["gap"]) == pytest.approx((62.5, 186, 126))
    # sanitation: served 40 + 60 = 100; without 60 → 37.5 %; gap 56 + 0 = 56
    s = d.loc["sanitation"]
    assert (s["served_base"], s["gap_indicator_pct"], s["gap"]) == pytest.approx((100, 37.5, 56))


def test_district_total_covers_the_known_communities_when_one_is_unknown():
    inputs, params = fixture()
    wl = inputs["water_ladder"]
    inputs["water_ladder"] = wl[wl["community_id"] != "c2"]
    g = compute_gaps(inputs["communities"], inputs["water_systems"], inputs["population"],
                     inputs["water_ladder"], inputs["sanitation_ladder"], inputs["sustainability"],
                     params)
    row = g[(g["community_id"] == "c2") & (g["service"] == "water")].iloc[0]
    assert math.isnan(row["served_base"]) and "missing:water_ladder" in row["flags"]
    d = gap_indicators(g).set_index("service")
    known = g[(g["service"] == "water") & (g["community_id"] != "c2")]
    # c2 is left out of every column (not counted as served or unserved) and the share covered is stated
    assert d.loc["water", "served_base"] == pytest.approx(known["served_base"].sum())
    assert d.loc["water", "population_base"] == pytest.approx(known["population_base"].sum())
    everyone = g.loc[g["service"] == "water", "population_base"].sum()
    assert d.loc["water", "population_covered_pct"] == pytest.approx(100 * known["population_base"].sum() / everyone)
    assert d.loc["water", "flags"] == "missing_communities:1"


def test_targets_without_mdg_view_at_2015():
    inputs, params = fixture()
    out = strategy.compute(inputs, params)
    assert set(out) == {"targets", "gaps", "gap_indicators"}
    t = out["targets"].set_index("indicator")
    assert list(t.index) == ["water_basic_or_better", "sanitation_basic_or_better", "systems_ab"]
    # water base = 100 − 62.5 = 37.5; sanitation 100 − 37.5 = 62.5; systems A/B: S1 of {S1, S2} = 50 %
    assert t.loc["water_basic_or_better", ["base_pct", "target_pct"]].tolist() == pytest.approx([37.5, 100])
    assert t.loc["sanitation_basic_or_better", ["base_pct", "target_pct"]].tolist() == pytest.approx([62.5, 80])
    assert t.loc["systems_ab", ["base_pct", "target_pct"]].tolist() == pytest.approx([50, 80])
    assert (t["target_year"] == 2030).all()


def test_mdg_view_before_mdg_year_and_unclassified_excluded():
    params = make_params(base_year=2010, census={2007: 1000, 2017: 1100})
    inputs, params = fixture(params=params)
    inputs["sustainability"] = pd.concat([inputs["sustainability"], sustainability_df(
        [("S3", "c2", np.nan, "unclassified", np.nan, 2, True)])], ignore_index=True)
    t = strategy.compute(inputs, params)["targets"].set_index("indicator")
    # MDG: halve the unserved share: 37.5 + (100 − 37.5)/2 = 68.75 ; 62.5 + 37.5/2 = 81.25
    assert t.loc["water_mdg", "target_pct"] == pytest.approx(68.75)
    assert t.loc["sanitation_mdg", "target_pct"] == pytest.approx(81.25)
    assert t.loc["water_mdg", "target_year"] == 2015
    # unclassified S3 excluded from the A/B share: still 1 of 2 = 50 %, flagged
    assert t.loc["systems_ab", "base_pct"] == pytest.approx(50.0)
    assert "unclassified_excluded:1" in t.loc["systems_ab", "flags"]


def test_sanitation_not_surveyed_gives_no_served_figure_never_zero():
    """SIASAR communities have no sanitation counts: served and gap indicator are empty, not 0."""
    import pandas as pd

    from propilas.method.gaps import SANITATION_RUNGS, ladder_households

    ladder = pd.DataFrame({"community_id": ["c1"] * 5, "rung": list(SANITATION_RUNGS),
                           "households": [float("nan")] * 5, "population": [float("nan")] * 5})
    wide = ladder_households(ladder, SANITATION_RUNGS)
    assert wide.loc["c1"].isna().all()
