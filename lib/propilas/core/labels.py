"""Report text in Spanish and English: every label, heading and sentence comes from here.

Strings live in `text/*.yaml` (one file per domain), each key mapping to `{es: ..., en: ...}`.
Codes in tables (rung, class, intervention, source) are translated here, so reports show
labels, never codes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("es", "en")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    folder = resources.files("propilas.core") / "text"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if key in out:
                raise KeyError(f"text key {key!r} defined twice (second time in {entry.name})")
            if not isinstance(value, dict) or set(value) != set(LANGUAGES):
                raise ValueError(f"text/{entry.name}: key {key!r} must give exactly es and en")
            out[key] = value
    return out


def t(key: str, language: str, **fmt: Any) -> str:
    """Text for `key` in `language`, formatted with `fmt` (str.format)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    try:
        text = catalogue()[key][language]
    except KeyError:
        raise KeyError(f"no text for key {key!r}; add it to lib/propilas/core/text/*.yaml") from None
    return text.format(**fmt) if fmt else text


def label(kind: str, code: Any, language: str) -> str:
    """Human label of a code, e.g. label('rung', 'safely_managed', 'es')."""
    if code is None or (isinstance(code, float) and code != code):
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
