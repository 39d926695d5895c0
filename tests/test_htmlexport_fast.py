"""The page exporter skips nbconvert's BeautifulSoup pass (issue 15) and makes the same page."""

from __future__ import annotations

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup

from propilas.report.htmlexport import _exporter

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    md = nbformat.v4.new_markdown_cell("# Etapa 1 — Diagnóstico\n\nTexto con **negrita** y ![sin alt](x.png) & <b>más</b>.")
    code = nbformat.v4.new_code_cell("x = 1")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": '<img class="propilas-figure" alt="Gráfico" '
                                                                  f'src="data:image/png;base64,{PNG}">'}),
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="hola <mundo>\n"),
        nbformat.v4.new_output("execute_result", data={"text/html": "<table><tr><td>1</td></tr></table>"},
                               execution_count=1),
    ]
    hidden = nbformat.v4.new_code_cell("secret = 2")
    hidden.metadata["tags"] = ["trainer"]
    nb.cells = [md, code, hidden]
    return nb


def _reference(nb):
    from nbconvert import HTMLExporter

    exporter = _exporter("es")
    ref = HTMLExporter(config=exporter.config, template_name="lab")
    return ref.from_notebook_node(nb, resources={"metadata": {"name": "t"}})[0]


def _tree(page: str):
    soup = BeautifulSoup(page, "html.parser")
    return [(t.name, {k: (" ".join(v) if isinstance(v, list) else v) for k, v in t.attrs.items()},
             t.string) for t in soup.find_all(True)]


@pytest.mark.parametrize("language", ["es", "en"])
def test_same_page_as_nbconvert(language):
    nb = _notebook()
    fast = _exporter(language).from_notebook_node(nb, resources={"metadata": {"name": "t"}})[0]
    assert _tree(fast) == _tree(_reference(nb))


def test_alt_text_and_focus_are_kept():
    page = _exporter("es").from_notebook_node(_notebook(), resources={"metadata": {"name": "t"}})[0]
    soup = BeautifulSoup(page, "html.parser")
    assert all(img.get("alt") for img in soup.find_all("img"))
    outputs = soup.select("div.jp-OutputArea-output")
    assert outputs and all(o.get("tabindex") == "0" for o in outputs)
    assert "secret" not in page


def test_text_is_written_as_characters_not_references():
    page = _exporter("es").from_notebook_node(_notebook(), resources={"metadata": {"name": "t"}})[0]
    assert "Etapa 1 — Diagnóstico" in page  # a heading, searchable in the page's source
    assert "Diagn&#243;stico" not in page and "1 &#8212; " not in page
    assert "&amp;" in page  # markup characters stay escaped


def test_a_page_carries_no_developer_notes():
    from propilas.report.htmlexport import notebook_to_html

    page = notebook_to_html(_notebook(), "t", band="", language="es")
    assert "TODO" not in page and "FIXME" not in page
    assert "<style" in page  # the template's styles stay
