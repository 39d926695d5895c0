"""The mayor's headline figures, formatted for people from summary.json."""

from __future__ import annotations

from typing import Any, Mapping

from propilas.core.labels import t
from propilas.core.params import DistrictParams


def _pct(x: Any) -> str:
    return "—" if x is None else f"{x:.1f} %"


def _money(x: Any) -> str:
    return "—" if x is None else f"S/ {x:,.0f}"


def headline_rows(summary: Mapping[str, Any], params: DistrictParams,
                  names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """`names` maps community ids to names, so the mayor reads names, not codes."""
    lang = params.language
    names = names or {}
    by_class = summary.get("systems_by_class", {})
    never = t("headline.not_met", lang, horizon=params.horizon_year)
    return [
        (t("headline.population", lang, base=params.base_year, horizon=params.horizon_year),
         f"{summary['population_base']:,.0f} → {summary['population_horizon']:,.0f}"),
        (t("headline.water", lang), _pct(summary["water_basic_or_better_pct"])),
        (t("headline.water_safe", lang), _pct(summary["water_safely_managed_pct"])),
        (t("headline.sanitation", lang), _pct(summary["sanitation_basic_or_better_pct"])),
        (t("headline.systems", lang),
         f"{summary['systems']} (A {by_class.get('A', 0)}, B {by_class.get('B', 0)}, C {by_class.get('C', 0)}, "
         f"D {by_class.get('D', 0)}, {t('class.unclassified', lang)} {by_class.get('unclassified', 0)}; "
         f"{t('headline.partial', lang)} {summary['partial_indices']})"),
        (t("headline.mean_is", lang), "—" if summary["mean_sustainability_index"] is None
         else f"{summary['mean_sustainability_index']:.2f}"),
        (t("headline.investment", lang), _money(summary["investment_total_pen"])),
        (t("headline.funding_gap", lang), _money(summary["funding_gap_pen"])),
        (t("headline.water_year", lang), str(summary["water_target_year"] or never)),
        (t("headline.sanitation_year", lang), str(summary["sanitation_target_year"] or never)),
        (t("headline.top", lang), ", ".join(names.get(c, c) for c in summary["top_priorities"])),
    ]
