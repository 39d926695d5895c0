"""Where a district's CPU goes: samples `propilas run` with py-spy (all processes: the CLI, forked
workers, kernels) and sorts every sample into one category (benchmarks/README.md, "What limits T1").

    pip install py-spy        # not in the lock: a measuring tool, never needed to run propilas
    .venv/bin/python benchmarks/cpu_breakdown.py lajas utco --workers 1
    .venv/bin/python benchmarks/cpu_breakdown.py --raw profile.txt        # re-read a saved profile

py-spy samples at --rate Hz the threads that are running (idle threads are not counted), so the
share of samples is the share of CPU time. The first matching rule names a sample's category.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (category, patterns; a pattern matches when each of its '&'-separated parts is in the stack; the
# first rule with a matching pattern wins)
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("charts in the plan document (plan.docx)", ("_Doc.figure", "build_plan_document&stages/charts/")),
    ("charts on the stage pages (build + draw + PNG)", ("show_figure", "stages/charts/", "comparison_charts")),
    ("optimiser (scipy.optimize.milp)", ("optimum.py",)),
    ("reading and validating tables", ("read_output", "read_table", "load_inputs", "read_run_csv")),
    ("stage computations (method)", ("StageContext.compute", "propilas/method/")),
    ("plan document (text, tables)", ("build_plan_document",)),
    ("workbook (tables.xlsx)", ("export_tables_xlsx",)),
    ("HTML pages and report.html (nbconvert)", ("notebook_to_html", "combined_report", "export_failed_html")),
    ("imports (parent, workers, kernels)", ("_find_and_load",)),
    ("notebook narration (text, tables, provenance)", ("InteractiveShell.run_code",)),
    ("notebook execution machinery (papermill, nbclient, IPython, zmq)",
     ("papermill", "nbclient", "ipykernel", "IPython", "zmq", "jupyter_client", "tornado", "asyncio")),
    ("index, manifest, links, cache", ("propilas/run/", "propilas/report/")),
]


# py-spy's idle detection misses threads blocked in these calls (zmq and IOPub threads, pollers):
# a sample whose innermost frame is one of them is waiting, not using the CPU, and is not counted.
WAITING = ("select", "Condition.wait", "Event.wait", "_watch_pipe_fd", "device", "ParentPollerUnix.run",
           "GarbageCollectorThread.run", "poll", "sleep", "recv", "recv_multipart", "accept", "read")


def categorise(raw: Path) -> tuple[collections.Counter, int]:
    counts: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        leaf = stack.rsplit(";", 1)[-1].split(" (", 1)[0]
        if leaf.rsplit(".", 1)[-1] in WAITING or leaf in WAITING:
            continue
        total += int(n)
        frames = stack.replace("lib/propilas/", "propilas/")
        for name, keys in RULES:
            if any(all(part in frames for part in k.split("&")) for k in keys):
                counts[name] += int(n)
                break
        else:
            counts["other (interpreter start, threads, GC)"] += int(n)
    return counts, total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("districts", nargs="*", default=["lajas"])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--raw", type=Path, help="a saved py-spy raw profile to read instead of running")
    ap.add_argument("--keep", type=Path, help="save the raw profile here")
    a = ap.parse_args(argv)
    raw = a.raw
    if raw is None:
        out = Path(tempfile.mkdtemp(prefix="propilas-cpu-"))
        raw = a.keep or out / "profile.txt"
        cmd = [str(Path(sys.executable).with_name("py-spy")), "record", "--subprocesses", "-r", str(a.rate),
               "-f", "raw", "-o", str(raw), "--", str(Path(sys.executable).with_name("propilas")), "run",
               *a.districts, "--workers", str(a.workers), "--force", "--quiet", "--out", str(out / "out")]
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts, total = categorise(raw)
    rate = a.rate
    n = max(1, len(a.districts))
    print(f"{total / rate:.1f} CPU-s sampled ({total} samples at {rate} Hz), {n} district(s)\n")
    print(f"| where | CPU-s per district | share |\n|---|---:|---:|")
    for name, c in counts.most_common():
        print(f"| {name} | {c / rate / n:.2f} | {100 * c / total:.0f} % |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
