"""The notebooks are the source (issue 14 §1-§2): each stage notebook is a lesson in Spanish and
English with its formula, a worked example and a self-checking exercise; every notebook is paired
with a jupytext percent script kept in sync; committed notebooks are fixed points of nbstripout
(no outputs, no counts, ids 0, 1, 2…), so saving or stripping them changes nothing; and a notebook
saved in JupyterLab with its outputs is written back byte for byte (run/lab.strip_on_save)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import jupytext
import nbformat
import pytest

from propilas.core.registry import COMPARISON, STAGES

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
STAGE_NOTEBOOKS = [ROOT / "notebooks" / s.notebook for s in STAGES]
BIN = Path(sys.executable).parent


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT / "notebooks"))


def cells_of(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_notebook_is_here_with_its_pair():
    names = {ids(p) for p in NOTEBOOKS}
    assert {s.notebook for s in STAGES + (COMPARISON,)} <= names
    assert {"lessons/weights.ipynb", "lessons/budget.ipynb", "lessons/sustainability.ipynb"} <= names
    for path in NOTEBOOKS:
        assert path.with_suffix(".py").is_file(), f"{ids(path)} has no jupytext pair {path.with_suffix('.py').name}"


def test_the_generators_are_retired():
    """What a trainer edits in JupyterLab is what runs: no script rewrites the notebooks."""
    for gone in ("build_notebooks.py", "extra_notebooks.py", "build_lessons.py", "trainer_notes_es.py",
                 "lesson_notes_es.py"):
        assert not (ROOT / "tools" / gone).exists(), gone


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_pair_in_sync(path):
    """The .py (percent format) holds the same cells, sources and tags as the .ipynb: edit either in
    JupyterLab (jupytext saves both) or run `jupytext --sync notebooks/<name>.ipynb` after editing one."""
    nb = nbformat.read(path, as_version=4)
    py = jupytext.read(path.with_suffix(".py"))
    assert cells_of(py) == cells_of(nb), f"{ids(path)} and its .py differ: run jupytext --sync {path}"
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    # the script is exactly what jupytext writes for the notebook (no stale header or spacing)
    assert jupytext.writes(nb, fmt="py:percent") == path.with_suffix(".py").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_notebook_is_a_fixed_point_of_nbstripout(path, tmp_path):
    """Stable cell ids (0, 1, 2…) and nothing the git filter removes: the clean filter never changes a
    committed notebook, and a rebuild cannot change the hash the stage cache keys on."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert [c["id"] for c in nb["cells"]] == [str(i) for i in range(len(nb["cells"]))]
    assert "language_info" not in nb["metadata"] and "widgets" not in nb["metadata"]
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    subprocess.run([str(BIN / "nbstripout"), "--extra-keys", "metadata.language_info metadata.papermill", str(copy)],
                   check=True)
    assert copy.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_open_and_save_round_trips_leave_the_file_unchanged(path, tmp_path):
    """nbformat and jupytext read-then-write give the committed bytes back (what a save does)."""
    nbformat.write(nbformat.read(path, as_version=4), tmp_path / "a.ipynb")
    jupytext.write(jupytext.read(path), tmp_path / "b.ipynb")
    jupytext.write(jupytext.read(path), tmp_path / "c.py", fmt="py:percent")
    assert (tmp_path / "a.ipynb").read_bytes() == path.read_bytes()
    assert (tmp_path / "b.ipynb").read_bytes() == path.read_bytes()
    assert (tmp_path / "c.py").read_bytes() == path.with_suffix(".py").read_bytes()


@pytest.mark.parametrize("path", STAGE_NOTEBOOKS, ids=ids)
def test_stage_notebook_is_a_lesson_in_both_languages(path):
    """Narrative in Spanish and English (tags lang-es / lang-en) with the stage's formula in LaTeX, a
    worked example computed by the library, what to look at, common mistakes, and an exercise whose
    answer cell is checked by the library and defaults to None."""
    nb = nbformat.read(path, as_version=4)
    tags = [set(c.metadata.get("tags", [])) for c in nb.cells]
    for lang, words in (("es", ("Pregunta de la etapa", "Errores frecuentes", "Qué mirar", "Ejercicio")),
                        ("en", ("The stage's question", "Common mistakes", "What to look at", "exercise"))):
        text = "\n".join(c.source for c, t in zip(nb.cells, tags) if c.cell_type == "markdown" and f"lang-{lang}" in t)
        assert "$$" in text, f"{ids(path)}: no display formula in the {lang} narrative"
        for w in words:
            assert w in text, f"{ids(path)}: {lang} narrative lacks {w!r}"
    assert sum(1 for c in nb.cells if c.cell_type == "markdown" and "lang-es" in c.metadata.get("tags", [])) == \
        sum(1 for c in nb.cells if c.cell_type == "markdown" and "lang-en" in c.metadata.get("tags", []))
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "ctx.worked_example()" in code
    assert "ctx.show_exercise()" in code
    answer = [s for s in code if "ctx.check(answer)" in s]
    assert len(answer) == 1 and "answer = None" in answer[0]
    for c, t in zip(nb.cells, tags):  # every lesson/exercise cell is hidden from the report pages
        if "ctx.worked_example()" in c.source or "ctx.check(" in c.source or "show_exercise" in c.source:
            assert t & {"lesson", "exercise"}


@pytest.mark.parametrize("path", STAGE_NOTEBOOKS + [ROOT / "notebooks" / "comparison.ipynb"], ids=ids)
def test_no_path_relative_to_the_current_folder(path):
    """Folders come from the project (core/paths.notebook_root), so papermill runs from anywhere."""
    nb = nbformat.read(path, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert "../" not in "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for name in ("out_dir = None", "run_id = None"):
        assert name in params[0].source


def test_report_pages_hide_lesson_and_exercise_cells():
    """The HTML report keeps the catalogue's text only (no LaTeX: the pages are read offline)."""
    from propilas.report.htmlexport import notebook_to_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("$$IS = (2E+G+O)/4$$ lesson-es", metadata={"tags": ["lesson", "lang-es"]}),
                nbformat.v4.new_markdown_cell("exercise-en", metadata={"tags": ["exercise", "lang-en"]}),
                nbformat.v4.new_markdown_cell("report text")]
    page = notebook_to_html(nb, "t", band="", language="es")
    assert "report text" in page
    assert "lesson-es" not in page and "exercise-en" not in page


def test_lab_save_with_outputs_writes_the_committed_bytes(tmp_path, monkeypatch):
    """JupyterLab's save (outputs, counts, language_info, widget state) goes through the pre-save hook
    `make lab` configures; the file written is the committed one, byte for byte."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    from propilas.run.lab import strip_on_save

    project = tmp_path / "project"
    (project / "params").mkdir(parents=True)
    (project / "params" / "defaults.yaml").write_text("language: es\n")
    (project / "notebooks" / "lessons").mkdir(parents=True)
    src = ROOT / "notebooks" / "lessons" / "weights.ipynb"
    shutil.copy(src, project / "notebooks" / "lessons" / "weights.ipynb")
    monkeypatch.setenv("PROPILAS_ROOT", str(project))
    cm = FileContentsManager(root_dir=str(project), pre_save_hook=strip_on_save)
    model = cm.get("notebooks/lessons/weights.ipynb")
    nb = model["content"]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.execution_count = i
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="shown\n")]
            cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    cm.save({"type": "notebook", "format": "json", "content": json.loads(json.dumps(nb))},
            "notebooks/lessons/weights.ipynb")
    assert (project / "notebooks" / "lessons" / "weights.ipynb").read_bytes() == src.read_bytes()
    # a notebook outside notebooks/ is saved as it is
    (project / "mine.ipynb").write_text(src.read_text())
    cm.save({"type": "notebook", "format": "json", "content": json.loads(json.dumps(nb))}, "mine.ipynb")
    assert "shown" in (project / "mine.ipynb").read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_filter_keeps_outputs_out_of_git(tmp_path):
    """tools/git_filters.sh (run by `make setup`): an executed notebook stages as the committed one."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-C", str(repo)]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(["sh", str(ROOT / "tools" / "git_filters.sh"), str(BIN)], cwd=repo, check=True,
                   capture_output=True)
    src = ROOT / "notebooks" / "02_sustainability.ipynb"
    shutil.copy(src, repo / "nb.ipynb")
    subprocess.run(git + ["add", "nb.ipynb"], check=True)
    subprocess.run(git + ["commit", "-qm", "notebook"], check=True)
    nb = nbformat.read(repo / "nb.ipynb", as_version=4)
    for i, cell in enumerate(nb.cells):
        cell.id = uuid.uuid4().hex[:8]
        if cell.cell_type == "code":
            cell.execution_count = i + 1
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="out\n")]
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    nbformat.write(nb, repo / "nb.ipynb")
    subprocess.run(git + ["add", "nb.ipynb"], check=True)  # the clean filter runs here
    staged = subprocess.run(git + ["diff", "--cached", "--name-only"], capture_output=True, text=True, check=True)
    assert staged.stdout.strip() == ""
    assert subprocess.run(git + ["status", "--porcelain"], capture_output=True, text=True).stdout.strip() == ""
