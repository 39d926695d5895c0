"""The building blocks of plan.docx (report/plan_document.py): python-docx on an A4 page.

The value formats of the plan's tables (persons, shares, money by method/money.money_text, whole
soles, years; "sin dato"/"no data" for an unknown) and `_Doc`: headings, paragraphs, bullets, tables
whose header repeats and whose rows never split across pages, charts as PNG at print size with their
alt text and a numbered caption, and the red draft band of the cover.
"""

from __future__ import annotations

import io
from typing import Any, Iterable, Sequence

import pandas as pd

from propilas.core.labels import t
from propilas.core.numbers import fmt_int
from propilas.method.money import money_text

TEXT_WIDTH_CM = 16.0  # A4 (21 cm) less 2.5 cm margins
from propilas.report.render import PRINT_DPI as CHART_DPI  # noqa: E402 (the print size of every chart)
DRAFT_FILL = "C62828"
TABLE_STYLE = "Light Grid Accent 1"


# ---------------------------------------------------------------------------------------------- formats

def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x) or (not isinstance(x, str) and pd.isna(x))


def persons(x: Any, language: str) -> str:
    return t("common.missing", language) if _missing(x) else fmt_int(x, language)


def pct(x: Any, language: str) -> str:
    return t("common.missing", language) if _missing(x) else f"{float(x):.1f} %"


def money(x: Any, language: str) -> str:
    return t("common.missing", language) if _missing(x) else money_text(x, language)


def soles(x: Any, language: str) -> str:
    """Whole soles without the 'S/' (in a column whose header says soles)."""
    return t("common.missing", language) if _missing(x) else fmt_int(x, language)


def year(x: Any, language: str) -> str:
    return t("common.missing", language) if _missing(x) else str(int(float(x)))


# ---------------------------------------------------------------------------------------------- docx helpers

class _Doc:
    """A python-docx document with the few building blocks the plan uses."""

    def __init__(self, language: str) -> None:
        from docx import Document
        from docx.shared import Cm, Pt

        self.L = language
        self.kept: dict[str, dict] = {}  # print-size charts kept by the stage pages, by key (chart())
        self.max_rows: int | None = None  # report.max_rows_per_table of the district (build_plan_document)
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.5)
        sec.top_margin = sec.bottom_margin = Cm(2.2)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        self.core_language(language)
        self.figures = 0

    def core_language(self, language: str) -> None:
        """The document's proofing language (es-PE / en-GB), so Word checks spelling in the right one."""
        from docx.oxml.ns import qn
        from docx.oxml import OxmlElement

        rpr = self.doc.styles["Normal"].element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "es-PE" if language == "es" else "en-GB")
        rpr.append(lang)
        self.doc.core_properties.language = "es-PE" if language == "es" else "en-GB"

    def heading(self, text: str, level: int = 1):
        return self.doc.add_heading(text, level=level)

    def para(self, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
             align: str | None = None, style: str | None = None):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.doc.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def rich(self, text: str):
        """A catalogue sentence written for Markdown: **bold** parts become bold runs, backticks go."""
        p = self.doc.add_paragraph()
        for i, part in enumerate(str(text).replace("`", "").split("**")):
            if part:
                p.add_run(part).bold = i % 2 == 1
        return p

    def bullets(self, items: Iterable[str]) -> None:
        for item in items:
            self.doc.add_paragraph(str(item), style="List Bullet")

    def page_break(self) -> None:
        self.doc.add_page_break()

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None,
              widths_cm: Sequence[float] | None = None, style: str = TABLE_STYLE, keep_together: bool = False):
        """A table whose header repeats on every page and whose rows never split across pages. At
        most `max_rows` rows (report.max_rows_per_table, as on the pages), then a line saying how
        many more are in tables/: a council reads the first rows, and a district of 10,000
        communities does not make a document of thousands of pages (issue 12b, issue 15)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        more = max(0, len(rows) - self.max_rows) if self.max_rows is not None else 0
        rows = rows[:len(rows) - more]

        tbl = self.doc.add_table(rows=1, cols=len(header))
        tbl.style = self.doc.styles[style]
        numeric = list(numeric or [False] * len(header))
        for i, h in enumerate(header):
            cell = tbl.rows[0].cells[i]
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(h))
            run.bold = True
            run.font.size = Pt(9)
        trpr = tbl.rows[0]._tr.get_or_add_trPr()
        head = OxmlElement("w:tblHeader")
        head.set(qn("w:val"), "true")
        trpr.append(head)
        for r in rows:
            cells = tbl.add_row().cells
            for i, v in enumerate(r):
                cells[i].text = ""
                para = cells[i].paragraphs[0]
                run = para.add_run(str(v))
                run.font.size = Pt(9)
                if numeric[i]:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in tbl.rows:
            trpr = row._tr.get_or_add_trPr()
            cant = OxmlElement("w:cantSplit")
            cant.set(qn("w:val"), "true")
            trpr.append(cant)
        n = len(header)
        if not widths_cm:  # the first (text) column wider, the rest share the page width
            first = min(6.0, TEXT_WIDTH_CM / 2) if n > 2 else TEXT_WIDTH_CM / n
            widths_cm = [first] + [(TEXT_WIDTH_CM - first) / max(1, n - 1)] * (n - 1)
        tbl.autofit = False
        for i, w in enumerate(widths_cm):
            tbl.columns[i].width = Cm(w)
        for row in tbl.rows:
            for cell, w in zip(row.cells, widths_cm):
                cell.width = Cm(w)
        if keep_together:  # a short table (a project sheet) never breaks across pages
            for row in tbl.rows[:-1]:
                for cell in row.cells:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True
        if more:
            self.para(t("common.more_rows", self.L, n=more), italic=True, size=9)
        self.doc.add_paragraph()
        return tbl

    def figure(self, fig, alt: str | None = None, width_cm: float = TEXT_WIDTH_CM) -> None:
        """A chart as PNG at print size, its alt text (Word's 'description'), and a numbered caption."""
        import matplotlib.pyplot as plt

        if fig is None:
            return
        from propilas.report.render import figure_alt, figure_title, tight_png
        from propilas.stages.charts.common import NoChart, plain_text

        if isinstance(fig, NoChart):  # a chart with nothing to show: the sentence saying why
            self.para(fig.text, italic=True)
            return
        plain_text(fig)  # as on the pages: a '$…$' name is never mathtext
        png = tight_png(fig, CHART_DPI)  # as savefig(bbox_inches="tight"), one draw instead of two
        plt.close(fig)
        self.picture(png, alt or figure_alt(fig), figure_title(fig), width_cm)

    def chart(self, key: str, build, width_cm: float = TEXT_WIDTH_CM) -> None:
        """The chart `key` as the stage-08 page drew it at print size (`kept`: report/render.py
        show_figure(print_key=)), the same figure built once; built here when the page kept none
        (a plan built from tables alone)."""
        import base64

        found = self.kept.get(key)
        if found:
            self.picture(base64.b64decode(found["png"]), found.get("alt") or "", found.get("title") or "", width_cm)
        else:
            self.figure(build(), width_cm=width_cm)

    def picture(self, png: bytes, alt: str, title: str, width_cm: float = TEXT_WIDTH_CM) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
        pic_par = self.doc.paragraphs[-1]
        pic_par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pic_par.paragraph_format.keep_with_next = True
        inline = self.doc.inline_shapes[-1]._inline
        inline.docPr.set("descr", alt or t("plan.chart_alt", self.L, title=title))
        self.figures += 1
        self.para(t("plan.figure", self.L, n=self.figures, title=title), italic=True, size=9, style="Caption")

    def band(self, text: str, detail: str) -> None:
        """A full-width red band (the draft mark on the cover)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        tbl = self.doc.add_table(rows=1, cols=1)
        cell = tbl.rows[0].cells[0]
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), DRAFT_FILL)
        cell._tc.get_or_add_tcPr().append(shd)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(28)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        p2 = cell.add_paragraph()
        p2.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r2 = p2.add_run(detail)
        r2.font.size = Pt(10)
        r2.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        self.doc.add_paragraph()
