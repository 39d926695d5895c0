#!/usr/bin/env python
"""How long does a report set take, and what does the runner buy over a naive loop? (`make bench`)

Not a test: it times, on this machine and in one go,
  (a) baseline  - a shell loop calling the `papermill` CLI and then `jupyter nbconvert --to html
                  --no-input` for every stage notebook of the six pilot districts, one after another
                  (what a consultant would script without propilas);
  (b) run       - `propilas run <six> --workers <cores> --quiet --force` (shared kernel per district,
                  districts in parallel, HTML export in-process, then comparison, reports, index);
  (c) rerun     - (b) again without --force: nothing changed, every stage comes from the cache;
  (d) scale     - N districts built from the SIASAR export (`scaffold_from_siasar` into a temporary
                  project) run with `propilas run`: seconds per district and peak memory;
  (e) national  - `propilas national`: all SIASAR districts planned in memory (no notebooks).
and prints a summary table. Nothing is written inside the repository (temporary folders only,
removed at the end unless --keep); --json FILE saves the figures.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PILOTS = ["san_juan", "llacanora", "miguel_iglesias", "utco", "lajas", "tacabamba"]


# --------------------------------------------------------------------------- measuring


class PeakMemory:
    """Peak resident memory of a process tree, sampled every `interval` s with psutil.

    Reports the peak of the SUM over the tree (what the machine must hold at once) and the peak
    of any single process. Without psutil only the largest child (getrusage) is known.
    """

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak_total = 0
        self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str] | str, cwd: Path, label: str, shell: bool = False, log: Path | None = None,
          env: dict[str, str] | None = None) -> dict:
    """Run a command, return wall seconds, exit code and peak memory (MB) of its process tree."""
    shown = cmd if isinstance(cmd, str) else " ".join(shlex.quote(c) for c in cmd)
    print(f"\n[{label}] {shown[:300]}{' …' if len(shown) > 300 else ''}", flush=True)
    out = open(log, "w") if log else subprocess.DEVNULL
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, cwd=str(cwd), shell=shell, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})},
                                executable="/bin/bash" if shell else None)
        with PeakMemory(proc.pid) as mem:
            rc = proc.wait()
    finally:
        if log:
            out.close()
    seconds = time.perf_counter() - t0
    res = {"label": label, "seconds": round(seconds, 1), "exit_code": rc,
           "peak_tree_mb": round(mem.peak_total / 2**20) if mem.peak_total else None,
           "peak_process_mb": round(mem.peak_single / 2**20) if mem.peak_single else None}
    print(f"[{label}] {seconds:.1f} s, exit {rc}" + (f", peak memory {res['peak_tree_mb']} MB (tree)"
                                                     if res["peak_tree_mb"] else ""), flush=True)
    if rc != 0 and log:
        print(f"[{label}] FAILED: see {log}\n" + "".join(log.read_text(errors="replace").splitlines(True)[-15:]))
    return res


# --------------------------------------------------------------------------- the five measurements


def baseline(tmp: Path, districts: list[str]) -> dict:
    """(a) papermill CLI + nbconvert per stage notebook, sequential, from a plain shell loop."""
    from propilas.core.registry import STAGES

    out = tmp / "baseline"
    out.mkdir()
    pm, nbc = shlex.quote(str(BIN / "papermill")), shlex.quote(str(BIN / "jupyter"))
    nbs = " ".join(shlex.quote(str(ROOT / "notebooks" / s.notebook)) for s in STAGES)
    script = f"""set -e
for d in {' '.join(districts)}; do
  mkdir -p {shlex.quote(str(out))}/$d
  for nb in {nbs}; do
    name=$(basename "$nb" .ipynb)
    {pm} "$nb" {shlex.quote(str(out))}/$d/$name.ipynb -k propilas -p district "$d" \\
      -p params_dir {shlex.quote(str(ROOT / 'params'))} -p data_dir {shlex.quote(str(ROOT / 'data'))} \\
      -p out_dir {shlex.quote(str(out))} --log-level ERROR
    {nbc} nbconvert --to html --no-input --log-level ERROR {shlex.quote(str(out))}/$d/$name.ipynb
  done
done
"""
    res = timed(script, ROOT, "a baseline", shell=True, log=tmp / "baseline.log")
    res["notebooks"] = len(districts) * len(STAGES)
    return res


def propilas_cmd() -> list[str]:
    return [str(BIN / "propilas")]


def run_six(tmp: Path, districts: list[str], workers: int, force: bool, label: str) -> dict:
    """(b)/(c) `propilas run` on the pilot districts (same output folder both times)."""
    cmd = propilas_cmd() + ["run", *districts, "--out", str(tmp / "run"), "--workers", str(workers), "--quiet"]
    if force:
        cmd.append("--force")
    return timed(cmd, ROOT, label, log=tmp / f"{label.split()[0]}.log")


def scale(tmp: Path, n: int, workers: int) -> dict:
    """(d) N SIASAR districts scaffolded into a temporary project, then `propilas run` on them."""
    from propilas.run.national import check_inputs
    from propilas.inputs.scaffold import scaffold_from_siasar
    from propilas.inputs.siasar import default_files, divisions, load_siasar_cached
    from propilas.inputs.siasar_canonical import district_inventory

    proj = tmp / f"scale_{n}"
    (proj / "params").mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    shutil.copy(ROOT / "params" / "defaults.yaml", proj / "params" / "defaults.yaml")
    df = load_siasar_cached(default_files(ROOT))
    divs = divisions(df)
    # evenly spaced over the country (department/province/district order), skipping divisions
    # SIASAR gives no plannable community for and those with input errors `propilas validate`
    # refuses (the run would stop at stage 00): typical sizes, not the first N of Amazonas
    step = max(1, len(divs) // n)
    chosen: list[str] = []
    t0 = time.perf_counter()
    for start in range(step):
        for i in range(start, len(divs), step):
            if len(chosen) == n:
                break
            div = divs.iloc[i]["division"]
            if div in chosen:
                continue
            comm, ws = district_inventory(df, div)
            if comm.empty or any(p.severity == "error" for p in check_inputs(comm, ws, None)):
                continue
            chosen.append(div)
        if len(chosen) == n:
            break
    ids = []
    for k, div in enumerate(chosen):
        did = f"d{k:03d}"
        scaffold_from_siasar(proj, did, div, siasar_df=df)
        ids.append(did)
    print(f"\n[d scale {n}] scaffolded {len(ids)} SIASAR districts in {time.perf_counter() - t0:.1f} s "
          f"(systems: {int(divs.set_index('division').loc[chosen, 'systems'].sum())})", flush=True)
    res = timed(propilas_cmd() + ["run", "--out", str(proj / "outputs"), "--workers", str(workers), "--quiet"],
                proj, f"d scale {n}", log=tmp / f"scale_{n}.log")
    res["districts"] = len(ids)
    res["seconds_per_district"] = round(res["seconds"] / max(1, len(ids)), 2)
    return res


def national_cmd() -> list[str]:
    """`propilas national` once the CLI has it; `python -m propilas.cli.national` until then."""
    helptext = subprocess.run(propilas_cmd() + ["--help"], capture_output=True, text=True).stdout
    if "national" in helptext:
        return propilas_cmd() + ["national"]
    return [sys.executable, "-m", "propilas.cli.national"]


def national(tmp: Path, workers: int) -> dict:
    """(e) every SIASAR district in memory."""
    res = timed(national_cmd() + ["--out", str(tmp / "national"), "--workers", str(workers), "--quiet"], ROOT,
                "e national", log=tmp / "national.log")
    log = (tmp / "national.log").read_text(errors="replace")
    res["summary"] = log.strip().splitlines()[0] if log.strip() else ""
    return res


# --------------------------------------------------------------------------- report


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpu_count": os.cpu_count()}
    try:
        info["load_average_1m"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return info


def summary_table(results: dict, workers: int) -> str:
    rows = [("measurement", "seconds", "per district", "peak MB (tree)", "note")]
    a, b = results.get("baseline"), results.get("run")
    if a:
        n = len(results["districts"])
        rows.append(("a baseline papermill+nbconvert loop", f"{a['seconds']:.1f}", f"{a['seconds'] / n:.1f}",
                     str(a.get("peak_tree_mb") or ""), f"{a['notebooks']} notebooks, sequential"))
    if b:
        n = len(results["districts"])
        note = f"--workers {workers} --force"
        if a:
            note += f"; {a['seconds'] / b['seconds']:.1f}x faster than (a)"
        rows.append(("b propilas run (six pilots)", f"{b['seconds']:.1f}", f"{b['seconds'] / n:.1f}",
                     str(b.get("peak_tree_mb") or ""), note))
    c = results.get("rerun")
    if c:
        rows.append(("c unchanged re-run", f"{c['seconds']:.1f}", "", str(c.get("peak_tree_mb") or ""),
                     "target < 2 s: " + ("met" if c["seconds"] < 2 else "NOT met")))
    for s in results.get("scale", []):
        rows.append((f"d scale: {s['districts']} SIASAR districts", f"{s['seconds']:.1f}",
                     f"{s['seconds_per_district']:.2f}", str(s.get("peak_tree_mb") or ""),
                     f"largest process {s.get('peak_process_mb')} MB"))
    e = results.get("national")
    if e:
        rows.append(("e propilas national (all SIASAR)", f"{e['seconds']:.1f}", "",
                     str(e.get("peak_tree_mb") or ""), e.get("summary", "")[:70]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join([r[0].ljust(widths[0])] + [r[i].rjust(widths[i]) for i in (1, 2, 3)] + [r[4]]))
        if k == 0:
            lines.append("-" * len(lines[0]))
    bad = [r["label"] for r in [a, b, c, e, *results.get("scale", [])] if r and r.get("exit_code")]
    if bad:
        lines.append(f"non-zero exit codes: {', '.join(bad)} (see the logs)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--skip-baseline", action="store_true", help="skip (a), the slow naive loop")
    p.add_argument("--skip-national", action="store_true", help="skip (e)")
    p.add_argument("--scale", type=int, nargs="*", default=[12, 48], metavar="N",
                   help="district counts for (d) (default: 12 48; none: skip)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: CPU cores)")
    p.add_argument("--districts", nargs="+", default=PILOTS, help="districts for (a)-(c) (default: the six pilots)")
    p.add_argument("--json", type=Path, help="also save the figures to this JSON file")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (outputs and logs)")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="propilas-bench-"))
    results: dict = {"time_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                     "machine": machine(), "workers": args.workers, "districts": args.districts}
    print(f"propilas benchmark: {results['machine']}, workers {args.workers}, temp {tmp}", flush=True)
    try:
        if not args.skip_baseline:
            results["baseline"] = baseline(tmp, args.districts)
        results["run"] = run_six(tmp, args.districts, args.workers, True, "b run")
        results["rerun"] = run_six(tmp, args.districts, args.workers, False, "c rerun")
        results["scale"] = [scale(tmp, n, args.workers) for n in args.scale]
        if not args.skip_national:
            results["national"] = national(tmp, args.workers)
    finally:
        if args.keep:
            print(f"\nkept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    table = summary_table(results, args.workers)
    print("\n" + table)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
