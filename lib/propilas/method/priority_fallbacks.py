"""Stage 4: the fallbacks of the prioritisation in words (METHOD stage 4, revised: unknown is never 0).

`method/prioritisation.criteria` records, per community, which criteria took a fallback instead of
their own value, as codes '<criterion>:<kind>' in the `fallbacks` column of the priorities table
(kind `district_rate`: poverty placed at the district's rate; `neutral`: the middle of the scale,
`prioritisation.unknown_fallback`). This module counts those codes and writes them as sentences for
the stage-4 report and the tables; every sentence comes from the text catalogue.
"""

from __future__ import annotations

import pandas as pd

from propilas.core.labels import t
from propilas.core.params import CRITERIA, DistrictParams

# Fallback codes in the `fallbacks` column: '<criterion>:<code>'.
FALLBACK_DISTRICT_RATE: str = "district_rate"
FALLBACK_NEUTRAL: str = "neutral"


def _codes(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return []
    return [c.strip() for c in str(value).split(";") if c.strip()]


def fallback_counts(prio: pd.DataFrame) -> dict[str, int]:
    """Number of communities per fallback code ('<criterion>:<code>') of a priorities table."""
    out: dict[str, int] = {}
    for v in prio.get("fallbacks", pd.Series(dtype=object)):
        for code in _codes(v):
            out[code] = out.get(code, 0) + 1
    return out


def fallback_labels(value: object, language: str) -> str:
    """The `fallbacks` codes of one community in words ('Pobreza: tasa del distrito; …')."""
    parts = []
    for code in _codes(value):
        crit, _, kind = code.partition(":")
        parts.append(t(f"priority.fallback_short.{kind}", language,
                       criterion=t(f"priority.short.{crit}", language)))
    return "; ".join(parts)


def fallback_notes(prio: pd.DataFrame, params: DistrictParams, language: str) -> list[str]:
    """The fallbacks of a priorities table in words, one sentence per criterion and kind (with
    the number of communities and the value used); [] when none was used."""
    counts = fallback_counts(prio)
    total = len(prio)
    neutral = float(params.prioritisation.unknown_fallback)
    rate = None if params.poverty_pct is None else float(params.poverty_pct)
    out = []
    for crit in CRITERIA:
        n = counts.get(f"{crit}:{FALLBACK_DISTRICT_RATE}", 0)
        if n:
            norm = prio.loc[[f"{crit}:{FALLBACK_DISTRICT_RATE}" in _codes(v) for v in prio["fallbacks"]],
                            crit + "_norm"]
            out.append(t(f"priority.fallback.{crit}.district_rate", language, rate=rate, n=n, total=total,
                         value=float(norm.iloc[0])))
        n = counts.get(f"{crit}:{FALLBACK_NEUTRAL}", 0)
        if n:
            if crit == "poverty":
                key = "priority.fallback.poverty." + ("no_rate" if rate is None else "no_scale")
            else:
                key = f"priority.fallback.{crit}.neutral"
            out.append(t(key, language, rate=rate, n=n, total=total, value=neutral))
    return out


def fallback_text(prio: pd.DataFrame, params: DistrictParams, language: str,
                  names: dict[str, str] | None = None) -> str:
    """Markdown for the stage-4 report: the fallbacks used (or that none was used) and, when a
    community of the top k rests on fallbacks, which ones (with how many criteria) to check."""
    notes = fallback_notes(prio, params, language)
    if not notes:
        return t("priority.fallbacks_none", language)
    head = t("priority.fallbacks_intro", language, value=float(params.prioritisation.unknown_fallback))
    text = head + "\n\n" + "\n".join(f"- {n}" for n in notes)
    k = params.prioritisation.top_k
    top = prio.loc[prio["rank"] <= k].sort_values("rank", kind="stable")
    flagged = [f"{(names or {}).get(str(r.community_id), str(r.community_id))} ({len(_codes(r.fallbacks))})"
               for r in top.itertuples(index=False) if _codes(r.fallbacks)]
    if flagged:
        text += "\n\n" + t("priority.fallbacks_top", language, k=k, names=", ".join(flagged))
    return text
