"""Intervention rules of METHOD stage 5: every rule and boundary, hand-computed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import make_params
from propilas.method.interventions import choose_interventions, item_id
from test_gaps import (SAN_RUNGS, WATER_RUNGS, communities_df, community, ladder,
                       sustainability_df, systems_df)

PARAMS = make_params()


def gaps_df(rows: list[tuple]) -> pd.DataFrame:
    """rows: (community_id, service, population_base, served_base)."""
    df = pd.DataFrame(rows, columns=["community_id", "service", "population_base", "served_base"])
    df["gap"] = 0.0
    return df


def run(comms, ws, sus, wl, sl, gaps, params=PARAMS) -> pd.DataFrame:
    return choose_interventions(comms, ws, sus, pd.DataFrame(wl), pd.DataFrame(sl), gaps, params)


def lone_community(bob_hh: int, hh: int = 10_000):
    """A community without system, pph 1, `bob_hh` households basic-or-better (protected
    sources), the rest unimproved; all with private toilets (no sanitation item)."""
    comms = communities_df([community("x", hh, hh, hh_water_protected_source=bob_hh,
                                      hh_water_unprotected=hh - bob_hh,
                                      hh_san_improved_private=hh)])
    wl = ladder("x", 1, WATER_RUNGS, (0, bob_hh, 0, hh - bob_hh, 0))
    sl = ladder("x", 1, SAN_RUNGS, (np.nan, hh, 0, 0, 0))
    gaps = gaps_df([("x", "water", float(hh), float(bob_hh)), ("x", "sanitation", float(hh), float(hh))])
    return comms, systems_df([]), sustainability_df([]), wl, sl, gaps


def test_new_system_boundary_share_half():
    # share 5000 / 10000 = 0.5, not < 0.5 → no new system
    assert run(*lone_community(5000)).empty
    # share 4999 / 10000 = 0.4999 < 0.5 → new system for 10000 − 4999 = 5001 unserved persons
    items = run(*lone_community(4999))
    assert items["intervention"].tolist() == ["new_system"]
    r = items.iloc[0]
    assert r["item_id"] == "x-new_system" and r["system_id"] is None
    assert r["unit"] == "person" and r["quantity"] == pytest.approx(5001)
    assert r["cost_pen"] == pytest.approx(5001 * 1500)          # 7,501,500 soles
    assert r["beneficiaries"] == pytest.approx(5001)
    assert r["served_gain"] == pytest.approx(5001)
    assert r["service"] == "water" and bool(r["one_off"])


def system_community(classes: list[tuple], hh: int = 20, pop: int = 100, piped: int = 10,
                     below_basic_water: int = 4, san=(8, 4, 5, 3)):
    """pph 5. classes: (system_id, class, connected, quality, G). Water ladder: piped all basic,
    `below_basic_water` households unimproved, the rest protected (basic)."""
    other_basic = hh - piped - below_basic_water
    comms = communities_df([community(
        "c", pop, hh, hh_water_piped_premises=piped, hh_water_protected_source=other_basic,
        hh_water_unprotected=below_basic_water, hh_san_improved_private=san[0],
        hh_san_improved_shared=san[1], hh_san_unimproved=san[2], hh_san_open=san[3])])
    ws = systems_df([(sid, "c", conn) for sid, _, conn, _, _ in classes])
    sus = sustainability_df([(sid, "c", 3.0, cls, q, g, False) for sid, cls, _, q, g in classes])
    wl = ladder("c", 5, WATER_RUNGS, (0, piped + other_basic, 0, below_basic_water, 0))
    sl = ladder("c", 5, SAN_RUNGS, (np.nan,) + tuple(san))
    gaps = gaps_df([("c", "water", float(pop), np.nan), ("c", "sanitation", float(pop), np.nan)])
    return comms, ws, sus, wl, sl, gaps


def by_code(items: pd.DataFrame) -> dict[str, pd.Series]:
    return {r["item_id"]: r for _, r in items.iterrows()}


def test_reconstruction_rehabilitation_and_sanitation_units():
    # S1 A (6 conn, quality 4, G 4), S2 D (5 conn), S3 C (4 conn), piped 10, pph 5
    # coverage = min(1, 15/20) = 0.75 < 0.9 → extension of 20 − 15 = 5 households
    items = by_code(run(*system_community([("S1", "A", 6, 4, 4), ("S2", "D", 5, 2.5, 3),
                                           ("S3", "C", 4, 2.5, 3)])))
    d = items["c-reconstruction-S2"]
    # 5 households × 4500 = 22,500; beneficiaries 5 × 5 = 25
    # served gain = 5 × [min(10, 6 + 5) − min(10, 6)] = 5 × (10 − 6) = 20
    assert (d["quantity"], d["cost_pen"], d["beneficiaries"], d["served_gain"]) == pytest.approx(
        (5, 22500, 25, 20))
    c = items["c-rehabilitation-S3"]
    # 4 × 1800 = 7,200; beneficiaries 20; gain 5 × [min(10, 6 + 4) − 6] = 20
    assert (c["quantity"], c["cost_pen"], c["beneficiaries"], c["served_gain"]) == pytest.approx(
        (4, 7200, 20, 20))
    # C and D quality 2.5 < 4 but their works include the improvement: no improvement item
    assert not any(k.startswith("c-improvement") for k in items)
    e = items["c-extension"]
    # quantity 5; below-basic households 4 → gain = beneficiaries = 5 × min(5, 4) = 20; 5 × 1600
    assert (e["quantity"], e["cost_pen"], e["beneficiaries"], e["served_gain"]) == pytest.approx(
        (5, 8000, 20, 20))
    assert e["system_id"] is None
    s = items["c-sanitation_units"]
    # below basic sanitation = shared 4 + unimproved 5 + open 3 = 12 households × 5500 = 66,000
    assert (s["quantity"], s["cost_pen"], s["beneficiaries"], s["served_gain"]) == pytest.approx(
        (12, 66000, 60, 60))
    assert s["service"] == "sanitation"


def test_improvement_rules():
    # S1 class B quality 4 → improvement; S2 class A quality 2.5 < 4 → improvement;
    # S3 class A quality 4 → none. Coverage 18/20 = 0.9 → no extension (not < 0.9).
    items = run(*system_community([("S1", "B", 6, 4, 4), ("S2", "A", 6, 2.5, 4),
                                   ("S3", "A", 6, 4, 4)], san=(20, 0, 0, 0)))
    assert items["item_id"].tolist() == ["c-improvement-S1", "c-improvement-S2"]
    r = items.iloc[0]
    # 1 system × 18,000; beneficiaries 5 × 6 = 30; served gain 0
    assert (r["quantity"], r["cost_pen"], r["beneficiaries"], r["served_gain"]) == pytest.approx(
        (1, 18000, 30, 0))
    assert r["unit"] == "system"


def test_extension_boundary_coverage():
    # 18 connected of 20 → 0.9 → none; 17 of 20 → 0.85 → extension of 3 households
    none = run(*system_community([("S1", "A", 18, 4, 4)], san=(20, 0, 0, 0)))
    assert none.empty
    items = run(*system_community([("S1", "A", 17, 4, 4)], san=(20, 0, 0, 0)))
    r = items.set_index("item_id").loc["c-extension"]
    assert r["quantity"] == pytest.approx(3)
    # below-basic households 4 ≥ 3 → gain 5 × 3 = 15
    assert r["served_gain"] == pytest.approx(15)


def test_extension_boundary_near_threshold():
    # 899 of 1000 connected → 0.899 < 0.9 → extension of 101; 900 → none
    def one(conn):
        return run(*system_community([("S1", "A", conn, 4, 4)], hh=1000, pop=5000, piped=900,
                                     below_basic_water=50, san=(1000, 0, 0, 0)))
    assert one(900).empty
    assert one(899)["quantity"].tolist() == [101]


def test_jass_strengthening_boundary():
    # G 2.5 ≤ 2.5 → JASS strengthening (6,000 per system); G 2.51 → none
    items = run(*system_community([("S1", "A", 9, 4, 2.5), ("S2", "A", 9, 4, 2.51)],
                                  san=(20, 0, 0, 0)))
    assert items["item_id"].tolist() == ["c-jass_strengthening-S1"]
    r = items.iloc[0]
    assert (r["cost_pen"], r["beneficiaries"], r["served_gain"]) == pytest.approx((6000, 0, 0))
    assert r["service"] == "management"


def test_unclassified_system_gets_no_state_item_but_flag():
    items = run(*system_community([("S1", "unclassified", 9, np.nan, 2.0),
                                   ("S2", "A", 9, 4, 4)], san=(19, 1, 0, 0)))
    # no reconstruction/rehabilitation/improvement for S1 but a diagnosis visit (issue 10: this
    # expectation used to be "nothing", the defect); JASS by its G = 2.0 is kept
    assert sorted(items["intervention"]) == ["diagnosis_visit", "jass_strengthening", "sanitation_units"]
    assert all("unclassified_system:S1" in f for f in items["flags"])
    assert items.attrs["unclassified_systems"] == ["S1"]


def test_missing_connections_item_unpriced_and_extension_not_assessed():
    comms, ws, sus, wl, sl, gaps = system_community([("S1", "D", 5, 2, 3), ("S2", "A", 6, 4, 4)],
                                                    san=(20, 0, 0, 0))
    ws.loc[ws["system_id"] == "S1", "households_connected"] = np.nan
    items = run(comms, ws, sus, wl, sl, gaps).set_index("item_id")
    r = items.loc["c-reconstruction-S1"]
    assert math.isnan(r["quantity"]) and math.isnan(r["cost_pen"])
    assert "missing:households_connected" in r["flags"]
    assert "c-extension" not in items.index
    assert "extension_not_assessed:missing_households_connected" in r["flags"]


def test_item_id_and_order_deterministic():
    assert item_id("c1", "improvement", "S9") == "c1-improvement-S9"
    assert item_id("c1", "extension") == "c1-extension"
    args = system_community([("S2", "D", 5, 2, 2), ("S1", "B", 6, 4, 2)])
    a, b = run(*args), run(*args)
    pd.testing.assert_frame_equal(a, b)
    # order within a community follows params.interventions.order, then item_id
    assert a["intervention"].tolist() == ["reconstruction", "extension", "improvement",
                                          "sanitation_units", "jass_strengthening",
                                          "jass_strengthening"]
    assert a["item_id"].is_unique


# --- works follow the infrastructure; unclassified gets a diagnosis visit (issue 10 items 5-6) ---
def with_infrastructure(args, infra: dict[str, float]):
    """system_community(...) with an `infrastructure` score per system in the sustainability table."""
    comms, ws, sus, wl, sl, gaps = args
    sus = sus.copy()
    sus["infrastructure"] = sus["system_id"].map(infra).astype(float)
    return comms, ws, sus, wl, sl, gaps


def test_c_class_with_sound_infrastructure_gets_improvement_not_rehabilitation():
    # S1 A (6 conn), S2 C (4 conn, quality 1, G 2) with infrastructure 3 > 2.5: the class comes from
    # quality and management. Old code: rehabilitation 4 × 1,800 = 7,200. New: improvement
    # (18,000) carrying the works' gain, plus JASS strengthening (G 2 ≤ 2.5, 6,000).
    args = with_infrastructure(system_community([("S1", "A", 6, 4, 4), ("S2", "C", 4, 1, 2)],
                                                san=(20, 0, 0, 0)), {"S1": 4.0, "S2": 3.0})
    items = by_code(run(*args))
    assert "c-rehabilitation-S2" not in items and "c-reconstruction-S2" not in items
    imp = items["c-improvement-S2"]
    # beneficiaries pph 5 × 4 = 20; served gain 5 × [min(10, 6 + 4) − min(10, 6)] = 20
    assert (imp["quantity"], imp["cost_pen"], imp["beneficiaries"], imp["served_gain"]) == pytest.approx(
        (1, 18000, 20, 20))
    assert "works_not_needed:infrastructure_sound" in imp["flags"]
    j = items["c-jass_strengthening-S2"]
    assert (j["cost_pen"], j["served_gain"]) == pytest.approx((6000, 0))


def test_d_class_with_infrastructure_2_gets_rehabilitation():
    # D system (5 conn) with infrastructure 2 (in (1.5, 2.5]): old code reconstruction 5 × 4,500 =
    # 22,500; new rehabilitation 5 × 1,800 = 9,000, same beneficiaries 25 and gain 5 × (10 − 6) = 20
    args = with_infrastructure(system_community([("S1", "A", 6, 4, 4), ("S2", "D", 5, 2.5, 3)],
                                                san=(20, 0, 0, 0)), {"S1": 4.0, "S2": 2.0})
    items = by_code(run(*args))
    assert "c-reconstruction-S2" not in items
    r = items["c-rehabilitation-S2"]
    assert (r["quantity"], r["cost_pen"], r["beneficiaries"], r["served_gain"]) == pytest.approx(
        (5, 9000, 25, 20))


@pytest.mark.parametrize("cls, infra, code", [
    ("C", 1.5, "reconstruction"), ("C", 1.51, "rehabilitation"), ("C", 2.5, "rehabilitation"),
    ("C", 2.51, "improvement"), ("D", 1.0, "reconstruction"), ("D", 1.5, "reconstruction"),
    ("D", 2.5, "rehabilitation"), ("D", 3.0, "improvement"),
])
def test_works_follow_the_infrastructure_score_boundaries(cls, infra, code):
    # ≤ 1.5 reconstruction, ≤ 2.5 rehabilitation, else improvement — whatever the class C or D
    args = with_infrastructure(system_community([("S1", cls, 18, 2.5, 3)], san=(20, 0, 0, 0)), {"S1": infra})
    items = run(*args)
    assert items["item_id"].tolist() == [f"c-{code}-S1"]


def test_works_thresholds_come_from_params():
    p = make_params(interventions={"rehabilitation_max_infrastructure": 3.0,
                                   "reconstruction_max_infrastructure": 2.0})
    args = with_infrastructure(system_community([("S1", "C", 18, 2.5, 3)], san=(20, 0, 0, 0)), {"S1": 2.0})
    assert run(*args, params=p)["intervention"].tolist() == ["reconstruction"]


def test_unclassified_system_gets_a_diagnosis_visit():
    # S1 unclassified (insufficient evidence): a diagnosis visit, 1 × 2,500, nobody changes rung
    args = with_infrastructure(system_community([("S1", "unclassified", 9, np.nan, np.nan),
                                                 ("S2", "A", 9, 4, 4)], san=(20, 0, 0, 0)),
                               {"S1": np.nan, "S2": 4.0})
    items = run(*args)
    assert items["item_id"].tolist() == ["c-diagnosis_visit-S1"]
    r = items.iloc[0]
    assert (r["quantity"], r["unit"], r["unit_cost_pen"], r["cost_pen"]) == (1.0, "system", 2500.0, 2500.0)
    assert (r["beneficiaries"], r["served_gain"], r["service"]) == (0.0, 0.0, "water")
    assert "unclassified_system:S1" in r["flags"]
    assert items.attrs["unclassified_systems"] == ["S1"]


def test_only_coverage_known_end_to_end_diagnosis_visit_with_its_cost():
    # a system whose only known state-of-system answer is its connections: stage 2 leaves it
    # unclassified (old code: class A, no item at all) and stage 4 prices a diagnosis visit
    from helpers import communities, systems
    from propilas.method.sustainability import sustainability_table

    comm = communities(dict(households=20, population=100, hh_water_piped_premises=20,
                            hh_san_improved_private=20))
    ws = systems(dict(state_catchment=None, state_conduction=None, state_reservoir=None,
                      state_distribution=None, hours_per_day=np.nan, dry_season=None,
                      chlorination=pd.NA, residual_chlorine_mg_l=np.nan))
    sus = sustainability_table(comm, ws, PARAMS)
    assert sus["class"].tolist() == ["unclassified"]
    wl = ladder("c1", 5, WATER_RUNGS, (0, 20, 0, 0, 0))
    sl = ladder("c1", 5, SAN_RUNGS, (np.nan, 20, 0, 0, 0))
    gaps = gaps_df([("c1", "water", 100.0, 0.0), ("c1", "sanitation", 100.0, 100.0)])
    items = run(comm, ws, sus, wl, sl, gaps)
    assert items["item_id"].tolist() == ["c1-diagnosis_visit-s1"]
    assert items["cost_pen"].tolist() == [2500.0]


def test_sound_c_system_with_unknown_connections_improvement_priced_gain_unknown():
    # improvement is priced per system (18,000) but who gains is unknown: NaN, never 0
    comms, ws, sus, wl, sl, gaps = with_infrastructure(
        system_community([("S1", "C", 5, 1, 3), ("S2", "A", 6, 4, 4)], san=(20, 0, 0, 0)),
        {"S1": 3.0, "S2": 4.0})
    ws.loc[ws["system_id"] == "S1", "households_connected"] = np.nan
    r = run(comms, ws, sus, wl, sl, gaps).set_index("item_id").loc["c-improvement-S1"]
    assert r["cost_pen"] == 18000
    assert math.isnan(r["beneficiaries"]) and math.isnan(r["served_gain"])
    assert "missing:households_connected" in r["flags"]


def test_reconstruction_threshold_above_rehabilitation_threshold_is_refused():
    from propilas.core.errors import ParamsError
    with pytest.raises(ParamsError, match="reconstruction_max_infrastructure"):
        make_params(interventions={"reconstruction_max_infrastructure": 3.0,
                                   "rehabilitation_max_infrastructure": 2.5})
