"""Shared parts of the workshop exercises (run/exercises.py): the verdict, reading an answer, and
the messages every check uses."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from propilas.core.labels import t


@dataclass(frozen=True)
class Verdict:
    ok: bool | None  # None: nothing to check (no answer yet, or no exercise in this district)
    message: str


@dataclass
class Exercise:
    prompt: str  # Markdown, in the report language
    expected: Any = None  # None: this district has no data for the exercise
    data: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- answers
def as_number(answer: Any) -> float | None:
    """A number from an int, float or text ('2,58' and '2.58' both read 2.58); None if not one."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return None if math.isnan(float(answer)) else float(answer)
    if isinstance(answer, str):
        s = answer.strip().replace("%", "").replace(" ", "").replace("\u202f", "")
        if s.count(",") == 1 and "." not in s:
            s = s.replace(",", ".")
        else:
            s = s.replace(",", "")
        try:
            return float(s)
        except ValueError:
            return None
    return None


def plain(text: Any) -> str:
    """Lower case, accents and punctuation off: 'Ámbar' → 'ambar'."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum() or ch == " ").strip()


def _close(x: float, expected: float, tol: float) -> bool:
    return abs(x - expected) <= tol + 1e-9


def _no_answer(ctx: Any) -> Verdict:
    return Verdict(None, t("exercise.write_answer", ctx.lang))


def _not_number(answer: Any, ctx: Any) -> Verdict:
    return Verdict(False, t("exercise.not_a_number", ctx.lang, given=str(answer)[:80]))


def _right(ctx: Any, why: str) -> Verdict:
    return Verdict(True, t("exercise.right", ctx.lang, why=why))


def _wrong(ctx: Any, why: str) -> Verdict:
    return Verdict(False, t("exercise.wrong", ctx.lang, why=why))


def _second(found: list[str], not_this: str | None = None) -> str | None:
    """The exercise's pick: another one than the worked example's when there is one."""
    rest = [x for x in found if x != not_this]
    return rest[0] if rest else (found[0] if found else None)
