"""How tables, charts and the provenance block are shown on a page (stage notebooks, comparison, national).

Everything shown is HTML-escaped: community names come from hand-typed spreadsheets.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Mapping

import pandas as pd

from propilas.core import labels


def figure_alt(fig) -> str:
    """The description of a chart for its alt text, in the report language: the one its chart
    function gave (`fig.propilas_alt`, from the catalogue), else its titles (never empty, never
    nbconvert's English 'No description has been provided for this image')."""
    alt = getattr(fig, "propilas_alt", None)
    if alt:
        return str(alt)
    titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        titles += [ax.get_title(loc) for loc in ("left", "center", "right")]
    return ". ".join(x for x in titles if x) or "—"


TIGHT_PAD_INCHES = 0.1  # matplotlib's savefig.pad_inches: the margin kept around the drawn content
PNG_COMPRESS_LEVEL = 3  # zlib level: as small as savefig's 6 on the catalogue's charts, in about half the time


def png_bytes(rgba, dpi: float) -> bytes:
    """The PNG of an RGBA pixel array: RGB when every pixel is opaque (a chart on its white figure:
    the same pixels, a smaller file), zlib level PNG_COMPRESS_LEVEL."""
    import io

    import numpy as np
    from PIL import Image

    opaque = bool(np.all(rgba[..., 3] == 255))
    image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]) if opaque else rgba, "RGB" if opaque else "RGBA")
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi), compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def tight_png(fig, dpi: float) -> bytes:
    """The PNG of `fig` cropped to what is drawn plus TIGHT_PAD_INCHES, as
    `savefig(bbox_inches="tight")` gives it, with one draw instead of two (benchmarks/README.md).

    savefig's "tight" first lays the figure out with a draw that renders nothing, measures it, then
    draws it again translated. Here the figure is drawn once at `dpi`, measured on that draw and the
    pixels are cropped. The image has the same size and the same content; only the phase of hatch
    patterns relative to the pixel grid can differ (tests/test_render_png.py compares them with a
    tolerance). When something is drawn outside the figure (a long left-aligned title, a rotated
    label past the edge) the crop cannot hold it: the figure is saved again with that box.
    """
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    old_dpi = fig.dpi
    fig.dpi = dpi
    try:
        canvas.draw()
        content = fig.get_tightbbox(canvas.get_renderer())
        box = content.padded(TIGHT_PAD_INCHES)
        width_in, height_in = fig.get_size_inches()
        inside = content.x0 >= 0 and content.y0 >= 0 and content.x1 <= width_in and content.y1 <= height_in
        if inside:
            rgba = np.asarray(canvas.buffer_rgba())
            pad = int(np.ceil(TIGHT_PAD_INCHES * dpi)) + 2
            face = tuple(int(round(255 * c)) for c in fig.get_facecolor())
            framed = np.empty((rgba.shape[0] + 2 * pad, rgba.shape[1] + 2 * pad, 4), dtype=np.uint8)
            framed[...] = face  # the margin beyond the figure's edge is the figure's background, as in savefig
            framed[pad:pad + rgba.shape[0], pad:pad + rgba.shape[1]] = rgba
            # savefig's canvas is int(box size) pixels with the box's lower-left corner at (0, 0)
            width_px, height_px = int(box.width * dpi), int(box.height * dpi)
            left = int(round(box.x0 * dpi)) + pad
            top = int(round(height_in * dpi - box.y0 * dpi - height_px)) + pad
            return png_bytes(framed[top:top + height_px, left:left + width_px], dpi)
    finally:
        fig.dpi = old_dpi
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches=box)  # measured on the draw above: no second layout pass
    return buf.getvalue()


PAGE_DPI = 110  # the charts of the pages
PRINT_DPI = 200  # the charts of the plan document (plan.docx), printed


def figure_title(fig) -> str:
    """The title a chart's caption repeats: its first axes' left title, else its first figure text."""
    ax_title = fig.axes[0].get_title(loc="left") if fig.axes else ""
    texts = [x.get_text() for x in fig.texts]
    return ax_title or (texts[0] if texts else "")


def show_figure(fig, print_key: str | None = None) -> None:
    """Embed a chart as PNG (the report is one self-contained file) with its description as alt
    text. A chart with nothing to show (stages/charts/common.NoChart) is the sentence saying why;
    None (e.g. no coordinates, said by the page) shows nothing.

    `print_key`: the chart is also in the plan document; its print-size PNG, description and title
    are kept in the output's metadata under PRINT_METADATA (not shown on the page), and plan.docx
    takes them from there: the same figure, built once (report/plan_document.py)."""
    import base64

    import matplotlib.pyplot as plt
    from IPython.display import HTML, Markdown, display

    if fig is None:
        return
    from propilas.stages.charts.common import NoChart, plain_text

    if isinstance(fig, NoChart):
        display(Markdown(f"*{fig.text}*"))
        return
    plain_text(fig)  # names are plain text: a '$…$' name is never mathtext (stages/charts/common.py)
    png = tight_png(fig, dpi=PAGE_DPI)
    meta = {}
    if print_key:
        meta = {PRINT_METADATA: {"key": print_key, "png": base64.b64encode(tight_png(fig, dpi=PRINT_DPI)).decode("ascii"),
                                 "alt": figure_alt(fig), "title": figure_title(fig)}}
    plt.close(fig)
    alt = html.escape(figure_alt(fig))
    data = base64.b64encode(png).decode("ascii")
    page = HTML(f'<img class="propilas-figure" alt="{alt}" src="data:image/png;base64,{data}">')
    display(page, metadata=meta) if meta else display(page)


PRINT_METADATA = "propilas_print"


def kept_print_figures(notebook: dict) -> dict[str, dict]:
    """The print-size charts an executed notebook kept (`show_figure(..., print_key=)`), by key."""
    out = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            kept = (output.get("metadata") or {}).get(PRINT_METADATA)
            if isinstance(kept, dict) and kept.get("key") and kept.get("png"):
                out[kept["key"]] = kept
    return out


def _is_year_or_rank(name: str) -> bool:
    low = name.lower().strip()
    return (low.startswith(("year", "año", "rank", "priorid", "priority", "sheet", "ficha"))
            or low.endswith(("year", "rank")) or "_year" in low or "_rank" in low)


# Persons, households and soles are whole numbers for people (issue 13 §3: never '564.08' persons):
# a column is one when its name or its header says so.
_WHOLE_NAME = re.compile(r"(population|households|beneficiar|served|without_service|persons|people|_pen$|"
                         r"^cost|_cost|^gap$|^gap_(water|sanitation)$|^(water|sanitation)_gap$|^amount)")
_NOT_WHOLE = re.compile(r"(pct|share|rate|index|score|ratio|indicator|_pp$|prob|p_top)")
_WHOLE_HEADER = re.compile(r"\((personas|persons|S/|soles[^)]*|hogares|households)\)|\bS/", re.I)


def whole_number_column(name: str, header: str = "") -> bool:
    """Is a table column persons, households or soles (shown as whole numbers)?"""
    low = str(name).lower()
    if _NOT_WHOLE.search(low) or "%" in header:
        return False
    return bool(_WHOLE_NAME.search(low) or _WHOLE_HEADER.search(header))


def _formatters(df: pd.DataFrame, decimals: int, language: str = "en",
                whole: set | frozenset = frozenset()) -> dict[str, Any]:
    """Whole numbers (and persons/soles columns, `whole`) without decimals, others with `decimals`;
    thousands grouped in the language's convention (core/numbers.py)."""
    from propilas.core.numbers import fmt_decimal, fmt_int

    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        vals = pd.to_numeric(s, errors="coerce").dropna()
        is_whole = bool(len(vals)) and bool((vals == vals.round()).all())
        if is_whole and _is_year_or_rank(str(col)):
            out[col] = lambda x: f"{x:.0f}"
        elif is_whole or col in whole:
            out[col] = lambda x, lang=language: fmt_int(x, lang)
        else:
            out[col] = lambda x, d=decimals, lang=language: fmt_decimal(x, lang, d)
    return out


# Lists of what a row lacks are footnotes under the table when long (issue 13 §3); other long text
# wraps in a wide column.
FOOTNOTE_COLUMNS = ("flags", "fallbacks")
FOOTNOTE_CHARS = 60
LONG_CHARS = 60


def table_html(df: pd.DataFrame, language: str, columns: Mapping[str, str] | None = None,
               codes: Mapping[str, str] | None = None, decimals: int = 1, max_rows: int = 60,
               percent: list[str] | None = None) -> str:
    """Fractions listed in `percent` are shown as percentages (files keep fractions 0-1). Code
    columns read labels and flags read sentences (core/codes.py) even when `codes` does not name
    them; a missing cell reads "sin dato", never <NA>, nan or None (issue 13 §1)."""
    from propilas.core.codes import for_people

    shown = for_people(labels.relabel(df, dict(codes or {}), language), language, skip=dict(codes or {}))
    for col in percent or []:
        if col in shown.columns:
            shown[col] = pd.to_numeric(shown[col], errors="coerce") * 100
    whole = {c for c in shown.columns if whole_number_column(c)}
    notes_in = {c for c in shown.columns if c in FOOTNOTE_COLUMNS}
    if columns:
        shown = shown[[c for c in columns if c in shown.columns]]
        heads = {c: labels.t(k, language) for c, k in columns.items()}
        whole = {heads.get(c, c) for c in shown.columns
                 if whole_number_column(c, heads.get(c, "")) or (c in whole and "%" not in heads.get(c, ""))}
        notes_in = {heads.get(c, c) for c in notes_in}
        shown = shown.rename(columns=heads)
    for col in shown.columns:
        if shown[col].dtype == object:
            shown[col] = [None if labels.is_unknown(v) else v for v in shown[col]]
    more = len(shown) - max_rows
    shown = shown.head(max_rows)
    fmt = _formatters(shown, decimals, language, whole)
    missing = labels.t("common.missing", language)
    e = html.escape
    head = "".join(f"<th class='{'num' if c in fmt else 'txt'}'>{e(str(c))}</th>" for c in shown.columns)
    rows, notes = [], []
    long_cols = {c for c in shown.columns if c not in fmt and c not in notes_in
                 and shown[c].astype(str).str.len().mean() > LONG_CHARS}
    for rec in shown.itertuples(index=False):
        cells = []
        for c, v in zip(shown.columns, rec):
            if c in fmt:
                text = missing if labels.is_unknown(v) else (fmt[c](v) or missing)
                cells.append(f"<td class='num'>{e(text)}</td>")
            else:
                text = missing if labels.is_unknown(v) else str(v)
                if c in notes_in and len(text) > FOOTNOTE_CHARS:
                    # a long list (what a system lacks) goes under the table: no row hundreds of px tall
                    notes.append((str(rec[0]), text))
                    ref = labels.t("common.note_ref", language, n=len(notes))
                    cells.append(f"<td class='txt'><a href='#{{nid}}-{len(notes)}'>{e(ref)}</a></td>")
                    continue
                cells.append(f"<td class='txt{' long' if c in long_cols else ''}'>{e(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = (f"<table class='propilas-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    if notes:
        import hashlib

        nid = "n" + hashlib.sha1("".join(t for _, t in notes).encode()).hexdigest()[:8]
        body = body.replace("{nid}", nid)
        body += "<ol class='propilas-notes'>" + "".join(
            f"<li id='{nid}-{i}'><strong>{e(who)}</strong>: {e(text)}</li>" for i, (who, text) in enumerate(notes, 1)
        ) + "</ol>"
    if more > 0:
        body += f"<p><em>{html.escape(labels.t('common.more_rows', language, n=more))}</em></p>"
    return body


def provenance_html(prov: dict[str, Any], language: str) -> str:
    e = html.escape
    cv = prov["code_version"]
    dirty = labels.t("provenance.dirty", language) if cv.get("dirty") else labels.t("provenance.clean", language)
    rows = [
        (labels.t("provenance.run", language), f"{prov['run_id']} · {prov['time_utc']}"),
        (labels.t("provenance.code", language), f"{cv['commit']} ({dirty})"),
        (labels.t("provenance.packages", language), ", ".join(f"{k} {v}" for k, v in prov["packages"].items())),
    ]
    table = "".join(f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    files = "".join(f"<tr><td><code>{e(f)}</code></td><td><code>{e(h)}</code></td></tr>"
                    for f, h in prov["input_sha256"].items())
    params = e(json.dumps(prov["parameters"], indent=1, ensure_ascii=False))
    return (f"<details class='provenance'><summary><strong>{e(labels.t('provenance.title', language))}</strong>"
            f"</summary><table>{table}</table><p>{e(labels.t('provenance.inputs', language))}</p>"
            f"<table>{files}</table><p>{e(labels.t('provenance.params', language))}</p>"
            f"<pre style='max-height:20em;overflow:auto'>{params}</pre></details>")
