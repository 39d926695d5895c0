"""The comparison notebook of a batch: over the districts that completed every stage, cached like a stage."""

from __future__ import annotations

import time

from propilas.core.labels import t
from propilas.core.paths import output_path
from propilas.core.registry import COMPARISON
from propilas.run.runner import CACHED, FAILED, NOT_RUN, OK, RunConfig, StageResult
from propilas.run.site import site_language


def run_comparison(cfg: RunConfig, done: list[str], results: dict[str, list[StageResult]],
                   pool=None) -> StageResult:
    """The comparison notebook over the districts that completed every stage (cached like a stage);
    in `pool`'s kernel (the batch's) when given, reset first like between stages."""
    from propilas.run import cache
    from propilas.core.provenance import hash_files

    src = cfg.notebooks_dir / COMPARISON.notebook
    summaries = [output_path(cfg.out_dir, d, "summary.json") for d in done]
    lang = site_language(cfg)
    params = {"districts": done, "out_dir": str(cfg.out_dir), "run_id": cfg.run_id, "language": lang}
    key = cache.stage_key(src, {k: v for k, v in params.items() if k != "run_id"}, summaries)
    nb_out, html_out, csv_out = (cfg.out_dir / COMPARISON.notebook, cfg.out_dir / "comparison.html",
                                 cfg.out_dir / "comparison.csv")
    inputs = hash_files(summaries, cfg.root)
    if not done:
        for p in (nb_out, html_out, csv_out):
            p.unlink(missing_ok=True)
        return StageResult("*", COMPARISON.name, NOT_RUN, reason=t("val.run.no_district_completed", lang))
    if not cfg.force and nb_out.exists() and html_out.exists() and cache.is_fresh(cfg.out_dir, COMPARISON.name, key):
        rec = cache.load_record(cfg.out_dir, COMPARISON.name) or {}
        return StageResult("*", COMPARISON.name, CACHED, 0.0, t("val.run.unchanged_summaries", lang), inputs,
                           rec.get("outputs", {}))
    cache.invalidate(cfg.out_dir, COMPARISON.name)
    for p in (html_out, csv_out):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    from propilas.report.htmlexport import export_html  # nbconvert, papermill: only when it runs
    from propilas.run.kernel import _failure_reason, execute_notebook

    try:
        kernel = cfg.kernel or "propilas"
        execute_notebook(src, nb_out, params, kernel, 600, cfg.root, pool.use(kernel).get() if pool else None)
        export_html(nb_out, html_out, "PROPILAS · comparison")
    except Exception as exc:  # noqa: BLE001
        if pool is not None:
            pool.discard()
        if nb_out.exists():
            export_html(nb_out, html_out, "PROPILAS · comparison (FAILED)")
        csv_out.unlink(missing_ok=True)
        return StageResult("*", COMPARISON.name, FAILED, time.perf_counter() - t0, _failure_reason(exc, lang), inputs)
    hashes = cache.save_record(cfg.out_dir, COMPARISON.name, key, [nb_out, html_out, csv_out], {"run_id": cfg.run_id})
    return StageResult("*", COMPARISON.name, OK, time.perf_counter() - t0, "", inputs, hashes)
