"""A batch: districts in parallel (processes or Dask), then comparison, per-district reports, index and manifest."""

from __future__ import annotations

import datetime as _dt
import multiprocessing as mp
from multiprocessing import connection as mp_connection
import os
import time
from typing import Any

from propilas.core.paths import district_dir
from propilas.core.registry import COMPARISON, STAGES
from propilas.core.errors import PropilasError
from propilas.core.labels import t
from propilas.run.lock import output_lock
from propilas.run.site import (_in_order, build_manifest, kept_districts, link_comparison_page, link_district_pages,
                               site_language, twin_page)
from propilas.run.runner import (DERIVED, FAILED, NOT_RUN, RunConfig, StageResult, completed,
                                  run_district)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="stage", disable=not enabled, dynamic_ncols=True, leave=True)


def _run_local(districts: list[str], cfg: RunConfig, workers: int, show: bool,
               pool=None) -> dict[str, list[StageResult]]:
    results: dict[str, list[StageResult]] = {}
    bar = _progress(len(districts) * len(STAGES), show)
    done_districts = 0

    def on_event(d: str, s: str, status: str) -> None:
        if status == "running":
            bar.set_description(f"{d}: {s}")
            return
        bar.update(1)
        bar.set_postfix_str(f"districts {done_districts}/{len(districts)}")

    from propilas.run.kernel import preload_execution_modules
    from propilas.run.runner import district_is_fresh

    if workers <= 1 or len(districts) <= 1 or all(district_is_fresh(cfg, d) for d in districts):
        for d in districts:  # one after the other: they share the batch's kernel (run/kernel.py)
            results[d] = run_district(d, cfg, on_event, pool)
            done_districts += 1
            bar.set_postfix_str(f"districts {done_districts}/{len(districts)}")
        bar.close()
        return results
    from propilas.run.kernel import DISTRICTS_PER_KERNEL, ensure_kernel

    ensure_kernel(cfg.kernel or "propilas")  # once, before the workers start kernels
    preload_execution_modules()
    ctx = mp.get_context("fork")
    lang = site_language(cfg)
    pending = list(districts)
    active: list[dict[str, Any]] = []  # worker: its process, its pipe end, the district it runs, how many
    serial = 0

    def died(d: str, code: int | None) -> None:
        nonlocal done_districts
        results[d] = [StageResult(d, STAGES[0].name, FAILED, reason=t("val.run.worker_died", lang, code=code))] + [
            StageResult(d, st.name, NOT_RUN, reason=t("val.run.earlier_failed", lang)) for st in STAGES[1:]]
        done_districts += 1

    def give(w: dict[str, Any]) -> None:
        """The worker's next district, or None: it exits (after DISTRICTS_PER_KERNEL, or no work left)."""
        d = pending.pop(0) if pending and w["served"] < DISTRICTS_PER_KERNEL else None
        w["current"] = d
        w["served"] += d is not None
        try:
            w["conn"].send(d)
        except OSError:  # it died meanwhile: its end is handled when its sentinel fires
            pass

    def handle(w: dict[str, Any], msg: tuple) -> bool:
        """A worker's message; True when it finished a district (it may get another)."""
        nonlocal done_districts
        if msg[0] == "event":
            on_event(*msg[1:])
            return False
        _, d, res = msg
        results[d] = res
        done_districts += 1
        bar.set_postfix_str(f"districts {done_districts}/{len(districts)}")
        w["current"] = None
        return True

    # Forked worker processes, each fed one district at a time through its own pipe: a worker runs
    # up to DISTRICTS_PER_KERNEL districts in one kernel (its start and imports paid once), then
    # exits and a fresh one takes over, so memory stays bounded however many districts run (a
    # process that ran every district accumulated ~20 MB per district); a worker that dies fails
    # the district it was running, alone. Plain pipes and process sentinels: nothing shared that a
    # dying worker could leave locked.
    while len(results) < len(districts):
        while pending and len(active) < workers:
            serial += 1
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(cfg, theirs), name=f"propilas-worker-{serial}")
            proc.start()
            theirs.close()
            active.append({"proc": proc, "conn": mine, "current": None, "served": 0})
            give(active[-1])
        if not active:
            break
        ready = set(mp_connection.wait([w["conn"] for w in active] + [w["proc"].sentinel for w in active]))
        for w in list(active):
            ended = w["proc"].sentinel in ready
            if w["conn"] in ready or ended:
                try:
                    while w["conn"].poll():
                        if handle(w, w["conn"].recv()) and not ended:
                            give(w)
                except (EOFError, OSError):
                    ended = True
            if ended:
                w["proc"].join()
                w["conn"].close()
                active.remove(w)
                if w["current"] is not None and w["current"] not in results:
                    died(w["current"], w["proc"].exitcode)
    for d in districts:  # defensive: a district no worker reported (cannot happen with live pipes)
        if d not in results:
            died(d, None)
    bar.close()
    return results


def _worker(cfg: RunConfig, conn) -> None:
    """A forked worker: districts from `conn` until None, each result (and each stage's progress)
    sent back; one kernel for all of them (run/kernel.py _KernelPool)."""
    from propilas.run.kernel import _KernelPool

    pool = _KernelPool(cfg.kernel or "propilas", cfg.root)
    try:
        while True:
            d = conn.recv()
            if d is None:
                return
            res = run_district(d, cfg, lambda d_, s, st: conn.send(("event", d_, s, st)), pool)
            conn.send(("done", d, res))
    except EOFError:  # the parent is gone
        return
    finally:
        pool.discard()


def _run_dask(districts: list[str], cfg: RunConfig, address: str, show: bool) -> dict[str, list[StageResult]]:
    try:
        from dask.distributed import Client, as_completed as dask_completed
    except ImportError as exc:
        raise SystemExit("--scheduler needs the dask extra: pip install 'propilas[dask]'") from exc
    results: dict[str, list[StageResult]] = {}
    bar = _progress(len(districts) * len(STAGES), show)
    from propilas.run.dask_task import run_district_in_child  # each district in a fresh child process

    with Client(address) as client:
        futs = client.map(run_district_in_child, districts, cfg=cfg,
                          key=[f"propilas-{cfg.run_id}-{d}" for d in districts])
        for fut in dask_completed(futs):
            res = fut.result()
            results[res[0].district] = res
            bar.update(len(res))
    bar.close()
    return results


def run_batch(districts: list[str], cfg: RunConfig, workers: int = 1, scheduler: str | None = None,
              show_progress: bool = True, wait: float = 0) -> dict[str, Any]:
    """Run everything; returns the manifest (also written to out_dir/manifest.json).

    One run at a time per output folder (a lock; a second run waits `wait` seconds, then is
    refused naming the holder). One district's failure, at any step, is that district's alone;
    the manifest's exit_code is the process's exit code.
    """
    from propilas.core.paths import check_out_dir

    check_out_dir(cfg.out_dir, cfg.root, (cfg.notebooks_dir, cfg.params_dir, cfg.data_dir))
    with output_lock(cfg, wait):
        try:
            return _run_batch(districts, cfg, workers, scheduler, show_progress)
        except OSError as exc:  # the output folder itself cannot be written (full disk, read-only)
            from propilas.run.runner import os_reason

            raise PropilasError(os_reason(exc, str(cfg.out_dir))) from None


def _run_batch(districts: list[str], cfg: RunConfig, workers: int, scheduler: str | None,
               show_progress: bool) -> dict[str, Any]:
    from propilas.report.index import write_index_in_progress
    from propilas.run.kernel import _KernelPool

    started = _dt.datetime.now(_dt.timezone.utc)
    # until this run ends, the index says a run is in progress and links nothing it may replace
    from propilas.run.runner import remove_stale_temporaries

    remove_stale_temporaries(cfg.out_dir, recursive=False)  # left by a killed run (index, comparison)
    write_index_in_progress(cfg.out_dir, cfg.run_id, started.isoformat(timespec="seconds"))
    t0 = time.perf_counter()
    # the kernel of a sequential batch's districts, then of the comparison (started when first needed)
    kernel = cfg.kernel or "propilas"
    pool = _KernelPool(kernel, cfg.root, ensure=kernel if scheduler is None else None)
    try:
        return _run_batch_with(districts, cfg, workers, scheduler, show_progress, pool, started, t0)
    finally:
        pool.discard()


def _run_batch_with(districts: list[str], cfg: RunConfig, workers: int, scheduler: str | None,
                    show_progress: bool, pool, started: _dt.datetime, t0: float) -> dict[str, Any]:
    from propilas.core.atomicio import atomic_write_json
    from propilas.report.index import write_index

    if scheduler:
        results = _run_dask(districts, cfg, scheduler, show_progress)
    else:
        results = _run_local(districts, cfg, workers, show_progress, pool)
    results = {d: results[d] for d in districts}
    # Whatever a stage re-run made stale was removed with it (runner.clear_district_reports); the
    # combined report and plan are rebuilt before the comparison, the workbook (it cites this run's
    # manifest) after it.
    for d in districts:
        finish_district(cfg, d, results[d], ("report", "plan"))
    # The report set accumulates (issue 13 §4): districts of earlier runs whose outputs are on disk
    # stay in the index and, when their inputs did not change since, in the comparison.
    kept = kept_districts(cfg, districts)
    done = [d for d in districts if completed(results[d])]
    done += [d for d, info in kept.items() if info["status"] == "completed" and not info.get("stale")]
    done = _in_order(cfg, done)
    from propilas.run.comparison_run import run_comparison

    try:
        comparison = run_comparison(cfg, done, results, pool)
    except Exception as exc:  # noqa: BLE001
        from propilas.run.kernel import _failure_reason

        comparison = StageResult("*", COMPARISON.name, FAILED, 0.0, _failure_reason(exc))
    for d in districts:  # every page links to the index, its report, the stages around it, its twin
        link_district_pages(cfg, d, results[d])
    link_comparison_page(cfg, comparison)
    manifest = build_manifest(cfg, districts, results, comparison, started, time.perf_counter() - t0, kept, done)
    atomic_write_json(manifest, cfg.out_dir / "manifest.json")
    if not all([finish_district(cfg, d, results[d], ("workbook",)) for d in districts]):
        manifest = build_manifest(cfg, districts, results, comparison, started, time.perf_counter() - t0, kept, done)
        atomic_write_json(manifest, cfg.out_dir / "manifest.json")
    try:
        write_index(cfg.out_dir, manifest, site_language(cfg), twin_page(cfg, cfg.out_dir / "index.html", None))
    except Exception as exc:  # noqa: BLE001 - the manifest must not say 0 when the run did not finish
        manifest["exit_code"] = 1
        manifest["error"] = f"index.html could not be written: {type(exc).__name__}: {exc}"
        atomic_write_json(manifest, cfg.out_dir / "manifest.json")
    return manifest


def finish_district(cfg: RunConfig, district: str, results: list[StageResult],
                    steps: tuple[str, ...] = ("report", "plan", "workbook")) -> bool:
    """report.html, plan.docx, tables.xlsx (the `steps` asked for); a failure here fails this
    district alone, recorded in its results with the reason. False when a step failed."""
    from propilas.run.kernel import _failure_reason

    builders = {"report": write_district_report, "workbook": export_workbook, "plan": write_plan_document}
    for step in steps:
        build = builders[step]
        try:
            build(cfg, district, results)
        except Exception as exc:  # noqa: BLE001
            from propilas.run.runner import clear_district_reports

            lang = _district_language(cfg, district)
            reason = t("val.run.derived_failed", lang, file=DERIVED[step], reason=_failure_reason(exc, lang))
            results.append(StageResult(district, step, FAILED, 0.0, reason))
            try:
                clear_district_reports(cfg, district)
            except OSError:
                pass
            return False
    return True


def _district_language(cfg: RunConfig, district: str) -> str:
    """The language of a district's pages (--language, else its params), for its failure reasons."""
    if cfg.language:
        return cfg.language
    from propilas.core.params import load_params

    try:
        return load_params(district, cfg.params_dir).language
    except PropilasError:
        return site_language(cfg)


def _derived_fresh(cfg: RunConfig, district: str, record: str, key: str) -> bool:
    from propilas.run import cache

    path = district_dir(cfg.out_dir, district) / DERIVED[record]
    return not cfg.force and path.exists() and cache.is_fresh(district_dir(cfg.out_dir, district), record, key)


def export_workbook(cfg: RunConfig, district: str, results: list[StageResult]) -> None:
    """tables.xlsx of a completed district (consultants work in Excel); removed for a failed one.
    Cached by the tables it is built from, so an old workbook is never presented as current."""
    from propilas.core.params import load_params
    from propilas.core.paths import stage_outputs
    from propilas.run import cache

    d = district_dir(cfg.out_dir, district)
    path = d / DERIVED["workbook"]
    if not completed(results):
        cache.invalidate(d, "workbook")
        path.unlink(missing_ok=True)
        return
    params = load_params(district, cfg.params_dir)
    lang = cfg.language or params.language
    params = params.model_copy(update={"language": lang})  # the summary sheet's headline (issue 13 §7)
    inputs = [p for st in STAGES for p in stage_outputs(cfg.out_dir, district, st)]
    key = cache.stage_key(None, {"derived": "tables.xlsx", "language": lang}, inputs)
    if _derived_fresh(cfg, district, "workbook", key):
        return
    cache.invalidate(d, "workbook")
    from propilas.report.excel_export import export_tables_xlsx  # openpyxl, pandas: only to build

    export_tables_xlsx(cfg.out_dir, district, lang, params=params)
    cache.save_record(d, "workbook", key, [path], {"run_id": cfg.run_id})


def write_plan_document(cfg: RunConfig, district: str, results: list[StageResult]) -> None:
    """plan.docx of a completed district (the plan the council approves, report/plan_document.py);
    removed for a failed one. Cached by the tables, parameters and boundaries it is built from."""
    from propilas.core.params import load_params
    from propilas.core.paths import stage_outputs
    from propilas.core.paths import BOUNDARY_DISTRICTS as DISTRICTS, boundaries_dir
    from propilas.run import cache

    d = district_dir(cfg.out_dir, district)
    path = d / DERIVED["plan"]
    if not completed(results):
        cache.invalidate(d, "plan")
        path.unlink(missing_ok=True)
        return
    lang = cfg.language or load_params(district, cfg.params_dir).language
    inputs = [p for st in STAGES for p in stage_outputs(cfg.out_dir, district, st)]
    inputs += [cfg.params_dir / f"{district}.yaml", cfg.params_dir / "defaults.yaml",
               boundaries_dir(cfg.data_dir) / DISTRICTS, d / STAGES[-1].notebook]  # its charts: stage 08's
    key = cache.stage_key(None, {"derived": "plan.docx", "language": lang}, inputs)
    if _derived_fresh(cfg, district, "plan", key):
        return
    cache.invalidate(d, "plan")
    from propilas.report.plan_document import build_plan_document  # python-docx, pandas: only to build

    build_plan_document(cfg.out_dir, district, cfg.params_dir, cfg.data_dir, path=path, language=lang,
                        run_id=cfg.run_id)
    cache.save_record(d, "plan", key, [path], {"run_id": cfg.run_id})


def export_workbooks(cfg: RunConfig, districts: list[str], results: dict[str, list[StageResult]]) -> None:
    for d in districts:
        export_workbook(cfg, d, results[d])


def write_district_report(cfg: RunConfig, district: str, results: list[StageResult]) -> None:
    """report.html: all stages in one code-free document with a contents list (only when all completed).
    Cached by the stage notebooks it is built from, so an old report is never presented as current."""
    from propilas.core.labels import t
    from propilas.core.params import load_params
    from propilas.run import cache

    d = district_dir(cfg.out_dir, district)
    report = d / DERIVED["report"]
    if not completed(results):
        cache.invalidate(d, "report")
        report.unlink(missing_ok=True)
        return
    p = load_params(district, cfg.params_dir)
    lang = cfg.language or p.language
    parts = [(f"stage-{s.id}", f"{s.id}. {s.title(lang)}", d / s.notebook) for s in STAGES]
    title = f"{p.name} — {t('report.title', lang)}"
    key = cache.stage_key(None, {"derived": "report.html", "title": title, "language": lang},
                          [nb for _, _, nb in parts])
    if _derived_fresh(cfg, district, "report", key):
        return  # built from exactly these notebooks by an earlier run
    from propilas.report.htmlexport import combined_report  # nbconvert only when the report is rebuilt

    cache.invalidate(d, "report")
    combined_report(parts, title, report, t("report.contents", lang))
    cache.save_record(d, "report", key, [report], {"run_id": cfg.run_id})


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_languages(districts: list[str], cfg: RunConfig, languages: list[str], **kw: Any) -> dict[str, dict[str, Any]]:
    """The report set in each language: the first in `cfg.out_dir`, each other one in
    `cfg.out_dir/<language>/` (README: "Two languages"); then every page is linked to its twin.
    Returns {language: manifest}."""
    import dataclasses

    from propilas.report.index import write_index

    top = cfg.out_dir
    if len(languages) <= 1:
        c = dataclasses.replace(cfg, language=languages[0] if languages else cfg.language)
        return {c.language or site_language(c): run_batch(districts, c, **kw)}
    manifests: dict[str, dict[str, Any]] = {}
    configs: dict[str, RunConfig] = {}
    for i, lang in enumerate(languages):
        c = dataclasses.replace(cfg, out_dir=top if i == 0 else top / lang, language=lang, site_root=top)
        configs[lang] = c
        manifests[lang] = run_batch(districts, c, **kw)
    for lang, c in configs.items():  # now that every language exists, each page links to its twin
        with output_lock(c, kw.get("wait", 0)):
            for d in districts:
                link_district_pages(c, d)
            link_comparison_page(c)
            write_index(c.out_dir, manifests[lang], site_language(c), twin_page(c, c.out_dir / "index.html", None))
    return manifests
