"""Charts of stage 5: investment by year and source against the envelope; coverage trajectory."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import label, t
from propilas.stages.charts.common import COLOURS, NoChart, finish, new_figure, source_with_marks, stamp, thousands

SOURCE_COLOURS: dict[str, str] = {"municipal": "#0072b2", "regional": "#56b4e9", "national": "#8d6e63"}
_FALLBACK = ("#9e9e9e", "#f0e442", "#e69f00", "#009e73")  # colour-blind safe (stages/charts/common.py)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def investment_by_year(cost_by_year: pd.DataFrame, sources: list[str], language: str,
                       source: str, illustrative=None) -> Figure:
    """Stacked bars of money spent per year by source (charged in `sources` order, ATM
    included) and a step line of the pooled envelope: the white space under the line is money
    left because no remaining item fitted whole."""
    spent = cost_by_year.pivot_table(index="year", columns="source", values="spent_pen",
                                     aggfunc="sum").reindex(columns=sources).fillna(0.0)
    env = cost_by_year.groupby("year")["envelope_pen"].sum().reindex(spent.index)
    if spent.empty or not (spent.to_numpy() > 0).any():
        return NoChart(t("chart.empty.investment", language))
    alt = t("alt.investment", language, y0=int(spent.index.min()), y1=int(spent.index.max()),
            sources=", ".join(label("source", s, language) for s in sources), total=float(spent.to_numpy().sum()))
    fig, ax = new_figure(9, 4.5)
    x = spent.index.to_numpy()
    bottom = np.zeros(len(x))
    for i, s in enumerate(sources):
        vals = spent[s].to_numpy(dtype=float)
        ax.bar(x, vals, bottom=bottom, color=SOURCE_COLOURS.get(s, _FALLBACK[i % len(_FALLBACK)]),
               label=_cap(label("source", s, language)), width=0.7)
        bottom += vals
    ax.step(x, env.to_numpy(dtype=float), where="mid", color="#333333", linestyle="--",
            label=t("investment.envelope", language))
    ax.set_xticks(x, [str(int(v)) for v in x], rotation=45 if len(x) > 10 else 0)
    ax.yaxis.set_major_formatter(thousands(language))
    ax.legend(frameon=False, fontsize=8, ncols=len(sources) + 1, loc="upper center",
              bbox_to_anchor=(0.5, -0.18))
    money = ("unit_costs", "envelope")
    if stamp(ax, illustrative, language, money):
        ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # room for the note above the bars
    return finish(fig, t("investment.chart_title", language), source_with_marks(source, illustrative, language, money),
                  ylabel=t("investment.amount_axis", language), alt=alt)


def coverage_trajectory(trajectory: pd.DataFrame, target_years: pd.DataFrame, language: str,
                        source: str, illustrative=None) -> Figure:
    """Coverage % per year for water and sanitation with the target as a dashed line.
    Served people never exceed a community's population (stage 5's revised rule), so coverage is at
    most 100 %; it falls when population outgrows what the works can serve."""
    if trajectory.empty or pd.to_numeric(trajectory["coverage_pct"], errors="coerce").isna().all():
        return NoChart(t("chart.empty.trajectory", language))
    alt = t("alt.trajectory", language, y0=int(trajectory["year"].min()), y1=int(trajectory["year"].max()))
    fig, ax = new_figure(8.5, 4.5)
    targets = target_years.set_index("service")["target_pct"] if len(target_years) else pd.Series(dtype=float)
    for service in ("water", "sanitation"):
        tr = trajectory[trajectory["service"] == service].sort_values("year")
        if tr.empty:
            continue
        name = label("service", service, language)
        ax.plot(tr["year"], tr["coverage_pct"], marker="o", markersize=3, color=COLOURS[service],
                label=name.capitalize())
        tgt = targets.get(service, np.nan)
        if pd.notna(tgt):
            ax.axhline(float(tgt), color=COLOURS[service], linestyle="--", linewidth=1,
                       label=t("investment.target_line", language, service=name).capitalize())
    ax.set_ylim(0, 105)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    uses = ("rows", "unit_costs", "envelope")  # which works are funded when: the envelopes and unit costs
    if stamp(ax, illustrative, language, uses):
        ax.set_ylim(0, 125)  # room for the note above 100 %
        ax.set_yticks(range(0, 101, 20))
    note = f"{source_with_marks(source, illustrative, language, uses)}. {t('investment.effects_note', language)}."
    return finish(fig, t("investment.trajectory_title", language), note,
                  xlabel=t("common.year", language), ylabel=t("investment.coverage_axis", language), alt=alt)
