"""Issue 16: named scenarios — which stages an override touches, `propilas validate` naming a bad
override, and (e2e, on a tmp copy of the fixture district) scenarios that re-run only the stages
their overrides touch (cache hits counted) and scenarios.html scanned like every other page."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from helpers import ROOT
from propilas.core.registry import STAGES
from propilas.run.scenarios import first_stage

FIX = ROOT / "tests" / "fixtures"


def test_first_stage_an_override_touches():
    ids = [s.id for s in STAGES]
    assert ids[first_stage({"budget": {"envelope": {"regional": 1.0}}})] == "05"
    assert ids[first_stage({"scheduling": {"carry_over": True}})] == "05"
    assert ids[first_stage({"optimum": {"max_gap": 0.0}})] == "05"
    assert ids[first_stage({"budget": {"sheet_years": 3}})] == "06"
    assert ids[first_stage({"budget": {"sheet_years": 3, "envelope": {"regional": 1.0}}})] == "05"
    assert ids[first_stage({"prioritisation": {"top_k": 3}})] == "04"
    assert ids[first_stage({"unit_costs": {"atm_per_year": 1.0}})] == "04"
    assert ids[first_stage({"targets": {"sanitation": 1.0}})] == "03"
    assert ids[first_stage({"sustainability": {}})] == "02"
    assert ids[first_stage({"water": {}})] == "01"
    assert ids[first_stage({"horizon_year": 2028, "budget": {"envelope": {"regional": 1.0}}})] == "00"
    assert ids[first_stage({"rural_share": 0.5})] == "00"


def _copy(tmp_path, scenarios: dict) -> tuple:
    src = tmp_path / "src"
    shutil.copytree(FIX / "params", src / "params")
    shutil.copytree(FIX / "data", src / "data")
    f = src / "params" / "fixture.yaml"
    raw = yaml.safe_load(f.read_text(encoding="utf-8"))
    raw["scenarios"] = scenarios
    f.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return src, f


def test_validate_names_a_bad_scenario_override(tmp_path):
    from propilas.core.params import load_params
    from propilas.inputs.scenario_check import scenario_problems

    src, f = _copy(tmp_path, {"bad": {"label": {"es": "Malo", "en": "Bad"},
                                      "overrides": {"budget": {"envelope": {"regional": -5}}}},
                              "good": {"label": {"es": "Bueno", "en": "Good"},
                                       "overrides": {"budget": {"envelope": {"regional": 5}}}}})
    probs = scenario_problems(load_params("fixture", src / "params"), f)
    assert len(probs) == 1 and probs[0].severity == "error"
    assert "scenarios.bad.overrides.budget" in probs[0].rule and str(f) in probs[0].rule


@pytest.mark.e2e
def test_scenarios_rerun_only_what_they_touch_and_page_is_clean(tmp_path):
    from propilas.run.batch import run_batch
    from propilas.run.runner import CACHED, OK, RunConfig
    from propilas.run.scenarios import run_scenarios

    src, _ = _copy(tmp_path, {"regional_x2": {"label": {"es": "Regional ×2", "en": "Regional ×2"},
                                              "illustrative": True,
                                              "overrides": {"budget": {"envelope": {"regional": 999999}}}}})
    out = tmp_path / "out"
    cfg = RunConfig.create(ROOT, out, params_dir=src / "params", data_dir=src / "data")
    assert run_batch(["fixture"], cfg, workers=1, show_progress=False)["exit_code"] == 0
    res = run_scenarios("fixture", cfg)["regional_x2"]
    status = [r.status for r in res]
    # budget → stages 00–04 come from the base run (cache hits), 05–08 are re-computed
    assert status == [CACHED] * 5 + [OK] * 4, status
    sc = out / "fixture" / "scenarios" / "regional_x2"
    assert (sc / "summary.json").exists() and (sc / "tables" / "investment_plan.csv").exists()
    assert (sc / "05_investment_plan.html").exists()
    # a second run re-computes nothing
    assert [r.status for r in run_scenarios("fixture", cfg)["regional_x2"]] == [CACHED] * len(STAGES)
    page = (out / "fixture" / "scenarios.html").read_text(encoding="utf-8")
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    for bad in (r"\bnan\b", r"\bNone\b", r"javascript:", r"\bNaN\b", r"<NA>"):
        assert not re.search(bad, text), bad
    # both columns, the base beside the scenario (fixture language: en), the scenario marked illustrative
    assert "<th>Base plan</th>" in text and "<th>Regional ×2 (illustrative scenario)</th>" in text
    assert text.count("<img") == 2
