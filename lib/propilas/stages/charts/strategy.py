"""Charts of stage 3: gap by community (people short of the target, water vs sanitation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import label, t
from propilas.stages.charts.common import COLOURS, finish, new_figure


def gap_by_community(gaps: pd.DataFrame, horizon_year: int, language: str, source: str,
                     communities: pd.DataFrame | None = None, max_communities: int = 40) -> Figure:
    """Paired horizontal bars per community: people short of the water and sanitation targets
    at the horizon, largest total first. An unknown gap is left empty (no bar), not 0."""
    wide = gaps.pivot_table(index="community_id", columns="service", values="gap", aggfunc="sum",
                            dropna=False).reindex(columns=["water", "sanitation"])
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
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    note = source
    if total > len(labels):
        note = f"{source} — {t('strategy.more_communities', language, shown=len(labels), total=total)}"
    note = f"{note}. {t('strategy.served_note', language)}"
    return finish(fig, t("strategy.gap_chart_title", language, year=horizon_year), note,
                  xlabel=t("strategy.gap_axis", language))
