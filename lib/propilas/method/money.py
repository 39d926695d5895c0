"""The plan's money figures: one definition each, used by every page that states one.

Stage 5 (headline and table), stage 8 (`summary.json`, the mayor's headline, the citizen
summary), `target_years.csv`, the comparison and the national CSV all take their soles from
`money_figures`, so a figure is the same number wherever it appears.

Definitions (METHOD.md, "Money figures"; one plan row per item × source charged):
- `plan_cost_pen`: cost of every priced item of the plan except the ATM;
- `investment_total_pen`: funded items except the ATM ("inversión programada");
- `funding_gap_pen`: priced items still unfunded at the horizon, except the ATM — so
  investment_total + funding_gap = plan_cost;
- `atm_total_pen`: ATM operating cost over the plan, every year base+1 … horizon, funded or not;
  `atm_unfunded_pen` is the part of it in years whose envelope could not pay it
  (`atm_unfunded_years` of them). The ATM is a running cost, not a work, so it is in none of the
  three figures above;
- `unpriced_items`: items whose cost is unknown (e.g. a quantity that cannot be computed). They are
  never funded and cannot be added to a sum, so they are in no figure above — counted here, and
  every page that states the figures says how many there are. Never a silent 0.
- `unfunded_items`: items (not ATM years) still unfunded at the horizon, priced or not.
Each also by service (`water_…`, `sanitation_…`, `management_…` — management is JASS
strengthening and other institutional items; the ATM is separate).

Rounding: whole soles, half up, per service; each total is the sum of its rounded service
figures, so every page's figures add up exactly (plan cost = investment + gap, totals = Σ services).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

import numpy as np
import pandas as pd

from propilas.core.labels import t

ATM = "atm"
SERVICES: tuple[str, ...] = ("water", "sanitation", "management")
TOTAL_KEYS: tuple[str, ...] = ("plan_cost_pen", "investment_total_pen", "funding_gap_pen", "atm_total_pen",
                               "atm_unfunded_pen", "atm_unfunded_years", "unpriced_items", "unfunded_items")
SERVICE_KEYS: tuple[str, ...] = ("plan_cost_pen", "investment_total_pen", "funding_gap_pen", "unpriced_items")


def _whole(x: float) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def services_in(investment_plan: pd.DataFrame | None) -> list[str]:
    """SERVICES, then any other service code the plan holds (sorted), so nothing is dropped."""
    if investment_plan is None or investment_plan.empty:
        return list(SERVICES)
    found = investment_plan.loc[investment_plan["intervention"].astype(str).ne(ATM), "service"]
    extra = sorted({str(s) for s in found.dropna()} - set(SERVICES))
    return list(SERVICES) + extra


def _codes(col: pd.Series) -> np.ndarray:
    """A code column as an object array of str, missing values (None, NaN) as None: what
    `astype(str)` gives for comparing and counting (a missing value equals no code, counts for no item)."""
    return np.array([None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else str(v)
                     for v in col.tolist()], dtype=object)


def _sum(x: np.ndarray) -> float:
    """Σ skipping NaN, as `Series.sum` adds (NaN as 0 in place, one pairwise numpy sum): the same float."""
    return float(np.where(np.isnan(x), 0.0, x).sum())


def _nunique(x: np.ndarray) -> int:
    return len({v for v in x.tolist() if v is not None})


def money_figures(investment_plan: pd.DataFrame | None) -> dict[str, Any]:
    """Every money figure of a plan (stage 5's `investment_plan`), whole soles; see the module doc.

    Keys: TOTAL_KEYS and, for each service s of `services_in`, `{s}_` + SERVICE_KEYS. Without a
    plan (None) every figure is None — unknown, not 0. A plan without an item of a service gives
    0 for that service (nothing to pay is a known 0).
    """
    services = services_in(investment_plan)
    keys = list(TOTAL_KEYS) + [f"{s}_{k}" for s in services for k in SERVICE_KEYS]
    if investment_plan is None:
        return {k: None for k in keys}
    plan = investment_plan
    # plain arrays: a plan has tens of rows, where each pandas operation costs more than its arithmetic
    status = _codes(plan["status"])
    is_atm = _codes(plan["intervention"]) == ATM
    funded = status == "funded"
    unfunded = status == "unfunded"
    cost = pd.to_numeric(plan["cost_pen"], errors="coerce").astype(float).to_numpy(dtype=float)
    priced = ~np.isnan(cost)
    service = _codes(plan["service"])
    item = _codes(plan["item_id"]) if "item_id" in plan.columns else np.arange(len(plan)).astype(object)
    out: dict[str, Any] = {}
    for s in services:
        in_s = (service == s) & ~is_atm
        invest = _whole(_sum(cost[in_s & funded]))
        gap = _whole(_sum(cost[in_s & unfunded]))          # NaN (unpriced) rows are skipped ...
        unpriced = _nunique(item[in_s & ~priced])           # ... and counted here
        out[f"{s}_investment_total_pen"] = invest
        out[f"{s}_funding_gap_pen"] = gap
        out[f"{s}_plan_cost_pen"] = invest + gap
        out[f"{s}_unpriced_items"] = unpriced
    out["investment_total_pen"] = sum(out[f"{s}_investment_total_pen"] for s in services)
    out["funding_gap_pen"] = sum(out[f"{s}_funding_gap_pen"] for s in services)
    out["plan_cost_pen"] = out["investment_total_pen"] + out["funding_gap_pen"]
    out["unpriced_items"] = sum(out[f"{s}_unpriced_items"] for s in services)
    out["unfunded_items"] = _nunique(item[unfunded & ~is_atm])
    atm_unfunded = _whole(_sum(cost[is_atm & unfunded]))
    out["atm_total_pen"] = _whole(_sum(cost[is_atm & funded])) + atm_unfunded
    out["atm_unfunded_pen"] = atm_unfunded
    out["atm_unfunded_years"] = _nunique(item[is_atm & unfunded])
    return {k: out[k] for k in keys}


def money_text(x: Any, language: str | None = None) -> str:
    """'S/ 1,234,567' (the report's money format), thousands grouped in `language`'s convention
    ('S/ 1 234 567' in Spanish, core/numbers.py; without a language, commas); '—' when unknown."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    text = f"S/ {float(x):,.0f}"
    if language:
        from propilas.core.numbers import group

        text = group(text, language)
    return text


def money_table(figures: Mapping[str, Any], language: str) -> pd.DataFrame:
    """Rows water, sanitation, management (and any other service), then the total; columns
    plan cost, investment, funding gap (soles) and unpriced items — the stage-5 money table."""
    services = [k[: -len("_plan_cost_pen")] for k in figures
                if k.endswith("_plan_cost_pen") and k != "plan_cost_pen"]
    rows = []
    for s in services + ["total"]:
        pre = "" if s == "total" else f"{s}_"
        rows.append({"service": s, "plan_cost_pen": figures[f"{pre}plan_cost_pen"],
                     "investment_total_pen": figures[f"{pre}investment_total_pen"],
                     "funding_gap_pen": figures[f"{pre}funding_gap_pen"],
                     "unpriced_items": figures[f"{pre}unpriced_items"]})
    out = pd.DataFrame(rows, columns=["service", "plan_cost_pen", "investment_total_pen", "funding_gap_pen",
                                      "unpriced_items"])
    out["service"] = [t("money.total", language) if s == "total" else s for s in out["service"]]
    return out


def money_sentences(figures: Mapping[str, Any], language: str, first_year: int, horizon_year: int) -> list[str]:
    """The plan's money in words, each figure labelled with what it includes (stage 5 headline).

    Empty when there is no plan. Mentions unpriced items and unfunded ATM years only when there
    are some, so a reader never takes a missing cost for a 0.
    """
    if figures.get("plan_cost_pen") is None:
        return []
    out = [t("money.sentence.plan", language, plan=money_text(figures["plan_cost_pen"], language),
             invest=money_text(figures["investment_total_pen"], language),
             gap=money_text(figures["funding_gap_pen"], language)),
           t("money.sentence.atm", language, atm=money_text(figures["atm_total_pen"], language), first=first_year,
             horizon=horizon_year)]
    if figures.get("atm_unfunded_years"):
        out.append(t("money.sentence.atm_unfunded", language, n=figures["atm_unfunded_years"],
                     amount=money_text(figures["atm_unfunded_pen"], language)))
    if figures.get("unpriced_items"):
        out.append(t("money.sentence.unpriced", language, n=figures["unpriced_items"]))
    return out
