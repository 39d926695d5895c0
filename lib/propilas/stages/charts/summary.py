"""The three charts for the mayor (stage 8): coverage now vs horizon, systems by class,
spending per year against the envelope."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.method.budget_sheets import source_label
from propilas.core.labels import label, t
from propilas.core.params import DistrictParams
from propilas.method.sources import illustrative_from_summary
from propilas.stages.charts.common import (COLOURS, ILLUSTRATIVE_EDGE, ILLUSTRATIVE_HATCH, counts_text, finish,
                                           new_figure, source_with_marks, stamp, thousands)
from propilas.stages.charts.budget import SOURCE_COLOURS

CLASS_KEYS: tuple[str, ...] = ("A", "B", "C", "D", "unclassified")


def _note(summary: Mapping[str, Any], params: DistrictParams, uses: tuple[str, ...]) -> str:
    """Source line and what of the chart is illustrative (the marks of method/sources.py)."""
    note = t("summary.source_note", params.language, district=params.name)
    return source_with_marks(note, illustrative_from_summary(summary, params), params.language, uses)


def _hatch_illustrative(ax, bars, summary: Mapping[str, Any], params: DistrictParams, uses: tuple[str, ...]) -> bool:
    """Dot the bars whose figure rests on an illustrative input (rows, unit costs, envelopes)."""
    if not illustrative_from_summary(summary, params).flagged(uses):
        return False
    for b in bars:
        if np.isfinite(b.get_height()):
            b.set_hatch(ILLUSTRATIVE_HATCH)
            b.set_edgecolor(ILLUSTRATIVE_EDGE)
            b.set_gid("illustrative:" + "+".join(uses))
    return True


def _illustrative_handle(language: str):
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor=ILLUSTRATIVE_EDGE, hatch=ILLUSTRATIVE_HATCH,
                 label=t("illustrative.figure_legend", language))


def coverage_chart(summary: Mapping[str, Any], params: DistrictParams) -> Figure:
    """Grouped bars water / sanitation: the plan's served measure (stage 5 trajectory: people
    served by class A/B systems or a basic non-piped source, as in stage 3) at the base year and
    at the horizon with the plan — one measure at both ends — with each target as a tick mark. The
    base-year JMP basic-or-better share, a different and wider measure, is stated under the axis
    with its own label, never drawn against the plan's. A missing figure is left blank, not 0."""
    lang = params.language
    fig, ax = new_figure(7.0, 4.2)
    services = ("water", "sanitation")
    x = np.arange(len(services))
    now = [summary.get(f"{s}_coverage_base_pct") for s in services]
    hz = [summary.get(f"{s}_coverage_horizon_pct") for s in services]
    tg = [summary.get(f"{s}_target_pct") for s in services]
    w = 0.36
    hatched = False
    for off, vals, alpha, key, year in ((-w / 2, now, 0.55, "summary.served_base", params.base_year),
                                        (w / 2, hz, 1.0, "summary.served_horizon", params.horizon_year)):
        heights = [np.nan if v is None else v for v in vals]
        bars = ax.bar(x + off, heights, w, color=[COLOURS[s] for s in services], alpha=alpha,
                      label=t(key, lang, year=year), edgecolor="#333333", linewidth=0.5)
        # today's share rests on the rows; the horizon's on the rows and on what the money buys
        hatched = _hatch_illustrative(ax, bars, summary, params,
                                      ("rows",) if key == "summary.served_base" else ("rows", "unit_costs", "envelope")) or hatched
        for b, v in zip(bars, vals):
            if v is not None:
                ax.text(b.get_x() + b.get_width() / 2, v + 1, f"{v:.1f}", ha="center", fontsize=8)
    for i, v in enumerate(tg):
        if v is not None:
            ax.hlines(v, i - w, i + w, colors="#c62828", linestyles="--",
                      label=t("summary.target", lang) if i == 0 else None)
    ax.set_xticks(x, [t(f"summary.service.{s}", lang) for s in services])
    ax.set_ylim(0, 135)  # room for the legend above the 100 % bars
    ax.set_yticks(range(0, 101, 20))
    jmp = [summary.get(f"{s}_basic_or_better_pct") for s in services]
    ax.set_xlabel(t("summary.jmp_note", lang, year=params.base_year,
                    water=t("common.missing", lang) if jmp[0] is None else f"{jmp[0]:.1f} %",
                    sanitation=t("common.missing", lang) if jmp[1] is None else f"{jmp[1]:.1f} %"),
                  fontsize=7.5, color="#333333", wrap=True)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + ([_illustrative_handle(lang)] if hatched else []), frameon=False, fontsize=8,
              loc="upper center", ncols=2)
    from propilas.core.numbers import fmt_share

    def pct(v):
        return fmt_share(v, lang) or t("common.missing", lang)

    alt = t("alt.summary_coverage", lang, base=params.base_year, horizon=params.horizon_year, w0=pct(now[0]),
            w1=pct(hz[0]), s0=pct(now[1]), s1=pct(hz[1]))
    return finish(fig, t("summary.served_title", lang, base=params.base_year, horizon=params.horizon_year),
                  _note(summary, params, ("rows", "unit_costs", "envelope")),
                  ylabel=t("summary.served_axis", lang), ax=ax, alt=alt)


def systems_by_class_chart(summary: Mapping[str, Any], params: DistrictParams) -> Figure:
    """Bars of systems per class A–D and unclassified; partial indices noted (they are flagged)."""
    lang = params.language
    fig, ax = new_figure(6.5, 4.0)
    counts = summary.get("systems_by_class") or {}
    vals = [counts.get(c, 0) for c in CLASS_KEYS]
    ax.bar([label("class", c, lang) for c in CLASS_KEYS], vals, color=[COLOURS[c] for c in CLASS_KEYS])
    for i, v in enumerate(vals):
        ax.text(i, v + 0.05, str(v), ha="center", fontsize=9)
    ax.tick_params(axis="x", labelsize=8, rotation=15)
    ax.set_ylim(0, max(vals + [1]) * 1.3)  # room above the tallest bar for its count and the notes
    ax.yaxis.get_major_locator().set_params(integer=True)
    if summary.get("partial_indices"):
        ax.text(0.99, 0.97, t("summary.partial_note", lang, n=summary["partial_indices"]), transform=ax.transAxes,
                ha="right", va="top", fontsize=8, color="#555555")
    stamp(ax, illustrative_from_summary(summary, params), lang, ("rows",))
    alt = t("alt.summary_classes", lang, counts=counts_text(dict(zip(CLASS_KEYS, vals)), "class", lang))
    return finish(fig, t("summary.classes_title", lang), _note(summary, params, ("rows",)),
                  ylabel=t("summary.axis_systems", lang), ax=ax, alt=alt)


def investment_chart(cost_by_year: pd.DataFrame, params: DistrictParams,
                     summary: Mapping[str, Any] | None = None) -> Figure:
    """Stacked bars of spent soles per year by source, and the total envelope as a step line."""
    lang = params.language
    fig, ax = new_figure(8.0, 4.2)
    cy = cost_by_year.copy()
    cy["year"] = cy["year"].astype(int)
    spent = cy.pivot_table(index="year", columns="source", values="spent_pen", aggfunc="sum").fillna(0.0)
    envelope = cy.groupby("year")["envelope_pen"].sum()
    bottom = np.zeros(len(spent))
    for i, src in enumerate(params.budget.sources):
        if src in spent.columns:
            ax.bar(spent.index, spent[src].to_numpy(), bottom=bottom, color=SOURCE_COLOURS[i % len(SOURCE_COLOURS)],
                   label=source_label(src, lang))
            bottom += spent[src].to_numpy()
    ax.step(envelope.index, envelope.to_numpy(), where="mid", color="#c62828", lw=1.5,
            label=t("summary.envelope", lang))
    ax.yaxis.set_major_formatter(thousands(lang))
    ax.legend(frameon=False, fontsize=8)
    money = ("unit_costs", "envelope")
    if stamp(ax, illustrative_from_summary(summary or {}, params), lang, money):
        ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # room for the note above the bars
    alt = t("alt.summary_investment", lang, total=float(spent.to_numpy().sum()) if spent.size else 0.0)
    return finish(fig, t("summary.investment_title", lang), _note(summary or {}, params, money),
                  xlabel=t("common.year", lang), ylabel=t("summary.axis_soles", lang), ax=ax, alt=alt)
