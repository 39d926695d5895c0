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


class _Channel:
    def __init__(self, msgs):
        self.msgs = msgs

    def get_msg(self, timeout=None):
        from queue import Empty

        if not self.msgs:
            raise Empty
        return self.msgs.pop(0)


class _Client:
    """Replies to kernel_info on shell; IOPub carries what `iopub` says (None: IOPub not yet connected)."""

    def __init__(self, iopub_connected_after=0, alive=True):
        self.sent, self.after, self.alive, self.handled = [], iopub_connected_after, alive, None
        self.shell_channel, self.iopub_channel = _Channel([]), _Channel([])

    def kernel_info(self):
        mid = f"m{len(self.sent)}"
        self.sent.append(mid)
        if self.alive:
            self.shell_channel.msgs.append({"msg_type": "kernel_info_reply", "parent_header": {"msg_id": mid}})
            if len(self.sent) > self.after:
                self.iopub_channel.msgs += [
                    {"msg_type": "status", "parent_header": {"msg_id": mid}, "content": {"execution_state": s}}
                    for s in ("busy", "idle")]
        return mid

    def is_alive(self):
        raise AssertionError("is_alive() is run_sync-wrapped on a blocking client: never call it inside the loop")

    async def _async_is_alive(self):
        return self.alive

    def _handle_kernel_info_reply(self, msg):
        self.handled = msg


def test_ready_when_iopub_brings_the_idle_of_our_request():
    from jupyter_client.utils import run_sync

    c = _Client()
    run_sync(K._wait_for_ready)(c, 5)
    assert c.sent == ["m0"] and c.handled["parent_header"]["msg_id"] == "m0" and not c.iopub_channel.msgs


def test_asks_again_until_iopub_is_connected_and_raises_for_a_dead_kernel():
    from jupyter_client.utils import run_sync

    c = _Client(iopub_connected_after=1)
    run_sync(K._wait_for_ready)(c, 10)
    assert c.sent == ["m0", "m1"] and c.handled["parent_header"]["msg_id"] == "m1"
    with pytest.raises(RuntimeError, match="died"):
        run_sync(K._wait_for_ready)(_Client(alive=False), 10)


def test_clients_papermill_opened_on_a_shared_kernel_are_closed():
    """nbclient leaves its client open on a kernel it does not own; an open client keeps receiving
    every later notebook's outputs (the batch's memory grew ~100 MB per district)."""
    km = K._ipc_kernel_manager()(kernel_name="propilas")
    clients = [km.client(), km.client()]
    stopped = []
    for kc in clients:
        kc.stop_channels = lambda kc=kc: stopped.append(kc)
    km.stop_clients()
    assert stopped == clients
    km.stop_clients()  # nothing left to close
    assert stopped == clients
