"""`propilas diff`: input files, parameters, headline figures and ranking that changed between
two hand-built run folders."""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import make_params
from propilas.cli.diff import register
from propilas.report.diff import (
    DiffError,
    diff_runs,
    flatten,
    has_differences,
    params_from_notebook,
)
from propilas.report.diff_render import diff_html, render_diff

D = "fixture"


def _notebook(path: Path, params_data: dict) -> None:
    """A minimal executed 00_profile notebook: template parameters cell + papermill's injected cell."""
    from papermill.translators import PythonTranslator

    nb = nbformat.v4.new_notebook()
    template = nbformat.v4.new_code_cell("district = None\nparams_data = None  # injected by the runner\n")
    template.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell(PythonTranslator.codify(
        {"district": D, "params_data": params_data, "run_id": "r"}))
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells = [template, injected, nbformat.v4.new_code_cell("print(1)")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _run(root: Path, run_id: str, *, data_sha: dict[str, str], params: dict, summary: dict,
         ranks: dict[str, int], ladder_sha: str = "L1") -> Path:
    run = root / run_id
    ddir = run / D
    stages = {
        "00_profile": {"status": "ok", "duration_s": 1.0, "reason": "",
                       "inputs": data_sha,
                       "outputs": {"tables/communities.csv": "C1", "00_profile.ipynb": f"nb-{run_id}"}},
        "01_diagnosis": {"status": "ok", "duration_s": 1.0, "reason": "",
                         # an upstream table is an intermediate, not an input file
                         "inputs": {f"outputs/{D}/tables/communities.csv": f"tbl-{run_id}"},
                         "outputs": {"tables/water_ladder.csv": ladder_sha, "01_diagnosis.html": f"h-{run_id}"}},
    }
    manifest = {"run_id": run_id, "started_utc": "2026-01-01T00:00:00", "code_version": {"commit": "abc", "dirty": False},
                "out_dir": str(run), "stages": list(stages), "districts": {D: {"status": "completed", "stages": stages}}}
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps(manifest))
    (ddir / "tables").mkdir(parents=True)
    (ddir / "summary.json").write_text(json.dumps(summary))
    pd.DataFrame({"community_id": list(ranks), "score": [1 / r for r in ranks.values()],
                  "rank": list(ranks.values())}).to_csv(ddir / "tables" / "priorities.csv", index=False)
    _notebook(ddir / "00_profile.ipynb", params)
    return run


BASE_SUMMARY = {"district": D, "population_base": 1000, "water_basic_or_better_pct": 60.0,
                "systems_by_class": {"A": 1, "B": 2, "C": 1, "D": 0, "unclassified": 0},
                "investment_total_pen": 500000.0, "water_target_year": 2028, "top_priorities": ["C1", "C2"]}


@pytest.fixture
def runs(tmp_path):
    pa = make_params().model_dump(mode="json")
    pb = copy.deepcopy(pa)
    pb["water"]["safely_managed_min_hours"] = 10.0
    pb["prioritisation"]["top_k"] = 2
    sb = copy.deepcopy(BASE_SUMMARY)
    sb["water_basic_or_better_pct"] = 62.5          # 60.0 → 62.5: delta +2.5
    sb["systems_by_class"]["B"] = 3                 # nested key, 2 → 3
    sb["water_target_year"] = None                  # met → not met by the horizon
    sb["top_priorities"] = ["C3", "C1"]
    a = _run(tmp_path, "runA", params=pa, summary=BASE_SUMMARY,
             data_sha={f"data/{D}/communities.csv": "aaa", f"data/{D}/water_systems.csv": "www"},
             ranks={"C1": 1, "C2": 2, "C3": 3, "C4": 4})
    b = _run(tmp_path, "runB", params=pb, summary=sb,
             data_sha={f"data/{D}/communities.csv": "bbb", f"data/{D}/water_systems.csv": "www",
                       f"data/{D}/rounds/2020/communities.csv": "rrr"},
             ranks={"C3": 1, "C1": 2, "C2": 3, "C5": 4}, ladder_sha="L2")
    return a, b


def test_inputs_params_headline_and_ranking(runs):
    a, b = runs
    d = diff_runs(a, b, D)
    # inputs: communities changed, a round added, water_systems unchanged; intermediates ignored
    assert {(r["path"], r["status"]) for r in d["inputs"]} == {
        (f"data/{D}/communities.csv", "changed"), (f"data/{D}/rounds/2020/communities.csv", "added")}
    # parameters: exactly the two overrides, dotted keys, old → new
    assert [(r["key"], r["old"], r["new"]) for r in d["params"]] == [
        ("prioritisation.top_k", 5, 2), ("water.safely_managed_min_hours", 12.0, 10.0)]
    head = {h["key"]: h for h in d["headline"]}
    assert head["water_basic_or_better_pct"]["delta"] == pytest.approx(2.5)
    assert head["systems_by_class.B"]["old"] == 2 and head["systems_by_class.B"]["delta"] == 1
    assert head["population_base"]["changed"] is False and head["population_base"]["delta"] == 0
    # a year that becomes None: numeric row without a delta
    assert head["water_target_year"]["new"] is None and head["water_target_year"]["delta"] is None
    assert {o["key"] for o in d["summary_other"]} == {"top_priorities"}
    r = d["ranking"]
    assert r["top_k"] == 2  # from run B's parameters
    # top 2: A = {C1, C2}, B = {C3, C1} → C3 enters, C2 leaves
    assert r["entered"] == ["C3"] and r["left"] == ["C2"]
    assert [(c["community_id"], c["rank_a"], c["rank_b"], c["delta"]) for c in r["changed"]] == [
        ("C3", 3, 1, -2), ("C1", 1, 2, 1), ("C2", 2, 3, 1)]
    assert r["only_a"] == ["C4"] and r["only_b"] == ["C5"]
    assert [t["path"] for t in d["tables"]] == ["tables/water_ladder.csv"]  # notebooks/html ignored
    assert has_differences(d)


def test_render_text_and_html(runs):
    a, b = runs
    d = diff_runs(a, b, D)
    text = render_diff(d, "en")
    assert "water.safely_managed_min_hours: 12 → 10" in text
    assert "water_basic_or_better_pct: 60 → 62.5 (+2.5)" in text
    assert "enter the priority group (top 2): C3" in text and "leave the priority group (top 2): C2" in text
    assert f"changed   data/{D}/communities.csv" in text
    es = render_diff(d, "es")
    assert "entran al grupo prioritario (top 2): C3" in es
    page = diff_html(d, "en")
    assert page.startswith("<!DOCTYPE html>") and "<td>water.safely_managed_min_hours</td>" in page
    assert "<td>+2.5</td>" in page
    assert diff_html([d, d], "en").count("<section") == 2


def test_identical_runs_have_no_differences(tmp_path):
    p = make_params().model_dump(mode="json")
    kw = dict(params=p, summary=BASE_SUMMARY, data_sha={f"data/{D}/communities.csv": "aaa"}, ranks={"C1": 1, "C2": 2})
    a, b = _run(tmp_path, "a", **kw), _run(tmp_path, "b", **kw)
    d = diff_runs(a, b, D)
    assert not has_differences(d)
    assert d["inputs"] == [] and d["params"] == [] and d["ranking"]["changed"] == []
    assert "No differences" in render_diff(d, "en")


def test_params_read_from_injected_cell_not_template(tmp_path):
    p = make_params().model_dump(mode="json")
    nb = tmp_path / "00_profile.ipynb"
    _notebook(nb, p)
    assert params_from_notebook(nb) == p
    assert flatten({"a": {"b": 1, "c": {"d": [1, 2]}}}) == {"a.b": 1, "a.c.d": [1, 2]}


def test_missing_pieces_are_noted_not_invented(runs):
    a, b = runs
    (b / D / "tables" / "priorities.csv").unlink()
    (b / D / "00_profile.ipynb").unlink()
    d = diff_runs(a, b, D)
    assert d["ranking"] is None and d["params"] == []
    assert any("priorities.csv" in n for n in d["notes"])
    assert any("parameters not found" in n for n in d["notes"])
    with pytest.raises(DiffError, match="neither run"):
        diff_runs(a, b, "nowhere")
    with pytest.raises(DiffError, match="manifest.json"):
        diff_runs(a / D, b, D)


def test_cli(runs, tmp_path, capsys):
    a, b = runs
    p = argparse.ArgumentParser(prog="propilas")
    sub = p.add_subparsers(dest="command", required=True)
    register(sub)
    html_file = tmp_path / "diff.html"
    args = p.parse_args(["diff", str(a), str(b), "--html", str(html_file), "--language", "en", "--exit-code"])
    assert args.func(args) == 1  # differences found
    out = capsys.readouterr().out
    assert "Differences between runs: fixture" in out and html_file.exists()
    args = p.parse_args(["diff", str(a), str(a), D])
    assert args.func(args) == 0
