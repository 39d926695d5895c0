"""One run at a time per output folder: a lock (filelock) held for the whole batch.

Two runs writing the same folder deleted each other's inputs (the second run's clean-up removed
tables the first was about to read) and the last to finish overwrote the index. The lock is
released when the run ends or its process dies; the holder's pid, host, run id and start time
are written beside it so a second run can say who holds it.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

from propilas.core.errors import PropilasError
from propilas.run.runner import RunConfig, check_writable, os_reason

LOCK_NAME = ".propilas.lock"
HOLDER_NAME = ".propilas.lock.json"


class output_lock:
    """An exclusive lock on the output folder for the whole batch (filelock, released on exit or
    when the process dies). The holder's pid, host, run id and start time are written beside it
    so a second run can name it."""

    def __init__(self, cfg: RunConfig, wait: float = 0) -> None:
        self.cfg, self.wait = cfg, wait
        self.lock = None

    def __enter__(self) -> "output_lock":
        import socket
        import sys

        from filelock import FileLock, Timeout

        out = self.cfg.out_dir
        try:
            out.mkdir(parents=True, exist_ok=True)
            check_writable(out)
            self.lock = FileLock(str(out / LOCK_NAME))
            if self.wait:
                try:
                    self.lock.acquire(timeout=0)
                except Timeout:
                    print(f"waiting for {holder_text(out)} to finish …", file=sys.stderr, flush=True)
                    self.lock.acquire(timeout=self.wait if self.wait > 0 else -1)
            else:
                self.lock.acquire(timeout=0)
        except Timeout:
            raise PropilasError(f"another propilas run is writing to {out}: {holder_text(out)}. Wait for it to "
                                "finish (or use --wait), or choose another --out") from None
        except OSError as exc:
            raise PropilasError(os_reason(exc, str(out))) from None
        from propilas.core.atomicio import atomic_write_json

        try:
            atomic_write_json({"pid": os.getpid(), "host": socket.gethostname(), "run_id": self.cfg.run_id,
                               "started_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")},
                              out / HOLDER_NAME)
        except OSError as exc:
            self.lock.release()
            raise PropilasError(os_reason(exc, str(out))) from None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.lock is not None:
            (self.cfg.out_dir / HOLDER_NAME).unlink(missing_ok=True)
            self.lock.release()


def holder_text(out: Path) -> str:
    try:
        h = json.loads((out / HOLDER_NAME).read_text(encoding="utf-8"))
        return (f"run {h.get('run_id')} (process {h.get('pid')} on {h.get('host')}, started "
                f"{h.get('started_utc')} UTC)")
    except (OSError, ValueError):
        return "a run whose details are not readable yet"
