"""The page of a stage that failed, for people (issue 13 §1).

papermill leaves red "An Exception was encountered" banners and a Python traceback in the notebook.
The page shows instead, in the report language: that the stage could not be completed, the reason
(the error's message, e.g. every input problem with file, row and column), the next step (e.g.
"ejecute `propilas validate lajas`"), and the traceback folded in a closed
<details class='propilas-traceback'> block for the consultant. The .ipynb keeps everything.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat

from propilas.core.labels import t

ERROR_TAGS = ("papermill-error-cell-tag", "propilas-failure")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_EXC_PREFIX = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\s*:\s*")
INPUT_ERRORS = ("DataError", "UnreadableFileError", "ValidationError")
PARAMS_ERRORS = ("ParamsError",)


def plain_reason(reason: str) -> list[str]:
    """The lines of a failure reason a person reads: without the exception's class name."""
    lines = [ln.rstrip() for ln in str(reason or "").strip().splitlines() if ln.strip()]
    if lines:
        lines[0] = _EXC_PREFIX.sub("", lines[0]) or lines[0]
    return lines


def next_step(reason: str, district: str, language: str) -> str:
    """What to do about a failure, from its kind (input, parameters, time limit, kernel, write, bug)."""
    head = str(reason or "").split(":", 1)[0].strip()
    low = str(reason or "").lower()
    # the reason is in the report's language (core/text/validation.yaml val.run.*): both are recognised
    if head in INPUT_ERRORS or "input error" in low or "error(es) de entrada" in low:
        key = "failed.next.inputs"
    elif head in PARAMS_ERRORS:
        key = "failed.next.params"
    elif "timed out" in low or "superó el tiempo límite" in low:
        key = "failed.next.timeout"
    elif "kernel died" in low or "(kernel) se detuvo" in low:
        key = "failed.next.kernel"
    elif low.startswith(("cannot write", "no se puede escribir")):
        key = "failed.next.write"
    else:
        key = "failed.next.bug"
    return t(key, language, district=district)


def _traceback(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                tb = out.get("traceback") or [f"{out.get('ename', '')}: {out.get('evalue', '')}"]
                parts.append(_ANSI.sub("", "\n".join(tb)))
    return "\n\n".join(parts)


def failure_block(reason: str, district: str, stage_title: str, language: str, traceback: str = "") -> str:
    """HTML of the failure notice: heading, reason, next step, traceback folded (closed)."""
    e = html.escape
    lines = plain_reason(reason) or [t("failed.no_reason", language)]
    items = "".join(f"<li>{e(ln)}</li>" for ln in lines)
    step = e(next_step(reason, district, language))
    step = re.sub(r"`([^`]+)`", r"<code>\1</code>", step)  # the command to type
    out = (f"<div class='propilas-failed' role='alert' style='border:2px solid #c62828;padding:0.6em 1em;"
           f"margin:0.5em 0 1em;background:#fff5f5'>"
           f"<h2>{e(t('failed.title', language, stage=stage_title))}</h2>"
           f"<p><strong>{e(t('failed.reason', language))}</strong></p><ul>{items}</ul>"
           f"<p><strong>{e(t('failed.next', language))}</strong> {step}</p>")
    if traceback:
        out += (f"<details class='propilas-traceback'><summary>{e(t('failed.details', language))}</summary>"
                f"<pre style='white-space:pre-wrap;font-size:0.8em'>{e(traceback)}</pre></details>")
    return out + "</div>"


def failed_notebook(nb: nbformat.NotebookNode, reason: str, district: str, stage_title: str,
                    language: str) -> nbformat.NotebookNode:
    """A copy of a failed notebook for its page: papermill's banners and every error output
    removed, the failure notice (with the traceback folded) as the first cell."""
    tb = _traceback(nb)
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if set(cell.metadata.get("tags", [])) & set(ERROR_TAGS):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"]
        cells.append(cell)
    notice = nbformat.v4.new_markdown_cell(failure_block(reason, district, stage_title, language, tb))
    out.cells = [notice] + cells
    return out


def export_failed_html(ipynb: Path, html_path: Path, title: str, reason: str, district: str,
                       stage_title: str, language: str | None = None) -> None:
    """The page of a failed stage (see the module docstring), written atomically."""
    from propilas.core.atomicio import atomic_write_text
    from propilas.report.htmlexport import notebook_language, notebook_to_html

    nb = nbformat.read(ipynb, as_version=4)
    lang = language or notebook_language(nb)
    page = failed_notebook(nb, reason, district, stage_title, lang)
    atomic_write_text(notebook_to_html(page, title, language=lang), html_path)
