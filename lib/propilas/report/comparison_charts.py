"""Charts of the cross-district comparison (stage 9), from `comparison_table`."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import t
from propilas.stages.charts.common import COLOURS, finish, new_figure


def _band(v: float, cutoffs: Mapping[str, float]) -> str:
    for c in ("A", "B", "C"):
        if v > cutoffs[c]:
            return COLOURS[c]
    return COLOURS["D"]


def _names(table: pd.DataFrame) -> list[str]:
    return table["name"].fillna(table["district"]).astype(str).tolist() if "name" in table else table["district"].tolist()


def _num(table: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float) if col in table else np.full(len(table), np.nan)


def coverage_by_district_chart(table: pd.DataFrame, language: str) -> Figure:
    """Water and sanitation basic-or-better % side by side per district (missing = no bar)."""
    fig, ax = new_figure(max(6.0, 1.2 * len(table) + 3), 4.2)
    x = np.arange(len(table))
    w = 0.38
    for off, service in ((-w / 2, "water"), (w / 2, "sanitation")):
        vals = _num(table, f"{service}_basic_or_better_pct")
        ax.bar(x + off, vals, w, color=COLOURS[service], label=t(f"summary.service.{service}", language))
    ax.set_xticks(x, _names(table), rotation=20, ha="right")
    ax.set_ylim(0, 105)
    ax.legend(frameon=False, fontsize=8)
    return finish(fig, t("comparison.coverage_title", language), t("comparison.source_note", language),
                  ylabel=t("comparison.axis_pct", language), ax=ax)


def sustainability_by_district_chart(table: pd.DataFrame, language: str,
                                     class_cutoffs: Mapping[str, float]) -> Figure:
    """Mean IS per district, coloured by the class band it falls in (A/B/C/D colours);
    `class_cutoffs` is `sustainability.class_cutoffs` from the parameters (IS > cutoff)."""
    fig, ax = new_figure(max(6.0, 1.0 * len(table) + 3), 4.0)
    vals = _num(table, "mean_sustainability_index")
    colours = [COLOURS["unclassified"] if np.isnan(v) else _band(v, class_cutoffs) for v in vals]
    ax.bar(np.arange(len(table)), vals, color=colours)
    ax.set_xticks(np.arange(len(table)), _names(table), rotation=20, ha="right")
    ax.set_ylim(0, 4)
    return finish(fig, t("comparison.is_title", language), t("comparison.source_note", language),
                  ylabel=t("comparison.axis_index", language), ax=ax)


def investment_per_person_chart(table: pd.DataFrame, language: str) -> Figure:
    """Funded investment per base-year person and unfunded gap per horizon person, per district."""
    fig, ax = new_figure(max(6.0, 1.2 * len(table) + 3), 4.2)
    x = np.arange(len(table))
    w = 0.38
    ax.bar(x - w / 2, _num(table, "investment_per_person_pen"), w, color="#0073b0",
           label=t("comparison.investment", language))
    ax.bar(x + w / 2, _num(table, "funding_gap_per_person_pen"), w, color="#c62828",
           label=t("comparison.funding_gap", language))
    ax.set_xticks(x, _names(table), rotation=20, ha="right")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.legend(frameon=False, fontsize=8)
    return finish(fig, t("comparison.invest_title", language), t("comparison.source_note", language),
                  ylabel=t("comparison.axis_per_person", language), ax=ax)
