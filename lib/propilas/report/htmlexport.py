"""Code-free HTML from executed notebooks, in-process (one exporter per process, not a subprocess per file)."""

from __future__ import annotations

import copy
import html
import re
from functools import lru_cache
from pathlib import Path

import nbformat

from propilas.inputs.tableio import atomic_write_text

HIDDEN_TAGS = ("trainer", "remove_cell")
CSS = """
<style>
body { max-width: 1100px; margin: 0 auto; }
.propilas-table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
.propilas-table th { background: #eef3f7; padding: 4px 8px; border-bottom: 2px solid #9bb; vertical-align: bottom; }
.propilas-table td { padding: 3px 8px; border-bottom: 1px solid #dde; }
.propilas-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.propilas-table .txt { text-align: left; }
.propilas-table tr:nth-child(even) td { background: #fafcfd; }
.propilas-toc { background: #f5f8fa; border: 1px solid #dde; padding: 0.6em 1.2em; margin: 1em 0; }
details.provenance { font-size: 0.85em; border-top: 1px solid #ccc; margin-top: 2em; padding-top: 0.5em; }
.badge-partial { background: #fff3cd; padding: 1px 6px; border-radius: 3px; }
</style>
"""


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name="lab")


_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.S)


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Self-contained page: charts embedded, no CDN scripts (reports are read offline too)."""
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = _EXTERNAL_SCRIPT.sub("", body)
    return body.replace("</head>", CSS + "</head>", 1)


def export_html(ipynb: Path, html_path: Path, title: str) -> None:
    nb = nbformat.read(ipynb, as_version=4)
    atomic_write_text(notebook_to_html(nb, title), html_path)


def combined_report(parts: list[tuple[str, str, Path]], title: str, html_path: Path, contents_label: str) -> None:
    """All stages of a district in one document: a contents list, then each stage's cells."""
    merged = nbformat.v4.new_notebook()
    toc = [f"# {html.escape(title)}", "", f"<div class='propilas-toc'><strong>{html.escape(contents_label)}</strong><ol>"]
    for anchor, heading, _ in parts:
        toc.append(f"<li><a href='#{anchor}'>{html.escape(heading)}</a></li>")
    toc.append("</ol></div>")
    merged.cells.append(nbformat.v4.new_markdown_cell("\n".join(toc)))
    for anchor, heading, path in parts:
        nb = nbformat.read(path, as_version=4)
        merged.cells.append(nbformat.v4.new_markdown_cell(f"<a id='{anchor}'></a>\n\n---"))
        for i, cell in enumerate(nb.cells):
            if "papermill-error-cell-tag" in cell.metadata.get("tags", []):
                continue
            c = copy.deepcopy(cell)
            c["id"] = f"{anchor}-{i}"
            merged.cells.append(c)
    atomic_write_text(notebook_to_html(merged, title), html_path)


def strip_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    return nb


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
