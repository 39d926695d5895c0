"""Chart of stage 7: per indicator, the annual target line and the measured values as traffic lights."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import label, t
from propilas.method.monitoring import INDICATORS
from propilas.core.params import DistrictParams
from propilas.stages.charts.common import COLOURS, NoChart, describe, finish, source_with_marks, thousands

import matplotlib.pyplot as plt


def monitoring_chart(monitoring: pd.DataFrame, params: DistrictParams, illustrative=None) -> Figure:
    """Small multiples (one panel per indicator): target line, actual points coloured by light
    (grey when there is no target, the target is 0 or nothing is measured). A panel without any
    target says so ("sin dato (sin meta)") instead of drawing nothing."""
    lang = params.language
    present = [i for i in INDICATORS if i in set(monitoring["indicator"])]
    # a panel with neither a target nor a measured value would be an empty frame: those indicators
    # are named in the note instead (issue 13 §3: no empty chart)
    has = monitoring.groupby("indicator")[["target", "actual"]].apply(lambda g: g.notna().any().any())
    inds = [i for i in present if bool(has.get(i, False))]
    blank = [i for i in present if i not in inds]
    if not inds:
        return NoChart(t("chart.empty.monitoring", lang))
    ncols = 2
    nrows = max(1, math.ceil(len(inds) / ncols))
    # panel titles wrap on two lines and each row has room for them: long indicator names
    # ("Agua básica o mejor con sistema en funcionamiento (A/B) (% población)") no longer run into
    # the neighbouring panel's title
    fig, axes = plt.subplots(nrows, ncols, figsize=(9.0, 3.0 * nrows + 1.2), dpi=100, squeeze=False)
    measured_rounds = monitoring.loc[monitoring["actual"].notna(), "year"].nunique()
    title = t("monitoring.title", lang)
    if measured_rounds <= 1:
        title = f"{title} — {t('monitoring.no_rounds', lang)}"
    # common.finish writes the title on one axis; here it belongs to the whole figure, so the
    # note and layout come from finish and the title is moved to a suptitle afterwards.
    # the targets are the plan's trajectory (which works the envelopes fund, at the unit costs)
    note = source_with_marks(t("monitoring.source_note", lang, base=params.base_year, district=params.name),
                             illustrative, lang, ("rows", "unit_costs", "envelope"))
    if blank:
        note += ". " + t("chart.empty.panels", lang, names="; ".join(label("indicator", i, lang) for i in blank))
    finish(fig, title, note, ax=axes.flat[0], layout=False)  # laid out once, below, with every panel
    axes.flat[0].set_title("", loc="left")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    for ax in axes.flat[len(inds):]:
        ax.set_axis_off()
    for ax, ind in zip(axes.flat, inds):
        sub = monitoring.loc[monitoring["indicator"].eq(ind)].sort_values("year")
        ax.spines[["top", "right"]].set_visible(False)
        ax.plot(sub["year"], sub["target"], color="#555555", lw=1.5, ls="--", label=t("monitoring.target", lang))
        meas = sub.loc[sub["actual"].notna()]
        colours = [COLOURS.get(str(lt), "#9e9e9e") for lt in meas["light"]]
        ax.plot(meas["year"], meas["actual"], color="#999999", lw=0.8)
        ax.scatter(meas["year"], meas["actual"], c=colours, s=40, zorder=3, label=t("monitoring.actual", lang))
        ax.set_title(textwrap.fill(label("indicator", ind, lang), 48), fontsize=8.5, loc="left")
        if sub["target"].isna().all():
            ax.text(0.99, 0.95, label("light", "no_target", lang), transform=ax.transAxes, ha="right", va="top",
                    fontsize=7, color="#555555")
        ax.set_xlim(params.base_year - 0.5, params.horizon_year + 0.5)
        ax.tick_params(labelsize=8)
        if ind.endswith("_pen"):
            ax.yaxis.set_major_formatter(thousands(lang))
    if inds:
        axes.flat[0].legend(frameon=False, fontsize=7)
    fig.tight_layout(rect=(0, 0.05, 1, 0.95), h_pad=1.6, w_pad=2.0)
    return describe(fig, t("alt.monitoring", lang, n=len(inds), rounds=int(measured_rounds)))
