"""Jupyter kernels and notebook execution for the runner: one shared kernel per district
(reset between stages, replaced after a failure), papermill into a temporary file, a readable
reason for a failed stage, and the `propilas` kernel spec.

Kernels talk over IPC sockets, not TCP ports, so parallel district workers cannot race for a port.
"""

from __future__ import annotations

import html
import os
import uuid
from pathlib import Path
from typing import Any


async def _wait_for_ready(client, timeout: float | None = None) -> None:
    """jupyter_client's `wait_for_ready` without its idle wait: it ends by reading IOPub until no
    message came for 0.2 s, i.e. it always sleeps 0.2 s; a shared kernel is asked again for every
    notebook and every reset (~0.4 s of idle wall time per stage, issue 15). Here the wait ends as
    soon as IOPub delivers the 'idle' status of our own kernel_info request (which proves IOPub is
    connected, what the original's read checks); without it within a second, the request is sent
    again, as the original starts over. A dead kernel or the timeout raise as in the original."""
    import time
    from queue import Empty

    from jupyter_client.utils import ensure_async

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        msg_id = client.kernel_info()
        reply = None
        end = time.monotonic() + 1.0
        while reply is None and time.monotonic() < end:
            try:
                msg = await ensure_async(client.shell_channel.get_msg(timeout=max(0.0, end - time.monotonic())))
            except Empty:
                break
            if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
        while reply is not None and time.monotonic() < end:
            try:
                msg = await ensure_async(client.iopub_channel.get_msg(timeout=max(0.0, end - time.monotonic())))
            except Empty:
                break
            if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"].get("execution_state") == "idle"):
                client._handle_kernel_info_reply(reply)
                return
        # the coroutine itself: a blocking client's is_alive() is run_sync-wrapped, and a nested
        # run_sync inside this loop waits forever in a forked worker (a CI run hung there)
        if not await client._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


def _ipc_kernel_manager():
    """Kernels talk over IPC sockets, not TCP ports: parallel workers cannot race for the same port.
    Its clients (papermill's, one per notebook) wait for the kernel without an idle sleep."""
    import tempfile

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class ReadyClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            await _wait_for_ready(self, timeout)

        wait_for_ready = _async_wait_for_ready

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _unique_ipc_path(self) -> str:
            # jupyter_client's default ('kernel-ipc' in the cwd) is shared by concurrent workers
            return os.path.join(tempfile.gettempdir(), f"propilas-{uuid.uuid4().hex[:16]}")

        @default("client_factory")
        def _ready_client(self):
            return ReadyClient

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.__dict__.setdefault("_propilas_clients", []).append(kc)
            return kc

        def stop_clients(self) -> None:
            """Close the clients papermill opened on this kernel. nbclient leaves a client open when
            the kernel is not its own (`cleanup_kc`), and an open client stays subscribed to IOPub:
            it would queue every later notebook's outputs in this process (~100 MB per district
            with a kernel shared across districts)."""
            for kc in self.__dict__.pop("_propilas_clients", []):
                try:
                    kc.stop_channels()
                except Exception:  # noqa: BLE001 - already closed
                    pass

    return IPCKernelManager


def _blocking_client():
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.utils import run_sync

    class ReadyBlockingClient(BlockingKernelClient):
        wait_for_ready = run_sync(_wait_for_ready)

    return ReadyBlockingClient()


# Run in a new shared kernel before its first notebook: the modules every stage notebook imports,
# then gc.freeze(), so the garbage collector no longer walks the (immutable, large) module graph on
# each automatic collection and on each namespace reset (IPython's reset calls gc.collect():
# ~1.5 s per district before, ~0.2 s after; benchmarks/README.md). Objects a notebook creates are
# not frozen: they are collected as before.
PRELOAD_CODE = """
import gc as _gc
try:
    import pandas, matplotlib.pyplot, propilas.run.context, propilas.report.render, propilas.stages.charts.maps
except Exception:
    pass
_gc.collect(); _gc.freeze(); del _gc
"""
# Between notebooks: the user namespace is emptied (modules stay imported), figures closed; the
# reset's full collection then only walks what the last notebook left; whatever survives it (modules
# a stage imported late) is frozen too.
RESET_CODE = ("get_ipython().reset(new_session=False)\nimport matplotlib.pyplot as _p; _p.close('all'); del _p\n"
              "import gc as _gc; _gc.freeze(); del _gc")


class SharedKernel:
    """One kernel for all stages of a district: imports are paid once, not once per notebook.

    Between notebooks the user namespace is reset (modules stay imported), so a notebook cannot
    depend on variables left by the previous one. A kernel that died or timed out is discarded.
    """

    def __init__(self, kernel: str, cwd: Path) -> None:
        from nbclient.util import run_sync

        self._run_sync = run_sync
        self.km = _ipc_kernel_manager()(kernel_name=kernel)
        run_sync(self.km.start_kernel)(cwd=str(cwd))
        try:  # not waited for: the kernel imports while this process prepares the first notebook
            self._execute(PRELOAD_CODE, timeout=120, what="preload", wait=False, store_history=False)
        except Exception:  # noqa: BLE001 - an optimisation only: the first notebook imports what it needs
            pass

    def alive(self) -> bool:
        return bool(self._run_sync(self.km.is_alive)())

    def _execute(self, code: str, timeout: float = 30, what: str = "reset", wait: bool = True, **kwargs: Any) -> None:
        """Run `code` in the kernel; `wait=False`: return once the kernel has started it (its IOPub
        says busy for it), the next request queues behind it."""
        kc = _blocking_client()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=timeout)
            if not wait:
                import time

                msg_id = kc.execute(code, **kwargs)
                end = time.monotonic() + timeout
                while time.monotonic() < end:
                    msg = kc.get_iopub_msg(timeout=max(0.0, end - time.monotonic()))
                    if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
                        return
                return
            reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None, **kwargs)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel {what} failed: {reply['content']}")
        finally:
            kc.stop_channels()

    def reset(self, timeout: float = 30) -> None:
        self._execute(RESET_CODE, timeout)

    def shutdown(self) -> None:
        try:
            self._run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already dead is fine
            pass


def execute_notebook(src: Path, dest: Path, parameters: dict[str, Any], kernel: str, timeout: int,
                     cwd: Path, shared: "SharedKernel | None" = None) -> None:
    """papermill into a temporary file, renamed into place when it holds a whole notebook (also when a
    cell failed: the error stays visible); after a write error (full disk) or a truncated save the
    temporary file is deleted, never renamed, and the runner writes a notebook saying why."""
    import papermill as pm

    tmp = dest.with_name(f".{dest.stem}.{os.getpid()}.tmp.ipynb")
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_failed = False
    try:
        pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name=kernel, cwd=str(cwd),
                            execution_timeout=timeout, progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False,
                            **({"km": shared.km} if shared is not None else
                               {"kernel_manager_class": _ipc_kernel_manager()}))
    except OSError:
        write_failed = True
        raise
    finally:
        if shared is not None:
            shared.km.stop_clients()
        if tmp.exists():
            if not write_failed and _whole_notebook(tmp):
                os.replace(tmp, dest)
            else:
                tmp.unlink(missing_ok=True)


def _whole_notebook(path: Path) -> bool:
    """The file parses as a notebook (a save cut short by a full disk or a kill does not)."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            return isinstance(json.load(fh).get("cells"), list)
    except (OSError, ValueError, AttributeError):
        return False


REASON_LINES = 60


def _failure_reason(exc: BaseException, language: str = "en") -> str:
    """The reason of a failed stage in `language` (the report's): an error the notebook raised keeps
    its message (already in the report language) after its class name (issue 13 §2)."""
    from propilas.core.labels import t

    name = type(exc).__name__
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        # the whole message (an input error lists every problem with file, row and column), up to
        # REASON_LINES lines: the index shows it in full with what to do (issue 13 §3)
        lines = str(evalue).strip().splitlines()
        text = "\n".join(line[:500] for line in lines[:REASON_LINES])
        if len(lines) > REASON_LINES:
            text += f"\n… (+{len(lines) - REASON_LINES})"
        return f"{ename}: {text}"
    if name in ("CellTimeoutError", "TimeoutError"):
        import re

        m = re.search(r"after (\d+) seconds", str(exc))
        secs = t("val.run.after_seconds", language, s=m.group(1)) if m else ""
        return t("val.run.timeout", language, secs=secs)
    if name == "DeadKernelError":
        return t("val.run.kernel_died", language, error=str(exc))[:500]
    if isinstance(exc, OSError):  # a write failed: full disk, read-only folder
        return t("val.run.cannot_write_stage", language, path=exc.filename or t("val.run.a_stage_file", language),
                 error=str(exc.strerror or exc))[:500]
    return f"{name}: {exc.text(language) if hasattr(exc, 'text') else exc}"[:500]


def _write_failed_notebook(src: Path, dest: Path, parameters: dict[str, Any], reason: str) -> None:
    """When papermill could not save the notebook (timeout, dead kernel), keep one that says why."""
    import nbformat
    import papermill as pm

    from propilas.core.atomicio import atomic_write_text

    try:
        nb = nbformat.read(src, as_version=4)
        for cell in nb.cells:
            cell.metadata["tags"] = cell.metadata.get("tags", [])
        nb.metadata["papermill"] = {}
        nb = pm.parameterize.parameterize_notebook(nb, parameters)
        banner = nbformat.v4.new_markdown_cell(
            f"<div style='border:2px solid #c62828;padding:8px'><strong>FAILED / FALLÓ:</strong> "
            f"{html.escape(reason)}</div>")
        banner.metadata["tags"] = ["propilas-failure"]  # its page shows the reason for people instead
        nb.cells.insert(0, banner)
        atomic_write_text(nbformat.writes(nb), dest)
    except Exception:  # noqa: BLE001 - the status and reason are recorded anyway
        pass


def preload_execution_modules() -> None:
    """Import papermill and nbconvert (and build the HTML exporter) once in the parent, so the
    process forked for each district inherits them instead of importing them again."""
    import papermill  # noqa: F401

    from propilas.report.htmlexport import _exporter

    _exporter()


# A kernel serves at most this many districts (of a sequential batch, or of one worker process of a
# parallel batch, which then exits), then a fresh one starts: its start and imports (~1.5 CPU-s) are
# paid once per this many districts, while what a series of districts leaves in the kernel and in
# the worker (caches, fragmentation) stays bounded.
DISTRICTS_PER_KERNEL = 8


class _KernelPool:
    """Lazily started shared kernel, reset between notebooks, replaced after a failure (a dead or
    timed-out kernel is discarded by the runner), after DISTRICTS_PER_KERNEL districts, and when a
    district asks for another kernel name."""

    def __init__(self, kernel: str, cwd: Path, ensure: str | None = None) -> None:
        """`ensure`: a kernel name to register (ensure_kernel) before that kernel first starts, so
        that a run with nothing to execute never loads Jupyter's kernel machinery."""
        self.kernel, self.cwd, self.ensure = kernel, cwd, ensure
        self.current: SharedKernel | None = None
        self.used = False
        self.districts = 0

    def use(self, kernel: str) -> "_KernelPool":
        """The pool for a district run with `kernel` (another name: the current kernel is shut down)."""
        if kernel != self.kernel:
            self.discard()
            self.kernel = kernel
        return self

    def district_done(self) -> None:
        self.districts += 1
        if self.districts >= DISTRICTS_PER_KERNEL:
            self.discard()

    def get(self) -> SharedKernel:
        if self.current is not None and not self.current.alive():
            self.discard()
        if self.current is None:
            if self.ensure is not None and self.ensure == self.kernel:
                ensure_kernel(self.ensure)
                self.ensure = None
            self.current = SharedKernel(self.kernel, self.cwd)
            self.used = False
        elif self.used:
            self.current.reset()
        self.used = True
        return self.current

    def discard(self) -> None:
        if self.current is not None:
            self.current.shutdown()
        self.current = None
        self.districts = 0


def ensure_kernel(name: str) -> None:
    """Register this interpreter as kernel `name` (in sys.prefix) when no such kernel exists."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
        if Path(spec.argv[0]).exists() or spec.argv[0] in ("python", "python3"):
            return
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix)
