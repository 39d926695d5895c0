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
        hint = f" (found {', '.join(near)}: rename it to {table}.csv or {table}.xlsx)" if near else ""
        raise DataError(f"{data_dir}: no {table}.csv or {table}.xlsx{hint}; create one "
                        f"(`propilas new` writes a template)")
    if len(found) > 1:
        raise DataError(f"{data_dir}: both {found[0].name} and {found[1].name} exist; keep only the one "
                        "you edit so the run cannot read a stale copy")
    return found[0]


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if not raw.strip():
        raise UnreadableFileError(f"{path}: the file is empty; it needs a header row and one row per record")
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
        raise UnreadableFileError(
            f"{path}: the file holds NUL bytes, so it is {kind} text without a byte-order mark (or not "
            "text at all); save it as UTF-8 (Excel: 'CSV UTF-8 (delimitado por comas)')")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as e:
        raise UnreadableFileError(
            f"{path}: cannot read the text encoding (byte {e.start} is neither UTF-8 nor Windows-1252); "
            "save the file as 'CSV UTF-8' from Excel") from None
    return text, "cp1252"


def _decode_or_refuse(raw: bytes, codec: str, path: Path) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as e:
        raise UnreadableFileError(f"{path}: starts like {codec.upper()} text but byte {e.start} is not "
                                  f"{codec.upper()}; save it as UTF-8 (Excel: 'CSV UTF-8')") from None


def _sniff_separator(header: str, path: Path) -> str:
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) - 1 for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    if counts[sep] == 0:
        raise UnreadableFileError(
            f"{path}: the header row has a single column ({header[:60]!r}); the separator must be "
            "a comma, a semicolon or a tab")
    return sep


def too_many_rows(path: Path, n: int, max_rows: int) -> UnreadableFileError:
    return UnreadableFileError(
        f"{path}: {n} data rows, more than the limit of {max_rows} (inputs.max_rows in params/defaults.yaml); "
        "a district has hundreds of communities: check the file is one district's table, or raise "
        "inputs.max_rows in the district's params file")


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
        raise UnreadableFileError(f"{path}: the file is empty")
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
            raise UnreadableFileError(
                f"{path}: row {i}, field {j + 1}: value {r[j].strip()[:60]!r} is beyond the header's last "
                f"column ({head[-1]!r}); give the column a header or delete the value")
        if len(r) != len(head):
            hint = (" A decimal comma in a comma-separated file splits numbers: save with ';' as separator "
                    "or use decimal points." if sep == "," else "")
            raise UnreadableFileError(
                f"{path}: row {i} has {len(r)} fields but the header has {len(head)} "
                f"(separator {sep!r}).{hint}")
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
        raise UnreadableFileError(f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from None
    sheet = table if table in wb.sheetnames else None
    if sheet is None:
        data_sheets = [s for s in wb.sheetnames if s.lower() not in ("readme", "léeme", "leeme", "lists", "listas")]
        if len(data_sheets) != 1:
            raise UnreadableFileError(f"{path}: no sheet named {table!r} (sheets: {wb.sheetnames})")
        sheet = data_sheets[0]
    ws = wb[sheet]
    if max_rows is not None and ws.max_row - 1 > max_rows:
        raise too_many_rows(path, ws.max_row - 1, max_rows)
    for rng in ws.merged_cells.ranges:
        problems.append(Problem("error", path.name, rng.min_row, None, str(rng),
                                "merged cells: unmerge them and fill every cell", sheet))
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFileError(f"{path}: sheet {sheet!r} is empty; it needs a header row")
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
                                    f"value beyond the header's last column ({head[-1] if head else ''!r}): "
                                    "give the column a header or delete the value", sheet))
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
                    out.append(Problem("error", path.name, i, col, f[:80],
                                       "formula without a saved value: open and save the file in Excel or "
                                       "LibreOffice (they store the result), or type the value", sheet))
    finally:
        wb.close()
    return out


