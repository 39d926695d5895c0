"""JupyterLab for trainers (issue 14 §2): saving a notebook of the project leaves git clean.

A trainer runs a stage notebook or a lesson in JupyterLab; Lab then saves the notebook (and
autosaves it every two minutes) with every output, the widgets' state, the kernel's
`language_info` and execution times. Committed notebooks carry none of these, so the tracked file
changed (+102 lines after opening a lesson, issue 14). `strip_on_save` is a Jupyter server
pre-save hook: a notebook under the project's `notebooks/` folder is written without outputs,
execution counts and that metadata — the outputs stay on screen, only the file on disk is clean —
so executing and saving a lesson leaves `git status` clean, and its jupytext pair (`.py`) is
written from the same cells. Notebooks elsewhere are saved as they are. `make lab` configures it
(`--ContentsManager.pre_save_hook=propilas.run.lab.strip_on_save`); the nbstripout git filter
(`make setup`) is the second line of defence for notebooks saved by another Jupyter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# what nbstripout and its `extrakeys` (tools/git_filters.sh) remove
NOTEBOOK_KEYS = ("language_info", "widgets", "papermill", "signature", "vscode")
CELL_KEYS = ("execution", "ExecuteTime", "papermill", "collapsed", "scrolled", "heading_collapsed", "hidden")


def strip_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook (a JSON dict, changed in place) without outputs, counts and run metadata."""
    meta = nb.get("metadata") or {}
    for key in NOTEBOOK_KEYS:
        meta.pop(key, None)
    for cell in nb.get("cells", []):
        cmeta = cell.get("metadata") or {}
        for key in CELL_KEYS:
            cmeta.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def project_notebook(path: Path) -> bool:
    """True for a notebook inside the project's notebooks/ folder."""
    from propilas.core.errors import PropilasError
    from propilas.core.paths import notebook_root

    try:
        folder = (notebook_root() / "notebooks").resolve()
    except PropilasError:
        return False
    return Path(path).resolve().is_relative_to(folder)


def strip_on_save(model: dict[str, Any], path: str, contents_manager: Any, **kwargs: Any) -> None:
    """Jupyter server `ContentsManager.pre_save_hook`: strip a project notebook before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = Path(getattr(contents_manager, "root_dir", ".") or ".")
    if project_notebook(root / path.lstrip("/")):
        strip_notebook(model["content"])
