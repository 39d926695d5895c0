"""A Dask task runs its district in a fresh child process (run/dask_task.py): the long-lived Dask
worker keeps nothing of a district (its memory stays flat), and a child that dies is that district
FAILED with the reason, the others unaffected. Behaviour only; the memory is in benchmarks/."""

from __future__ import annotations

import sys

import pytest

from helpers import ROOT
from propilas.core.registry import STAGES
from propilas.run import dask_task, runner
from propilas.run.runner import FAILED, NOT_RUN, RunConfig

FIX = ROOT / "tests" / "fixtures"


def _cfg(tmp_path) -> RunConfig:
    return RunConfig.create(ROOT, tmp_path / "out", params_dir=FIX / "params", data_dir=FIX / "data",
                            language="en")


def test_the_district_runs_in_another_process_and_its_results_come_back(tmp_path, monkeypatch):
    def not_here(*a, **kw):
        raise AssertionError("run_district ran in the calling process")

    monkeypatch.setattr(runner, "run_district", not_here)
    res = dask_task.run_district_in_child("no_such_district", _cfg(tmp_path))  # fails fast: no params file
    assert [r.stage for r in res] == [st.name for st in STAGES]
    assert res[0].district == "no_such_district" and res[0].status == FAILED
    assert "worker process died" not in res[0].reason  # the child's own reason, not a crash
    assert all(r.status == NOT_RUN for r in res[1:])


def test_a_killed_child_is_a_failed_district_with_the_reason(tmp_path, monkeypatch):
    killer = tmp_path / "python"
    killer.write_text("#!/bin/sh\nkill -KILL $$\n")
    killer.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(killer))
    res = dask_task.run_district_in_child("fixture", _cfg(tmp_path))
    assert res[0].district == "fixture" and res[0].stage == STAGES[0].name and res[0].status == FAILED
    assert res[0].reason == "worker process died (exit code -9)"
    assert [r.status for r in res[1:]] == [NOT_RUN] * (len(STAGES) - 1)


def test_a_child_without_an_answer_is_a_failed_district(tmp_path, monkeypatch):
    quiet = tmp_path / "python"
    quiet.write_text("#!/bin/sh\ncat > /dev/null\nexit 0\n")  # exits 0 but answers nothing
    quiet.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(quiet))
    res = dask_task.run_district_in_child("fixture", _cfg(tmp_path))
    assert res[0].status == FAILED and res[0].reason == "worker process died (exit code 0)"


@pytest.mark.e2e
def test_the_dask_worker_imports_nothing_of_a_district_run(tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="dask extra not installed")
    from propilas.run.batch import run_batch

    cfg = RunConfig.create(ROOT, tmp_path / "dask", params_dir=FIX / "params", data_dir=FIX / "data")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        manifest = run_batch(["fixture"], cfg, scheduler=cluster.scheduler_address, show_progress=False)
        with distributed.Client(cluster.scheduler_address) as client:
            loaded = client.run(lambda: sorted(m for m in ("papermill", "nbconvert", "jupyter_client", "matplotlib",
                                                           "pandas") if m in sys.modules))
    assert manifest["exit_code"] == 0
    assert list(loaded.values()) == [[]]  # papermill, kernels, charts: all in the district's child
