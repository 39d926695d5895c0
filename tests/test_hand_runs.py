"""Stage notebooks run standalone with the papermill CLI (issue 14 §3): from the project folder,
from notebooks/ or with --cwd anywhere; folders come from the project, not the current folder;
missing upstream tables are computed from the inputs (run/upstream.py); a hand run writes only to
outputs/_manual/<district>/, never into the runner's outputs/<district>/.

Before issue 14, `papermill notebooks/02_sustainability.ipynb out.ipynb -p district lajas` from the
project stopped with "ParamsError: ../params/defaults.yaml: file not found", and from notebooks/
with "communities.csv is missing: run stage 00 first"; a hand run wrote into outputs/<district>/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from propilas.core.registry import STAGES

ROOT = Path(__file__).resolve().parents[1]
PAPERMILL = Path(sys.executable).parent / "papermill"
DISTRICT = "utco"  # five communities: the smallest district of the pilot


def snapshot(folder: Path) -> dict[str, float]:
    """Every file under `folder` with its modification time (empty when the folder is absent)."""
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*")} if folder.exists() else {}


def papermill(notebook: Path, out: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PAPERMILL), str(notebook), str(out), "-k", "propilas", "--no-progress-bar",
                           "--execution-timeout", "300", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def errors(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [f"{o.get('ename')}: {o.get('evalue')}"[:500] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def markdown(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


@pytest.mark.e2e
@pytest.mark.timeout(1800)
def test_every_stage_runs_by_hand_from_the_project_folder(tmp_path):
    runner = ROOT / "outputs" / DISTRICT
    before = snapshot(runner)
    for st in STAGES:
        out = tmp_path / st.notebook
        proc = papermill(Path("notebooks") / st.notebook, out, ROOT, "-p", "district", DISTRICT)
        assert proc.returncode == 0, f"{st.notebook}: {proc.stderr[-2500:]}"
        assert not errors(out), (st.notebook, errors(out))
        text = markdown(out)
        assert "outputs/_manual/utco" in text  # the notebook says where a hand run writes
        assert "Write your answer" in text or "Escriba su respuesta" in text  # the exercise waits, no error
        for name in st.writes:
            written = ROOT / "outputs" / "_manual" / DISTRICT / (name if "." in name else f"tables/{name}.csv")
            assert written.is_file(), written
    assert snapshot(runner) == before  # the runner's report set is untouched


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_stage_02_alone_from_notebooks_and_from_anywhere(tmp_path):
    """No runner outputs at all (an empty out_dir): the upstream tables are computed from the inputs."""
    out_dir = tmp_path / "outputs"
    proc = papermill(Path("02_sustainability.ipynb"), tmp_path / "a.ipynb", ROOT / "notebooks",
                     "-p", "district", DISTRICT, "-p", "out_dir", str(out_dir), "-p", "language", "en")
    assert proc.returncode == 0, proc.stderr[-2500:]
    assert not errors(tmp_path / "a.ipynb")
    text = markdown(tmp_path / "a.ipynb")
    assert "computed now from the district's input data" in text
    assert sorted(p.name for p in (out_dir / "_manual" / DISTRICT / "tables").iterdir()) == \
        ["sustainability.csv", "sustainability_by_class.csv"]
    assert not (out_dir / DISTRICT).exists()  # nothing where the runner writes
    # with papermill's --cwd in a folder that is not the project
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = papermill(ROOT / "notebooks" / "02_sustainability.ipynb", tmp_path / "b.ipynb", ROOT,
                     "--cwd", str(elsewhere), "-p", "district", DISTRICT, "-p", "out_dir", str(out_dir))
    assert proc.returncode == 0, proc.stderr[-2500:]
    assert not errors(tmp_path / "b.ipynb")
    assert not list(elsewhere.iterdir())
    # the hand run's table equals what the runner's stage 2 writes for the same inputs and parameters
    from propilas.run.upstream import compute_upstream
    from propilas.core.registry import stage
    from propilas.inputs.validation import load_inputs

    found = load_inputs(DISTRICT, ROOT / "params", ROOT / "data")
    tables = compute_upstream(stage("03"), DISTRICT, found.params, found)
    hand = (out_dir / "_manual" / DISTRICT / "tables" / "sustainability.csv").read_text()
    import io

    import pandas as pd

    assert pd.read_csv(io.StringIO(hand))["index"].round(6).tolist() == tables["sustainability"]["index"].round(6).tolist()


@pytest.mark.e2e
@pytest.mark.timeout(900)
def test_executing_and_saving_a_lesson_leaves_git_clean(tmp_path):
    """papermill into a temporary file, then an open/save round trip (nbformat and jupytext) of the
    tracked notebook and its pair: the tracked files are byte for byte what they were, and
    `git status` of notebooks/ is what it was."""
    import jupytext

    lesson = ROOT / "notebooks" / "lessons" / "sustainability.ipynb"
    pair = lesson.with_suffix(".py")
    status = ["git", "-C", str(ROOT), "status", "--porcelain", "--", "notebooks"]
    git_before = subprocess.run(status, capture_output=True, text=True).stdout
    before = {p: p.read_bytes() for p in (lesson, pair)}
    try:
        proc = papermill(lesson, tmp_path / "run.ipynb", lesson.parent, "-p", "district", DISTRICT, "-p", "language", "en")
        assert proc.returncode == 0, proc.stderr[-2500:]
        assert not errors(tmp_path / "run.ipynb")
        nbformat.write(nbformat.read(lesson, as_version=4), lesson)
        jupytext.write(jupytext.read(lesson), lesson)
        jupytext.write(jupytext.read(pair), pair, fmt="py:percent")
        assert {p: p.read_bytes() for p in (lesson, pair)} == before
        assert subprocess.run(status, capture_output=True, text=True).stdout == git_before
    finally:
        for p, data in before.items():
            if p.read_bytes() != data:
                p.write_bytes(data)
    # the executed copy holds outputs; the tracked notebook holds none
    assert any(c.get("outputs") for c in json.loads((tmp_path / "run.ipynb").read_text())["cells"]
               if c["cell_type"] == "code")


# ----------------------------------------------------------------------------- which upstream tables (unit)
def fake_runner_outputs(out_dir: Path, district: str, params_data: dict) -> None:
    """What `propilas run` leaves for stages 00-01: their tables and executed notebooks (with the
    parameters papermill injected)."""
    for st in STAGES[:2]:
        for name in st.writes:
            p = out_dir / district / (name if "." in name else f"tables/{name}.csv")
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("x\n1\n")
        nb = {"cells": [], "metadata": {"papermill": {"parameters": {"params_data": params_data}}}}
        (out_dir / district / st.notebook).write_text(json.dumps(nb))


def test_runner_tables_are_used_only_when_they_fit(tmp_path):
    import os
    import shutil

    from propilas.core.params import load_params
    from propilas.core.registry import stage
    from propilas.run.upstream import runner_tables_usable

    params_dir, data_dir, out_dir = tmp_path / "params", tmp_path / "data", tmp_path / "out"
    shutil.copytree(ROOT / "params", params_dir, ignore=shutil.ignore_patterns("*.bak"))
    shutil.copytree(ROOT / "data" / DISTRICT, data_dir / DISTRICT)
    params = load_params(DISTRICT, params_dir)
    st = stage("02")  # reads communities and water_systems (stage 00)
    assert runner_tables_usable(st, DISTRICT, params, out_dir, data_dir, params_dir) == "missing"
    fake_runner_outputs(out_dir, DISTRICT, json.loads(json.dumps(params.model_dump(mode="json"), default=str)))
    old = 1_000_000_000
    for f in list((data_dir / DISTRICT).rglob("*")) + list(params_dir.glob("*.yaml")):
        os.utime(f, (old, old))
    assert runner_tables_usable(st, DISTRICT, params, out_dir, data_dir, params_dir) == ""
    other = params.model_copy(update={"language": "en" if params.language == "es" else "es"})
    assert runner_tables_usable(st, DISTRICT, other, out_dir, data_dir, params_dir) == "other_params"
    (data_dir / DISTRICT / "communities.csv").touch()  # edited after the runner's run
    assert runner_tables_usable(st, DISTRICT, params, out_dir, data_dir, params_dir) == "older_inputs"
