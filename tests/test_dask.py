"""The same work sent to a dask.distributed cluster gives tables identical to a local run."""

from __future__ import annotations

import pytest

from helpers import ROOT
from propilas.run.batch import run_batch
from propilas.run.runner import RunConfig

pytestmark = pytest.mark.e2e
FIX = ROOT / "tests" / "fixtures"


def test_local_cluster_matches_local_run(tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="dask extra not installed")
    local = RunConfig.create(ROOT, tmp_path / "local", params_dir=FIX / "params", data_dir=FIX / "data")
    m_local = run_batch(["fixture"], local, workers=1, show_progress=False)
    assert m_local["exit_code"] == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = RunConfig.create(ROOT, tmp_path / "dask", params_dir=FIX / "params", data_dir=FIX / "data")
        m_dask = run_batch(["fixture"], remote, scheduler=cluster.scheduler_address, show_progress=False)
    assert m_dask["exit_code"] == 0
    tables = sorted((tmp_path / "local" / "fixture" / "tables").glob("*.csv"))
    assert len(tables) >= 20
    for t in tables:
        other = tmp_path / "dask" / "fixture" / "tables" / t.name
        assert other.read_bytes() == t.read_bytes(), t.name
    assert (tmp_path / "dask" / "fixture" / "summary.json").read_text() == \
        (tmp_path / "local" / "fixture" / "summary.json").read_text()
