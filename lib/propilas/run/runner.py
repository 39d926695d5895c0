"""Run the stage notebooks for districts: in order per district, districts in parallel, cached by content.

A district's stages run in one worker (a process, or a Dask worker); districts are independent.
One district failing never stops the others: its failed notebook is kept with the error
visible, later stages are not run and their stale outputs are removed, and the run's exit code
is non-zero.
"""

from __future__ import annotations

import datetime as _dt
import errno
import logging
import os
import re
import shutil
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from propilas.run import cache
from propilas.core.errors import PropilasError
from propilas.core.labels import t
from propilas.core.safetext import quote
from propilas.core.paths import district_dir, output_path, stage_outputs
from propilas.core.registry import COMPARISON, STAGES, Stage
from propilas.run.kernel import _KernelPool, _failure_reason, _write_failed_notebook, execute_notebook

OK, CACHED, FAILED, NOT_RUN = "ok", "cached", "failed", "not_run"


@dataclass(frozen=True)
class RunConfig:
    root: Path
    params_dir: Path
    data_dir: Path
    out_dir: Path
    notebooks_dir: Path
    run_id: str
    force: bool = False
    kernel: str | None = None  # None: from params (run.kernel)
    language: str | None = None  # override params.language for every district (tests run both)
    # issue 13: the language of the pages that belong to no district (index, comparison) when
    # `language` is None, and the top folder of a report set built in several languages (the
    # first language in it, each other one in <site_root>/<language>/; run/batch.run_languages)
    ui_language: str | None = None
    site_root: Path | None = None

    @classmethod
    def create(cls, root: Path | str = ".", out_dir: Path | str | None = None, force: bool = False,
               language: str | None = None, params_dir: Path | str | None = None,
               data_dir: Path | str | None = None, ui_language: str | None = None) -> "RunConfig":
        root = Path(root).resolve()
        run_id = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        return cls(root=root, params_dir=Path(params_dir or root / "params").resolve(),
                   data_dir=Path(data_dir or root / "data").resolve(),
                   out_dir=Path(out_dir or root / "outputs").resolve(), notebooks_dir=root / "notebooks",
                   run_id=run_id, force=force, language=language, ui_language=ui_language)


@dataclass
class StageResult:
    district: str
    stage: str
    status: str
    duration_s: float = 0.0
    reason: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Events = Callable[[str, str, str], None]


def _quiet_logs() -> None:
    import warnings

    for name in ("papermill", "traitlets", "nbclient", "asyncio"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="papermill")


def data_files(cfg: RunConfig, district: str, stage: Stage) -> list[Path]:
    folder = cfg.data_dir / district
    out: list[Path] = []
    tables = list(stage.data_inputs)
    if "communities" in tables and "rounds" not in tables:
        tables.append("rounds")  # stage 00 validates the round folders too: their warnings are in its profile
    if "communities" in tables:
        tables.append("data_quality")  # the importer's record, shown by stage 00 (issue 11)
    for table in tables:
        if table == "rounds":
            rounds = folder / "rounds"
            if rounds.is_dir():
                out += sorted(p for p in rounds.rglob("*") if p.is_file())
        else:
            out += sorted(p for p in folder.glob(f"{table}.*") if p.suffix in (".csv", ".xlsx")
                          and p.resolve().is_relative_to(cfg.data_dir.resolve()))
    return out


def upstream_files(cfg: RunConfig, district: str, stage: Stage) -> list[Path]:
    return [output_path(cfg.out_dir, district, t) for t in stage.table_inputs]


def notebook_paths(cfg: RunConfig, district: str, stage: Stage) -> tuple[Path, Path]:
    d = district_dir(cfg.out_dir, district)
    return d / stage.notebook, d / f"{stage.name}.html"


def clear_stage(cfg: RunConfig, district: str, stage: Stage, keep_notebook: bool = False) -> None:
    """Remove a stage's outputs so nothing stale can be mistaken for a current result."""
    d = district_dir(cfg.out_dir, district)
    cache.invalidate(d, stage.name)
    paths = stage_outputs(cfg.out_dir, district, stage)
    if not keep_notebook:
        paths += list(notebook_paths(cfg, district, stage))
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
    clear_district_reports(cfg, district)


# report.html and tables.xlsx are built from every stage: once any stage is cleared they are not current.
DERIVED = {"report": "report.html", "workbook": "tables.xlsx", "plan": "plan.docx"}


def clear_district_reports(cfg: RunConfig, district: str) -> None:
    d = district_dir(cfg.out_dir, district)
    for record, name in DERIVED.items():
        cache.invalidate(d, record)
        (d / name).unlink(missing_ok=True)


def check_writable(folder: Path) -> None:
    """Create `folder` and a file in it, or raise OSError naming the folder (read-only, full disk)."""
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    fd, probe = tempfile.mkstemp(prefix=".propilas-write-check.", dir=folder)
    try:
        os.write(fd, b"x")
    finally:
        os.close(fd)
        os.unlink(probe)


def os_reason(exc: OSError, what: str = "", language: str = "en") -> str:
    """One line for a failed write: the path, what the system said, what to do (in `language`)."""
    from propilas.core.messages import Msg

    path = exc.filename or what
    hint = {errno.ENOSPC: "space", errno.EDQUOT: "quota", errno.EACCES: "writable", errno.EPERM: "writable",
            errno.EROFS: "read_only"}.get(exc.errno, "other")
    msg = Msg("val.run.cannot_write", path=str(path), error=str(exc.strerror or exc), hint=Msg(f"val.run.hint.{hint}"))
    return msg.render(language) if language != "en" else msg


def _lang(cfg: RunConfig, params_data: dict[str, Any]) -> str:
    """The language of a district's pages, and so of its failure reasons (issue 13 §2)."""
    return cfg.language or params_data.get("language") or "es"


def stage_is_fresh(cfg: RunConfig, district: str, stage: Stage, key: str) -> bool:
    nb_out, html_out = notebook_paths(cfg, district, stage)
    return (not cfg.force and nb_out.exists() and html_out.exists()
            and cache.is_fresh(district_dir(cfg.out_dir, district), stage.name, key))


def district_is_fresh(cfg: RunConfig, district: str) -> bool:
    """Every stage of the district would be served from the cache (nothing to execute)."""
    from propilas.core.params import load_params

    if cfg.force:
        return False
    try:
        params = load_params(district, cfg.params_dir)
    except PropilasError:
        return False
    if cfg.language:
        params = params.model_copy(update={"language": cfg.language})
    params_data = params.model_dump(mode="json")
    for st in STAGES:
        inputs = data_files(cfg, district, st) + upstream_files(cfg, district, st)
        if not stage_is_fresh(cfg, district, st, cache.stage_key(cfg.notebooks_dir / st.notebook, params_data, inputs)):
            return False
    return True


def run_stage(cfg: RunConfig, district: str, stage: Stage, params_data: dict[str, Any], kernel: str,
              timeout: int, shared: "_KernelPool | None" = None) -> StageResult:
    from propilas.core.provenance import hash_files

    ddir = district_dir(cfg.out_dir, district)
    src = cfg.notebooks_dir / stage.notebook
    inputs = data_files(cfg, district, stage) + upstream_files(cfg, district, stage)
    key = cache.stage_key(src, params_data, inputs)
    nb_out, html_out = notebook_paths(cfg, district, stage)
    input_hashes = hash_files(inputs, cfg.root)
    if stage_is_fresh(cfg, district, stage, key):
        rec = cache.load_record(ddir, stage.name) or {}
        return StageResult(district, stage.name, CACHED, 0.0, t("val.run.cached", _lang(cfg, params_data)),
                           input_hashes, rec.get("outputs", {}))
    clear_stage(cfg, district, stage)
    t0 = time.perf_counter()
    parameters = {"district": district, "params_data": params_data, "params_dir": str(cfg.params_dir),
                  "data_dir": str(cfg.data_dir), "out_dir": str(cfg.out_dir), "run_id": cfg.run_id}
    try:
        kernel_now = shared.get() if shared else None  # a new kernel imports while nbconvert loads here
        from propilas.report.htmlexport import export_html  # nbconvert only when a stage really runs

        execute_notebook(src, nb_out, parameters, kernel, timeout, cfg.root, kernel_now)
    except BaseException as exc:  # noqa: BLE001 - any failure marks the stage failed, never the batch
        if shared:
            shared.discard()
        reason = _failure_reason(exc, _lang(cfg, params_data))
        if not nb_out.exists():
            _write_failed_notebook(src, nb_out, parameters, reason)
        if nb_out.exists():
            try:  # a page for people: plain reason, next step, the traceback folded (issue 13 §1)
                from propilas.report.failed_page import export_failed_html

                lang = cfg.language or params_data.get("language", "es")
                title = stage.title(lang)
                export_failed_html(nb_out, html_out, f"{params_data.get('name', district)} · {title}", reason,
                                   district, title, lang)
            except Exception:  # noqa: BLE001
                pass
        for p in stage_outputs(cfg.out_dir, district, stage):
            p.unlink(missing_ok=True)
        if isinstance(exc, KeyboardInterrupt):
            raise
        return StageResult(district, stage.name, FAILED, time.perf_counter() - t0, reason, input_hashes)
    outputs = stage_outputs(cfg.out_dir, district, stage)
    missing = [p.name for p in outputs if not p.exists()]
    try:
        if missing:
            raise StageOutputMissing(t("val.run.missing_outputs", _lang(cfg, params_data), files=missing))
        export_html(nb_out, html_out, f"{params_data.get('name', district)} · {stage.title(params_data.get('language', 'es'))}")
        out_hashes = cache.save_record(ddir, stage.name, key, outputs + [nb_out, html_out],
                                       {"run_id": cfg.run_id, "stage": stage.name})
    except Exception as exc:  # noqa: BLE001 - a stage that cannot finish leaves none of its tables
        cache.invalidate(ddir, stage.name)
        for p in outputs + [html_out]:
            p.unlink(missing_ok=True)
        reason = os_reason(exc, "", _lang(cfg, params_data)) if isinstance(exc, OSError) else str(exc)
        return StageResult(district, stage.name, FAILED, time.perf_counter() - t0, reason, input_hashes)
    return StageResult(district, stage.name, OK, time.perf_counter() - t0, "", input_hashes, out_hashes)


class StageOutputMissing(Exception):
    pass


def run_district(district: str, cfg: RunConfig, events: Events | None = None,
                 pool: _KernelPool | None = None) -> list[StageResult]:
    """Every stage in order for one district; stops at the first failure, never raises for data.

    `pool`: a kernel shared with the batch's other districts (a sequential batch); without it the
    district starts its own kernel and shuts it down at the end."""
    _quiet_logs()
    from propilas.core.params import load_params

    results: list[StageResult] = []
    emit = events or (lambda *a: None)
    lang = cfg.language or cfg.ui_language or "es"  # until the district's params say its language
    try:
        params = load_params(district, cfg.params_dir)
        lang = cfg.language or params.language
        if cfg.language:
            params = params.model_copy(update={"language": cfg.language})
        params_data = params.model_dump(mode="json")
        kernel = cfg.kernel or params.run.kernel
        timeout = params.run.cell_timeout_s
        check_writable(district_dir(cfg.out_dir, district))
    except Exception as exc:  # noqa: BLE001 - one district's bad input never stops the batch
        if isinstance(exc, PropilasError):
            reason = exc.text(lang)
        elif isinstance(exc, OSError):
            reason = os_reason(exc, str(district_dir(cfg.out_dir, district)), lang)
        else:
            reason = f"{type(exc).__name__}: {quote(str(exc))}"
        results.append(StageResult(district, STAGES[0].name, FAILED, 0.0, reason))
        emit(district, STAGES[0].name, FAILED)
        for st in STAGES[1:]:
            results.append(StageResult(district, st.name, NOT_RUN, reason=t("val.run.earlier_failed", lang)))
            emit(district, st.name, NOT_RUN)
        _write_log(cfg, district, results)
        return results
    remove_stale_district_outputs(cfg, district)
    own = pool is None
    pool = _KernelPool(kernel, cfg.root) if own else pool.use(kernel)
    try:
        _run_stages(cfg, district, params_data, kernel, timeout, pool, results, emit)
    finally:
        if own:
            pool.discard()
        else:
            pool.district_done()
    _write_log(cfg, district, results)
    return results


def _run_stages(cfg: RunConfig, district: str, params_data: dict[str, Any], kernel: str, timeout: int,
                pool: _KernelPool, results: list[StageResult], emit: Events) -> None:
    failed = False
    lang = _lang(cfg, params_data)
    for st in STAGES:
        if failed:
            clear_stage(cfg, district, st)
            results.append(StageResult(district, st.name, NOT_RUN, reason=t("val.run.earlier_failed", lang)))
            emit(district, st.name, NOT_RUN)
            continue
        emit(district, st.name, "running")
        try:
            res = run_stage(cfg, district, st, params_data, kernel, timeout, pool)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001
            reason = (os_reason(exc, "", lang) if isinstance(exc, OSError)
                      else f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
            res = StageResult(district, st.name, FAILED, 0.0, reason)
            try:  # a failed stage keeps none of its tables
                clear_stage(cfg, district, st, keep_notebook=True)
            except OSError:
                pass
        results.append(res)
        emit(district, st.name, res.status)
        failed = res.status == FAILED


def _write_log(cfg: RunConfig, district: str, results: list[StageResult]) -> None:
    from propilas.core.atomicio import atomic_write_text

    lines = [f"run {cfg.run_id} district {district}"]
    lines += [f"{r.stage:28s} {r.status:8s} {r.duration_s:7.1f}s {r.reason}" for r in results]
    try:
        atomic_write_text("\n".join(lines) + "\n", district_dir(cfg.out_dir, district) / "run.log")
    except OSError:  # an unwritable folder is already the district's recorded failure
        pass


def completed(results: list[StageResult]) -> bool:
    return all(r.status in (OK, CACHED) for r in results) and len(results) == len(STAGES)


# Temporary files of atomic writes (.NAME.XXXX.tmp, inputs/tableio.py) and of papermill's output
# (.STEM.PID.tmp.ipynb, run/kernel.py). A run holds the output folder's lock (run/lock.py), so any
# such file found when a district starts was left by a run that was killed mid-write.
_TEMPORARY = re.compile(r"^\..+\.tmp(\.ipynb)?$")


def remove_stale_temporaries(folder: Path, recursive: bool = True) -> None:
    if not folder.is_dir():
        return
    for p in (folder.rglob(".*") if recursive else folder.glob(".*")):
        if _TEMPORARY.match(p.name) and p.is_file():
            p.unlink(missing_ok=True)


def remove_stale_district_outputs(cfg: RunConfig, district: str) -> None:
    d = district_dir(cfg.out_dir, district)
    if d.exists():
        shutil.rmtree(d / ".tmp", ignore_errors=True)
        remove_stale_temporaries(d)
