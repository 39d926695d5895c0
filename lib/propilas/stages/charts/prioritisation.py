"""Charts of stage 4: priority scores and how stable each community's rank is."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import t
from propilas.stages.charts.common import COLOURS, NoChart, finish, mark_bars, row_legend_handle, source_with_marks


def priority_chart(priorities: pd.DataFrame, sensitivity: pd.DataFrame, robustness: pd.DataFrame,
                   top_k: int, language: str, source: str,
                   communities: pd.DataFrame | None = None, max_communities: int = 30,
                   illustrative=None) -> Figure:
    """Left: score bars in rank order (top k darker), with the probability of staying in the
    top k written at the bar end. Right: the base rank (dot) and the 5–95 % range of ranks over
    the weight draws (bar): a short bar means the rank does not depend on the exact weights."""
    if priorities.empty:
        return NoChart(t("chart.empty.priorities", language))
    pr = priorities.sort_values("rank", kind="stable").head(max_communities)
    sens = sensitivity.set_index("community_id").reindex(pr["community_id"])
    names = {} if communities is None else dict(zip(communities["community_id"], communities["name"]))
    # † marks a score resting on a fallback for an unknown input (METHOD stage 4: unknown is never 0)
    fb = (pr["fallbacks"] if "fallbacks" in pr.columns else pd.Series("", index=pr.index)).fillna("")
    labels = [str(names.get(c, c)) + (" †" if str(f).strip() else "") for c, f in zip(pr["community_id"], fb)]
    n = len(labels)
    fig, (ax, ax2) = plt.subplots(1, 2, sharey=True, figsize=(9.5, max(3.0, 0.32 * n + 2.0)),
                                  dpi=100, gridspec_kw={"width_ratios": [3, 2]})
    for a in (ax, ax2):
        a.spines[["top", "right"]].set_visible(False)
    y = np.arange(n)
    top = pr["rank"].to_numpy() <= top_k
    colours = [COLOURS["water"] if tk else "#9ecae1" for tk in top]
    ax.barh(y, pr["score"].to_numpy(dtype=float), color=colours)
    for yi, (score, p) in enumerate(zip(pr["score"], sens["p_top_k"])):
        if pd.notna(p):
            ax.text(float(score) + 0.01, yi, f"{100 * p:.0f} %", va="center", fontsize=7)
    marked = 0
    if illustrative is not None:  # the scores (and costs) of illustrative rows: dotted bars
        marked = mark_bars(ax, y, pr["score"].to_numpy(dtype=float), pr["community_id"], illustrative.communities)
        if marked:
            ax.legend(handles=[row_legend_handle(language)], frameon=False, fontsize=7, loc="lower right")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(pr["score"].max() if n else 1) + 0.15))
    ax.set_xlabel(t("priority.score_axis", language) + " — " + t("priority.p_top_k", language, k=top_k),
                  fontsize=8)
    lo = (sens["base_rank"] - sens["rank_p05"]).clip(lower=0).to_numpy(dtype=float)
    hi = (sens["rank_p95"] - sens["base_rank"]).clip(lower=0).to_numpy(dtype=float)
    ax2.errorbar(sens["base_rank"].to_numpy(dtype=float), y, xerr=[lo, hi], fmt="o",
                 color="#333333", ecolor="#999999", elinewidth=3, capsize=0, markersize=4)
    n_all = len(priorities)
    if top_k < n_all:
        ax2.axvline(top_k + 0.5, color=COLOURS["red"], linestyle=":", linewidth=1)
    ax2.set_xlim(0.5, max(n_all, 1) + 0.5)
    ax2.set_xlabel(t("priority.rank_axis", language), fontsize=8)
    m = robustness.set_index("metric")["value"] if len(robustness) else pd.Series(dtype=float)
    verdict = t("priority.fragile" if m.get("fragile", 0) == 1 else "priority.robust", language)
    rho = m.get("median_spearman", np.nan)
    note = f"{source_with_marks(source, illustrative, language, ('rows', 'unit_costs'), rows_marked=bool(marked))}. {verdict}."
    if pd.notna(rho):
        note += " " + t("priority.sensitivity_note", language, draws=int(m.get("draws", 0)),
                        rho=f"{rho:.2f}") + "."
    if len(priorities) > n:
        note += " " + t("priority.more_communities", language, shown=n, total=len(priorities))
    if any(str(f).strip() for f in fb):
        note += " " + t("priority.fallback_mark", language) + "."
    alt = t("alt.priority", language, n=len(priorities), k=top_k, first=labels[0] if labels else "—")
    return finish(fig, t("priority.chart_title", language), note, ax=ax, alt=alt)
