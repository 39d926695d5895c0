"""An interrupted run leaves nothing that can be mistaken for a result, and the next run completes.

A consultant closes the laptop lid, a CI job is cancelled (SIGTERM), a machine runs out of
memory (SIGKILL). The next `propilas run` must finish with exactly the tables an uninterrupted
run gives, and no half-written or temporary file may be left in the output folder.

One sequence in a temporary project (the CLI finds the project from its working directory):
  run 1 is stopped with SIGTERM once the first stage notebook exists,
  run 2 (a resume) is stopped with SIGKILL once stage 02's notebook exists,
  run 3 runs to completion.
Tests below check each step. The reference tables are computed in-process from the same
inputs by the stage `compute` functions (the contract: notebook and in-process runs give
identical numbers), written by the same writer the notebooks use.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT

pytestmark = pytest.mark.e2e

FIX = ROOT / "tests" / "fixtures"
TMP_NAME = re.compile(r"(^\..*\.tmp)|(\.tmp(\.|$))")


def make_project(dest: Path) -> Path:
    """notebooks/ from the repo, params/ and data/ from the fixture district."""
    shutil.copytree(ROOT / "notebooks", dest / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(FIX / "params", dest / "params")
    shutil.copytree(FIX / "data", dest / "data")
    return dest


def _children(pid: int) -> set[int]:
    """Every descendant process of `pid` (kernels run in their own session, so killpg misses them)."""
    parents: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        parents[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out.update(kids)
        todo += kids
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start(proj: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "propilas", "run", "fixture", "--out", str(out),
                             "--workers", "1", "--quiet"], cwd=proj, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _interrupt(proc: subprocess.Popen, when_exists: Path, sig: int, limit_s: float = 120) -> dict[str, Any]:
    """Wait for `when_exists`, send `sig` to the process group, then see what is left running."""
    t0 = time.monotonic()
    while not when_exists.exists():
        if proc.poll() is not None:
            raise AssertionError(f"run ended before {when_exists.name} appeared:\n{proc.stdout.read()}")
        if time.monotonic() - t0 > limit_s:
            proc.kill()
            raise AssertionError(f"{when_exists.name} did not appear within {limit_s} s")
        time.sleep(0.1)
    kids = _children(proc.pid)
    t_sig = time.monotonic()
    os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        raise AssertionError(f"the run ignored signal {sig} for 30 s")
    exit_s = time.monotonic() - t_sig
    deadline = time.monotonic() + 10  # an orphaned kernel notices its parent is gone within ~1 s
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [k for k in kids if _alive(k)]
    for k in orphans:  # our own children only, by pid
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return {"returncode": proc.returncode, "exit_s": exit_s, "orphans": orphans, "output": proc.stdout.read()}


def reference_tables(dest: Path) -> Path:
    """The fixture's tables computed in-process and written exactly as a stage notebook writes them."""
    from propilas.run.lessons import district_tables
    from propilas.core.paths import output_path
    from propilas.core.registry import STAGES
    from propilas.inputs.tableio import atomic_write_json, write_canonical_csv

    _, tables = district_tables("fixture", FIX / "params", FIX / "data", stages=tuple(s.id for s in STAGES))
    for st in STAGES:
        for w in st.writes:
            p = output_path(dest, "fixture", w)
            if p.suffix == ".json":
                atomic_write_json(tables[w], p)
            else:
                write_canonical_csv(tables[w], p)
    return dest / "fixture"


@pytest.fixture(scope="module")
def sequence(tmp_path_factory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("interrupt")
    proj = make_project(base / "proj")
    out = base / "out"
    nb = out / "fixture"
    res: dict[str, Any] = {"out": out}
    res["sigterm"] = _interrupt(_start(proj, out), nb / "00_profile.ipynb", signal.SIGTERM)
    res["after_sigterm"] = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    res["sigkill"] = _interrupt(_start(proj, out), nb / "02_sustainability.ipynb", signal.SIGKILL)
    res["after_sigkill"] = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    final = subprocess.run([sys.executable, "-m", "propilas", "run", "fixture", "--out", str(out),
                            "--workers", "1", "--quiet"], cwd=proj, capture_output=True, text=True, timeout=400)
    res["final"] = final
    res["reference"] = reference_tables(base / "reference")
    return res


def test_sigterm_stops_the_run_and_its_kernel(sequence):
    r = sequence["sigterm"]
    assert r["returncode"] != 0
    assert r["exit_s"] < 15, f"took {r['exit_s']:.1f} s to stop after SIGTERM"
    assert r["orphans"] == [], f"processes left running after SIGTERM: {r['orphans']}"


def test_sigkill_leaves_no_kernel_running(sequence):
    r = sequence["sigkill"]
    assert r["returncode"] == -signal.SIGKILL
    assert r["orphans"] == [], f"processes left running after SIGKILL: {r['orphans']}"


def test_interrupted_run_leaves_no_summary_or_report(sequence):
    # Neither interrupted run got far enough for a summary: nothing may look complete.
    for key in ("after_sigterm", "after_sigkill"):
        files = sequence[key]
        assert "fixture/summary.json" not in files and "fixture/report.html" not in files, (key, files)


def test_resume_completes_every_stage(sequence):
    final = sequence["final"]
    assert final.returncode == 0, final.stdout + final.stderr
    manifest = json.loads((sequence["out"] / "manifest.json").read_text(encoding="utf-8"))
    stages = manifest["districts"]["fixture"]["stages"]
    assert {s: v["status"] for s, v in stages.items() if v["status"] not in ("ok", "cached")} == {}
    assert manifest["districts"]["fixture"]["status"] == "completed"
    assert (sequence["out"] / "fixture" / "report.html").exists()


def test_resumed_tables_equal_an_uninterrupted_run(sequence):
    got, ref = sequence["out"] / "fixture", sequence["reference"]
    ref_tables = sorted(p.name for p in (ref / "tables").glob("*.csv"))
    got_tables = sorted(p.name for p in (got / "tables").glob("*.csv"))
    assert got_tables == ref_tables
    differ = [n for n in ref_tables
              if (got / "tables" / n).read_text(encoding="utf-8") != (ref / "tables" / n).read_text(encoding="utf-8")]
    assert differ == [], f"tables that differ from the uninterrupted computation: {differ}"
    assert json.loads((got / "summary.json").read_text()) == json.loads((ref / "summary.json").read_text())


def test_no_temporary_files_left(sequence):
    out = sequence["out"]
    left = sorted(str(p.relative_to(out)) for p in out.rglob("*") if TMP_NAME.search(p.name))
    assert left == [], f"temporary files left after interrupt + resume: {left}"
