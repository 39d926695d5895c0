"""The mayor's headline figures, formatted for people from summary.json."""

from __future__ import annotations

from typing import Any, Mapping

from propilas.core.labels import t
from propilas.core.params import DistrictParams
from propilas.core.numbers import fmt_int
from propilas.method.money import money_text


def _pct(x: Any) -> str:
    return "—" if x is None else f"{x:.1f} %"


def _money(x: Any, language: str | None = None) -> str:
    return money_text(x, language)


def money_rows(summary: Mapping[str, Any], params: DistrictParams) -> list[tuple[str, str]]:
    """The plan's money figures (summary.json, from `money.money_figures`), each labelled with what
    it includes; the ATM's unfunded years and works without a known cost only when there are some."""
    lang = params.language
    rows = [
        (t("headline.plan_cost", lang), _money(summary.get("plan_cost_pen"), lang)),
        (t("headline.investment", lang), _money(summary.get("investment_total_pen"), lang)),
        (t("headline.funding_gap", lang), _money(summary.get("funding_gap_pen"), lang)),
        (t("headline.atm_total", lang, first=params.base_year + 1, horizon=params.horizon_year),
         _money(summary.get("atm_total_pen"), lang)),
    ]
    if summary.get("atm_unfunded_years"):
        rows.append((t("headline.atm_unfunded", lang, n=summary["atm_unfunded_years"]),
                     _money(summary.get("atm_unfunded_pen"), lang)))
    if summary.get("unpriced_items"):
        rows.append((t("headline.unpriced", lang), str(summary["unpriced_items"])))
    return rows


def headline_rows(summary: Mapping[str, Any], params: DistrictParams,
                  names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """`names` maps community ids to names, so the mayor reads names, not codes."""
    lang = params.language
    names = names or {}
    by_class = summary.get("systems_by_class", {})
    never = t("headline.not_met", lang, horizon=params.horizon_year)
    return [
        (t("headline.population", lang, base=params.base_year, horizon=params.horizon_year),
         f"{fmt_int(summary['population_base'], lang)} → {fmt_int(summary['population_horizon'], lang)}"),
        (t("headline.water", lang), _pct(summary["water_basic_or_better_pct"])),
        (t("headline.water_safe", lang), _pct(summary["water_safely_managed_pct"])),
        (t("headline.sanitation", lang), _pct(summary["sanitation_basic_or_better_pct"])),
        (t("headline.systems", lang),
         f"{summary['systems']} (A {by_class.get('A', 0)}, B {by_class.get('B', 0)}, C {by_class.get('C', 0)}, "
         f"D {by_class.get('D', 0)}, {t('class.unclassified', lang)} {by_class.get('unclassified', 0)}; "
         f"{t('headline.partial', lang)} {summary['partial_indices']})"),
        (t("headline.mean_is", lang), "—" if summary["mean_sustainability_index"] is None
         else f"{summary['mean_sustainability_index']:.2f}"),
        *money_rows(summary, params),
        (t("headline.water_year", lang), str(summary["water_target_year"] or never)),
        (t("headline.sanitation_year", lang), str(summary["sanitation_target_year"] or never)),
        (t("headline.top", lang), ", ".join(names.get(c, c) for c in summary["top_priorities"])),
    ]
