"""A batch: districts in parallel (processes or Dask), then comparison, per-district reports, index and manifest."""

from __future__ import annotations

import datetime as _dt
import json
import multiprocessing as mp
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any

from propilas.core.paths import district_dir, output_path
from propilas.core.registry import COMPARISON, STAGES
from propilas.run.runner import CACHED, FAILED, NOT_RUN, OK, RunConfig, StageResult, completed, run_district


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="stage", disable=not enabled, dynamic_ncols=True, leave=True)


def _run_local(districts: list[str], cfg: RunConfig, workers: int, show: bool) -> dict[str, list[StageResult]]:
    results: dict[str, list[StageResult]] = {}
    bar = _progress(len(districts) * len(STAGES), show)
    done_districts = 0

    def on_event(d: str, s: str, status: str) -> None:
        nonlocal done_districts
        if status == "running":
            bar.set_description(f"{d}: {s}")
            return
        bar.update(1)
        bar.set_postfix_str(f"districts {done_districts}/{len(districts)}")

    from propilas.run.kernel import preload_execution_modules
    from propilas.run.runner import district_is_fresh

    if workers <= 1 or len(districts) <= 1 or all(district_is_fresh(cfg, d) for d in districts):
        for d in districts:
            results[d] = run_district(d, cfg, on_event)
            done_districts += 1
            bar.set_postfix_str(f"districts {done_districts}/{len(districts)}")
        bar.close()
        return results
    preload_execution_modules()
    ctx = mp.get_context("fork")
    with ctx.Manager() as manager:
        q = manager.Queue()
        stop = threading.Event()

        def pump() -> None:
            while not stop.is_set():
                try:
                    d, s, status = q.get(timeout=0.1)
                except queue.Empty:
                    continue
                on_event(d, s, status)

        th = threading.Thread(target=pump, daemon=True)
        th.start()
        done_q = manager.Queue()
        pending = list(districts)
        running: dict[str, mp.process.BaseProcess] = {}

        def collect(block: bool) -> None:
            nonlocal done_districts
            while True:
                try:
                    d, res = done_q.get(timeout=0.1) if block else done_q.get_nowait()
                except queue.Empty:
                    return
                results[d] = res
                done_districts += 1
                bar.set_postfix_str(f"districts {done_districts}/{len(districts)}")
                block = False

        # One fresh forked process per district: memory stays flat however many districts run
        # (a long-lived worker accumulated ~20 MB per district), and a crash fails one district.
        while pending or running:
            while pending and len(running) < workers:
                d = pending.pop(0)
                proc = ctx.Process(target=_worker, args=(d, cfg, q, done_q), name=f"propilas-{d}")
                proc.start()
                running[d] = proc
            collect(block=True)
            for d, proc in list(running.items()):
                if proc.is_alive():
                    continue
                proc.join()
                del running[d]
                collect(block=False)
                if d not in results:
                    results[d] = [StageResult(d, STAGES[0].name, FAILED,
                                              reason=f"worker process died (exit code {proc.exitcode})")] + [
                        StageResult(d, st.name, NOT_RUN, reason="earlier stage failed") for st in STAGES[1:]]
                    done_districts += 1
        time.sleep(0.15)
        stop.set()
        th.join()
    bar.close()
    return results


def _worker(district: str, cfg: RunConfig, q, done_q) -> None:
    done_q.put((district, run_district(district, cfg, lambda d, s, st: q.put((d, s, st)))))


def _run_dask(districts: list[str], cfg: RunConfig, address: str, show: bool) -> dict[str, list[StageResult]]:
    try:
        from dask.distributed import Client, as_completed as dask_completed
    except ImportError as exc:
        raise SystemExit("--scheduler needs the dask extra: pip install 'propilas[dask]'") from exc
    results: dict[str, list[StageResult]] = {}
    bar = _progress(len(districts) * len(STAGES), show)
    with Client(address) as client:
        futs = client.map(run_district, districts, cfg=cfg, key=[f"propilas-{cfg.run_id}-{d}" for d in districts])
        for fut in dask_completed(futs):
            res = fut.result()
            results[res[0].district] = res
            bar.update(len(res))
    bar.close()
    return results


def run_batch(districts: list[str], cfg: RunConfig, workers: int = 1, scheduler: str | None = None,
              show_progress: bool = True) -> dict[str, Any]:
    """Run everything; returns the manifest (also written to out_dir/manifest.json)."""
    from propilas.run.kernel import ensure_kernel

    started = _dt.datetime.now(_dt.timezone.utc)
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    if scheduler is None:
        ensure_kernel(cfg.kernel or "propilas")
    t0 = time.perf_counter()
    if scheduler:
        results = _run_dask(districts, cfg, scheduler, show_progress)
    else:
        results = _run_local(districts, cfg, workers, show_progress)
    results = {d: results[d] for d in districts}
    done = [d for d in districts if completed(results[d])]
    comparison = run_comparison(cfg, done, results)
    for d in districts:
        write_district_report(cfg, d, results[d])
    manifest = build_manifest(cfg, districts, results, comparison, started, time.perf_counter() - t0)
    from propilas.report.index import write_index
    from propilas.inputs.tableio import atomic_write_json

    atomic_write_json(manifest, cfg.out_dir / "manifest.json")
    export_workbooks(cfg, districts, results)
    write_index(cfg.out_dir, manifest)
    return manifest


def run_comparison(cfg: RunConfig, done: list[str], results: dict[str, list[StageResult]]) -> StageResult:
    """The comparison notebook over the districts that completed every stage (cached like a stage)."""
    from propilas.run import cache
    from propilas.report.htmlexport import export_html
    from propilas.core.provenance import hash_files
    from propilas.run.kernel import _failure_reason, execute_notebook

    src = cfg.notebooks_dir / COMPARISON.notebook
    summaries = [output_path(cfg.out_dir, d, "summary.json") for d in done]
    lang = cfg.language or "es"
    params = {"districts": done, "out_dir": str(cfg.out_dir), "run_id": cfg.run_id, "language": lang}
    key = cache.stage_key(src, {k: v for k, v in params.items() if k != "run_id"}, summaries)
    nb_out, html_out, csv_out = (cfg.out_dir / COMPARISON.notebook, cfg.out_dir / "comparison.html",
                                 cfg.out_dir / "comparison.csv")
    inputs = hash_files(summaries, cfg.root)
    if not done:
        for p in (nb_out, html_out, csv_out):
            p.unlink(missing_ok=True)
        return StageResult("*", COMPARISON.name, NOT_RUN, reason="no district completed every stage")
    if not cfg.force and nb_out.exists() and html_out.exists() and cache.is_fresh(cfg.out_dir, COMPARISON.name, key):
        rec = cache.load_record(cfg.out_dir, COMPARISON.name) or {}
        return StageResult("*", COMPARISON.name, CACHED, 0.0, "unchanged summaries", inputs, rec.get("outputs", {}))
    cache.invalidate(cfg.out_dir, COMPARISON.name)
    for p in (html_out, csv_out):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    try:
        execute_notebook(src, nb_out, params, cfg.kernel or "propilas", 600, cfg.root)
        export_html(nb_out, html_out, "PROPILAS · comparison")
    except Exception as exc:  # noqa: BLE001
        if nb_out.exists():
            export_html(nb_out, html_out, "PROPILAS · comparison (FAILED)")
        csv_out.unlink(missing_ok=True)
        return StageResult("*", COMPARISON.name, FAILED, time.perf_counter() - t0, _failure_reason(exc), inputs)
    hashes = cache.save_record(cfg.out_dir, COMPARISON.name, key, [nb_out, html_out, csv_out], {"run_id": cfg.run_id})
    return StageResult("*", COMPARISON.name, OK, time.perf_counter() - t0, "", inputs, hashes)


def unchanged(results: list[StageResult]) -> bool:
    """Every stage served from the cache: the district's derived files need no rebuilding."""
    return len(results) == len(STAGES) and all(r.status == CACHED for r in results)


def export_workbooks(cfg: RunConfig, districts: list[str], results: dict[str, list[StageResult]]) -> None:
    """tables.xlsx per completed district (consultants work in Excel); removed for a failed one."""
    from propilas.report.excel_export import export_tables_xlsx
    from propilas.core.params import load_params

    for d in districts:
        path = district_dir(cfg.out_dir, d) / "tables.xlsx"
        if unchanged(results[d]) and path.exists():
            continue
        if completed(results[d]):
            export_tables_xlsx(cfg.out_dir, d, cfg.language or load_params(d, cfg.params_dir).language)
        else:
            path.unlink(missing_ok=True)


def write_district_report(cfg: RunConfig, district: str, results: list[StageResult]) -> None:
    """report.html: all stages in one code-free document with a contents list (only when all completed)."""
    from propilas.report.htmlexport import combined_report
    from propilas.core.labels import t
    from propilas.core.params import load_params

    d = district_dir(cfg.out_dir, district)
    report = d / "report.html"
    if unchanged(results) and report.exists():
        return  # built from exactly these notebooks by an earlier run
    if not completed(results):
        report.unlink(missing_ok=True)
        return
    p = load_params(district, cfg.params_dir)
    lang = cfg.language or p.language
    parts = [(f"stage-{s.id}", f"{s.id}. {s.title(lang)}", d / s.notebook) for s in STAGES]
    combined_report(parts, f"{p.name} — {t('report.title', lang)}", report, t("report.contents", lang))


def build_manifest(cfg: RunConfig, districts: list[str], results: dict[str, list[StageResult]],
                   comparison: StageResult, started: _dt.datetime, seconds: float) -> dict[str, Any]:
    from propilas.core.provenance import code_version, package_versions

    status = {d: ("completed" if completed(results[d]) else "failed") for d in districts}
    return {
        "run_id": cfg.run_id,
        "started_utc": started.isoformat(timespec="seconds"),
        "duration_s": round(seconds, 2),
        "code_version": code_version(str(cfg.root)),
        "packages": package_versions(),
        "out_dir": str(cfg.out_dir),
        "stages": [s.name for s in STAGES],
        "districts": {
            d: {
                "status": status[d],
                "stages": {r.stage: {k: v for k, v in r.as_dict().items() if k not in ("district", "stage")}
                           for r in results[d]},
            }
            for d in districts
        },
        "comparison": comparison.as_dict(),
        "exit_code": 0 if all(v == "completed" for v in status.values()) and comparison.status != FAILED else 1,
    }


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def status_table(manifest: dict[str, Any]) -> str:
    """Plain-text district x stage table printed at the end of a run."""
    ids = [s.split("_", 1)[0] for s in manifest["stages"]]
    sym = {OK: "ok", CACHED: "=", FAILED: "FAIL", NOT_RUN: "-"}
    width = max([8] + [len(d) for d in manifest["districts"]])
    lines = [f"{'district':{width}s} " + " ".join(f"{i:>4s}" for i in ids) + "  status / reason"]
    for d, info in manifest["districts"].items():
        cells = [sym.get(info["stages"].get(s, {}).get("status", NOT_RUN), "?") for s in manifest["stages"]]
        reason = next((v["reason"].splitlines()[0] for v in info["stages"].values() if v["status"] == FAILED), "")
        lines.append(f"{d:{width}s} " + " ".join(f"{c:>4s}" for c in cells) + f"  {info['status']} {reason}")
    c = manifest["comparison"]
    lines.append(f"comparison: {c['status']} {c.get('reason', '')}")
    lines.append("(ok = executed, = = unchanged since last run (cached), FAIL = failed, - = not run)")
    return "\n".join(lines)
