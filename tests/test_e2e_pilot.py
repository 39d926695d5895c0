"""End to end on real pilot districts (Spanish reports): summary.json, comparison, monitoring rounds."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import ROOT
from propilas.core.registry import STAGES

pytestmark = pytest.mark.e2e

CONTRACT_KEYS = {
    "district", "name", "ubigeo", "base_year", "horizon_year", "population_base", "population_horizon",
    "water_basic_or_better_pct", "sanitation_basic_or_better_pct", "water_safely_managed_pct", "systems",
    "systems_by_class", "partial_indices", "mean_sustainability_index", "investment_total_pen",
    "funding_gap_pen", "water_target_year", "sanitation_target_year", "top_priorities",
}


@pytest.fixture(scope="module")
def run(shipped_run):
    """Every shipped district, run once per session (tests/conftest.py); shared with test_consistency."""
    return shipped_run


def test_all_stages_complete_with_spanish_reports(run):
    out, manifest = run
    assert manifest["exit_code"] == 0, json.dumps(manifest["districts"], indent=1)[:3000]
    for d in ("tacabamba", "utco"):
        assert manifest["districts"][d]["status"] == "completed"
        report = (out / d / "report.html").read_text()
        assert "Etapa 1 — Diagnóstico de los servicios" in report
        assert "Contenido" in report
        assert (out / d / "tables.xlsx").exists()
    tac = (out / "tacabamba" / "01_diagnosis.html").read_text()
    assert "SIASAR" in tac and "CC BY 4.0" in tac  # real records credited
    index = (out / "index.html").read_text()
    assert "tacabamba/report.html" in index and "comparison.html" in index
    # every stage's inputs and outputs are hashed in the manifest
    stages = manifest["districts"]["tacabamba"]["stages"]
    assert all(stages[s.name]["outputs"] for s in STAGES)
    assert any(k.endswith("communities.csv") for k in stages["00_profile"]["inputs"])


def test_summary_json_has_every_contract_key_and_matches_tables(run):
    out, _ = run
    s = json.loads((out / "tacabamba" / "summary.json").read_text())
    assert CONTRACT_KEYS <= set(s)
    assert set(s["systems_by_class"]) == {"A", "B", "C", "D", "unclassified"}
    assert sum(s["systems_by_class"].values()) == s["systems"] == 30
    lad = pd.read_csv(out / "tacabamba" / "tables" / "ladder_district.csv")
    water = lad[lad["service"] == "water"].set_index("rung")["population"]
    expected = round(100 * (water["safely_managed"] + water["basic"]) / water.sum(), 1)
    assert s["water_basic_or_better_pct"] == pytest.approx(expected, abs=0.051)
    sus = pd.read_csv(out / "tacabamba" / "tables" / "sustainability.csv")
    assert s["partial_indices"] == int(sus["partial"].sum()) >= 15  # SIASAR systems lack G and O
    plan = pd.read_csv(out / "tacabamba" / "tables" / "investment_plan.csv")
    unfunded_works = plan.loc[(plan["status"] == "unfunded") & (plan["intervention"] != "atm"), "cost_pen"].sum()
    assert s["funding_gap_pen"] == pytest.approx(unfunded_works, abs=0.5 * 3)  # works only, whole soles per service
    prio = pd.read_csv(out / "tacabamba" / "tables" / "priorities.csv", dtype={"community_id": str})
    top = prio.sort_values("rank")["community_id"].head(5).tolist()
    assert s["top_priorities"] == top


def test_real_siasar_district_runs_end_to_end_with_partial_indices(run):
    out, manifest = run
    assert manifest["districts"]["bambamarca"]["status"] == "completed"
    s = json.loads((out / "bambamarca" / "summary.json").read_text())
    assert s["systems"] == 46 and s["partial_indices"] == 46  # SIASAR has no management or O&M data
    assert s["sanitation_basic_or_better_pct"] is None  # not surveyed by SIASAR: empty, never 0
    html = (out / "bambamarca" / "02_sustainability.html").read_text()
    assert "CC BY 4.0" in html and "parcial" in html


def test_comparison_has_one_row_per_completed_district(run):
    out, _ = run
    comp = pd.read_csv(out / "comparison.csv")
    from conftest import shipped_districts

    assert sorted(comp["district"]) == sorted(shipped_districts())
    for d in ("tacabamba", "utco"):
        s = json.loads((out / d / "summary.json").read_text())
        row = comp.set_index("district").loc[d]
        assert row["water_basic_or_better_pct"] == s["water_basic_or_better_pct"]
        assert row["investment_total_pen"] == pytest.approx(s["investment_total_pen"])


def test_plan_invariants_on_real_district(run):
    out, _ = run
    for d in ("tacabamba", "utco"):
        cost = pd.read_csv(out / d / "tables" / "cost_by_year.csv")
        assert (cost["spent_pen"] <= cost["envelope_pen"] + 1e-6).all()
        traj = pd.read_csv(out / d / "tables" / "trajectory.csv")
        # METHOD stage 5 (revised): served = min(P_c(t), capacity) per community, so served people
        # may fall with population; never above it (capacity never decreasing: test_consistency)
        known = traj["population_served"].notna()
        assert (traj.loc[known, "population_served"] <= traj.loc[known, "population"] + 1e-6).all()


def test_monitoring_uses_follow_up_rounds(run):
    out, _ = run
    mon = pd.read_csv(out / "tacabamba" / "tables" / "monitoring.csv")
    actual_years = sorted(mon.loc[mon["actual"].notna(), "year"].unique())
    assert {2018, 2021} <= set(actual_years)
    water = mon[(mon["indicator"] == "water_served_pct") & (mon["year"] == 2021)].iloc[0]
    assert water["ratio"] == pytest.approx(water["actual"] / water["target"])
    assert water["light"] in ("green", "amber", "red")
    base = mon[(mon["indicator"] == "water_served_pct") & (mon["year"] == 2015)].iloc[0]
    assert water["actual"] > base["actual"]  # the illustrative round repaired systems
    # baseline of the plan measure = the trajectory's base year (same definition as the targets)
    traj = pd.read_csv(out / "tacabamba" / "tables" / "trajectory.csv")
    t0 = traj[(traj["service"] == "water") & (traj["year"] == 2015)]["coverage_pct"].iloc[0]
    assert base["actual"] == pytest.approx(t0) and base["target"] == pytest.approx(t0)
    jmp = mon[(mon["indicator"] == "water_basic_or_better_pct") & (mon["year"] == 2021)].iloc[0]
    assert pd.isna(jmp["target"]) and jmp["light"] == "no_target"  # other definition: shown, not judged
    assert jmp["target_reason"] == "method_sets_none"


def test_reports_render_in_headless_chromium(run):
    """index.html and a report.html load in a real browser: no console errors, no missing images."""
    from browser import Browser, chromium

    if not chromium():
        pytest.skip("Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
    out, _ = run
    b = Browser()
    try:
        index = b.load(out / "index.html")
        report = b.load(out / "tacabamba" / "report.html")
    finally:
        b.close()
    assert index["errors"] == [] and report["errors"] == [], (index["errors"], report["errors"])
    assert report["broken_images"] == [] and report["images"] >= 10
    (out / "report_screenshot.png").write_bytes(report["png"])
    assert len(report["png"]) > 50_000  # a real, non-blank rendering
