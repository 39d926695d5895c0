"""The Dask task of a district: `run_district` in a fresh child process of the Dask worker.

A Dask worker is a long-lived process; a district run inside it leaves papermill, nbconvert,
jupyter_client and matplotlib state behind (+54 MB per district a worker ran, benchmarks/README.md).
So the task starts a new Python process for the district (as a local run forks one per district),
sends it the district and the run's configuration, and gets its StageResults back: the worker's
memory stays flat however many districts it runs, and a child that dies (killed, out of memory, a
crash in a native library) is that district FAILED with the reason, like a dead local worker.

A new interpreter, not `multiprocessing`: Dask's worker processes are daemonic (multiprocessing
refuses them children) and multithreaded (a bare fork copies locks other threads hold).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from propilas.run.runner import RunConfig, StageResult

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding the propilas package


def run_district_in_child(district: str, cfg: "RunConfig") -> list["StageResult"]:
    """`run_district(district, cfg)` in a new process; its results, or the district FAILED when the
    process ended without them (signal, exit code, unreadable answer)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH")) if p)
    payload = pickle.dumps((district, cfg), protocol=pickle.HIGHEST_PROTOCOL)
    proc = subprocess.run([sys.executable, "-m", "propilas.run.dask_task"], input=payload,
                          stdout=subprocess.PIPE, env=env, check=False)
    if proc.returncode == 0:
        try:
            results = pickle.loads(proc.stdout)
        except Exception:  # noqa: BLE001 - an unreadable answer is a dead child
            results = None
        if isinstance(results, list) and results:
            return results
    return _died(district, cfg, proc.returncode)


def _died(district: str, cfg: "RunConfig", code: int) -> list["StageResult"]:
    from propilas.core.labels import t
    from propilas.core.registry import STAGES
    from propilas.run.runner import FAILED, NOT_RUN, StageResult
    from propilas.run.site import site_language

    lang = site_language(cfg)
    return ([StageResult(district, STAGES[0].name, FAILED, reason=t("val.run.worker_died", lang, code=code))]
            + [StageResult(district, st.name, NOT_RUN, reason=t("val.run.earlier_failed", lang)) for st in STAGES[1:]])


def _child_main() -> int:
    """In the child: the district and configuration from stdin, the pickled results on stdout.
    Anything else the run prints goes to stderr, so it cannot corrupt the answer."""
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    district, cfg = pickle.loads(sys.stdin.buffer.read())
    from propilas.run.runner import run_district

    results = run_district(district, cfg)
    answer.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
