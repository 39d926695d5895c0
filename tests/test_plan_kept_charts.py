"""plan.docx takes its charts from the summary page, drawn once at print size (issue 15): the same
figure as the page; built from the tables only when the page kept none."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
from PIL import Image  # noqa: E402

from propilas.report.plan_docx import _Doc  # noqa: E402
from propilas.report.render import PRINT_DPI, PRINT_METADATA, kept_print_figures, show_figure  # noqa: E402


def _fig(title="Cobertura"):
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar(["agua", "saneamiento"], [50, 40])
    ax.set_title(title, loc="left")
    fig.propilas_alt = "Barras: cobertura"
    return fig


def test_the_page_keeps_the_print_figure_in_its_output(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw.get("metadata"))))
    show_figure(_fig(), print_key="coverage")
    show_figure(_fig())
    (page, meta), (_, plain) = shown
    kept = meta[PRINT_METADATA]
    assert kept["key"] == "coverage" and kept["alt"] == "Barras: cobertura" and kept["title"] == "Cobertura"
    img = Image.open(io.BytesIO(base64.b64decode(kept["png"])))
    assert round(img.info["dpi"][0]) == PRINT_DPI
    assert 'alt="Barras: cobertura"' in page.data and plain is None  # a page-only chart: no metadata

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": page.data}, metadata=meta)]
    nb.cells = [nbformat.v4.new_markdown_cell("m"), cell]
    assert kept_print_figures(nb)["coverage"]["png"] == kept["png"]


def test_the_document_uses_the_kept_figure_and_builds_only_what_is_missing():
    d = _Doc("es")
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(png, format="png")
    d.kept = {"coverage": {"key": "coverage", "png": base64.b64encode(png.getvalue()).decode(), "alt": "A", "title": "T"}}
    built = []
    d.chart("coverage", lambda: built.append("coverage") or _fig())
    d.chart("investment", lambda: built.append("investment") or _fig("Gasto"))
    assert built == ["investment"]
    assert [s._inline.docPr.get("descr") for s in d.doc.inline_shapes] == ["A", "Barras: cobertura"]
    captions = [p.text for p in d.doc.paragraphs if p.style.name == "Caption"]
    assert captions[0].endswith("T") and captions[1].endswith("Gasto")


def test_a_long_table_shows_its_first_rows_and_says_how_many_more():
    d = _Doc("es")
    d.max_rows = 5
    d.table(["Comunidad", "Costo"], [[f"c{i}", str(i)] for i in range(12)], numeric=[False, True])
    tbl = d.doc.tables[-1]
    assert len(tbl.rows) == 1 + 5
    assert any("7 filas más" in p.text for p in d.doc.paragraphs)
    d.table(["Comunidad"], [["a"], ["b"]])
    assert len(d.doc.tables[-1].rows) == 3
