"""Code-free HTML from executed notebooks, in-process (one exporter per process, not a subprocess per file)."""

from __future__ import annotations

import copy
import html
import re
from functools import lru_cache
from pathlib import Path

import nbformat

from propilas.core.markup import literal
from propilas.core.atomicio import atomic_write_text

# Cells of the notebook as a lesson (issue 14: narrative with LaTeX formulas, worked example,
# workshop exercise) are for trainers in JupyterLab; the report pages keep only the catalogue's text
# (and carry no MathJax: they are read offline).
HIDDEN_TAGS = ("trainer", "remove_cell", "lesson", "exercise")
CSS = """
<style>
/* A 1,280-px screen shows every column (issue 13 §3): the page is as wide as the screen allows,
   tables size their columns to their content and wrap long text instead of scrolling sideways. */
body { max-width: 1240px; margin: 0 auto; }
.jp-OutputArea-output { overflow-x: visible; }
.jp-RenderedHTMLCommon table.propilas-table { table-layout: auto; max-width: 100%; }
.propilas-table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
.propilas-table:has(th:nth-child(10)) { font-size: 0.8em; }
.propilas-table:has(th:nth-child(13)) { font-size: 0.74em; }
.propilas-table:has(th:nth-child(13)) th, .propilas-table:has(th:nth-child(13)) td { padding: 3px 4px; }
.propilas-table th { white-space: normal; overflow-wrap: normal; hyphens: auto; min-width: 3.5em; }
.jp-RenderedHTMLCommon .propilas-table td.txt, .jp-RenderedHTMLCommon .propilas-table th.txt { text-align: left; }
.propilas-table td.txt { overflow-wrap: break-word; }
.propilas-table td.long { min-width: 22em; font-size: 0.92em; }
.propilas-table td.num { white-space: nowrap; }
.propilas-notes { font-size: 0.85em; color: #333; margin: -0.5em 0 1em; }
.propilas-notes li { margin: 0.1em 0; }
img.propilas-figure { max-width: 100%; height: auto; }
nav.propilas-nav { display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; font-size: 0.9em; padding: 0.5em 0.8em;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  margin: 0.5em auto; max-width: 1240px; background: #f5f8fa; border: 1px solid #dde; box-sizing: border-box; }
nav.propilas-nav a { text-decoration: none; }
nav.propilas-nav a:hover { text-decoration: underline; }
nav.propilas-nav .twin { margin-left: auto; }
.propilas-table th { background: #eef3f7; padding: 4px 8px; border-bottom: 2px solid #9bb; vertical-align: bottom; }
.propilas-table td { padding: 3px 8px; border-bottom: 1px solid #dde; }
.propilas-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.propilas-table .txt { text-align: left; }
.propilas-table tr:nth-child(even) td { background: #fafcfd; }
.propilas-toc { background: #f5f8fa; border: 1px solid #dde; padding: 0.6em 1.2em; margin: 1em 0; }
details.provenance { font-size: 0.85em; border-top: 1px solid #ccc; margin-top: 2em; padding-top: 0.5em; }
.badge-partial { background: #fff3cd; padding: 1px 6px; border-radius: 3px; }
img.propilas-map { max-width: 100%; height: auto; }
</style>
""" + """
<style>
/* Printing a report to A4 (issue 13 §6): each stage on a new page, tables fitted to the page width
   (smaller type, wrapped cells, header repeated), charts within the page, provenance unfolded. */
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { max-width: none !important; margin: 0 !important; font-size: 10pt; }
  .jp-Notebook, .jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-InputArea, .jp-OutputArea,
  .jp-OutputArea-child, .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown {
    display: block !important; overflow: visible !important; max-width: 100% !important; padding-left: 0 !important;
    padding-right: 0 !important; box-sizing: border-box !important; width: auto !important; }
  .jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser { display: none !important; }
  .jp-Cell:has(.propilas-stage-break) { break-before: page; page-break-before: always; }
  .propilas-toc, .propilas-draft { break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table, .propilas-table { width: 100% !important; max-width: 100% !important; table-layout: auto !important;
    font-size: 7.5pt !important; }
  .propilas-table th, .propilas-table td, .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td {
    padding: 1px 3px !important; white-space: normal !important; overflow-wrap: anywhere; hyphens: auto; }
  .propilas-table td.num { white-space: nowrap !important; overflow-wrap: normal; }
  .propilas-table:has(th:nth-child(10)) { font-size: 6.5pt !important; }
  .propilas-table th, .propilas-table td.txt { min-width: 4.5em; }  /* words, not letters, per line */
  .propilas-table:has(th:nth-child(15)) th, .propilas-table:has(th:nth-child(15)) td.txt { min-width: 3.6em; }
  pre { max-height: none !important; overflow: visible !important; white-space: pre-wrap !important;
    overflow-wrap: anywhere; font-size: 6.5pt !important; line-height: 1.15 !important; columns: 4; column-gap: 1.5em; }
  thead { display: table-header-group; }
  tr, img { break-inside: avoid; page-break-inside: avoid; }
  img { max-width: 100% !important; max-height: 245mm !important; width: auto; height: auto !important; object-fit: contain; }
  details > summary { list-style: none; font-weight: bold; }
  details::details-content { content-visibility: visible !important; display: block !important; }
  details.provenance { break-before: avoid; }
  a { color: inherit; text-decoration: none; }
}
</style>
<script>
/* print the folded blocks (provenance, long lists) too */
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.setAttribute("open", ""); });
});
</script>
"""


LANGUAGES = ("es", "en")
# Navigation (issue 13 §3): each page carries empty markers at its top and bottom; the batch fills
# them once the district's pages exist (`set_nav`, run/batch.link_pages), so every link resolves.
NAV_START, NAV_END = "<!--propilas-nav-->", "<!--/propilas-nav-->"
_NAV = re.compile(re.escape(NAV_START) + r".*?" + re.escape(NAV_END), re.S)
_HTML_TAG = re.compile(r"<html[^>]*>", re.I)


@lru_cache(maxsize=2)
def _exporter(language: str = "es"):
    """nbconvert's exporter for pages in `language`: code, trainer notes and the other language's
    cells (tags lang-<other>, e.g. bilingual notes of the lessons) removed."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS) | {f"lang-{x}" for x in LANGUAGES if x != language}
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    return _exporter_class()(config=c, template_name="lab")


_NO_ALT_IMG = re.compile(r"<img(?![^>]*\balt=)", re.I)
_FOCUSABLE = re.compile(r'(<div class="(?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?=[\s"])[^"]*")')


_NUMERIC_REF = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")
_RAW_TEXT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>)", re.S | re.I)


def _literal_characters(page: str) -> str:
    """'Diagnóstico —' as characters, not '&#243;…&#8212;' (nbconvert's Markdown headings): the
    page reads the same in a browser, and the same as in a text search or a copy of its source.
    Markup characters (< > & " ') stay references; scripts and styles are left as they are."""
    def char(m: re.Match) -> str:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return chr(code) if code >= 0xA0 and not 0xD800 <= code <= 0xDFFF and code <= 0x10FFFF else m.group(0)

    parts = _RAW_TEXT.split(page)
    return "".join(part if i % 2 else _NUMERIC_REF.sub(char, part) for i, part in enumerate(parts))


@lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's HTMLExporter without its final BeautifulSoup pass (a third of the export's time,
    issue 15): the same two edits it makes (alt text on an image that has none; inputs and outputs
    focusable with tabindex="0") are made on the template's text instead of a parsed tree."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _NO_ALT_IMG.sub('<img alt="No description has been provided for this image"', page)
            return _literal_characters(_FOCUSABLE.sub(r'\1 tabindex="0"', page)), resources

    return PageExporter


_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.S)


_BODY = re.compile(r"<body[^>]*>", re.I)
_CSS_NOTE = re.compile(r"/\*(?:(?!\*/).)*?\b(?:TODO|FIXME|XXX)\b(?:(?!\*/).)*\*/", re.S)
DRAFT_CSS = ("<style>.propilas-draft { background: #fff3cd; border: 3px solid #c77700; color: #5d3a00; "
             "padding: 0.6em 1em; margin: 0.5em auto; max-width: 1100px; font-weight: bold; }</style>")


def draft_band(nb: nbformat.NotebookNode) -> str:
    """The 'BORRADOR — datos provisionales: …' band of a notebook run on draft parameters (the
    parameters papermill injected; core/drafts.py), as HTML; '' when not a draft."""
    from propilas.core.drafts import placeholder_labels, placeholders_left
    from propilas.core.labels import t

    injected = (nb.metadata.get("papermill", {}) or {}).get("parameters", {}) or {}
    data = injected.get("params_data") or {}
    if not isinstance(data, dict):
        return ""
    left = placeholders_left(data)
    if not left:
        return ""
    lang = injected.get("language") or data.get("language") or "es"
    lang = lang if lang in ("es", "en") else "es"
    items = placeholder_labels(left, lang)
    text = t("draft.band", lang, items="; ".join(items))
    return f"<div class='propilas-draft' role='alert'>{html.escape(text)}</div>"


def notebook_language(nb: nbformat.NotebookNode) -> str:
    """The report language of an executed notebook: the `language` papermill injected, else the
    injected parameters' language, else the notebook's own metadata; Spanish by default."""
    injected = (nb.metadata.get("papermill", {}) or {}).get("parameters", {}) or {}
    data = injected.get("params_data") if isinstance(injected.get("params_data"), dict) else {}
    for lang in (injected.get("language"), (data or {}).get("language"), nb.metadata.get("propilas_language")):
        if lang in LANGUAGES:
            return lang
    return "es"


def notebook_to_html(nb: nbformat.NotebookNode, title: str, band: str | None = None,
                     language: str | None = None) -> str:
    """Self-contained page: charts embedded, no CDN scripts (reports are read offline too). A draft
    (see `draft_band`) carries its band at the top of the page. `<html lang>` is the report
    language; navigation markers are filled later (`set_nav`)."""
    language = language if language in LANGUAGES else notebook_language(nb)
    body, _ = _exporter(language).from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = _EXTERNAL_SCRIPT.sub("", body)
    body = _CSS_NOTE.sub("", body)  # the template's "TODO" notes in its CSS: nothing for a reader's page
    body = _HTML_TAG.sub(f'<html lang="{language}">', body, count=1)
    band = draft_band(nb) if band is None else band
    top = NAV_START + NAV_END + (band or "")
    body = _BODY.sub(lambda m: m.group(0) + top, body, count=1)
    body = body.replace("</body>", NAV_START + NAV_END + "</body>", 1)
    return body.replace("</head>", CSS + (DRAFT_CSS if band else "") + "</head>", 1)


def export_html(ipynb: Path, html_path: Path, title: str) -> None:
    nb = nbformat.read(ipynb, as_version=4)
    atomic_write_text(notebook_to_html(nb, title), html_path)


def combined_report(parts: list[tuple[str, str, Path]], title: str, html_path: Path, contents_label: str) -> None:
    """All stages of a district in one document: a contents list, then each stage's cells."""
    merged = nbformat.v4.new_notebook()
    # the title holds the district's name (input text): shown literally, never a Markdown link
    toc = [f"# {literal(title)}", "", f"<div class='propilas-toc'><strong>{html.escape(contents_label)}</strong><ol>"]
    for anchor, heading, _ in parts:
        toc.append(f"<li><a href='#{anchor}'>{html.escape(heading)}</a></li>")
    toc.append("</ol></div>")
    merged.cells.append(nbformat.v4.new_markdown_cell("\n".join(toc)))
    band = ""
    language = None
    for anchor, heading, path in parts:
        nb = nbformat.read(path, as_version=4)
        band = band or draft_band(nb)
        language = language or notebook_language(nb)
        # the break marker: print CSS starts each stage on a new page
        merged.cells.append(nbformat.v4.new_markdown_cell(f"<a id='{anchor}'></a><div class='propilas-stage-break'></div>\n\n---"))
        for i, cell in enumerate(nb.cells):
            if "papermill-error-cell-tag" in cell.metadata.get("tags", []):
                continue
            c = copy.deepcopy(cell)
            c["id"] = f"{anchor}-{i}"
            merged.cells.append(c)
    atomic_write_text(notebook_to_html(merged, title, band=band, language=language), html_path)


def nav_html(links: list[tuple[str, str]], label: str, twin: tuple[str, str, str] | None = None) -> str:
    """The navigation bar: (href, text) links, and the twin page in the other language
    (href, text, its language code) at the right."""
    e = html.escape
    items = [f"<a href='{e(href, quote=True)}'>{e(text)}</a>" for href, text in links]
    if twin:
        items.append(f"<a class='twin' href='{e(twin[0], quote=True)}' hreflang='{e(twin[2])}' "
                     f"lang='{e(twin[2])}'>{e(twin[1])}</a>")
    return f"<nav class='propilas-nav' aria-label='{e(label, quote=True)}'>{''.join(items)}</nav>"


def set_nav(page: Path, nav: str) -> bool:
    """Fill the navigation markers of a page (top and bottom) with `nav`; a page exported before
    the markers existed gets them after <body>. Returns whether the file changed."""
    try:
        text = page.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    block = NAV_START + nav + NAV_END
    if NAV_START in text:
        new = _NAV.sub(lambda _m: block, text)
    else:
        new = _BODY.sub(lambda m: m.group(0) + block, text, count=1)
        if "nav.propilas-nav" not in new:
            new = new.replace("</head>", CSS + "</head>", 1)
    if new == text:
        return False
    atomic_write_text(new, page)
    return True


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
