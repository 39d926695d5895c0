"""Stage 9: comparison of every district that completed all stages (one row per district).

Rankings are NEED-based — rank 1 is the district that most needs attention — because the
comparison is read by a regional government or a programme deciding where to help first:
- rank_water: lowest water basic-or-better % first;
- rank_sanitation: lowest sanitation basic-or-better % first;
- rank_sustainability: lowest mean sustainability index first;
- rank_funding_gap: largest funding gap per person (funding_gap_pen / population_horizon) first.
Money columns are summary.json's, i.e. `money.money_figures` (works without the ATM; the ATM apart).
Ties share the best rank ('min'); a district without the figure has no rank (empty).
`mean_sustainability_class` is the class band of a district's mean index under ITS OWN cut-offs
(`class_cutoffs` in its summary.json); a district whose cut-offs are not stated has none (empty),
never the default cut-offs.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from propilas.method.sustainability import class_with_cutoffs

CLASS_KEYS: tuple[str, ...] = ("A", "B", "C", "D", "unclassified")
RANKS: dict[str, tuple[str, bool]] = {
    # rank column: (value column, ascending = lowest value is rank 1)
    "rank_water": ("water_basic_or_better_pct", True),
    "rank_sanitation": ("sanitation_basic_or_better_pct", True),
    "rank_sustainability": ("mean_sustainability_index", True),
    "rank_funding_gap": ("funding_gap_per_person_pen", False),
}


def headline_columns() -> list[str]:
    """The columns shown side by side in the comparison report (the CSV has every field)."""
    return [
        "district", "name", "province", "population_base", "population_horizon",
        "water_basic_or_better_pct", "sanitation_basic_or_better_pct", "water_safely_managed_pct",
        "systems", "systems_ab_pct", "mean_sustainability_index", "partial_indices",
        "plan_cost_pen", "investment_total_pen", "investment_per_person_pen", "funding_gap_pen",
        "funding_gap_per_person_pen", "atm_total_pen", "unpriced_items",
        "water_target_year", "sanitation_target_year", "fragile_ranking", "illustrative_rows_pct",
        *RANKS,
    ]


def _flatten(summary: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for k, v in summary.items():
        if k == "systems_by_class":
            for c in CLASS_KEYS:
                row[f"systems_{c}"] = (v or {}).get(c)
        elif k == "top_priorities":
            row[k] = " ".join(str(x) for x in (v or []))
        elif isinstance(v, (list, tuple)):
            row[k] = "; ".join(str(x) for x in v)
        elif isinstance(v, dict):
            for kk, vv in v.items():
                row[f"{k}_{kk}"] = vv
        else:
            row[k] = v
    return row


def _per_person(amount: Any, people: Any) -> float:
    a = pd.to_numeric(pd.Series([amount]), errors="coerce").iloc[0]
    p = pd.to_numeric(pd.Series([people]), errors="coerce").iloc[0]
    if pd.isna(a) or pd.isna(p) or p <= 0:
        return np.nan
    return float(a / p)


def mean_index_class(row: Mapping[str, Any]) -> str | None:
    """Class band (A–D) of a district's mean index with its own cut-offs (flattened
    `class_cutoffs_A/B/C`); None without an index or without stated cut-offs."""
    idx = pd.to_numeric(pd.Series([row.get("mean_sustainability_index")]), errors="coerce").iloc[0]
    cut = {c: pd.to_numeric(pd.Series([row.get(f"class_cutoffs_{c}")]), errors="coerce").iloc[0]
           for c in ("A", "B", "C")}
    if pd.isna(idx) or any(pd.isna(v) for v in cut.values()):
        return None
    return class_with_cutoffs(float(idx), {c: float(v) for c, v in cut.items()})


def comparison_table(summaries: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per district (sorted by district id): every summary field flattened, per-person
    money (investment per base-year person, funding gap per horizon person) and need ranks."""
    rows = [_flatten(s) for s in summaries]
    df = pd.DataFrame.from_records(rows)
    if df.empty:
        return pd.DataFrame(columns=headline_columns())
    for c in ("water_basic_or_better_pct", "sanitation_basic_or_better_pct", "mean_sustainability_index",
              "plan_cost_pen", "investment_total_pen", "funding_gap_pen", "atm_total_pen", "population_base",
              "population_horizon"):
        if c not in df.columns:
            df[c] = np.nan
    df["investment_per_person_pen"] = [_per_person(a, p) for a, p in zip(df["investment_total_pen"], df["population_base"])]
    df["funding_gap_per_person_pen"] = [_per_person(a, p) for a, p in zip(df["funding_gap_pen"], df["population_horizon"])]
    df["mean_sustainability_class"] = pd.Series([mean_index_class(r) for r in df.to_dict("records")],
                                                index=df.index, dtype=object)
    for rank_col, (col, ascending) in RANKS.items():
        values = pd.to_numeric(df[col], errors="coerce")
        df[rank_col] = values.rank(method="min", ascending=ascending, na_option="keep").astype("Int64")
    df = df.sort_values("district", kind="mergesort").reset_index(drop=True)
    first = [c for c in headline_columns() if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]
