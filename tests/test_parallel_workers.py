"""A parallel batch: forked worker processes take districts from a queue, each running several
districts in one kernel pool; a worker that dies fails the district it was running, alone, and the
batch goes on (issue 15). run_district is replaced by a fake here (fork copies it into the workers)."""

from __future__ import annotations

import os

from propilas.core.registry import STAGES
from propilas.run import batch
from propilas.run.runner import OK, RunConfig, StageResult


def _fake_run_district(log_dir):
    def run(district, cfg, events=None, pool=None):
        if district == "boom":
            os._exit(3)  # the worker process dies (as when the OS kills it)
        (log_dir / f"{district}.pool").write_text(f"{os.getpid()} {id(pool)}")
        return [StageResult(district, st.name, OK) for st in STAGES]
    return run


def test_workers_share_a_kernel_pool_and_a_dead_worker_fails_one_district(monkeypatch, tmp_path):
    monkeypatch.setattr(batch, "run_district", _fake_run_district(tmp_path))
    from propilas.run import runner

    monkeypatch.setattr(runner, "district_is_fresh", lambda cfg, d: False)
    districts = [f"d{i}" for i in range(7)] + ["boom"] + [f"e{i}" for i in range(3)]
    cfg = RunConfig.create(tmp_path, tmp_path / "out")
    results = batch._run_local(districts, cfg, 2, show=False)
    assert set(results) == set(districts)
    assert results["boom"][0].status == "failed" and "3" in results["boom"][0].reason
    assert all(r.status == "not_run" for r in results["boom"][1:])
    assert all(results[d][-1].status == OK for d in districts if d != "boom")
    # several districts per worker process and pool (not one process per district), each process
    # at most DISTRICTS_PER_KERNEL districts
    seen = [(tmp_path / f"{d}.pool").read_text() for d in districts if d != "boom"]
    per_process = {s: seen.count(s) for s in set(seen)}
    assert max(per_process.values()) > 1
    from propilas.run.kernel import DISTRICTS_PER_KERNEL

    assert max(per_process.values()) <= DISTRICTS_PER_KERNEL
