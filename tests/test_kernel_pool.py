"""A sequential batch shares one kernel between its districts (issue 15): started once, reset
between notebooks, replaced when it died, after DISTRICTS_PER_KERNEL districts or for another
kernel name. A fake kernel stands in for Jupyter here; tests/test_kernel_failures.py runs real
kernels that time out and die inside a shared batch."""

from __future__ import annotations

import pytest

from propilas.run import kernel as K


class FakeKernel:
    started: list["FakeKernel"] = []

    def __init__(self, name, cwd):
        self.name, self.resets, self.down, self.dead = name, 0, False, False
        FakeKernel.started.append(self)

    def alive(self):
        return not self.dead and not self.down

    def reset(self):
        self.resets += 1

    def shutdown(self):
        self.down = True


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    FakeKernel.started = []
    monkeypatch.setattr(K, "SharedKernel", FakeKernel)


def test_districts_share_one_kernel_reset_between_notebooks():
    pool = K._KernelPool("propilas", ".")
    for _ in range(3):
        pool.use("propilas")
        for _ in range(9):
            pool.get()
        pool.district_done()
    assert len(FakeKernel.started) == 1
    assert FakeKernel.started[0].resets == 3 * 9 - 1  # before every notebook but the first


def test_a_dead_kernel_is_replaced():
    pool = K._KernelPool("propilas", ".")
    first = pool.get()
    first.dead = True
    second = pool.get()
    assert second is not first and second.resets == 0 and first.down


def test_a_fresh_kernel_after_the_limit_and_for_another_name():
    pool = K._KernelPool("propilas", ".")
    for _ in range(K.DISTRICTS_PER_KERNEL):
        pool.use("propilas").get()
        pool.district_done()
    assert FakeKernel.started[0].down
    pool.get()
    assert len(FakeKernel.started) == 2
    pool.use("other").get()
    assert FakeKernel.started[1].down and FakeKernel.started[2].name == "other"


def test_run_district_keeps_a_batch_kernel_and_shuts_its_own(monkeypatch, tmp_path):
    from propilas.run import runner

    seen = []
    monkeypatch.setattr(runner, "_run_stages", lambda cfg, d, pd, k, to, pool, res, emit: seen.append(pool.get()))
    monkeypatch.setattr(runner, "check_writable", lambda folder: None)
    monkeypatch.setattr(runner, "_write_log", lambda *a: None)
    from helpers import ROOT

    cfg = runner.RunConfig.create(ROOT, tmp_path)
    pool = K._KernelPool("propilas", ROOT)
    runner.run_district("lajas", cfg, pool=pool)
    runner.run_district("utco", cfg, pool=pool)
    assert seen[0] is seen[1] and not seen[0].down and pool.districts == 2
    runner.run_district("lajas", cfg)
    assert seen[2] is not seen[0] and seen[2].down
