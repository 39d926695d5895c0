"""One Excel workbook per district with every table a run wrote: `outputs/<district>/tables.xlsx`.

Municipal staff and reviewers open results in Excel, not in a folder of CSV files. The workbook
is a copy of `tables/*.csv` (same numbers, ids kept as text so '060701' stays '060701') plus a
README sheet saying which stage wrote each sheet and which run produced it, and summary.json
flattened to key/value rows. It is rebuilt from the CSVs, so it can never disagree with them.
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


def export_tables_xlsx(out_dir: Path, district: str, language: str) -> Path:
    """Write outputs/<district>/tables.xlsx (README, summary, one sheet per table) atomically; return it.
    Written in openpyxl's write-only mode (rows streamed, bounded memory for large districts)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    out_dir = Path(out_dir)
    ddir = district_dir(out_dir, district)
    tables = sorted((ddir / "tables").glob("*.csv"), key=lambda p: _stage_order(p.stem))
    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    readme = wb.create_sheet("README")
    taken = {"readme"}

    def write_frame(ws, header: list[str], rows: list[list[Any]]) -> int:
        widths = [len(str(h)) for h in header]
        for r in rows[:WIDTH_SAMPLE]:
            for j, v in enumerate(r[: len(widths)]):
                v = _cell(v)
                if v is not None:
                    widths[j] = max(widths[j], len(str(v)) if not isinstance(v, float) else min(len(repr(v)), 12))
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = max(8, min(50, w + 2))
        ws.freeze_panes = "A2"
        ws.append(_row(ws, header, bold))
        for r in rows:
            ws.append(_row(ws, [_cell(v) for v in r]))
        return len(rows)

    index_rows: list[list[Any]] = []
    summary_path = ddir / "summary.json"
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        name = sheet_name("summary", taken)
        ws = wb.create_sheet(name)
        n = write_frame(ws, [_t("key", language), _t("value", language)],
                        [[k, v if not isinstance(v, bool) else str(v).lower()] for k, v in flatten(summary)])
        index_rows.append([name, "summary.json", _stage_label("summary.json", language), n])
    for path in tables:
        df = _read_table(path)
        name = sheet_name(path.stem, taken)
        ws = wb.create_sheet(name)
        write_frame(ws, [str(c) for c in df.columns], df.astype(object).values.tolist())
        index_rows.append([name, f"tables/{path.name}", _stage_label(path.stem, language), len(df)])

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
    for j, w in enumerate([26, 36, 58, 8], start=1):
        readme.column_dimensions[get_column_letter(j)].width = w
    head_row = 7  # title, run, started, code, note, blank, then the header of the sheet list
    readme.freeze_panes = f"A{head_row + 1}"
    readme.append(_row(readme, [_t("title", language, district=district)], Font(bold=True, size=13)))
    readme.append(_row(readme, [_t("run", language), run_id]))
    readme.append(_row(readme, [_t("started", language), started]))
    readme.append(_row(readme, [_t("code", language), code]))
    readme.append(_row(readme, [_t("note", language)]))
    readme.append([])
    readme.append(_row(readme, [_t("sheet", language), _t("file", language), _t("stage", language),
                                _t("rows", language)], bold))
    for r in index_rows:
        readme.append(_row(readme, r))

    dest = ddir / "tables.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(buf.getvalue(), dest)
    return dest
