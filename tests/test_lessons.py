"""Tests of propilas.run.lessons (the logic behind notebooks/lessons/) and of the lesson notebooks.

The fixture district (tests/fixtures) has three communities whose criteria are easy to read:
poverty C1 0.6, C2 0.8, C3 0.9; readiness (mean of jass_exists, counterpart_committed)
C1 (1+1)/2 = 1.0, C2 (1+0)/2 = 0.5, C3 (0+1)/2 = 0.5; total gap C3 93.8 > C1 87.7 > C2 64.6 people.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from propilas.run import lessons
from propilas.core.params import CRITERIA
from propilas.stages import investment_plan as stage05

ROOT = Path(__file__).resolve().parents[1]
FIX_PARAMS = ROOT / "tests" / "fixtures" / "params"
FIX_DATA = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture(scope="module")
def fixture_district():
    return lessons.district_tables("fixture", FIX_PARAMS, FIX_DATA)


@pytest.fixture(scope="module")
def tacabamba():
    return lessons.district_tables("tacabamba", ROOT / "params", ROOT / "data")


def only(criterion: str) -> dict[str, float]:
    return {c: (1.0 if c == criterion else 0.0) for c in CRITERIA}


# ---------------------------------------------------------------------------- weights
def test_normalise_weights_renormalises_to_one():
    # sliders 2 and 2 on two criteria -> 2/4 = 0.5 each; the five others 0
    w = lessons.normalise_weights({"water_gap": 2.0, "poverty": 2.0})
    assert list(w) == list(CRITERIA)
    assert w["water_gap"] == pytest.approx(0.5) and w["poverty"] == pytest.approx(0.5)
    assert sum(w.values()) == pytest.approx(1.0)
    assert all(w[c] == 0 for c in CRITERIA if c not in ("water_gap", "poverty"))
    # seven sliders at 0.3 -> each 0.3 / 2.1 = 1/7
    w7 = lessons.normalise_weights({c: 0.3 for c in CRITERIA})
    assert all(v == pytest.approx(1 / 7) for v in w7.values())


@pytest.mark.parametrize("bad", [{c: 0.0 for c in CRITERIA}, {"poverty": -0.1, "water_gap": 1.0},
                                 {"poverty": float("nan")}, {"altitude": 1.0}])
def test_normalise_weights_rejects_impossible_sliders(bad):
    with pytest.raises(ValueError):
        lessons.normalise_weights(bad)


def test_district_weights_reproduce_stage_4(fixture_district, tacabamba):
    for params, tables in (fixture_district, tacabamba):
        r = lessons.ranking_with_weights(tables, params, params.prioritisation.weights)
        base = tables["priorities"]
        pd.testing.assert_series_equal(r.priorities["community_id"], base["community_id"])
        pd.testing.assert_series_equal(r.priorities["rank"], base["rank"])
        np.testing.assert_allclose(r.priorities["p_top_k"], base["p_top_k"])
        rob = tables["robustness"].set_index("metric")["value"]
        assert r.robustness["median_spearman"] == pytest.approx(rob["median_spearman"])
        assert r.fragile == bool(rob["fragile"] >= 1)


def test_weight_one_on_poverty_ranks_by_poverty(fixture_district):
    params, tables = fixture_district
    r = lessons.ranking_with_weights(tables, params, only("poverty"))
    # poverty 0.9 (C3) > 0.8 (C2) > 0.6 (C1); min-max: C3 1, C2 (0.8-0.6)/0.3 = 0.667, C1 0
    assert list(r.priorities["community_id"]) == ["C3", "C2", "C1"]
    np.testing.assert_allclose(r.priorities["score"], [1.0, 2 / 3, 0.0])
    # one active criterion: every draw is the same weight vector -> stable ranking
    assert r.robustness["median_spearman"] == pytest.approx(1.0)
    assert not r.fragile
    assert r.weights["poverty"] == 1.0


def test_weight_one_on_readiness_breaks_ties_by_total_gap(fixture_district):
    params, tables = fixture_district
    r = lessons.ranking_with_weights(tables, params, only("readiness"))
    # readiness C1 1.0, C2 0.5, C3 0.5: C2/C3 tie -> larger total gap first (C3 93.8 > C2 64.6)
    assert list(r.priorities["community_id"]) == ["C1", "C3", "C2"]


@pytest.mark.parametrize("criterion", ["water_gap", "sanitation_gap", "poverty", "beneficiaries"])
def test_single_criterion_ranking_follows_it(tacabamba, criterion):
    params, tables = tacabamba
    r = lessons.ranking_with_weights(tables, params, only(criterion))
    # the normalised value (a NaN raw value normalises to 0, like the minimum: it earns no priority)
    norm = r.priorities[criterion + "_norm"].to_numpy()
    assert (np.diff(norm) <= 1e-12).all(), f"ranking does not follow {criterion}"
    raw = r.priorities[criterion].to_numpy()
    known = raw[~np.isnan(raw)]
    assert raw[0] == known.max()  # the first community has the largest known value


def test_ranking_table_change_against_base(fixture_district):
    params, tables = fixture_district
    r = lessons.ranking_with_weights(tables, params, only("poverty"))
    tab = lessons.ranking_table(r, tables["priorities"], tables["communities"])
    base = tables["priorities"].set_index("community_id")["rank"]
    for _, row in tab.iterrows():
        assert row["change"] == base[row["community_id"]] - row["rank"]
    assert tab.loc[0, "community"] == "Cañaris"


# ---------------------------------------------------------------------------- budget
def test_multiplier_one_reproduces_stage_5(fixture_district, tacabamba):
    for params, tables in (fixture_district, tacabamba):
        r = lessons.plan_with_envelope(tables, params, 1.0, None)
        expected = stage05.compute(tables, params)
        for name in ("investment_plan", "cost_by_year", "trajectory", "target_years"):
            pd.testing.assert_frame_equal(r.tables[name], expected[name])


def test_envelope_is_scaled(fixture_district):
    params, tables = fixture_district
    r = lessons.plan_with_envelope(tables, params, 2.5, None)
    # fixture envelope municipal 60,000 + national 40,000 -> x2.5 = 150,000 + 100,000
    env = r.cost_by_year.groupby("source")["envelope_pen"].first()
    assert env["municipal"] == pytest.approx(150_000) and env["national"] == pytest.approx(100_000)
    assert env["regional"] == 0


def test_zero_envelope_funds_nothing(fixture_district):
    params, tables = fixture_district
    r = lessons.plan_with_envelope(tables, params, 0.0, None)
    plan = r.investment_plan
    assert plan[plan["status"] == "funded"]["cost_pen"].sum() == 0
    years = params.horizon_year - params.base_year
    atm = plan[(plan["intervention"] == "atm") & (plan["status"] == "unfunded")]
    assert len(atm) == years  # every year's ATM is unfunded: 15 x 42,000, reported apart (issue 10)
    ty = r.target_years.set_index("service")
    assert (ty["atm_unfunded_pen"] == years * params.unit_costs.atm_per_year).all()
    # the works' funding gap is every priced work (the ATM is in no service's gap)
    works = plan[(plan["intervention"] != "atm") & (plan["status"] == "unfunded")]
    assert ty["funding_gap_pen"].sum() == pytest.approx(works["cost_pen"].sum(), abs=0.5 * len(ty))


def test_sanitation_target_flows_to_gaps_and_target_year(fixture_district):
    params, tables = fixture_district
    r = lessons.plan_with_envelope(tables, params, 1.0, 1.0)
    assert r.params.targets.sanitation == 1.0
    ty = r.target_years.set_index("service")
    assert ty.at["sanitation", "target_pct"] == pytest.approx(100.0)
    gaps = r.tables["gaps"]
    assert (gaps[gaps["service"] == "sanitation"]["target_pct"] == 100.0).all()
    # the district's own tables are not modified
    assert (tables["gaps"][tables["gaps"]["service"] == "sanitation"]["target_pct"] == 80.0).all()


@pytest.mark.parametrize("which", ["fixture", "tacabamba"])
def test_doubling_the_envelope_never_delays_a_target(which, fixture_district, tacabamba):
    """Checked on the shipped districts, not a theorem: the greedy whole-item rule can in
    principle fund one big item instead of two small ones when the money grows."""
    params, tables = fixture_district if which == "fixture" else tacabamba
    for target in (0.6, 0.8, 1.0):
        prev = None
        for m in (0.25, 0.5, 1.0, 2.0, 4.0):
            r = lessons.plan_with_envelope(tables, params, m, target)
            years = {s: lessons.year_or_never(r.year_met(s)) for s in ("water", "sanitation")}
            if prev is not None:
                for s in years:
                    assert years[s] <= prev[s], f"{which}: target {target}, x{m} delays {s}"
            prev = years


def test_plan_rejects_negative_multiplier(fixture_district):
    params, tables = fixture_district
    with pytest.raises(ValueError):
        lessons.plan_with_envelope(tables, params, -1.0, None)


def test_charts_have_titles(fixture_district):
    params, tables = fixture_district
    fig = lessons.ranking_chart(lessons.ranking_with_weights(tables, params, params.prioritisation.weights),
                                tables["priorities"], "en", "Source: test")
    assert fig.axes[0].get_title(loc="left") == "Ranking with the chosen weights"
    r = lessons.plan_with_envelope(tables, params, 2.0, None)
    fig2 = lessons.trajectory_chart(r, lessons.plan_with_envelope(tables, params), "es", "Fuente: test")
    assert fig2.axes[0].get_title(loc="left") == "Cobertura proyectada frente a la meta"


def test_widget_callbacks_replace_the_output_widget_content(fixture_district):
    import ipywidgets as widgets

    params, tables = fixture_district
    out = widgets.Output()
    lessons.show_ranking(tables, params, only("poverty"), out=out)
    first = len(out.outputs)
    assert any("image/png" in o["data"] for o in out.outputs)
    lessons.show_ranking(tables, params, params.prioritisation.weights, out=out)
    assert len(out.outputs) == first  # replaced, not appended
    out2 = widgets.Output()
    lessons.show_plan(tables, params, 0.5, 0.9, out=out2)
    assert any("image/png" in o["data"] for o in out2.outputs)
    assert any("text/html" in o["data"] for o in out2.outputs)


# ---------------------------------------------------------------------------- notebooks
def test_lessons_have_one_parameters_cell_and_no_outputs():
    for name in ("weights.ipynb", "budget.ipynb", "sustainability.ipynb"):
        nb = nbformat.read(ROOT / "notebooks" / "lessons" / name, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        # folders None: the project's (core/paths.notebook_root), so a lesson runs from anywhere (issue 14)
        for var in ('district = "tacabamba"', "params_dir = None", "data_dir = None", "out_dir = None",
                    "language = None"):
            assert var in tagged[0].source
        langs = [t for c in nb.cells for t in c.get("metadata", {}).get("tags", []) if t.startswith("lang-")]
        assert langs.count("lang-es") == langs.count("lang-en") > 0  # every text cell in both languages
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.e2e
@pytest.mark.timeout(300)
@pytest.mark.parametrize("name,district", [("weights.ipynb", "fixture"), ("budget.ipynb", "fixture"),
                                           ("weights.ipynb", "tacabamba"), ("budget.ipynb", "tacabamba"),
                                           ("sustainability.ipynb", "fixture"), ("sustainability.ipynb", "utco")])
def test_lesson_runs_headless(tmp_path, name, district):
    """papermill in a subprocess (one process per notebook, as `propilas run` workers): several
    widget notebooks executed from one pytest process were seen to stall for minutes."""
    import subprocess
    import sys

    import yaml

    folder = ROOT / "notebooks" / "lessons"
    params = ({"district": "fixture", "params_dir": str(FIX_PARAMS), "data_dir": str(FIX_DATA),
               "out_dir": str(tmp_path / "outputs"), "language": "en"} if district == "fixture"
              else {"district": district, "out_dir": str(tmp_path / "outputs")})  # Spanish (the district's)
    out = tmp_path / name
    proc = subprocess.run([sys.executable, "-m", "papermill", str(folder / name), str(out), "-k", "propilas",
                           "--cwd", str(folder), "-y", yaml.safe_dump(params), "--no-progress-bar",
                           "--execution-timeout", "240"], capture_output=True, text=True, timeout=290)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("text/html" in o.get("data", {}) for o in outputs)
    assert not (tmp_path / "outputs").exists()  # lessons never need or write outputs/


# ---------------------------------------------------------------------------- budget: rule and optimum (issue 16)
def test_sweep_shows_rule_and_optimum_side_by_side(fixture_district):
    from propilas.method.optimum_compare import comparison_value

    params, tables = fixture_district
    sweep = lessons.envelope_sweep(tables, params, (0.5, 1.0, 2.0))
    assert list(sweep["multiplier"]) == [0.5, 1.0, 2.0]
    # fixture envelope: municipal 60,000 + national 40,000 = 100,000 a year
    assert list(sweep["envelope_pen"]) == pytest.approx([50_000, 100_000, 200_000])
    # ×1 is stage 5's own comparison, rule and optimum
    comp = stage05.compute(tables, params)["optimum_comparison"]
    one = sweep.set_index("multiplier").loc[1.0]
    assert one["people_years_rule"] == pytest.approx(comparison_value(comp, "people_years", "rule"))
    assert one["people_years_optimum"] == pytest.approx(comparison_value(comp, "people_years", "optimum"))
    # the best plan never gives fewer people-years than the rule, at any envelope
    assert (sweep["people_years_optimum"] >= sweep["people_years_rule"] - 1e-6).all()
    assert np.allclose(sweep["left_on_table"], sweep["people_years_optimum"] - sweep["people_years_rule"])
    # both plans' target years are there, as years or "not met"
    tab = lessons.sweep_table(sweep, "en")
    assert {"People-years, rule", "People-years, best plan", "Water target: rule / best plan",
            "Sanitation target: rule / best plan"} <= set(tab.columns)
    assert all(" / " in v for v in tab["Water target: rule / best plan"])
    assert not tab.astype(str).apply(lambda c: c.str.contains("nan|None")).any().any()
    nb = nbformat.read(ROOT / "notebooks" / "lessons" / "budget.ipynb", as_version=4)
    assert any("lessons.show_sweep(" in c.source for c in nb.cells if c.cell_type == "code")
