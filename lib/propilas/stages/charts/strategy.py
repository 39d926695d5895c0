"""Charts of stage 3: gap by community (people short of the target, water vs sanitation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import label, t
from propilas.stages.charts.common import (COLOURS, NoChart, finish, mark_bars, new_figure, row_legend_handle,
                                           source_with_marks, thousands)


def gap_by_community(gaps: pd.DataFrame, horizon_year: int, language: str, source: str,
                     communities: pd.DataFrame | None = None, max_communities: int = 40,
                     illustrative=None) -> Figure:
    """Paired horizontal bars per community: people short of the water and sanitation targets
    at the horizon, largest total first. An unknown gap is left empty (no bar), not 0."""
    wide = gaps.pivot_table(index="community_id", columns="service", values="gap", aggfunc="sum",
                            dropna=False).reindex(columns=["water", "sanitation"])
    if not (wide.fillna(0) > 0).to_numpy().any():
        return NoChart(t("chart.empty.gaps", language, year=horizon_year))
    alt = t("alt.gaps", language, year=horizon_year, water=wide["water"].sum(min_count=1),
            sanitation=wide["sanitation"].sum(min_count=1), n=len(wide))
    wide["_total"] = wide.fillna(0).sum(axis=1)
    wide = wide.sort_values("_total", ascending=False, kind="stable")
    total = len(wide)
    wide = wide.head(max_communities)
    names = {} if communities is None else dict(zip(communities["community_id"], communities["name"]))
    labels = [str(names.get(c, c)) for c in wide.index]
    fig, ax = new_figure(8.5, max(3.0, 0.35 * len(labels) + 1.8))
    y = np.arange(len(labels))
    h = 0.4
    for i, service in enumerate(("water", "sanitation")):
        vals = wide[service].to_numpy(dtype=float)
        ax.barh(y + (i - 0.5) * h, np.nan_to_num(vals, nan=0.0), height=h,
                color=COLOURS[service], label=label("service", service, language).capitalize())
    marked = 0
    if illustrative is not None:  # one dotted frame around both bars of an illustrative community
        longest = np.nan_to_num(wide[["water", "sanitation"]].to_numpy(dtype=float), nan=0.0).max(axis=1)
        marked = mark_bars(ax, y, longest, wide.index, illustrative.communities, thickness=2 * h)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + ([row_legend_handle(language)] if marked else []), frameon=False, fontsize=8,
              loc="lower right")
    note = source_with_marks(source, illustrative, language, ("rows",), rows_marked=bool(marked))
    if total > len(labels):
        note = f"{note} — {t('strategy.more_communities', language, shown=len(labels), total=total)}"
    note = f"{note}. {t('strategy.served_note', language)}"
    ax.xaxis.set_major_formatter(thousands(language))
    return finish(fig, t("strategy.gap_chart_title", language, year=horizon_year), note,
                  xlabel=t("strategy.gap_axis", language), alt=alt)
