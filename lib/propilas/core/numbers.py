"""Numbers for people, one convention per language (issue 13 §3).

Persons, households and soles are whole numbers grouped by thousands; shares (percentages) have
one decimal. Spanish groups thousands with a no-break space and keeps the decimal point
("12 345", "58.1 %"), the SI/RAE grouping that cannot be read as a decimal in Peru, where the
decimal point is usual; English groups with a comma ("12,345", "58.1 %"). Unknown values are
never printed as numbers: these functions return None for them (the caller writes "sin dato").
"""

from __future__ import annotations

import math
from typing import Any

THOUSANDS = {"es": "\u00a0", "en": ","}


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (str, bytes, bool)):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def group(text: str, language: str) -> str:
    """A number already formatted with ',' grouping, in the language's convention."""
    return text.replace(",", THOUSANDS.get(language, ","))


def fmt_int(value: Any, language: str) -> str | None:
    """Whole persons, households or soles: 12345.6 → '12 346' (es) / '12,346' (en); None if unknown."""
    f = _number(value)
    if f is None:
        return None
    r = round(f)  # half to even, like the tables' rounding
    return group(f"{r + 0:,d}", language)


def fmt_decimal(value: Any, language: str, decimals: int = 1) -> str | None:
    f = _number(value)
    if f is None:
        return None
    return group(f"{f:,.{decimals}f}", language)


def fmt_share(value: Any, language: str) -> str | None:
    """A percentage with one decimal: 58.125 → '58.1'; None if unknown."""
    return fmt_decimal(value, language, 1)
