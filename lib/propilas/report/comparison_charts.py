"""Charts of the cross-district comparison (stage 9), from `comparison_table`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import t
from propilas.core.numbers import fmt_decimal, fmt_share
from propilas.stages.charts.common import (COLOURS, ILLUSTRATIVE_EDGE, ILLUSTRATIVE_HATCH, NoChart, finish, new_figure,
                                           thousands)


def _rests_on_illustrative(table: pd.DataFrame, kinds: tuple[str, ...]) -> list[bool]:
    """Per district: does its figure rest on one of `kinds` (summary.json `illustrative_inputs`,
    flattened as 'rows; unit_costs; …')?"""
    col = table["illustrative_inputs"] if "illustrative_inputs" in table else pd.Series([None] * len(table))
    out = []
    for v in col:
        have = set(str(v).split("; ")) if isinstance(v, str) and v else set()
        out.append(bool(have & set(kinds)))
    return out


def _hatch(ax, bars, flags: list[bool], language: str) -> bool:
    """Dot the bars of the districts whose figure rests on illustrative inputs."""
    for b, f in zip(bars, flags):
        if f:
            b.set_hatch(ILLUSTRATIVE_HATCH)
            b.set_edgecolor(ILLUSTRATIVE_EDGE)
            b.set_gid("illustrative")
    return any(flags)


def _illustrative_handle(language: str):
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor=ILLUSTRATIVE_EDGE, hatch=ILLUSTRATIVE_HATCH,
                 label=t("illustrative.figure_legend", language))


def _names(table: pd.DataFrame) -> list[str]:
    return table["name"].fillna(table["district"]).astype(str).tolist() if "name" in table else table["district"].tolist()


def _num(table: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float) if col in table else np.full(len(table), np.nan)


def _empty(table: pd.DataFrame, cols: tuple[str, ...]) -> bool:
    return all(np.isnan(_num(table, c)).all() for c in cols)


def coverage_by_district_chart(table: pd.DataFrame, language: str) -> Figure:
    """Water and sanitation basic-or-better % side by side per district (missing = no bar)."""
    if _empty(table, ("water_basic_or_better_pct", "sanitation_basic_or_better_pct")):
        return NoChart(t("chart.empty.comparison", language))
    miss = t("common.missing", language)
    values = "; ".join(f"{n} {fmt_share(w, language) or miss} / {fmt_share(s, language) or miss} %" for n, w, s in
                       zip(_names(table), _num(table, "water_basic_or_better_pct"),
                           _num(table, "sanitation_basic_or_better_pct")))
    alt = t("alt.cmp_coverage", language, n=len(table), values=values)
    fig, ax = new_figure(max(6.0, 1.2 * len(table) + 3), 4.2)
    x = np.arange(len(table))
    w = 0.38
    rows = _rests_on_illustrative(table, ("rows",))
    for off, service in ((-w / 2, "water"), (w / 2, "sanitation")):
        vals = _num(table, f"{service}_basic_or_better_pct")
        bars = ax.bar(x + off, vals, w, color=COLOURS[service], label=t(f"summary.service.{service}", language))
        _hatch(ax, bars, rows, language)
    ax.set_xticks(x, _names(table), rotation=20, ha="right")
    ax.set_ylim(0, 105)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + ([_illustrative_handle(language)] if any(rows) else []), frameon=False, fontsize=8)
    return finish(fig, t("comparison.coverage_title", language), t("comparison.source_note", language),
                  ylabel=t("comparison.axis_pct", language), ax=ax, alt=alt)


def sustainability_by_district_chart(table: pd.DataFrame, language: str) -> Figure:
    """Mean IS per district, coloured by the class band it falls in under the district's OWN
    cut-offs (`mean_sustainability_class` of `comparison_table`); grey when unknown."""
    if _empty(table, ("mean_sustainability_index",)):
        return NoChart(t("chart.empty.comparison", language))
    miss = t("common.missing", language)
    alt = t("alt.cmp_sustainability", language, n=len(table), values="; ".join(
        f"{n} {fmt_decimal(v, language, 2) or miss}" for n, v in zip(_names(table), _num(table, "mean_sustainability_index"))))
    fig, ax = new_figure(max(6.0, 1.0 * len(table) + 3), 4.0)
    vals = _num(table, "mean_sustainability_index")
    bands = table["mean_sustainability_class"] if "mean_sustainability_class" in table else [None] * len(table)
    colours = [COLOURS.get(str(b), COLOURS["unclassified"]) if isinstance(b, str) else COLOURS["unclassified"]
               for b in bands]
    bars = ax.bar(np.arange(len(table)), vals, color=colours)
    if _hatch(ax, bars, _rests_on_illustrative(table, ("rows",)), language):
        ax.legend(handles=[_illustrative_handle(language)], frameon=False, fontsize=8)
    ax.set_xticks(np.arange(len(table)), _names(table), rotation=20, ha="right")
    ax.set_ylim(0, 4)
    return finish(fig, t("comparison.is_title", language), t("comparison.source_note", language),
                  ylabel=t("comparison.axis_index", language), ax=ax, alt=alt)


def investment_per_person_chart(table: pd.DataFrame, language: str) -> Figure:
    """Funded investment per base-year person and unfunded gap per horizon person, per district."""
    if _empty(table, ("investment_per_person_pen", "funding_gap_per_person_pen")):
        return NoChart(t("chart.empty.comparison", language))
    fig, ax = new_figure(max(6.0, 1.2 * len(table) + 3), 4.2)
    x = np.arange(len(table))
    w = 0.38
    money = _rests_on_illustrative(table, ("rows", "unit_costs", "envelope"))
    bars = ax.bar(x - w / 2, _num(table, "investment_per_person_pen"), w, color=COLOURS["water"],
                  label=t("comparison.investment", language))
    _hatch(ax, bars, money, language)
    bars = ax.bar(x + w / 2, _num(table, "funding_gap_per_person_pen"), w, color=COLOURS["red"],
                  label=t("comparison.funding_gap", language))
    _hatch(ax, bars, money, language)
    ax.set_xticks(x, _names(table), rotation=20, ha="right")
    ax.yaxis.set_major_formatter(thousands(language))
    handles, _ = ax.get_legend_handles_labels()
    top = np.nanmax(np.concatenate([_num(table, "investment_per_person_pen"), _num(table, "funding_gap_per_person_pen"),
                                    [0.0]]))
    ax.set_ylim(0, (top or 1.0) * 1.4)  # room above the bars: the legend never covers them
    ax.legend(handles=handles + ([_illustrative_handle(language)] if any(money) else []), frameon=False, fontsize=8,
              loc="upper left")
    return finish(fig, t("comparison.invest_title", language), t("comparison.source_note", language),
                  ylabel=t("comparison.axis_per_person", language), ax=ax,
                  alt=t("alt.cmp_investment", language, n=len(table)))
