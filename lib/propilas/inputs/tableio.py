"""Reading input tables (CSV or Excel) without guessing, and writing outputs atomically.

Consultants bring files saved by Excel in a Spanish locale (`;`, decimal comma, cp1252 or a
BOM). They are read to exactly the numbers of the UTF-8 original, or refused with a message
that says what is wrong; a number is never misread silently. Every problem is collected with
file, sheet, row (as the spreadsheet shows it: header is row 1), column, value and rule.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from propilas.core.errors import DataError, UnreadableFileError
from propilas.core.schemas import NO_VALUES, YES_VALUES, Column, columns

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
SUPPORTED = (".csv", ".xlsx")


@dataclass
class Problem:
    """One finding about the inputs; `severity` is 'error' (blocks the run) or 'warning'."""

    severity: str
    file: str
    row: int | None
    column: str | None
    value: Any
    rule: str
    sheet: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = "" if self.value is None else str(self.value)
        return d

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        val = "" if self.value is None else f" value {str(self.value)!r}:"
        return f"{self.severity.upper()} {', '.join(where)}:{val} {self.rule}"


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    cols = ["severity", "file", "sheet", "row", "column", "value", "rule"]
    return pd.DataFrame([p.as_dict() for p in problems], columns=cols)


# --------------------------------------------------------------------------- raw reading


def find_input(data_dir: Path, table: str) -> Path:
    """The district's file for a table: CSV or Excel (never both, to avoid reading a stale one)."""
    found = [data_dir / f"{table}{ext}" for ext in SUPPORTED if (data_dir / f"{table}{ext}").exists()]
    if not found:
        raise DataError(f"{data_dir}: no {table}.csv or {table}.xlsx; create one "
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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
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


def _sniff_separator(header: str, path: Path) -> str:
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) - 1 for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    if counts[sep] == 0:
        raise UnreadableFileError(
            f"{path}: the header row has a single column ({header[:60]!r}); the separator must be "
            "a comma, a semicolon or a tab")
    return sep


def read_csv_strings(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """All cells as stripped strings; row numbers as a spreadsheet shows them."""
    text, encoding = decode_text(path.read_bytes(), path)
    lines = text.splitlines()
    header = next((ln for ln in lines if ln.strip()), "")
    sep = _sniff_separator(header, path)
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    if not rows:
        raise UnreadableFileError(f"{path}: the file is empty")
    head = [h.strip() for h in rows[0]]
    body: list[list[str]] = []
    numbers: list[int] = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            body.append([""] * len(head))
            numbers.append(i)
            continue
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


def read_xlsx_strings(path: Path, table: str) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """Cells of the table's sheet as strings; merged cells are refused (their values would be lost)."""
    import openpyxl

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

    body = [[cell(v) for v in (r + [None] * len(head))[: len(head)]] for r in rows[1:]]
    df = pd.DataFrame(body, columns=head, dtype=object)
    df.index = range(2, len(body) + 2)
    return df, {"encoding": "xlsx", "separator": "", "sheet": sheet}, problems


# --------------------------------------------------------------------------- typing


def _closest(name: str, candidates: list[str]) -> str | None:
    import difflib

    m = difflib.get_close_matches(name.lower(), candidates, n=1, cutoff=0.75)
    return m[0] if m else None


def check_header(df: pd.DataFrame, table: str, file: str, sheet: str | None) -> list[Problem]:
    problems: list[Problem] = []
    spec = {c.name: c for c in columns(table)}
    present = list(df.columns)
    dup = sorted({c for c in present if present.count(c) > 1})
    for c in dup:
        problems.append(Problem("error", file, 1, c, c, "column appears more than once", sheet))
    for c in present:
        if c not in spec:
            guess = _closest(c, [n for n in spec if n not in present])
            rule = f"unknown column; did you mean {guess!r}?" if guess else "unknown column; remove it"
            problems.append(Problem("error", file, 1, c, c, rule, sheet))
    for name, col in spec.items():
        if col.required and name not in present:
            guess = _closest(name, [p for p in present if p not in spec])
            rule = "required column missing" + (f" (is {guess!r} a misspelling of it?)" if guess else "")
            problems.append(Problem("error", file, 1, name, None, rule, sheet))
    return problems


def _decimal_comma(df: pd.DataFrame, table: str, meta: dict[str, str]) -> bool:
    """Decide the file's decimal mark once: a number with ',' makes it a decimal-comma file."""
    num_cols = [c.name for c in columns(table) if c.kind in ("int", "float") and c.name in df.columns]
    vals = pd.Series(df[num_cols].to_numpy().ravel()).astype(str) if num_cols else pd.Series([], dtype=str)
    return bool(vals.str.contains(",", regex=False).any()) and meta.get("separator") != ","


THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def parse_number(text: str, decimal_comma: bool, spanish_locale: bool = False) -> float:
    """Float of a cell; raises ValueError with the reason (never reads '1,5' as 15 nor '1.000' as 1)."""
    if not NUMBER.match(text):
        raise ValueError("not a number")
    if spanish_locale and THOUSANDS_DOT.match(text):
        raise ValueError("ambiguous in a ';'-separated (Spanish Excel) file: thousands separators are not "
                         "accepted; write the number without separators, e.g. 1000 or 1000,5")
    if decimal_comma:
        if "." in text:
            raise ValueError("mixes '.' with decimal commas used elsewhere in this file (thousands "
                             "separators are not accepted: write 1234,5 not 1.234,5)")
        text = text.replace(",", ".")
    elif "," in text:
        raise ValueError("decimal comma in a file whose numbers use '.'; use one decimal mark")
    return float(text)


def type_table(df: pd.DataFrame, table: str, file: str, meta: dict[str, str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Strings to canonical dtypes; every unparseable cell becomes a Problem (value kept as NaN)."""
    sheet = meta.get("sheet") or None
    problems: list[Problem] = []
    dec_comma = _decimal_comma(df, table, meta)
    spanish = meta.get("separator") == ";"
    out: dict[str, Any] = {}
    blank_rows = [i for i in df.index if all(str(v) == "" for v in df.loc[i])]
    for i in blank_rows:
        problems.append(Problem("error", file, int(i), None, "", "blank row inside the table; delete it", sheet))
    df = df.drop(index=blank_rows)
    for col in columns(table):
        if col.name not in df.columns:
            continue
        raw = df[col.name].astype(str)
        vals: list[Any] = []
        for row, text in raw.items():
            if text == "" or text.lower() in ("nan", "na", "n/a", "none", "null"):
                if not col.nullable:
                    problems.append(Problem("error", file, int(row), col.name, text, "value required", sheet))
                vals.append(None)
                continue
            try:
                vals.append(_parse_cell(text, col, dec_comma, spanish))
            except ValueError as e:
                problems.append(Problem("error", file, int(row), col.name, text, _expected(col, str(e)), sheet))
                vals.append(None)
        out[col.name] = _to_dtype(vals, col).set_axis(df.index)
    typed = pd.DataFrame(out, index=df.index)
    return typed, problems


def _expected(col: Column, why: str) -> str:
    if col.kind in ("state", "choice"):
        return f"expected one of {', '.join(col.choices)}"
    if col.kind == "yesno":
        return "expected yes or no (si/sí/no), or empty if unknown"
    if col.kind == "int":
        return f"expected a whole number ({why})"
    if col.kind == "float":
        return f"expected a number ({why})"
    if col.kind == "id":
        return "expected an id of letters, digits, '-', '_' or '.' (max 64 characters)"
    return why


def _parse_cell(text: str, col: Column, dec_comma: bool, spanish: bool = False) -> Any:
    if col.kind == "id":
        if not ID_PATTERN.match(text):
            raise ValueError("bad id")
        return text
    if col.kind == "text":
        return text
    if col.kind in ("int", "float"):
        x = parse_number(text, dec_comma, spanish)
        if not np.isfinite(x):
            raise ValueError("not finite")
        if col.kind == "int" and not float(x).is_integer():
            raise ValueError("has decimals")
        return x
    if col.kind == "yesno":
        low = text.lower()
        if low in YES_VALUES:
            return True
        if low in NO_VALUES:
            return False
        raise ValueError("yes/no")
    if col.kind == "state":
        up = text.upper().split(" ")[0]
        if up in col.choices:
            return up
        raise ValueError("state")
    if col.kind == "choice":
        low = text.lower()
        if low in col.choices:
            return low
        raise ValueError("choice")
    raise AssertionError(col.kind)


def _to_dtype(vals: list[Any], col: Column) -> pd.Series:
    if col.kind == "yesno":
        return pd.Series(vals, dtype="boolean")
    if col.kind in ("int", "float"):
        s = pd.Series([np.nan if v is None else v for v in vals], dtype="float64")
        if col.kind == "int" and not col.nullable and not s.isna().any():
            return s.astype("int64")
        return s
    return pd.Series(vals, dtype=object)


def empty_table(table: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: _to_dtype([], c) for c in columns(table)})


def canonical(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Exactly the schema columns, in order, with the canonical dtypes; optional columns absent
    from `df` are added empty. Used for tables read from files and for tables built in memory
    (SIASAR import, generator): id/text/state/choice -> str or None; non-nullable int -> int64
    (float64 when a value is missing, e.g. SIASAR rows without sanitation counts); nullable int
    and float -> float64; yes/no -> "boolean"."""
    out = pd.DataFrame(index=df.index)
    for col in columns(table):
        s = df[col.name] if col.name in df.columns else pd.Series([None] * len(df), index=df.index)
        if col.kind in ("int", "float"):
            x = pd.to_numeric(s, errors="coerce").astype(float)
            out[col.name] = x.astype("int64") if col.kind == "int" and not col.nullable and x.notna().all() else x
        elif col.kind == "yesno":
            out[col.name] = pd.array([pd.NA if _missing(v) else bool(v) for v in s], dtype="boolean")
        else:
            out[col.name] = pd.Series([None if _missing(v) else str(v) for v in s], index=df.index, dtype=object)
    return out.reset_index(drop=True)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def write_canonical_csv(df: pd.DataFrame, path: Path) -> None:
    """Canonical tables round-trip through the same reader as inputs (yes/no written as yes/no)."""
    from propilas.core.schemas import TABLES

    whole = {c.name for cols in TABLES.values() for c in cols if c.kind == "int"}
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "yes", False: "no"}).astype(object)
        elif col in whole and pd.api.types.is_float_dtype(out[col]):
            vals = out[col].dropna()
            if (vals == vals.round()).all():
                out[col] = out[col].astype("Int64")
    atomic_write_csv(out, path)


# --------------------------------------------------------------------------- atomic output


def atomic_write_bytes(data: bytes, path: Path) -> None:
    """Write to a temporary file beside `path`, fsync, then rename: a reader sees old or new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(text: str, path: Path) -> None:
    atomic_write_bytes(text.encode("utf-8"), path)


def atomic_write_csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write_text(df.to_csv(index=False, lineterminator="\n"), path)


def atomic_write_json(obj: Any, path: Path) -> None:
    atomic_write_text(json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n", path)
