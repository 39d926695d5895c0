"""A stuck cell or a dead kernel fails its stage with a reason a user understands; nothing hangs.

A temporary project whose notebooks/ is the repo's with 01_diagnosis.ipynb replaced by a
notebook that, for district 'slow', sleeps far longer than `run.cell_timeout_s`, and for
district 'dead', kills its own kernel (`os._exit(1)`, like an out-of-memory kill). One batch
runs both (workers=1, in-process): each must fail at stage 01 quickly, later stages not run,
and the failure must be visible (manifest reason, index.html, the failed notebook kept).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers import ROOT

pytestmark = pytest.mark.e2e

FIX = ROOT / "tests" / "fixtures"
CELL_TIMEOUT_S = 8  # above the slowest real cell (stage 00 imports, ~2-3 s on a loaded CI machine)

BAD_CELL = """\
import os, time
if district == "dead":
    os._exit(1)          # the kernel process dies (as when the OS kills it for memory)
time.sleep(120)          # far beyond run.cell_timeout_s
"""


def _bad_notebook(original: Path, dest: Path) -> None:
    nb = nbformat.read(original, as_version=4)
    params = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    cells = [params] if params is not None else [nbformat.v4.new_code_cell('district = "?"',
                                                                           metadata={"tags": ["parameters"]})]
    cells.append(nbformat.v4.new_code_cell(BAD_CELL))
    nb.cells = cells
    nbformat.write(nb, dest)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict[str, Any]:
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    root = tmp_path_factory.mktemp("kernel")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    _bad_notebook(ROOT / "notebooks" / "01_diagnosis.ipynb", root / "notebooks" / "01_diagnosis.ipynb")
    (root / "params").mkdir()
    shutil.copy(FIX / "params" / "defaults.yaml", root / "params" / "defaults.yaml")
    text = (FIX / "params" / "fixture.yaml").read_text(encoding="utf-8")
    for d in ("slow", "dead"):
        (root / "params" / f"{d}.yaml").write_text(
            text.replace("district: fixture", f"district: {d}") + f"run:\n  cell_timeout_s: {CELL_TIMEOUT_S}\n",
            encoding="utf-8")
        shutil.copytree(FIX / "data" / "fixture", root / "data" / d)
    cfg = RunConfig.create(root=root, out_dir=root / "out")
    t0 = time.monotonic()
    manifest = run_batch(["slow", "dead"], cfg, workers=1, show_progress=False)
    return {"manifest": manifest, "seconds": time.monotonic() - t0, "out": root / "out"}


def _stage(run: dict[str, Any], district: str, stage: str) -> dict[str, Any]:
    return run["manifest"]["districts"][district]["stages"][stage]


def _later_not_run(run: dict[str, Any], district: str) -> None:
    from propilas.core.paths import output_path
    from propilas.core.registry import STAGES

    for st in STAGES[2:]:
        assert _stage(run, district, st.name)["status"] == "not_run", st.name
        assert not any(output_path(run["out"], district, w).exists() for w in st.writes), st.name
    assert not (run["out"] / district / "summary.json").exists()


def test_nothing_hangs(run):
    # two districts x (stage 00 + a failing stage 01): well under the 120 s the cell would sleep
    assert run["seconds"] < 100, run["seconds"]
    assert run["manifest"]["exit_code"] == 1


def test_cell_timeout_fails_the_stage_with_a_clear_reason(run):
    assert _stage(run, "slow", "00_profile")["status"] in ("ok", "cached")
    s = _stage(run, "slow", "01_diagnosis")
    assert s["status"] == "failed"
    reason = s["reason"].lower()
    assert "timed out" in reason or "timeout" in reason, s["reason"]
    assert s["duration_s"] < CELL_TIMEOUT_S + 15, s
    _later_not_run(run, "slow")


def test_dead_kernel_fails_the_stage_with_a_clear_reason(run):
    assert _stage(run, "dead", "00_profile")["status"] in ("ok", "cached")
    s = _stage(run, "dead", "01_diagnosis")
    assert s["status"] == "failed"
    reason = s["reason"].lower()
    assert "kernel died" in reason or "deadkernel" in reason, s["reason"]
    assert s["duration_s"] < 30, s
    _later_not_run(run, "dead")


def test_failures_are_visible_to_the_user(run):
    out = run["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for d in ("slow", "dead"):
        assert run["manifest"]["districts"][d]["status"] == "failed"
        assert d in index
    assert "timed out" in index and "kernel died" in index.lower()
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert saved["exit_code"] == 1


@pytest.mark.parametrize("district", ["slow", "dead"])
def test_failed_notebook_is_kept(run, district):
    out = run["out"] / district
    assert (out / "01_diagnosis.ipynb").exists() and (out / "01_diagnosis.html").exists()
