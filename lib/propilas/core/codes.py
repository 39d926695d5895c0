"""Codes of the tables in words, for every page and the workbook (issue 13 §1).

The CSV files keep codes (`rehabilitation`, `municipal`, `missing:state_catchment`): they are what
scripts and the cache compare. A person reads labels: `CODE_COLUMNS` says which label kind of the
text catalogue (core/text/*.yaml) each code column uses, and `flags_text` turns a flags column
("missing:state_catchment; partial_index") into sentences ("falta el estado de la captación;
índice de sostenibilidad parcial …"). One function each, used by report/render.table_html (pages)
and report/excel_export (tables.xlsx).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from propilas.core.labels import catalogue, is_unknown, t

# column name -> label kind (catalogue keys '<kind>.<code>'); a value without a label stays as it is
# (data such as a community's name or 'SIASAR 2015' is not a code).
CODE_COLUMNS: dict[str, str] = {
    "intervention": "intervention", "service": "service", "gap_indicator": "service",
    "rung": "rung", "class": "class", "light": "light", "status": "status", "actor": "actor",
    "item": "commitment", "system_type": "system_type", "severity": "severity",
    "problem": "dq_problem", "action": "dq_action", "indicator": "indicator",
    "target_reason": "target_reason", "unit": "unit", "population_basis": "population_basis",
    "dry_season": "dry_season", "criterion": "criterion",
}
# `source` is the funding source in the plan tables and the row's origin in the inventories
SOURCE_KINDS: tuple[str, ...] = ("source", "data_source")
BOOL_COLUMNS: tuple[str, ...] = ("qualifies_safely_managed", "partial", "one_off", "differs", "jass_exists",
                                 "counterpart_committed", "chlorination", "jass_recognised", "jass_board_active",
                                 "fee_charged", "maintenance_plan", "trained_operator", "fragile_ranking")
FLAG_COLUMNS: tuple[str, ...] = ("flags", "fallbacks")
# fallback codes of the priorities ('<criterion>:<kind>'; method/prioritisation.py)
FALLBACK_KINDS: tuple[str, ...] = ("neutral", "district_rate")
SEPARATOR = "; "
_CODE = re.compile(r"^[a-z][a-z0-9_]*(:[^\s;]*)?$")


def code_kind(column: str) -> str | None:
    """The label kind of a code column, or None (check_* columns are the field checklist)."""
    col = str(column)
    if col.startswith("check_"):
        return "check"
    return CODE_COLUMNS.get(col)


def code_label(column: str, value: Any, language: str) -> Any:
    """The label of one cell of a code column; unknown stays unknown (the caller writes it)."""
    if is_unknown(value) or value == "":
        return value
    cat = catalogue()
    text = str(value)
    if str(column) == "source":
        for kind in SOURCE_KINDS:
            if f"{kind}.{text}" in cat:
                return t(f"{kind}.{text}", language)
        return value
    if str(column) in BOOL_COLUMNS or isinstance(value, bool):
        low = text.strip().lower()
        if low in ("true", "yes", "1", "1.0"):
            return t("bool.True", language)
        if low in ("false", "no", "0", "0.0"):
            return t("bool.False", language)
        return value
    kind = code_kind(column)
    if kind and f"{kind}.{text}" in cat:
        return t(f"{kind}.{text}", language)
    return value


def _what(arg: str, language: str) -> str:
    """A field, component or criterion named in a flag, in words."""
    cat = catalogue()
    for key in (f"field.{arg}", f"component.{arg}", f"priority.short.{arg}", f"criterion.{arg}"):
        if key in cat:
            return t(key, language)
    return arg.replace("_", " ")


def flag_sentence(code: str, language: str) -> str:
    """One flag code in words: 'missing:state_catchment' -> 'falta el estado de la captación'.

    Looked up as flag.<prefix>.<argument> (a fixed code), then a fallback of the priorities
    ('<criterion>:neutral'), then flag.<prefix> with the argument as {what}/{n}/{id}; a code the
    catalogue does not know reads flag.other ('observación: …') so that no code disappears."""
    code = str(code).strip()
    if not _CODE.match(code):  # already words (e.g. a sentence a stage wrote): shown as it is
        return code
    cat = catalogue()
    prefix, sep, arg = code.partition(":")
    if sep and f"flag.{prefix}.{arg}" in cat:
        return t(f"flag.{prefix}.{arg}", language)
    if sep and arg in FALLBACK_KINDS and f"priority.short.{prefix}" in cat:
        return t(f"priority.fallback_short.{arg}", language, criterion=t(f"priority.short.{prefix}", language))
    if prefix == "partial_index" and arg:
        return t("flag.partial_index_of", language, id=arg)
    if f"flag.{prefix}" in cat:
        return t(f"flag.{prefix}", language, what=_what(arg, language), n=arg, id=arg)
    return t("flag.other", language, what=code.replace("_", " ").replace(":", ": "))


def flags_text(value: Any, language: str, sep: str = SEPARATOR) -> str:
    """A flags or fallbacks cell ('a:x; b') in sentences joined by `sep`; '' when there is none."""
    if is_unknown(value):
        return ""
    codes = [c.strip() for c in str(value).split(";") if c.strip()]
    return sep.join(dict.fromkeys(flag_sentence(c, language) for c in codes))


def for_people(df, language: str, skip: Mapping[str, str] | None = None):
    """Copy of a table whose code columns read labels and whose flags columns read sentences
    (columns named in `skip` are left alone: the caller relabels them itself)."""
    from pandas.api.types import is_numeric_dtype

    out = df.copy()
    skip = skip or {}
    for col in out.columns:
        if col in skip:
            continue
        if col in FLAG_COLUMNS:
            out[col] = [flags_text(v, language) for v in out[col]]
        elif str(out[col].dtype) in ("bool", "boolean"):
            out[col] = [v if is_unknown(v) else t(f"bool.{bool(v)}", language) for v in out[col].astype(object)]
        elif (col == "source" or col in BOOL_COLUMNS or code_kind(col)) and not is_numeric_dtype(out[col]):
            out[col] = [code_label(col, v, language) for v in out[col].astype(object)]
    return out
