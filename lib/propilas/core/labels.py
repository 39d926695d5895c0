"""Report text in Spanish and English: every label, heading and sentence comes from here.

Strings live in `text/*.yaml` (one file per domain), each key mapping to `{es: ..., en: ...}`.
Codes in tables (rung, class, intervention, source) are translated here, so reports show
labels, never codes.
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

import yaml

LANGUAGES = ("es", "en")


# libyaml's safe loader when PyYAML has it (the same documents, ~10x faster: the catalogue is read
# by every process, kernels included); the pure-Python one otherwise
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    folder = resources.files("propilas.core") / "text"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}  # noqa: S506 - safe
        for key, value in data.items():
            if key in out:
                raise KeyError(f"text key {key!r} defined twice (second time in {entry.name})")
            if not isinstance(value, dict) or set(value) != set(LANGUAGES):
                raise ValueError(f"text/{entry.name}: key {key!r} must give exactly es and en")
            out[key] = value
    return out


@dataclass(frozen=True)
class Unknown:
    """A value that is not known, with the reason (text already in the report language)."""

    reason: str = ""


def is_unknown(value: Any) -> bool:
    """None, NaN, ±inf, pandas NA/NaT or `Unknown`: a value no sentence may print as a number."""
    if value is None or isinstance(value, Unknown):
        return True
    if isinstance(value, (str, bytes, bool)):
        return False
    try:
        f = float(value)
    except (TypeError, ValueError):
        return type(value).__name__ in ("NAType", "NaTType")
    return math.isnan(f) or math.isinf(f)


# A unit written next to a placeholder is dropped with an unknown value ("sin dato", not "sin dato %").
_UNIT_AFTER = re.compile(r"^ ?(?:%|pp\b|personas\b|persons\b|people\b|soles\b|hogares\b|households\b)")
_UNIT_BEFORE = re.compile(r"S/ ?$")


def _unknown_text(value: Any, language: str, reason_key: str | None) -> str:
    if isinstance(value, Unknown) and value.reason:
        reason = value.reason
    else:
        reason = t(reason_key or "reason.not_computable", language)
    return t("common.missing_because", language, reason=reason)


class _Grouping(string.Formatter):
    """str.format whose ',' thousands grouping follows the language (core/numbers.py: '12 345' in
    Spanish, '12,345' in English), so every sentence of a report groups digits the same way."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> Any:
        out = format(value, format_spec)
        if "," in format_spec and self.language != "en":
            from propilas.core.numbers import group

            out = group(out, self.language)
        return out


def _format(text: str, language: str, fmt: Mapping[str, Any], reasons: Mapping[str, str]) -> str:
    """str.format, except that an unknown value reads "sin dato (<reason>)" / "no data (<reason>)"
    whatever its format spec, so no sentence can print nan, None or inf. `reasons` maps a field
    to the catalogue key of its reason; without one the generic reason is given."""
    if not any(is_unknown(v) for v in fmt.values()):
        return _Grouping(language).vformat(text, (), fmt)
    f = _Grouping(language)
    out: list[str] = []
    after_unknown = False
    for literal_text, field, spec, conversion in f.parse(text):
        if after_unknown:
            literal_text = _UNIT_AFTER.sub("", literal_text, count=1)
            after_unknown = False
        if field is None:
            out.append(literal_text)
            continue
        value, _ = f.get_field(field, (), fmt)
        if is_unknown(value):
            out.append(_UNIT_BEFORE.sub("", literal_text) + _unknown_text(value, language, reasons.get(field)))
            after_unknown = True
            continue
        value = f.convert_field(value, conversion)
        out.append(literal_text + f.format_field(value, f.vformat(spec, (), fmt) if spec else ""))
    return "".join(out)


def t(key: str, language: str, reasons: Mapping[str, str] | None = None, **fmt: Any) -> str:
    """Text for `key` in `language`, formatted with `fmt` (str.format). An unknown value (None,
    NaN, inf, `Unknown`) is written "sin dato (<reason>)": `reasons` maps a field name to the
    catalogue key of its reason (see `_format`)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    try:
        text = catalogue()[key][language]
    except KeyError:
        raise KeyError(f"no text for key {key!r}; add it to lib/propilas/core/text/*.yaml") from None
    return _format(text, language, fmt, reasons or {}) if fmt else text


def label(kind: str, code: Any, language: str) -> str:
    """Human label of a code, e.g. label('rung', 'safely_managed', 'es')."""
    if is_unknown(code):  # None, NaN, pd.NA: "sin dato", never "<NA>" (issue 13 §1)
        return t("common.missing", language)
    key = f"{kind}.{code}"
    return t(key, language) if key in catalogue() else str(code)


def relabel(df, columns: dict[str, str], language: str):
    """Copy of a table with code columns turned into labels (column -> label kind)."""
    out = df.copy()
    for col, kind in columns.items():
        if col in out.columns:
            out[col] = [label(kind, v, language) for v in out[col]]
    return out
