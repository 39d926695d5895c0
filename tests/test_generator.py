"""Illustrative generator: determinism, calibration, exact household sums, documented distributions,
and the committed example data equal to a fresh build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propilas.inputs import generator as g
from propilas.core.params import load_params
from propilas.core.schemas import SANITATION_COUNT_COLUMNS, WATER_COUNT_COLUMNS, column_names

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import make_params  # noqa: E402

DISTRICTS = ["san_juan", "llacanora", "miguel_iglesias", "utco", "lajas", "tacabamba", "bambamarca", "santo_tomas"]
PILOTS = DISTRICTS[:6]


def test_same_seed_identical_frames() -> None:
    a = g.generate("lajas", 5000)
    b = g.generate("lajas", 5000)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    c = g.generate("lajas", 5000, seed=1)
    assert not c[0]["population"].equals(a[0]["population"]) or not c[0]["name"].equals(a[0]["name"])
    assert g.district_seed("lajas") == g.district_seed("lajas") != g.district_seed("utco")


def test_target_arithmetic() -> None:
    # census 2007: 1000, 2017: 1100 → r = 1.1^(1/10) − 1; P(2015) = 1100 / 1.1^(2/10) = 1079.23
    p = make_params()
    assert g.rural_target(p) == pytest.approx(1100 / 1.1 ** 0.2, rel=1e-9)
    assert g.illustrative_target(p) == 1079
    assert g.illustrative_target(p, real_population=100) == 979  # minus the real communities
    assert g.illustrative_target(p, real_population=5000) == 0
    p2 = make_params(rural_share=0.5)
    assert g.illustrative_target(p2) == round(1079.23 * 0.5)  # 539.6 → 540


def test_calibration_exact_and_frames() -> None:
    p = make_params(census={2007: 20000, 2017: 21000}, rural_share=0.8)
    comm, ws = g.generate_for_params(p)
    assert int(comm["population"].sum()) == g.illustrative_target(p)
    # with real communities, the illustrative rows add the difference only
    real = comm.head(2).assign(source="SIASAR 2015")
    comm2, _ = g.generate_for_params(p, real_communities=real)
    # illustrative = round(P(2015) × 0.8) − real population, exactly
    assert int(comm2["population"].sum()) == g.illustrative_target(p) - int(real["population"].sum())
    assert not set(comm2["community_id"]) & set(real["community_id"])
    assert list(comm.columns) == column_names("communities")
    assert list(ws.columns) == column_names("water_systems")


def _check_frames(comm: pd.DataFrame, ws: pd.DataFrame) -> None:
    assert (comm[list(WATER_COUNT_COLUMNS)].sum(axis=1) == comm["households"]).all()
    assert (comm[list(SANITATION_COUNT_COLUMNS)].sum(axis=1) == comm["households"]).all()
    assert (comm["source"] == "illustrative").all() and (ws["source"] == "illustrative").all()
    assert comm["community_id"].is_unique and ws["system_id"].is_unique
    assert (comm["population"] >= 1).all() and (comm["households"] >= 1).all()
    conn = ws.groupby("community_id")["households_connected"].sum()
    piped = comm.set_index("community_id")["hh_water_piped_premises"]
    assert (conn == piped.loc[conn.index]).all()  # systems connect exactly the piped households
    assert (piped.drop(conn.index) == 0).all()  # no piped households without a system
    assert set(ws["community_id"]) <= set(comm["community_id"])


@settings(max_examples=25, deadline=None)
@given(target=st.integers(min_value=0, max_value=6000), seed=st.integers(min_value=0, max_value=2**31))
def test_property_sums(target: int, seed: int) -> None:
    comm, ws = g.generate("fixture", target, seed=seed, centroid=(-6.5, -78.5), altitude_m=2500,
                          area_km2=100, poverty_rate=0.6)
    assert int(comm["population"].sum()) == target
    if target:
        _check_frames(comm, ws)
    else:
        assert comm.empty and ws.empty


@pytest.fixture(scope="module")
def big() -> tuple[pd.DataFrame, pd.DataFrame]:
    return g.generate("big", 300_000, seed=7, centroid=(-6.5, -78.5), altitude_m=2500, area_km2=200, poverty_rate=0.6)


def test_distributions_roughly_as_documented(big: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    comm, ws = big
    _check_frames(comm, ws)
    hh = comm["households"].sum()
    share = {c: comm[c].sum() / hh for c in WATER_COUNT_COLUMNS + SANITATION_COUNT_COLUMNS}
    # documented expectations (households): piped 0.60, tap 0.015, protected 0.15, unprotected 0.15, surface 0.08
    assert share["hh_water_piped_premises"] == pytest.approx(0.60, abs=0.05)
    assert share["hh_water_public_tap"] == pytest.approx(0.015, abs=0.01)
    assert share["hh_water_protected_source"] == pytest.approx(0.15, abs=0.04)
    assert share["hh_water_surface"] == pytest.approx(0.08, abs=0.03)
    # sanitation 0.45 / 0.05 / 0.30 / 0.20
    assert share["hh_san_improved_private"] == pytest.approx(0.45, abs=0.04)
    assert share["hh_san_improved_shared"] == pytest.approx(0.05, abs=0.02)
    assert share["hh_san_open"] == pytest.approx(0.20, abs=0.04)
    pph = comm["population"].sum() / hh
    assert 4.0 <= pph <= 4.5
    assert comm["population"].median() == pytest.approx(280, rel=0.25)
    assert (comm["poverty_rate"].between(0, 1)).all() and comm["poverty_rate"].mean() == pytest.approx(0.6, abs=0.03)
    # systems: chlorination 0.5, JASS recognised 0.55, type gravity 0.70, condition mix → catchment A ≈ 0.35–0.45
    assert ws["chlorination"].mean() == pytest.approx(0.50, abs=0.06)
    assert ws["jass_recognised"].mean() == pytest.approx(0.55, abs=0.06)
    assert (ws["system_type"] == "gravity").mean() == pytest.approx(0.70, abs=0.06)
    assert set(ws["state_catchment"]) <= {"A", "B", "C", "D"}
    assert (ws["state_catchment"] == "D").mean() == pytest.approx(0.15 * 0.85 + 0.20 * 0.15, abs=0.06)
    # residual chlorine only where chlorinating; fee collection only where a fee is charged
    assert ws.loc[ws["chlorination"] == False, "residual_chlorine_mg_l"].isna().all()  # noqa: E712
    assert ws.loc[ws["fee_charged"] == False, "fee_collection_rate"].isna().all()  # noqa: E712
    assert ws["hours_per_day"].between(1, 24).all()
    assert (ws["hours_per_day"] == 24).mean() == pytest.approx(0.85 * 286 / 376, abs=0.06)
    # coordinates within the district's equivalent radius (√(200/π) ≈ 8 km) of the centroid
    assert (np.abs(comm["latitude"] + 6.5) <= 8.0 / 110.6 + 1e-6).all()


# --- the example districts ---------------------------------------------------------------

@pytest.mark.parametrize("district", DISTRICTS)
def test_params_load(district: str) -> None:
    p = load_params(district, ROOT / "params")
    assert p.base_year == 2015 and p.horizon_year == 2030 and p.language == "es"
    assert p.workshop is not None and p.workshop.illustrative


@pytest.mark.parametrize("district", DISTRICTS)
def test_committed_data_consistent(district: str) -> None:
    comm = pd.read_csv(ROOT / "data" / district / "communities.csv", keep_default_na=False, dtype=str)
    ws = pd.read_csv(ROOT / "data" / district / "water_systems.csv", keep_default_na=False, dtype=str)
    assert list(comm.columns) == column_names("communities")
    assert list(ws.columns) == column_names("water_systems")
    assert set(comm["source"]) <= {"SIASAR 2015", "illustrative"}
    real = comm[comm["source"] == "SIASAR 2015"]
    # real rows are never completed with generated values: no sanitation, poverty or distance
    assert (real[["hh_san_improved_private", "hh_san_open", "poverty_rate", "distance_km"]] == "").all().all()
    ill = comm[comm["source"] == "illustrative"]
    if district in PILOTS:
        p = load_params(district, ROOT / "params")
        total = comm["population"].astype(int).sum()
        assert total == round(g.rural_target(p))  # calibrated exactly: real + illustrative
        h = ill["households"].astype(int)
        assert (ill[list(WATER_COUNT_COLUMNS)].astype(int).sum(axis=1) == h).all()
        assert (ill[list(SANITATION_COUNT_COLUMNS)].astype(int).sum(axis=1) == h).all()
    else:
        assert ill.empty and (ws["source"] == "SIASAR 2015").all()


def test_real_record_counts_in_committed_data() -> None:
    expected = {"tacabamba": 15, "san_juan": 2, "llacanora": 1, "lajas": 1, "utco": 0, "miguel_iglesias": 0,
                "bambamarca": 46, "santo_tomas": 30}
    for d, n in expected.items():
        ws = pd.read_csv(ROOT / "data" / d / "water_systems.csv", keep_default_na=False, dtype=str)
        assert int((ws["source"] == "SIASAR 2015").sum()) == n, d


def test_committed_data_equal_fresh_build(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "build_district_data.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    for d in DISTRICTS:
        for f in ("communities.csv", "water_systems.csv"):
            assert (tmp_path / d / f).read_bytes() == (ROOT / "data" / d / f).read_bytes(), f"{d}/{f} differs"
