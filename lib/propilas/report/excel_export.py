"""One Excel workbook per district with every table a run wrote: `outputs/<district>/tables.xlsx`.

Municipal staff and reviewers open results in Excel, not in a folder of CSV files. The workbook
is for people (issue 13 §7): a first sheet saying what each sheet holds, its stage and units; a
summary sheet with the headline figures; then one sheet per `tables/*.csv` with the same rows and
numbers (ids kept as text so '060701' stays '060701'), headers and codes translated into the
report language (core/codes.py: flags read as sentences), number formats instead of long decimals
(persons and soles whole with a thousands separator, shares with one decimal, rates as %; the cell
keeps the full value), the header row frozen and columns sized to their content. It is rebuilt
from the CSVs, so it can never disagree with them; the CSVs keep the codes for scripts.
"""

from __future__ import annotations

from propilas.core.labels import t as _labels_t

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core.paths import ID_COLUMNS, district_dir
from propilas.core.registry import STAGES, producer
from propilas.core.markup import is_formula_like
from propilas.inputs.tableio import atomic_write_bytes, read_run_csv

MAX_SHEET = 31
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # what openpyxl refuses in a cell


def _t(key: str, language: str, **fmt: Any) -> str:
    return _labels_t("xlsx." + key, language, **fmt)


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel sheet names: at most 31 characters, no []:*?/\\, unique (case-insensitive)."""
    clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:MAX_SHEET] or "sheet"
    out, i = clean, 2
    while out.lower() in taken:
        suffix = f"~{i}"
        out = clean[: MAX_SHEET - len(suffix)] + suffix
        i += 1
    taken.add(out.lower())
    return out


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings to dotted keys; lists of scalars joined with ', '."""
    rows: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            rows += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            rows.append((prefix, ", ".join("" if v is None else str(v) for v in obj)))
        else:
            for i, v in enumerate(obj):
                rows += flatten(v, f"{prefix}[{i}]")
    else:
        rows.append((prefix, obj))
    return rows


def _stage_order(table: str) -> tuple[int, str]:
    try:
        return (int(producer(table).id), table)
    except KeyError:
        return (len(STAGES) + 1, table)


def _stage_label(table: str, language: str) -> str:
    try:
        s = producer(table)
    except KeyError:
        return ""
    return f"{s.name} — {s.title(language)}"


def _cell(v: Any) -> Any:
    """A value openpyxl writes faithfully: NaN/NA → empty, numpy scalars → Python."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, str):  # control characters a workbook cannot hold (the reader removes them too)
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


def _read_table(path: Path) -> pd.DataFrame:
    # ids as text (a ubigeo or community code is never a number); only an empty cell is empty
    # (a community named 'NA' stays 'NA'); the CSV's injection quote removed (cells are typed below)
    head = pd.read_csv(path, nrows=0).columns
    dtypes = {c: str for c in head if c in ID_COLUMNS or c.endswith("_id")}
    return read_run_csv(path, dtype=dtypes)


WIDTH_SAMPLE = 500  # rows looked at to size the columns (cosmetic; keeps a 10,000-community export fast)
MIN_WIDTH, MAX_WIDTH, HEADER_WRAP = 8, 60, 22  # column widths (characters); longer headers wrap
LINE_HEIGHT = 13.5  # points per line of wrapped text
HOLDS_WIDTH = 80  # the index sheet's "what it holds" column

# number formats (the cell keeps the full value; Excel shows the separators of the reader's locale)
FMT_WHOLE, FMT_SHARE, FMT_RATE, FMT_PLAIN, FMT_DECIMAL, FMT_DEGREES = "#,##0", "0.0", "0.0%", "0", "0.00", "0.00000"
# fractions 0-1 shown as % (the CSVs keep the fraction)
RATE_COLUMNS = frozenset({"poverty_rate", "poverty", "fee_collection_rate", "p_top_k", "coverage_ratio"})
SHARE_COLUMNS = frozenset({"gap_closed_pp"})  # percentage points, already 0-100
# headers whose meaning depends on the table (the report pages use the same keys)
HEADER_KEYS: dict[str, dict[str, str]] = {
    "validation": {"sheet": "col.v_sheet", "row": "col.v_row", "column": "col.v_column", "value": "col.v_value"},
    "data_quality": {"record": "col.dq_record", "field": "col.dq_field", "value": "col.dq_value",
                     "problem": "col.dq_problem", "action": "col.dq_action", "detail": "col.dq_detail"},
    "interventions": {"quantity": "col.quantity_units"},
}
# code columns whose labels depend on the table
TABLE_CODES: dict[str, dict[str, str]] = {
    "optimum_comparison": {"metric": "optimum.metric"},
    "robustness": {"metric": "robustness.metric"},
}


def _row(ws, values: list[Any], font=None) -> list[Any]:
    """Cells of one row for a write-only sheet. Every text is a string cell: openpyxl would store
    a str starting with '=' as a formula (`=HYPERLINK(...)`, a DDE `=cmd|...` command) — text from
    the inputs is never code; text a spreadsheet would run also gets Excel's quote prefix."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for v in values:
        if font is not None or (isinstance(v, str) and is_formula_like(v)):
            c = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                c.data_type = "s"
                c.quotePrefix = is_formula_like(v)
            if font is not None:
                c.font = font
            out.append(c)
        else:
            out.append(v)
    return out


def header_label(column: str, language: str, table: str = "") -> str:
    """A column's header in the report language (the column name itself only when the catalogue
    has no label for it)."""
    from propilas.core.labels import catalogue

    cat = catalogue()
    key = HEADER_KEYS.get(table, {}).get(column)
    for k in ([key] if key else []) + [f"wbcol.{column}", f"col.{column}", f"criterion.{column}"]:
        if k in cat:
            return _labels_t(k, language)
    return column


def number_format(column: str, values: pd.Series) -> str | None:
    """The number format of a numeric column (None: text)."""
    from propilas.report.render import _is_year_or_rank, whole_number_column

    col = str(column)
    if col in ID_COLUMNS or col.endswith("_id") or not pd.api.types.is_numeric_dtype(values) \
            or pd.api.types.is_bool_dtype(values):
        return None
    nums = pd.to_numeric(values, errors="coerce").dropna()
    integral = bool((nums == nums.round()).all()) if len(nums) else True
    if col in RATE_COLUMNS:
        return FMT_RATE
    if col in ("latitude", "longitude"):
        return FMT_DEGREES
    if _is_year_or_rank(col):
        return FMT_PLAIN if integral else FMT_SHARE
    if col.endswith("_norm"):
        return FMT_DECIMAL
    if col.endswith("_pct") or col in SHARE_COLUMNS:
        return FMT_SHARE
    if whole_number_column(col) or integral:
        return FMT_WHOLE
    return FMT_DECIMAL


def _shown_width(v: Any, fmt: str | None) -> int:
    if v is None:
        return 0
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if fmt == FMT_RATE:
            return len(f"{v * 100:.1f}%")
        if fmt in (FMT_WHOLE, FMT_PLAIN):
            return len(f"{v:,.0f}")
        if fmt == FMT_SHARE:
            return len(f"{v:,.1f}")
        return len(f"{v:,.2f}") if fmt != FMT_DEGREES else 10
    return len(str(v))


def _for_people(df: pd.DataFrame, table: str, language: str) -> pd.DataFrame:
    """Codes as labels, flags as sentences (core/codes.py); table-specific code columns too."""
    from propilas.core.codes import for_people

    extra = TABLE_CODES.get(table, {})
    out = for_people(df, language, skip=extra)
    if extra:
        from propilas.core.labels import relabel

        out = relabel(out, extra, language)
    return out


def _summary_rows(summary: dict[str, Any], params: Any, language: str,
                  names: dict[str, str] | None = None) -> list[list[Any]]:
    """The headline figures (method/headline.py, as on the summary page) when the district's
    parameters are known; else the figures of summary.json under their labels."""
    if params is not None:
        from propilas.method.headline import headline_rows

        return [[a, b] for a, b in headline_rows(summary, params, names or {})]
    rows = []
    for k, v in flatten(summary):
        if isinstance(v, bool):
            v = _labels_t(f"bool.{v}", language)
        rows.append([header_label(k, language), v])
    return rows


def _page_setup(ws) -> None:
    """Printed on A4 landscape, every column on the page width (pages as long as needed)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def export_tables_xlsx(out_dir: Path, district: str, language: str, params: Any = None,
                       names: dict[str, str] | None = None) -> Path:
    """Write outputs/<district>/tables.xlsx (contents, summary, one sheet per table) atomically;
    return it. `params` (the district's DistrictParams) gives the summary sheet the headline figures
    as the report states them. Written in openpyxl's write-only mode (rows streamed, bounded memory
    for large districts); every text cell is a string cell (never a formula: `_row`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    out_dir = Path(out_dir)
    ddir = district_dir(out_dir, district)
    tables = sorted((ddir / "tables").glob("*.csv"), key=lambda p: _stage_order(p.stem))
    if names is None and (ddir / "tables" / "communities.csv").exists():  # names, not codes, for people
        comm = _read_table(ddir / "tables" / "communities.csv")
        if {"community_id", "name"} <= set(comm.columns):
            names = dict(zip(comm["community_id"].astype(str), comm["name"].astype(str)))
    bold = Font(bold=True)
    head_align = Alignment(wrap_text=True, vertical="bottom")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook(write_only=True)
    index_name = sheet_name(_t("index_sheet", language), set())
    index = wb.create_sheet(index_name)
    taken = {index_name.lower()}

    def header_cells(ws, header: list[str]) -> list[Any]:
        cells = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.data_type = "s"
            c.quotePrefix = is_formula_like(h)
            c.font, c.alignment = bold, head_align
            cells.append(c)
        return cells

    def write_frame(ws, header: list[str], rows: list[list[Any]], formats: list[str | None],
                    freeze: str = "A2") -> int:
        widths = [0] * len(header)
        for r in rows[:WIDTH_SAMPLE]:
            for j, v in enumerate(r[: len(widths)]):
                widths[j] = max(widths[j], _shown_width(_cell(v), formats[j]))
        long_text = set()
        for j, h in enumerate(header):
            w = max(widths[j], min(len(str(h)), HEADER_WRAP)) + 2
            if formats[j] is None and widths[j] > MAX_WIDTH:
                long_text.add(j)
            ws.column_dimensions[get_column_letter(j + 1)].width = max(MIN_WIDTH, min(MAX_WIDTH, w))
        ws.freeze_panes = freeze
        _page_setup(ws)
        ws.print_title_rows = "1:1"  # the header on every printed page
        ws.append(header_cells(ws, header))
        for i, r in enumerate(rows):
            if long_text:  # wrapped text: the row as tall as its longest cell (Excel does not grow it)
                lines = max(math.ceil(len(str(r[j])) / (MAX_WIDTH - 4)) if isinstance(r[j], str) else 1
                            for j in long_text)
                if lines > 1:
                    ws.row_dimensions[i + 2].height = min(LINE_HEIGHT * lines, 409)
            out = []
            for j, v in enumerate(_row(ws, [_cell(v) for v in r])):
                fmt = formats[j] if j < len(formats) else None
                if fmt and isinstance(v, (int, float)) and not isinstance(v, bool):
                    c = WriteOnlyCell(ws, value=v)
                    c.number_format = fmt
                    v = c
                elif j in long_text and isinstance(v, str):
                    c = WriteOnlyCell(ws, value=v)
                    c.data_type = "s"
                    c.alignment = wrap
                    v = c
                out.append(v)
            ws.append(out)
        return len(rows)

    index_rows: list[list[Any]] = []
    title = district
    summary_path = ddir / "summary.json"
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        name = sheet_name(_t("summary_sheet", language), taken)
        ws = wb.create_sheet(name)
        title = str(summary.get("name") or title)
        rows = _summary_rows(summary, params, language, names)
        n = write_frame(ws, [_labels_t("col.metric", language), _labels_t("col.value", language)], rows,
                        [None, None])
        index_rows.append([name, _labels_t("wbsheet.summary", language) + " " + _t("summary_other", language),
                           _stage_label("summary.json", language), n, "summary.json"])
    cat_keys = set(__import__("propilas.core.labels", fromlist=["catalogue"]).catalogue())
    for path in tables:
        table = path.stem
        df = _read_table(path)
        formats = [number_format(c, df[c]) for c in df.columns]
        shown = _for_people(df, table, language)
        name = sheet_name(table, taken)
        ws = wb.create_sheet(name)
        first = str(df.columns[0]) if len(df.columns) else ""
        freeze = "B2" if (first.endswith("_id") or first == "name") and len(df.columns) > 4 else "A2"
        write_frame(ws, [header_label(str(c), language, table) for c in df.columns],
                    shown.astype(object).values.tolist(), formats, freeze)
        holds = (_labels_t(f"wbsheet.{table}", language) if f"wbsheet.{table}" in cat_keys
                 else _labels_t("wbsheet.other", language, table=table))
        index_rows.append([name, holds, _stage_label(table, language), len(df), f"tables/{path.name}"])

    manifest_path = out_dir / "manifest.json"
    run_id, started, code = _t("no_run", language), "", ""
    if manifest_path.exists():
        try:
            m = json.loads(manifest_path.read_text(encoding="utf-8"))
            run_id = str(m.get("run_id", ""))
            started = str(m.get("started_utc", ""))
            cv = m.get("code_version") or {}
            code = f"{cv.get('commit', '')}{' (dirty)' if cv.get('dirty') else ''}" if isinstance(cv, dict) else str(cv)
        except (OSError, ValueError):
            pass
    for j, w in enumerate([26, HOLDS_WIDTH, 50, 8, 36], start=1):
        index.column_dimensions[get_column_letter(j)].width = w
    head_row = 8  # title, run, started, code, note, columns note, blank, then the header of the sheet list
    index.freeze_panes = f"A{head_row + 1}"
    _page_setup(index)
    index.append(_row(index, [_t("title", language, district=title)],
                      Font(bold=True, size=13)))
    index.append(_row(index, [_t("run", language), run_id]))
    index.append(_row(index, [_t("started", language), started]))
    index.append(_row(index, [_t("code", language), code]))
    index.append(_row(index, [_t("note", language)]))
    index.append(_row(index, [_t("columns_note", language)]))
    index.append([])
    index.append(header_cells(index, [_t(k, language).capitalize() for k in ("sheet", "holds", "stage", "rows", "file")]))
    for i, r in enumerate(index_rows):
        lines = math.ceil(len(str(r[1])) / (HOLDS_WIDTH - 6))
        if lines > 1:
            index.row_dimensions[head_row + 1 + i].height = LINE_HEIGHT * lines
        cells = _row(index, r)
        c = WriteOnlyCell(index, value=r[1])
        c.data_type, c.alignment = "s", wrap
        cells[1] = c
        index.append(cells)

    dest = ddir / "tables.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(buf.getvalue(), dest)
    return dest
