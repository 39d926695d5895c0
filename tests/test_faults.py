"""Faults around a run (issue 12 §1, §6, §8): one district's failure, at any step, is its own; a
full disk or a read-only folder gives one clear error naming the path; a second run on the same
output folder is refused naming the first; a kill during the comparison never leaves an old
report.html/tables.xlsx presented as current; files get the user's umask; --out never points
into the project's notebooks/, params/, data/ or lib/.

Fast tests first (no notebook executed); the e2e ones execute notebooks with papermill on the
fixture district (marked e2e).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT

FIX = ROOT / "tests" / "fixtures"


def make_project(dest: Path, notebooks: bool = True) -> Path:
    if notebooks:
        shutil.copytree(ROOT / "notebooks", dest / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        (dest / "notebooks").mkdir(parents=True)
    shutil.copytree(FIX / "params", dest / "params")
    shutil.copytree(FIX / "data", dest / "data")
    return dest


def add_district(proj: Path, district: str, params_text: str | None = None) -> None:
    text = (FIX / "params" / "fixture.yaml").read_text(encoding="utf-8")
    text = text.replace("district: fixture", f"district: {district}")
    (proj / "params" / f"{district}.yaml").write_text(params_text if params_text is not None else text,
                                                       encoding="utf-8")
    shutil.copytree(FIX / "data" / "fixture", proj / "data" / district)


def dead_links(page: Path) -> list[str]:
    """Relative href/src of a page that point at no file."""
    text = page.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:href|src)=['"]([^'"#]+)['"]""", text)
    return [r for r in refs if not re.match(r"^[a-z]+:", r) and not (page.parent / r).exists()]


def unwritable(folder: Path, monkeypatch) -> None:
    """Make `folder` refuse writes: chmod for a normal user; root ignores permissions, so there the
    system calls that create files or folders under it fail with EACCES, as they would."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return
    base = folder.resolve()
    real_open, real_mkdir = os.open, os.mkdir

    def inside(p) -> bool:
        return Path(os.path.abspath(os.fsdecode(p))).is_relative_to(base)

    def guarded_open(p, flags, *a, **k):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and inside(p):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(p))
        return real_open(p, flags, *a, **k)

    def guarded_mkdir(p, *a, **k):
        if inside(p) and Path(os.fsdecode(p)).resolve() != base:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(p))
        return real_mkdir(p, *a, **k)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)


def cli(proj: Path, args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    from propilas.cli import main

    monkeypatch.chdir(proj)
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


# --------------------------------------------------------------------------- §8 files


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_atomic_writes_follow_the_umask(tmp_path, mask, mode):
    from propilas.inputs.tableio import atomic_write_json, atomic_write_text

    old = os.umask(mask)
    try:
        atomic_write_text("x", tmp_path / "a.txt")
        atomic_write_json({"a": 1}, tmp_path / "b.json")
    finally:
        os.umask(old)
    for name in ("a.txt", "b.json"):  # 0600 before: unreadable to a colleague on a shared server
        assert (tmp_path / name).stat().st_mode & 0o777 == mode, name


@pytest.mark.parametrize("inside", ["notebooks", "params", "data", "lib", "notebooks/sub", "."])
def test_out_inside_the_project_folders_is_refused(inside, tmp_path, monkeypatch, capsys):
    proj = make_project(tmp_path / "proj", notebooks=False)
    (proj / "lib").mkdir()
    (proj / "notebooks" / "comparison.ipynb").write_text("{}", encoding="utf-8")
    before = sorted(str(p.relative_to(proj)) for p in proj.rglob("*"))
    code, out, err = cli(proj, ["run", "fixture", "--out", inside], monkeypatch, capsys)
    assert code == 2, out + err
    assert err.startswith("error: --out ") and "Choose a folder outside it" in err or "project folder itself" in err
    assert str((proj / inside).resolve()) in err
    assert sorted(str(p.relative_to(proj)) for p in proj.rglob("*")) == before  # nothing written
    assert (proj / "notebooks" / "comparison.ipynb").read_text(encoding="utf-8") == "{}"


# --------------------------------------------------------------------------- §6 temporary files, full disk


def test_full_disk_leaves_neither_temporary_nor_truncated_file(tmp_path, monkeypatch):
    from propilas.core import atomicio
    from propilas.inputs import tableio

    dest = tmp_path / "summary.json"
    dest.write_text('{"old": true}\n', encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomicio.os, "fsync", full)
    with pytest.raises(OSError) as exc:
        tableio.atomic_write_json({"new": True}, dest)
    assert exc.value.errno == errno.ENOSPC
    assert dest.read_text(encoding="utf-8") == '{"old": true}\n'  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]  # no temporary file left


def test_a_notebook_cut_short_is_deleted_not_renamed(tmp_path, monkeypatch):
    """papermill writing into a full disk: the half-written temporary notebook is never renamed
    to its final name (a truncated 00_profile.ipynb was presented before)."""
    import papermill as pm

    from propilas.run import kernel

    src = ROOT / "notebooks" / "00_profile.ipynb"
    dest = tmp_path / "00_profile.ipynb"

    def fake_execute(src_path, out_path, **kw):
        text = src.read_text(encoding="utf-8")
        Path(out_path).write_text(text[: len(text) // 2], encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", out_path)

    monkeypatch.setattr(pm, "execute_notebook", fake_execute)
    with pytest.raises(OSError):
        kernel.execute_notebook(src, dest, {}, "python3", 10, tmp_path)
    assert list(tmp_path.iterdir()) == []
    reason = kernel._failure_reason(OSError(errno.ENOSPC, "No space left on device", str(dest)))
    assert str(dest) in reason and "No space left on device" in reason and "free space" in reason


# --------------------------------------------------------------------------- §6 the index


def _manifest(out: Path, comparison_status: str = "ok") -> dict:
    from propilas.core.registry import STAGES

    return {"run_id": "R", "started_utc": "2024-01-01T00:00:00+00:00", "code_version": {"commit": "abc"},
            "districts": {"fixture": {"status": "completed",
                                      "stages": {s.name: {"status": "ok", "reason": ""} for s in STAGES}}},
            "comparison": {"status": comparison_status, "reason": ""}, "exit_code": 0}


def test_index_links_only_files_that_exist(tmp_path):
    from propilas.report.index import write_index

    out = tmp_path / "out"
    (out / "fixture").mkdir(parents=True)
    (out / "comparison.html").write_text("x", encoding="utf-8")  # no comparison.csv, no manifest.json
    (out / "fixture" / "00_profile.html").write_text("x", encoding="utf-8")
    page = write_index(out, _manifest(out))
    assert dead_links(page) == []
    text = page.read_text(encoding="utf-8")
    assert "href='comparison.html'" in text and "href='fixture/00_profile.html'" in text
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    (out / "comparison.csv").write_text("x", encoding="utf-8")
    text = write_index(out, _manifest(out)).read_text(encoding="utf-8")
    assert "comparison.csv</a>" in text and 'href="manifest.json"' in text


def test_index_while_a_run_writes_links_nothing(tmp_path):
    from propilas.report.index import write_index_in_progress

    page = write_index_in_progress(tmp_path, "RUN-1", "2024-01-01T00:00:00+00:00")
    text = page.read_text(encoding="utf-8")
    assert "href=" not in text and "RUN-1" in text
    assert "propilas run" in text and "interrupted" in text and "se interrumpió" in text


# --------------------------------------------------------------------------- §6 cache keys


def test_stage_00_key_includes_the_round_folders(tmp_path):
    from propilas.core.registry import STAGES
    from propilas.run import cache
    from propilas.run.runner import RunConfig, data_files

    proj = make_project(tmp_path / "proj")
    for year in ("2018", "2019"):
        shutil.copytree(FIX / "data" / "fixture", proj / "data" / "fixture" / "rounds" / year,
                        ignore=shutil.ignore_patterns("rounds"))
    cfg = RunConfig.create(proj, tmp_path / "out")
    st = STAGES[0]

    def key() -> str:
        return cache.stage_key(proj / "notebooks" / st.notebook, {}, data_files(cfg, "fixture", st))

    files = [str(p.relative_to(proj / "data" / "fixture")) for p in data_files(cfg, "fixture", st)]
    assert "rounds/2018/communities.csv" in files and "rounds/2019/water_systems.csv" in files
    k2 = key()
    shutil.rmtree(proj / "data" / "fixture" / "rounds" / "2018")  # its warnings were kept in the profile
    k1 = key()
    assert k1 != k2
    # the same files under another year's folder are another input
    shutil.move(proj / "data" / "fixture" / "rounds" / "2019", proj / "data" / "fixture" / "rounds" / "2020")
    assert key() != k1


# --------------------------------------------------------------------------- §1 a district's failure is its own


def _batch(proj: Path, out: Path, districts: list[str], **kw):
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    cfg = RunConfig.create(proj, out, params_dir=proj / "params", data_dir=proj / "data")
    return run_batch(districts, cfg, workers=1, show_progress=False, **kw)


def test_unreadable_params_fail_their_district_only(tmp_path):
    """A params path that is a folder and a 1000-deep YAML used to stop the whole run (no index,
    manifest exit 0 while the process exited 1). No notebook is executed: both fail at loading."""
    proj = make_project(tmp_path / "proj", notebooks=False)
    add_district(proj, "folder")
    (proj / "params" / "folder.yaml").unlink()
    (proj / "params" / "folder.yaml").mkdir()
    add_district(proj, "deep", (FIX / "params" / "fixture.yaml").read_text(encoding="utf-8")
                 .replace("district: fixture", "district: deep") + "data_note: " + "[" * 5000 + "]" * 5000 + "\n")
    out = tmp_path / "out"
    m = _batch(proj, out, ["folder", "deep"])
    assert m["exit_code"] == 1
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert saved["exit_code"] == 1
    folder = m["districts"]["folder"]["stages"]["00_profile"]
    deep = m["districts"]["deep"]["stages"]["00_profile"]
    # the reasons come in the index's language (no --language, no PROPILAS_LANG: Spanish; issue 13 §2)
    assert folder["status"] == "failed" and "folder.yaml es una carpeta, no un archivo de parámetros" in folder["reason"]
    assert deep["status"] == "failed" and "anidados en más de 32 niveles" in deep["reason"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "es una carpeta, no un archivo de parámetros" in index and "anidados en más de 32 niveles" in index
    assert dead_links(out / "index.html") == []


def test_a_report_or_workbook_failure_fails_that_district_and_the_exit_code(tmp_path, monkeypatch):
    """openpyxl refusing a text at the workbook export crashed the batch after manifest.json said 0."""
    from propilas.core.registry import STAGES
    from propilas.run import batch
    from propilas.run.runner import OK, RunConfig, StageResult, completed

    proj = make_project(tmp_path / "proj", notebooks=False)
    cfg = RunConfig.create(proj, tmp_path / "out")
    results = [StageResult("fixture", s.name, OK) for s in STAGES]
    monkeypatch.setattr(batch, "write_district_report", lambda *a: None)
    monkeypatch.setattr(batch, "write_plan_document", lambda *a: None)

    def refuse(*a):
        raise ValueError("IllegalCharacterError: '\\x07' cannot be used in worksheets")

    monkeypatch.setattr(batch, "export_workbook", refuse)
    assert batch.finish_district(cfg, "fixture", results) is False
    assert not completed(results)
    assert results[-1].stage == "workbook" and results[-1].status == "failed"
    assert "tables.xlsx could not be written" in results[-1].reason and "IllegalCharacterError" in results[-1].reason
    comparison = StageResult("*", "comparison", "not_run")
    import datetime as dt

    m = batch.build_manifest(cfg, ["fixture"], {"fixture": results}, comparison, dt.datetime.now(dt.timezone.utc), 1)
    assert m["exit_code"] == 1 and m["districts"]["fixture"]["status"] == "failed"


# --------------------------------------------------------------------------- §6 read-only output


def test_read_only_output_folder_is_one_clear_error(tmp_path, monkeypatch, capsys):
    proj = make_project(tmp_path / "proj", notebooks=False)
    out = tmp_path / "ro-out"
    unwritable(out, monkeypatch)
    monkeypatch.setenv("PROPILAS_LANG", "en")  # the CLI answers in the chosen language (issue 13 §2)
    code, stdout, err = cli(proj, ["run", "fixture", "--out", str(out)], monkeypatch, capsys)
    assert code == 2, stdout + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"error: cannot write {out}") and "Permission denied" in err
    assert "choose another --out" in err


def test_second_run_on_the_same_output_is_refused_naming_the_first(tmp_path, monkeypatch, capsys):
    """The lock is held by another process (here a child holding it); the second run changes nothing."""
    proj = make_project(tmp_path / "proj", notebooks=False)
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import json, os, sys, time; from filelock import FileLock\n"
        f"lock = FileLock({str(out / '.propilas.lock')!r}); lock.acquire()\n"
        f"open({str(out / '.propilas.lock.json')!r}, 'w').write(json.dumps({{'pid': os.getpid(), 'host': 'h1', "
        "'run_id': 'RUN-A', 'started_utc': '2024-01-01T00:00:00+00:00'}))\n"
        "print('locked', flush=True); time.sleep(60)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        (out / "index.html").write_text("first run's index", encoding="utf-8")
        code, stdout, err = cli(proj, ["run", "fixture", "--out", str(out)], monkeypatch, capsys)
    finally:
        holder.kill()
        holder.wait()
    assert code == 2, stdout + err
    assert f"another propilas run is writing to {out}" in err
    assert f"run RUN-A (process {holder.pid} on h1" in err and "--wait" in err
    assert (out / "index.html").read_text(encoding="utf-8") == "first run's index"


# --------------------------------------------------------------------------- e2e: full disk in a stage


@pytest.mark.e2e
def test_full_disk_while_saving_a_stage_notebook(tmp_path, monkeypatch):
    """ENOSPC injected into papermill's notebook write: no truncated notebook under its final
    name, no temporary file, the stage fails with the path and what to do, the index links no
    missing file and the manifest says exit 1."""
    from papermill import iorw

    proj = make_project(tmp_path / "proj")
    out = tmp_path / "out"
    real = iorw.LocalHandler.write

    def full_disk(self, buf, path):
        if "00_profile" in str(path):
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(buf[: len(buf) // 3])
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(self, buf, path)

    monkeypatch.setattr(iorw.LocalHandler, "write", full_disk)
    m = _batch(proj, out, ["fixture"])
    st = m["districts"]["fixture"]["stages"]["00_profile"]
    assert m["exit_code"] == 1 and st["status"] == "failed"
    assert "No space left on device" in st["reason"] and "00_profile" in st["reason"] and "free space" in st["reason"]
    nb = out / "fixture" / "00_profile.ipynb"
    if nb.exists():  # the runner's note saying why, never the cut-short file
        assert "FAILED" in json.dumps(json.loads(nb.read_text(encoding="utf-8")))
    assert not (out / "fixture" / "tables" / "communities.csv").exists()
    assert [p.name for p in out.rglob("*") if ".tmp" in p.name] == []
    assert dead_links(out / "index.html") == []


@pytest.mark.e2e
def test_a_stage_that_cannot_finish_keeps_none_of_its_tables(tmp_path, monkeypatch):
    """Stage 00 wrote its tables, then its page could not be saved (full disk): the tables go."""
    from propilas.report import htmlexport

    proj = make_project(tmp_path / "proj")
    out = tmp_path / "out"
    real = htmlexport.export_html

    def full_disk(nb, html_out, title):
        if Path(html_out).name == "00_profile.html" and "FAILED" not in title:
            raise OSError(errno.ENOSPC, "No space left on device", str(html_out))
        return real(nb, html_out, title)

    monkeypatch.setattr(htmlexport, "export_html", full_disk)
    m = _batch(proj, out, ["fixture"])
    st = m["districts"]["fixture"]["stages"]["00_profile"]
    assert st["status"] == "failed" and "No space left on device" in st["reason"], st
    assert str(out / "fixture" / "00_profile.html") in st["reason"]
    assert not list((out / "fixture" / "tables").glob("*.csv")) if (out / "fixture" / "tables").exists() else True
    assert not (out / "fixture" / ".cache" / "00_profile.json").exists()


# --------------------------------------------------------------------------- e2e: concurrency and kill


def _children(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                parents[int(d)] = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out.update(kids)
        todo += kids
    return out


def _start(proj: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "propilas", "run", "fixture", "--out", str(out), "--workers", "1",
                             "--quiet", *extra], cwd=proj, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))


def _wait_for(pattern: str, folder: Path, proc: subprocess.Popen, limit_s: float = 180) -> None:
    t0 = time.monotonic()
    while not list(folder.glob(pattern)):
        assert proc.poll() is None, f"run ended before {pattern} appeared: {proc.stdout.read()}{proc.stderr.read()}"
        assert time.monotonic() - t0 < limit_s, f"{pattern} did not appear within {limit_s} s"
        time.sleep(0.05)


def _xlsx_texts(path: Path) -> set[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None}


OLD, NEW = "$\\frac{a$", "Nuevo $y$ nombre"


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """run A ('$…$' names) with a second run B started while A holds the folder; then a name
    changes and run C is killed during the comparison; then run D (in-process, with a district
    whose output folder is read-only) completes."""
    base = tmp_path_factory.mktemp("faults")
    proj = make_project(base / "proj")
    comm = proj / "data" / "fixture" / "communities.csv"
    comm.write_text(comm.read_text(encoding="utf-8").replace("Alto Perú", OLD), encoding="utf-8")
    params = proj / "params" / "fixture.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("name: Distrito de prueba",
                                                                 "name: Distrito $x^2$ de prueba"), encoding="utf-8")
    add_district(proj, "ro")
    out = base / "out"
    res: dict = {"proj": proj, "out": out}
    a = _start(proj, out)
    _wait_for(".propilas.lock.json", out, a)
    b = _start(proj, out)
    b_out, b_err = b.communicate(timeout=120)
    res["B"] = {"code": b.returncode, "err": b_err, "a_pid": a.pid, "a_running_after_b": a.poll() is None}
    a_out, a_err = a.communicate(timeout=600)
    res["A"] = {"code": a.returncode, "out": a_out, "err": a_err,
                "manifest": json.loads((out / "manifest.json").read_text(encoding="utf-8"))}
    res["A_report_old"] = OLD in (out / "fixture" / "report.html").read_text(encoding="utf-8")
    comm.write_text(comm.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    # run C's comparison says it started, then waits to be killed
    nb_path = proj / "notebooks" / "comparison.ipynb"
    original = nb_path.read_text(encoding="utf-8")
    nb = json.loads(original)
    at = next(i for i, cell in enumerate(nb["cells"]) if "parameters" in cell.get("metadata", {}).get("tags", []))
    nb["cells"].insert(at + 1, {"cell_type": "code", "execution_count": None, "id": "kill-here", "metadata": {},
                                "outputs": [], "source": "import pathlib, time\n"
                                "pathlib.Path(out_dir, 'comparison-started').touch()\ntime.sleep(600)"})
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    c = _start(proj, out)
    _wait_for("comparison-started", out, c)
    kids = _children(c.pid)
    os.killpg(c.pid, signal.SIGKILL)
    c.wait(timeout=30)
    for k in kids:  # our own children only, by pid (kernels run in their own session)
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    res["C"] = {"code": c.returncode, "files": sorted(str(p.relative_to(out)) for p in out.rglob("*"))}
    report, xlsx = out / "fixture" / "report.html", out / "fixture" / "tables.xlsx"
    res["C_report"] = report.read_text(encoding="utf-8") if report.exists() else None
    res["C_xlsx"] = _xlsx_texts(xlsx) if xlsx.exists() else None
    res["C_dead_links"] = dead_links(out / "index.html")
    nb_path.write_text(original, encoding="utf-8")
    (out / "comparison-started").unlink()
    mp = pytest.MonkeyPatch()
    try:
        unwritable(out / "ro", mp)
        res["D"] = _batch(proj, out, ["fixture", "ro"])
    finally:
        mp.undo()
    return res


@pytest.mark.e2e
def test_second_run_is_refused_and_the_first_finishes_unharmed(sequence):
    b, a = sequence["B"], sequence["A"]
    assert b["code"] == 2 and b["a_running_after_b"], b
    assert "another propilas run is writing to" in b["err"] and f"process {b['a_pid']} " in b["err"], b["err"]
    assert a["code"] == 0, a["out"] + a["err"]
    assert a["manifest"]["exit_code"] == a["code"]
    assert a["manifest"]["districts"]["fixture"]["status"] == "completed"


@pytest.mark.e2e
def test_dollar_names_are_plain_text_in_charts_and_titles(sequence):
    assert sequence["A"]["manifest"]["districts"]["fixture"]["status"] == "completed"
    assert sequence["A_report_old"]  # the name is in the report, read literally


@pytest.mark.e2e
def test_kill_during_the_comparison_leaves_no_old_report_as_current(sequence):
    assert sequence["C"]["code"] == -signal.SIGKILL
    report, xlsx = sequence["C_report"], sequence["C_xlsx"]
    if report is not None:
        assert OLD not in report and NEW in report
    if xlsx is not None:
        assert OLD not in xlsx and NEW in xlsx
    assert sequence["C_dead_links"] == []


@pytest.mark.e2e
def test_next_run_completes_and_a_read_only_district_fails_alone(sequence):
    m, out = sequence["D"], sequence["out"]
    assert m["exit_code"] == 1
    assert m["districts"]["fixture"]["status"] == "completed"
    ro = m["districts"]["ro"]["stages"]["00_profile"]
    assert ro["status"] == "failed" and str(out / "ro") in ro["reason"] and "Permission denied" in ro["reason"]
    report = (out / "fixture" / "report.html").read_text(encoding="utf-8")
    assert NEW in report and OLD not in report
    assert NEW in _xlsx_texts(out / "fixture" / "tables.xlsx")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["exit_code"] == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Permission denied" in index and dead_links(out / "index.html") == []
    assert not (out / ".propilas.lock.json").exists()  # released
