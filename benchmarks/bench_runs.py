#!/usr/bin/env python
"""The performance targets of the runner, measured in one go on this machine (`make bench`).

Not a test (CI never runs it; unit tests assert no timing). Every target is printed with its
measured value and PASS or FAIL; both sides of every ratio use the same districts, the same
notebooks and the same number of workers. CPU seconds are those of the command and every process
it started and waited for (getrusage of the children), so they do not depend on how loaded the
machine is the way wall seconds do; wall seconds are printed beside them.

  T1 cpu       `propilas run <pilots> --workers 1 --force`: CPU-s per district of the full report
               set (stages, HTML, report.html, workbook, plan.docx, comparison, index; batch costs
               shared by the districts)
  T2 baseline  (lajas; lajas + utco for two workers) a shell loop calling the `papermill` CLI then `jupyter nbconvert --to html --no-input`
               per stage notebook (what one scripts without propilas) vs `propilas run` on the same
               districts, one worker each (two workers printed too: two district loops in parallel
               vs --workers 2)
  T3 ploomber  ploomber 0.23 (its own venv, benchmarks/.venv-ploomber, created from PyPI on first
               use; never .venv) building the same notebooks into HTML, one district after another,
               serial executor vs --workers 1 (parallel executor with 2 processes vs --workers 2)
  T4 rerun     T1 again without --force: nothing changed, every stage from the cache
  T5 national  `propilas national`: CPU-s per district (all SIASAR districts, or --national-limit N)
  T6 dask      N SIASAR districts (default 10) run on a local dask cluster (`propilas run --scheduler`): the
               worker processes' memory after each finished district, and its slope
  T7 large     a district of ~10,000 communities (inputs/generator.py, as tests/test_size.py) vs a
               pilot district, `propilas run <one> --workers 1 --force` each

Nothing is written inside the repository except the optional ploomber venv: outputs go to a
temporary folder, removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
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
PLOOMBER_VERSION = "0.23.3"
PLOOMBER_VENV = ROOT / "benchmarks" / ".venv-ploomber"

# the targets of issue 15 (README "Performance")
CPU_PER_DISTRICT_MAX = 5.0
BASELINE_RATIO_MIN = 6.0
PLOOMBER_RATIO_MIN = 3.0
RERUN_MAX_S = 1.0
NATIONAL_CPU_PER_DISTRICT_MAX = 0.06
DASK_FLAT_MB_PER_DISTRICT = 2.0  # "flat": a worker grows by less than this per district it ran
LARGE_RATIO_MAX = 10.0


# --------------------------------------------------------------------------- measuring


class Sampler:
    """Resident memory of a process tree, sampled every `interval` s with psutil: the peak of the
    sum over the tree, the peak of one process, and (optionally) a time series of chosen processes."""

    def __init__(self, pid: int, interval: float = 0.2, series=None) -> None:
        self.pid, self.interval, self.series_of = pid, interval, series
        self.peak_total = 0
        self.peak_single = 0
        self.series: list[tuple[float, float]] = []
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
            if self.series_of is not None:
                self.series.append((time.time(), self.series_of(procs)))
            self._stop.wait(self.interval)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str] | str, cwd: Path, label: str, log: Path, shell: bool = False,
          env: dict[str, str] | None = None) -> dict:
    """Run a command; wall seconds, CPU seconds (it and every descendant it waited for), exit
    code and peak memory (MB) of its process tree."""
    shown = cmd if isinstance(cmd, str) else " ".join(shlex.quote(c) for c in cmd)
    print(f"\n[{label}] {shown[:240]}{' …' if len(shown) > 240 else ''}", flush=True)
    cpu0, t0 = _children_cpu(), time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=str(cwd), shell=shell, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})}, executable="/bin/bash" if shell else None)
        with Sampler(proc.pid) as mem:
            rc = proc.wait()
    res = {"label": label, "seconds": round(time.perf_counter() - t0, 2), "cpu_seconds": round(_children_cpu() - cpu0, 2),
           "exit_code": rc, "peak_tree_mb": round(mem.peak_total / 2**20) if mem.peak_total else None,
           "peak_process_mb": round(mem.peak_single / 2**20) if mem.peak_single else None}
    print(f"[{label}] {res['seconds']:.1f} s wall, {res['cpu_seconds']:.1f} CPU-s, exit {rc}"
          + (f", peak {res['peak_tree_mb']} MB (tree)" if res["peak_tree_mb"] else ""), flush=True)
    if rc != 0:
        print(f"[{label}] FAILED: see {log}\n" + "".join(log.read_text(errors="replace").splitlines(True)[-15:]))
    return res


def propilas(*args: str) -> list[str]:
    return [str(BIN / "propilas"), *args]


# --------------------------------------------------------------------------- the runs


def run_districts(tmp: Path, name: str, districts: list[str], workers: int, force: bool = True,
                  cwd: Path = ROOT, out: Path | None = None) -> dict:
    out = out or tmp / name
    cmd = propilas("run", *districts, "--out", str(out), "--workers", str(workers), "--quiet")
    if force:
        cmd.append("--force")
    res = timed(cmd, cwd, name, tmp / f"{name}.log")
    res["districts"] = len(districts)
    return res


def baseline(tmp: Path, districts: list[str], workers: int) -> dict:
    """papermill CLI + nbconvert CLI per stage notebook; `workers` district loops at a time."""
    from propilas.core.registry import STAGES

    out = tmp / f"baseline_w{workers}"
    out.mkdir()
    nbs = " ".join(shlex.quote(str(ROOT / "notebooks" / s.notebook)) for s in STAGES)
    one = tmp / "baseline_one.sh"
    one.write_text(f"""set -e
d="$1"; out="$2"
mkdir -p "$out/$d"
for nb in {nbs}; do
  name=$(basename "$nb" .ipynb)
  {shlex.quote(str(BIN / 'papermill'))} "$nb" "$out/$d/$name.ipynb" -k propilas -p district "$d" \\
    -p params_dir {shlex.quote(str(ROOT / 'params'))} -p data_dir {shlex.quote(str(ROOT / 'data'))} \\
    -p out_dir "$out" -p run_id baseline --log-level ERROR
  {shlex.quote(str(BIN / 'jupyter'))} nbconvert --to html --no-input --log-level ERROR "$out/$d/$name.ipynb"
done
""")
    script = (f"printf '%s\\n' {' '.join(districts)} | xargs -P {workers} -I{{}} "
              f"bash {shlex.quote(str(one))} {{}} {shlex.quote(str(out))}")
    res = timed(script, ROOT, f"baseline w{workers}", tmp / f"baseline_w{workers}.log", shell=True)
    res["notebooks"] = len(districts) * len(STAGES)
    return res


def ploomber_python(tmp: Path) -> tuple[Path | None, str]:
    """The ploomber venv (created from PyPI on first use): (python, '') or (None, why not)."""
    py = PLOOMBER_VENV / "bin" / "python"
    if py.exists() and subprocess.run([str(py), "-c", "import ploomber"], capture_output=True).returncode == 0:
        return py, ""
    if os.environ.get("CI"):
        return None, "not in CI"
    print(f"\n[ploomber] creating {PLOOMBER_VENV} (ploomber=={PLOOMBER_VERSION} from PyPI) …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(PLOOMBER_VENV)], check=True, capture_output=True)
        r = subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"ploomber=={PLOOMBER_VERSION}"],
                           capture_output=True, text=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"venv or install failed: {exc}"[:200]
    if r.returncode != 0:
        return None, f"pip install ploomber=={PLOOMBER_VERSION} failed: " + (r.stderr.strip().splitlines() or [""])[-1][:160]
    return py, ""


def ploomber_run(tmp: Path, py: Path, districts: list[str], workers: int) -> dict:
    """The same notebooks as a ploomber pipeline: one task per district and stage, HTML product
    without code (nbconvert, as the baseline), each stage after the one before (registry order)."""
    from propilas.core.registry import STAGES

    out = tmp / f"ploomber_w{workers}"
    out.mkdir()
    tasks = []
    for d in districts:
        prev = None
        for st in STAGES:
            name = f"{d}-{Path(st.notebook).stem}"
            task = {"source": str(ROOT / "notebooks" / st.notebook), "name": name,
                    "product": str(out / d / f"{Path(st.notebook).stem}.html"),
                    "params": {"district": d, "params_dir": str(ROOT / "params"), "data_dir": str(ROOT / "data"),
                               "out_dir": str(out), "run_id": "ploomber"},
                    "static_analysis": "disable", "nbconvert_export_kwargs": {"exclude_input": True},
                    "upstream": [prev] if prev else []}
            tasks.append(task)
            prev = name
    executor = ("serial" if workers <= 1 else
                {"dotted_path": "ploomber.executors.Parallel", "processes": workers})
    spec = {"meta": {"extract_upstream": False, "extract_product": False}, "executor": executor, "tasks": tasks}
    (out / "pipeline.yaml").write_text(json.dumps(spec, indent=1))  # JSON is YAML
    env = {"JUPYTER_PATH": str(ROOT / ".venv" / "share" / "jupyter"), "PLOOMBER_STATS_ENABLED": "false",
           "PLOOMBER_VERSION_CHECK_DISABLED": "true"}
    res = timed([str(py.parent / "ploomber"), "build", "--entry-point", "pipeline.yaml", "--force"], out,
                f"ploomber w{workers}", tmp / f"ploomber_w{workers}.log", env=env)
    res["districts"] = len(districts)
    return res


def national(tmp: Path, workers: int, limit: int | None) -> dict:
    cmd = propilas("national", "--out", str(tmp / "national"), "--workers", str(workers), "--quiet")
    if limit:
        cmd += ["--limit", str(limit)]
    res = timed(cmd, ROOT, "national", tmp / "national.log")
    first = (tmp / "national.log").read_text(errors="replace").strip().splitlines()
    res["summary"] = first[0] if first else ""
    try:
        res["districts"] = int(res["summary"].split()[0])
    except (ValueError, IndexError):
        res["districts"] = limit or 0
    return res


def siasar_project(tmp: Path, name: str, n: int) -> tuple[Path, list[str]]:
    """A temporary project with N SIASAR districts (evenly spread over the country, skipping those
    `propilas validate` refuses), notebooks and defaults copied, boundaries linked."""
    from propilas.inputs.scaffold import scaffold_from_siasar
    from propilas.inputs.siasar import default_files, divisions, load_siasar_cached
    from propilas.inputs.siasar_canonical import district_inventory
    from propilas.run.national import check_inputs

    proj = tmp / name
    (proj / "params").mkdir(parents=True)
    (proj / "data").mkdir()
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    shutil.copy(ROOT / "params" / "defaults.yaml", proj / "params" / "defaults.yaml")
    if (ROOT / "data" / "peru-boundaries").exists():
        (proj / "data" / "peru-boundaries").symlink_to(ROOT / "data" / "peru-boundaries")
    df = load_siasar_cached(default_files(ROOT))
    divs = divisions(df)
    step = max(1, len(divs) // max(1, n))
    chosen: list[str] = []
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
    return proj, ids


def dask_memory(tmp: Path, n: int, workers: int) -> dict:
    """N districts on a local dask cluster (`dask scheduler` + `dask worker --nworkers W
    --nthreads 1`); the worker processes' resident memory is sampled and read each time a district
    finishes (its summary.json appears); slope = MB per district per worker (least squares)."""
    try:
        import psutil
        import dask.distributed  # noqa: F401
    except ImportError as exc:
        return {"error": f"not measured: {exc}"}
    proj, ids = siasar_project(tmp, "dask_project", n)
    sched_file = tmp / "dask-scheduler.json"
    logs = [open(tmp / "dask-scheduler.log", "w"), open(tmp / "dask-worker.log", "w")]
    sched = subprocess.Popen([str(BIN / "dask"), "scheduler", "--port", "0", "--dashboard-address", ":0",
                              "--scheduler-file", str(sched_file)], stdout=logs[0], stderr=subprocess.STDOUT)
    worker = None
    try:
        for _ in range(300):
            if sched_file.exists() and sched_file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(sched_file.read_text())["address"]
        worker = subprocess.Popen([str(BIN / "dask"), "worker", "--scheduler-file", str(sched_file),
                                   "--nworkers", str(workers), "--nthreads", "1", "--memory-limit", "0",
                                   "--no-dashboard"], cwd=str(proj), stdout=logs[1], stderr=subprocess.STDOUT)
        time.sleep(3)

        def worker_rss(procs) -> float:  # the worker processes themselves (not the nanny, not kernels)
            total = 0
            for p in procs:
                try:
                    cmd = " ".join(p.cmdline())
                    if p.pid == worker.pid or "ipykernel" in cmd or "multiprocessing.spawn" not in cmd:
                        continue
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
            return total / 2**20

        out = proj / "outputs"
        done_at: list[float] = []
        stop = threading.Event()

        def watch() -> None:
            seen: set[str] = set()
            while not stop.is_set():
                for d in ids:
                    if d not in seen and (out / d / "summary.json").exists():  # stage 08's, the last
                        seen.add(d)
                        done_at.append(time.time())
                stop.wait(0.2)

        th = threading.Thread(target=watch, daemon=True)
        th.start()
        with Sampler(worker.pid, interval=0.3, series=worker_rss) as mem:
            res = timed(propilas("run", *ids, "--out", str(out), "--scheduler", address, "--quiet"), proj,
                        f"dask {len(ids)} districts", tmp / "dask.log")
        stop.set()
        th.join()
    finally:
        for p in (worker, sched):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        for f in logs:
            f.close()
    # memory of all worker processes when the k-th district finished (k = 1..N)
    points = []
    for k, t_done in enumerate(sorted(done_at), 1):
        before = [v for t, v in mem.series if t <= t_done + 0.5]
        if before:
            points.append((k, before[-1]))
    res.update(districts=len(ids), workers=workers, memory_points=[(k, round(v, 1)) for k, v in points])
    if len(points) >= 4:
        import numpy as np

        k = np.array([p[0] for p in points[1:]], dtype=float)  # from the first finished district on
        v = np.array([p[1] for p in points[1:]], dtype=float)
        slope = float(np.polyfit(k, v, 1)[0]) * workers  # per district a worker ran (districts split over W)
        res.update(mb_per_district=round(slope, 2), first_mb=round(points[0][1] / workers, 1),
                   last_mb=round(points[-1][1] / workers, 1))
    elif res.get("exit_code") == 0:
        res["error"] = f"not measured: {len(points)} finished district(s) sampled, 4 needed (--dask-districts)"
    return res


def large_district(tmp: Path, communities: int) -> dict:
    """A generated district of ~N communities (as tests/test_size.py) in a temporary project."""
    import yaml

    from propilas.inputs.generator import generate
    from propilas.inputs.tableio import write_canonical_csv

    fix = ROOT / "tests" / "fixtures" / "params"
    proj = tmp / "large_project"
    (proj / "params").mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    shutil.copy(ROOT / "params" / "defaults.yaml", proj / "params" / "defaults.yaml")
    p = yaml.safe_load((fix / "fixture.yaml").read_text(encoding="utf-8"))
    pop = int(370 * communities)  # ~N communities at the generator's sizes (10,000 → 3.7 M, tests/test_size.py)
    p.update(district="big", name="Distrito grande", census={2007: int(pop * 0.905), 2017: pop}, base_year=2017,
             horizon_year=2030, rural_share=1.0)
    (proj / "params" / "big.yaml").write_text(yaml.safe_dump(p, sort_keys=False), encoding="utf-8")
    comm, systems = generate("big", pop, centroid=(-6.4, -78.6), area_km2=5000.0)
    data = proj / "data" / "big"
    data.mkdir(parents=True)
    write_canonical_csv(comm, data / "communities.csv")
    write_canonical_csv(systems, data / "water_systems.csv")
    res = run_districts(tmp, "large", ["big"], 1, cwd=proj, out=proj / "outputs")
    res["communities"] = len(comm)
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


def _ok(res: dict | None) -> bool:
    return bool(res) and not res.get("error") and res.get("exit_code", 0) == 0


def targets(r: dict) -> list[tuple[str, str, str, str]]:
    """(target, measured, goal, PASS/FAIL/'not measured: why') for every target."""
    rows = []

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    t1 = r.get("cpu")
    if _ok(t1):
        per = t1["cpu_seconds"] / t1["districts"]
        rows.append((f"CPU-s per district, full report set ({t1['districts']} pilots, 1 worker)",
                     f"{per:.1f} CPU-s ({t1['seconds'] / t1['districts']:.1f} s wall)", f"<= {CPU_PER_DISTRICT_MAX:g}",
                     verdict(per <= CPU_PER_DISTRICT_MAX)))
    else:
        rows.append(("CPU-s per district, full report set", "", f"<= {CPU_PER_DISTRICT_MAX:g}", _why(t1)))
    for w in (1, 2):
        a, b = r.get(f"baseline_w{w}"), r.get(f"base_run_w{w}")
        n = len(r["base_districts"][w])
        label = f"speed-up vs papermill+nbconvert CLI loop ({n} district{'s' * (n > 1)}, {w} worker{'s' * (w > 1)})"
        if _ok(a) and _ok(b):
            ratio = a["seconds"] / b["seconds"]
            rows.append((label, f"{ratio:.1f}x wall ({a['seconds']:.0f} s vs {b['seconds']:.0f} s; "
                                f"CPU {a['cpu_seconds'] / max(b['cpu_seconds'], 1e-9):.1f}x)",
                         f">= {BASELINE_RATIO_MIN:g}x" if w == 1 else "(shown)",
                         verdict(ratio >= BASELINE_RATIO_MIN) if w == 1 else "-"))
        else:
            rows.append((label, "", f">= {BASELINE_RATIO_MIN:g}x" if w == 1 else "(shown)", _why(a if not _ok(a) else b)))
    for w in (1, 2):
        a, b = r.get(f"ploomber_w{w}"), r.get(f"base_run_w{w}")
        n = len(r["base_districts"][w])
        label = f"speed-up vs ploomber {PLOOMBER_VERSION} ({n} district{'s' * (n > 1)}, {w} worker{'s' * (w > 1)})"
        if _ok(a) and _ok(b):
            ratio = a["seconds"] / b["seconds"]
            rows.append((label, f"{ratio:.1f}x wall ({a['seconds']:.0f} s vs {b['seconds']:.0f} s; "
                                f"CPU {a['cpu_seconds'] / max(b['cpu_seconds'], 1e-9):.1f}x)",
                         f">= {PLOOMBER_RATIO_MIN:g}x" if w == 1 else "(shown)",
                         verdict(ratio >= PLOOMBER_RATIO_MIN) if w == 1 else "-"))
        else:
            rows.append((label, "", f">= {PLOOMBER_RATIO_MIN:g}x" if w == 1 else "(shown)",
                         _why(a if a is not None else {"error": "not measured: " + r.get("ploomber_why", "skipped")})))
    t4 = r.get("rerun")
    rows.append(("unchanged re-run", f"{t4['seconds']:.2f} s ({t4['cpu_seconds']:.2f} CPU-s)" if _ok(t4) else "",
                 f"<= {RERUN_MAX_S:g} s", verdict(t4["seconds"] <= RERUN_MAX_S) if _ok(t4) else _why(t4)))
    t5 = r.get("national")
    if _ok(t5) and t5.get("districts"):
        per = t5["cpu_seconds"] / t5["districts"]
        rows.append((f"propilas national CPU-s per district ({t5['districts']} districts, {r['workers']} workers)",
                     f"{per:.3f} CPU-s ({t5['seconds']:.0f} s wall)", f"<= {NATIONAL_CPU_PER_DISTRICT_MAX:g}",
                     verdict(per <= NATIONAL_CPU_PER_DISTRICT_MAX)))
    else:
        rows.append(("propilas national CPU-s per district", "", f"<= {NATIONAL_CPU_PER_DISTRICT_MAX:g}", _why(t5)))
    t6 = r.get("dask")
    if _ok(t6) and "mb_per_district" in t6:
        rows.append((f"Dask worker memory over {t6['districts']} districts ({t6['workers']} workers)",
                     f"{t6['mb_per_district']:+.1f} MB per district ({t6['first_mb']:.0f} -> {t6['last_mb']:.0f} MB "
                     "per worker)", f"flat (< {DASK_FLAT_MB_PER_DISTRICT:g} MB/district)",
                     verdict(t6["mb_per_district"] < DASK_FLAT_MB_PER_DISTRICT)))
    else:
        rows.append(("Dask worker memory flat", "", f"< {DASK_FLAT_MB_PER_DISTRICT:g} MB/district", _why(t6)))
    t7, pilot = r.get("large"), r.get("pilot_one")
    if _ok(t7) and _ok(pilot):
        ratio = t7["seconds"] / pilot["seconds"]
        rows.append((f"{t7['communities']:,}-community district vs a pilot ({r['large_pilot']})",
                     f"{ratio:.1f}x ({t7['seconds']:.0f} s vs {pilot['seconds']:.0f} s)", f"<= {LARGE_RATIO_MAX:g}x",
                     verdict(ratio <= LARGE_RATIO_MAX)))
    else:
        rows.append(("large district vs a pilot", "", f"<= {LARGE_RATIO_MAX:g}x", _why(t7 if not _ok(t7) else pilot)))
    return rows


def _why(res: dict | None) -> str:
    if res is None:
        return "not measured: skipped (see the options)"
    if res.get("error"):
        return res["error"] if res["error"].startswith("not measured") else f"not measured: {res['error']}"
    return f"not measured: exit code {res.get('exit_code')} (see the log)"


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join([c.ljust(w) for c, w in zip(r, widths)] + [r[-1]]).rstrip())
        if k == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def runs_table(r: dict) -> str:
    rows = [("run", "wall s", "CPU-s", "peak MB (tree)", "note")]
    shown: list[dict] = []
    for key in ("cpu", "rerun", "pilot_one", "base_run_w1", "base_run_w2", "baseline_w1", "baseline_w2",
                "ploomber_w1", "ploomber_w2", "national", "dask", "large"):
        x = r.get(key)
        if not x or x.get("error") or "seconds" not in x or any(x is y for y in shown):
            continue
        shown.append(x)
        note = x.get("summary", "") or (f"{x['districts']} district(s)" if x.get("districts") else "")
        rows.append((x["label"], f"{x['seconds']:.1f}", f"{x['cpu_seconds']:.1f}", str(x.get("peak_tree_mb") or ""),
                     note[:60]))
    return table(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--districts", nargs="+", default=PILOTS, help="T1/T4 districts (default: the six pilots)")
    p.add_argument("--base-districts", nargs="+", default=["lajas"],
                   help="T2/T3 one-worker districts, the same on both sides (default: lajas)")
    p.add_argument("--base-districts-two", nargs="+", default=["lajas", "utco"],
                   help="T2/T3 two-worker districts (default: lajas utco)")
    p.add_argument("--workers", type=int, default=2, help="workers of the two-worker figures, national and dask (default 2)")
    p.add_argument("--national-limit", type=int, default=0, help="T5: only the first N districts (default: all)")
    p.add_argument("--dask-districts", type=int, default=10,
                   help="T6 district count (default 10, to stay near 15 minutes in all; the target says 40; 0 skips)")
    p.add_argument("--large-communities", type=int, default=10_000, help="T7 community count (default 10,000; 0 skips)")
    p.add_argument("--skip", nargs="*", default=[], choices=["baseline", "ploomber", "national", "dask", "large", "two"],
                   help="leave measurements out (they print 'not measured')")
    p.add_argument("--json", type=Path, help="also save every figure to this JSON file")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (outputs and logs)")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="propilas-bench-"))
    r: dict = {"time_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
               "workers": args.workers, "districts": args.districts, "base_districts": {1: args.base_districts, 2: args.base_districts_two},
               "large_pilot": args.base_districts[0]}
    print(f"propilas benchmark: {r['machine']}, temp {tmp}", flush=True)
    t_start = time.perf_counter()
    try:
        r["cpu"] = run_districts(tmp, "cpu", args.districts, 1)
        r["rerun"] = run_districts(tmp, "rerun", args.districts, 1, force=False, out=tmp / "cpu")
        widths = [1] if "two" in args.skip else [1, 2]
        for w in widths:
            r[f"base_run_w{w}"] = run_districts(tmp, f"base_run_w{w}", r["base_districts"][w], w if w == 1 else args.workers)
        if "baseline" not in args.skip:
            for w in widths:
                r[f"baseline_w{w}"] = baseline(tmp, r["base_districts"][w], w if w == 1 else args.workers)
        if "ploomber" not in args.skip:
            py, why = ploomber_python(tmp)
            if py is None:
                r["ploomber_why"] = why
            else:
                for w in widths:
                    r[f"ploomber_w{w}"] = ploomber_run(tmp, py, r["base_districts"][w], w if w == 1 else args.workers)
        else:
            r["ploomber_why"] = "skipped (--skip ploomber)"
        if "national" not in args.skip:
            r["national"] = national(tmp, args.workers, args.national_limit or None)
        if "dask" not in args.skip and args.dask_districts:
            r["dask"] = dask_memory(tmp, args.dask_districts, args.workers)
        if "large" not in args.skip and args.large_communities:
            if args.base_districts == [r["large_pilot"]] and _ok(r.get("base_run_w1")):
                r["pilot_one"] = r["base_run_w1"]  # the same command: `propilas run <pilot> --workers 1 --force`
            else:
                r["pilot_one"] = run_districts(tmp, "pilot_one", [r["large_pilot"]], 1)
            r["large"] = large_district(tmp, args.large_communities)
    finally:
        if args.keep:
            print(f"\nkept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    r["total_seconds"] = round(time.perf_counter() - t_start, 1)
    print(f"\nruns (this machine, {r['machine'].get('cpu_count')} cores, load at start "
          f"{r['machine'].get('load_average_1m')}; {r['total_seconds']:.0f} s in all):\n" + runs_table(r))
    rows = targets(r)
    print("\ntargets:\n" + table([("target", "measured", "goal", "result"), *rows]))
    r["targets"] = [dict(zip(("target", "measured", "goal", "result"), row)) for row in rows]
    if args.json:
        args.json.write_text(json.dumps(r, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
