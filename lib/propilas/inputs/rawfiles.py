"""Reading an input file's cells as strings: which file, which encoding, which separator, which
sheet — refusing what cannot be read faithfully, accepting what Excel and editors write.

CSV: UTF-8 (BOM or not), UTF-16/UTF-32 with a BOM, cp1252; NUL bytes without a BOM (UTF-16/32
saved without a byte-order mark) are refused with "save it as UTF-8". CR, LF or CRLF line
endings; blank lines and rows of bare separators after the last record, and empty columns after
the last header, are dropped; a value beyond the header's last column is refused. Excel: the
table's sheet, merged cells, values beyond the header and formulas without a saved value are
reported. A file of more than `max_rows` data rows (params inputs.max_rows) is refused before
it is parsed. Typing the strings is `tableio.type_table`'s job.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core.errors import DataError, UnreadableFileError
from propilas.core.messages import Msg
from propilas.core.safetext import quote
from propilas.inputs.tableio import Problem

SUPPORTED = (".csv", ".xlsx")


def find_input(data_dir: Path, table: str) -> Path:
    """The district's file for a table: CSV or Excel (never both, to avoid reading a stale one).
    The name is matched without regard to case (`Communities.CSV` as saved on Windows is found)."""
    wanted = {f"{table}{ext}" for ext in SUPPORTED}
    try:
        entries = sorted(p for p in Path(data_dir).iterdir() if p.is_file())
    except OSError:
        entries = []
    found = [p for p in entries if p.name.lower() in wanted]
    if not found:
        near = [p.name for p in entries if p.stem.lower() == table or p.stem.lower().startswith(table)]
        hint = Msg("val.file.found_near", found=", ".join(near), table=table) if near else ""
        raise DataError(Msg("val.file.missing", folder=str(data_dir), table=table, hint=hint))
    if len(found) > 1:
        raise DataError(Msg("val.file.both", folder=str(data_dir), first=found[0].name, second=found[1].name))
    return found[0]


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if not raw.strip():
        raise UnreadableFileError(Msg("val.file.empty_bytes", path=str(path)))
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _decode_or_refuse(raw, "utf-32", path), "utf-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_or_refuse(raw, "utf-16", path), "utf-16"
    if b"\x00" in raw[:4096]:
        # Text never holds NUL bytes: this is UTF-16 or UTF-32 saved without a byte-order mark.
        # Read as cp1252 it would become one column of garbage ("decimal comma splits numbers").
        head = raw[:4096]
        kind = "UTF-32" if head.count(b"\x00\x00\x00") * 4 >= len(head) // 2 else "UTF-16"
        raise UnreadableFileError(Msg("val.file.nul_bytes", path=str(path), kind=kind))
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as e:
        raise UnreadableFileError(Msg("val.file.encoding", path=str(path), byte=e.start)) from None
    return text, "cp1252"


def _decode_or_refuse(raw: bytes, codec: str, path: Path) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as e:
        raise UnreadableFileError(Msg("val.file.bad_bom_text", path=str(path), codec=codec.upper(),
                                      byte=e.start)) from None


def _sniff_separator(header: str, path: Path) -> str:
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) - 1 for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    if counts[sep] == 0:
        raise UnreadableFileError(Msg("val.file.one_column", path=str(path), header=repr(header[:60])))
    return sep


def too_many_rows(path: Path, n: int, max_rows: int) -> UnreadableFileError:
    return UnreadableFileError(Msg("val.file.too_many_rows", path=str(path), n=n, max_rows=max_rows))


def _blank(r: list[str]) -> bool:
    return not any(c.strip() for c in r)


def read_csv_strings(path: Path, max_rows: int | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """All cells as stripped strings; row numbers as a spreadsheet shows them.

    What Excel and editors write is accepted: CR, LF or CRLF line endings; blank lines and rows of
    bare separators (';;;;') after the last record; empty columns after the last header. A blank
    row between records is still reported (by `type_table`), and a value beyond the header's last
    column is refused (it belongs to no column)."""
    text, encoding = decode_text(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac/Excel 'CR' files
    lines = text.split("\n")
    header = next((ln for ln in lines if ln.strip()), "")
    sep = _sniff_separator(header, path)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFileError(Msg("val.file.empty", path=str(path)))
    if max_rows is not None and len(rows) - 1 > max_rows:
        raise too_many_rows(path, len(rows) - 1, max_rows)
    head = [h.strip() for h in rows[0]]
    while head and head[-1] == "":
        head.pop()  # trailing empty header cells: Excel keeps columns once used, then cleared
    body: list[list[str]] = []
    numbers: list[int] = []
    for i, r in enumerate(rows[1:], start=2):
        if _blank(r):
            body.append([""] * len(head))
            numbers.append(i)
            continue
        if len(r) > len(head) and not any(c.strip() for c in r[len(head):]):
            r = r[: len(head)]  # empty trailing fields
        if len(r) > len(head) and len(rows[0]) > len(head):
            j = next(k for k in range(len(head), len(r)) if r[k].strip())
            raise UnreadableFileError(Msg("val.file.csv_beyond_header", path=str(path), row=i, field=j + 1,
                                          value=repr(r[j].strip()[:60]), last=repr(head[-1])))
        if len(r) != len(head):
            hint = Msg("val.file.comma_hint") if sep == "," else ""
            raise UnreadableFileError(Msg("val.file.field_count", path=str(path), row=i, n=len(r), width=len(head),
                                          sep=repr(sep), hint=hint))
        body.append([c.strip() for c in r])
        numbers.append(i)
    df = pd.DataFrame(body, columns=head, dtype=object)
    df.index = numbers
    return df, {"encoding": encoding, "separator": sep}


def read_xlsx_strings(path: Path, table: str, max_rows: int | None = None
                      ) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """Cells of the table's sheet as strings; refused: merged cells (their values would be lost),
    values beyond the header's last column, formulas whose result was never saved (a workbook
    written by a program other than Excel/LibreOffice holds the formula but no value)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    problems: list[Problem] = []
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many types for a non-xlsx file
        raise UnreadableFileError(Msg("val.file.not_xlsx", path=str(path),
                                      error=f"{type(e).__name__}: {e}"[:300])) from None
    sheet = table if table in wb.sheetnames else None
    if sheet is None:
        data_sheets = [s for s in wb.sheetnames if s.lower() not in ("readme", "léeme", "leeme", "lists", "listas")]
        if len(data_sheets) != 1:
            raise UnreadableFileError(Msg("val.file.no_sheet", path=str(path), table=repr(table),
                                          sheets=quote(wb.sheetnames)))
        sheet = data_sheets[0]
    ws = wb[sheet]
    if max_rows is not None and ws.max_row - 1 > max_rows:
        raise too_many_rows(path, ws.max_row - 1, max_rows)
    for rng in ws.merged_cells.ranges:
        problems.append(Problem("error", path.name, rng.min_row, None, str(rng), Msg("val.file.merged"), sheet))
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFileError(Msg("val.file.empty_sheet", path=str(path), sheet=repr(sheet)))
    head = [("" if h is None else str(h).strip()) for h in rows[0]]
    while head and head[-1] == "":
        head.pop()
    width = len(head)
    for i, r in enumerate(rows[1:], start=2):
        beyond = [(j, v) for j, v in enumerate(r[width:], start=width)
                  if v is not None and str(v).strip() != ""]
        if beyond:
            j, v = beyond[0]
            problems.append(Problem("error", path.name, i, get_column_letter(j + 1), v,
                                    Msg("val.file.xlsx_beyond_header", last=repr(head[-1] if head else '')),
                                    sheet))
    problems += _formulas_without_value(path, sheet, rows, head)

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return str(v).strip()

    body = [[cell(v) for v in (r + [None] * width)[:width]] for r in rows[1:]]
    df = pd.DataFrame(body, columns=head, dtype=object)
    df.index = range(2, len(body) + 2)
    return df, {"encoding": "xlsx", "separator": "", "sheet": sheet}, problems


def _formulas_without_value(path: Path, sheet: str, values: list[list[Any]], head: list[str]) -> list[Problem]:
    """A formula cell whose saved result is empty: openpyxl and other writers store the formula
    only; Excel or LibreOffice compute and store the value when the file is opened and saved."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out: list[Problem] = []
    try:
        for i, r in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            if i > len(values):
                break
            for j, f in enumerate(r):
                if isinstance(f, str) and f.startswith("=") and (j >= len(values[i - 1]) or values[i - 1][j] is None):
                    col = head[j] if j < len(head) and i > 1 else None
                    out.append(Problem("error", path.name, i, col, f[:80], Msg("val.file.formula"), sheet))
    finally:
        wb.close()
    return out


