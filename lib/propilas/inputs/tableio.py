"""Reading input tables (CSV or Excel) without guessing, and writing outputs atomically.

Consultants bring files saved by Excel in a Spanish locale (`;`, decimal comma, cp1252 or a
BOM). They are read to exactly the numbers of the UTF-8 original, or refused with a message
that says what is wrong; a number is never misread silently. Every problem is collected with
file, sheet, row (as the spreadsheet shows it: header is row 1), column, value and rule.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from propilas.core.atomicio import _umask, atomic_write_bytes, atomic_write_json, atomic_write_text  # noqa: F401 (re-exported)
from propilas.core.labels import t
from propilas.core.markup import is_formula_like, spreadsheet_text
from propilas.core.messages import Msg, render
from propilas.core.safetext import quote
from propilas.core.schemas import NO_VALUES, YES_VALUES, Column, columns

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclass
class Problem:
    """One finding about the inputs; `severity` is 'error' (blocks the run) or 'warning'.

    `rule` is a `core.messages.Msg` (catalogue key `val.*` + arguments; as a string it is the
    English text) or plain text; `rule_text(language)` and `text(language)` render it in Spanish
    or English (issue 13 §2)."""

    severity: str
    file: str
    row: int | None
    column: str | None
    value: Any
    rule: str
    sheet: str | None = None

    def rule_text(self, language: str = "en") -> str:
        return str(render(self.rule, language))

    def as_dict(self, language: str = "en") -> dict[str, Any]:
        d = asdict(self)
        d["value"] = "" if self.value is None else str(self.value)
        d["rule"] = self.rule_text(language)
        return d

    def text(self, language: str = "en") -> str:
        """One line naming severity, file, sheet, row, column and value (quoted, ≤ ~200 characters),
        then the rule — what `propilas validate` prints and a failed run's reason lists."""
        where = [self.file]
        if self.sheet:
            where.append(t("val.where.sheet", language, sheet=self.sheet))
        if self.row is not None:
            where.append(t("val.where.row", language, row=self.row))
        if self.column:
            where.append(t("val.where.column", language, column=self.column))
        val = "" if self.value is None else t("val.where.value", language, value=quote(str(self.value)))
        return t("val.problem", language, severity=t(f"severity.{self.severity}", language).upper(),
                 where=", ".join(where), value=val, rule=self.rule_text(language))

    def __str__(self) -> str:
        return self.text("en")


def problems_frame(problems: Iterable[Problem], language: str = "en") -> pd.DataFrame:
    """The problems as a table, the rule in `language` (the stage 00 page shows it)."""
    cols = ["severity", "file", "sheet", "row", "column", "value", "rule"]
    return pd.DataFrame([p.as_dict(language) for p in problems], columns=cols)


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
        problems.append(Problem("error", file, 1, c, c, Msg("val.header.duplicate"), sheet))
    for c in present:
        if c not in spec:
            guess = _closest(c, [n for n in spec if n not in present])
            rule = Msg("val.header.unknown_guess", guess=quote(guess)) if guess else Msg("val.header.unknown")
            problems.append(Problem("error", file, 1, c, c, rule, sheet))
    for name, col in spec.items():
        if col.required and name not in present:
            guess = _closest(name, [p for p in present if p not in spec])
            rule = Msg("val.header.missing_guess", guess=quote(guess)) if guess else Msg("val.header.missing")
            problems.append(Problem("error", file, 1, name, None, rule, sheet))
    return problems


def _decimal_comma(df: pd.DataFrame, table: str, meta: dict[str, str]) -> bool:
    """Decide the file's decimal mark once: a number with ',' makes it a decimal-comma file."""
    num_cols = [c.name for c in columns(table) if c.kind in ("int", "float") and c.name in df.columns]
    vals = pd.Series(df[num_cols].to_numpy().ravel()).astype(str) if num_cols else pd.Series([], dtype=str)
    return bool(vals.str.contains(",", regex=False).any()) and meta.get("separator") != ","


# '1.000', '2.006', '12.345.678': what a Spanish-locale Excel writes with thousands separators.
# A leading '0' ('0.561') is never a thousands group, so it is read as a decimal point.
THOUSANDS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")
# Cells that mean "unknown" in a column of numbers, yes/no or codes. In text and id columns
# ('NA', 'None', 'N/A' can be a community's name or code) only an empty cell is missing.
MISSING_TOKENS = frozenset({"nan", "na", "n/a", "none", "null"})
LOCALE_SEPARATORS = (";", "\t")  # separators of a Spanish-locale Excel ('.' may be a thousands mark)


def parse_number(text: str, decimal_comma: bool, spanish_locale: bool = False) -> float:
    """Float of a cell; raises ValueError with the reason (never reads '1,5' as 15 nor '1.000' as 1)."""
    if not NUMBER.match(text):
        raise ValueError(Msg("val.cell.not_a_number"))
    if spanish_locale and THOUSANDS_DOT.match(text):
        raise ValueError(Msg("val.cell.thousands_dot"))
    if decimal_comma:
        if "." in text:
            raise ValueError(Msg("val.cell.mixed_marks"))
        text = text.replace(",", ".")
    elif "," in text:
        raise ValueError(Msg("val.cell.decimal_comma"))
    return float(text)


def type_table(df: pd.DataFrame, table: str, file: str, meta: dict[str, str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Strings to canonical dtypes; every unparseable cell becomes a Problem (value kept as NaN)."""
    sheet = meta.get("sheet") or None
    problems: list[Problem] = []
    dec_comma = _decimal_comma(df, table, meta)
    spanish = meta.get("separator") in LOCALE_SEPARATORS
    out: dict[str, Any] = {}
    blank_rows = [i for i in df.index if all(str(v) == "" for v in df.loc[i])]
    for i in blank_rows:
        problems.append(Problem("error", file, int(i), None, "", Msg("val.cell.blank_row"), sheet))
    df = df.drop(index=blank_rows)
    for col in columns(table):
        if col.name not in df.columns:
            continue
        raw = df[col.name].astype(str)
        vals: list[Any] = []
        for row, text in raw.items():
            if text == "" or (col.kind not in ("text", "id") and text.lower() in MISSING_TOKENS):
                if not col.nullable:
                    problems.append(Problem("error", file, int(row), col.name, text, Msg("val.cell.required"), sheet))
                vals.append(None)
                continue
            try:
                vals.append(_parse_cell(text, col, dec_comma, spanish))
            except ValueError as e:
                why = e.args[0] if e.args and isinstance(e.args[0], Msg) else str(e)
                problems.append(Problem("error", file, int(row), col.name, text, _expected(col, why), sheet))
                vals.append(None)
        out[col.name] = _to_dtype(vals, col).set_axis(df.index)
    typed = pd.DataFrame(out, index=df.index)
    return typed, problems


def _expected(col: Column, why: str) -> str:
    if col.kind in ("state", "choice"):
        return Msg("val.cell.expected_choice", choices=", ".join(col.choices))
    if col.kind == "yesno":
        return Msg("val.cell.expected_yesno")
    if col.kind == "int":
        return Msg("val.cell.expected_int", why=why)
    if col.kind == "float":
        return Msg("val.cell.expected_number", why=why)
    if col.kind == "id":
        return Msg("val.cell.expected_id")
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
            raise ValueError(Msg("val.cell.not_finite"))
        if col.kind == "int" and not float(x).is_integer():
            raise ValueError(Msg("val.cell.has_decimals"))
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


def atomic_write_csv(df: pd.DataFrame, path: Path) -> None:
    """CSV people may open in Excel: a text cell starting with = + - @ tab or CR gets a leading `'`
    (OWASP CSV injection), so a community named `=HYPERLINK(...)` is never run as a formula.
    `read_run_csv` removes the quote again when a run reads its own tables back."""
    out = df
    text_cols = [c for c in df.columns if is_text_column(df[c])]
    if text_cols:
        out = df.copy()
        for c in text_cols:
            out[c] = out[c].map(spreadsheet_text)
    atomic_write_text(out.to_csv(index=False, lineterminator="\n"), path)


def is_text_column(s: pd.Series) -> bool:
    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def unquote_formula(v: Any) -> Any:
    """Undo `spreadsheet_text` on a cell read back from a CSV a run wrote."""
    if isinstance(v, str) and v.startswith("'") and is_formula_like(v[1:]):
        return v[1:]
    return v


def read_run_csv(path: Path, dtype: Any = None) -> pd.DataFrame:
    """A table a run wrote, read back exactly: only an empty cell is missing (a community named
    'NA' or 'None' stays a name), and the CSV-injection quote is removed."""
    df = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""])
    for c in df.columns:
        if is_text_column(df[c]):
            df[c] = df[c].map(unquote_formula)
    return df
