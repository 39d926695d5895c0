"""Chart of stage 6: cost of the first-years project sheets by community and financing source."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.method.budget_sheets import source_column, source_label
from propilas.core.labels import t
from propilas.core.params import DistrictParams
from propilas.stages.charts.common import (NoChart, finish, mark_bars, new_figure, row_legend_handle,
                                           source_with_marks, stamp, thousands)

SOURCE_COLOURS: tuple[str, ...] = ("#0072b2", "#56b4e9", "#8d6e63", "#009e73", "#e69f00", "#9e9e9e")


def sheets_cost_chart(project_sheets: pd.DataFrame, params: DistrictParams, illustrative=None) -> Figure:
    """Horizontal stacked bars: one bar per community, one segment per financing source (soles);
    illustrative communities dotted, illustrative unit costs and envelopes said inside the chart."""
    lang = params.language
    years = params.budget.sheet_years
    cols = [source_column(s) for s in params.budget.sources]
    if project_sheets.empty:
        return NoChart(t("chart.empty.sheets", lang, years=years))
    alt = t("alt.sheets", lang, years=years, n=project_sheets["community_id"].nunique(),
            total=float(project_sheets[[c for c in cols if c in project_sheets]].to_numpy(dtype=float).sum()))
    fig, ax = new_figure(8.0, max(3.0, 0.45 * project_sheets["community_id"].nunique() + 1.8)
                         if len(project_sheets) else 3.0)
    marked = 0
    if project_sheets.empty:
        ax.text(0.5, 0.5, t("budget.no_sheets", lang, years=years), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        df = project_sheets.copy()
        df["label"] = df["community_name"].fillna(df["community_id"]).astype(str)
        by = df.groupby("label", sort=False)[cols].sum()
        by = by.loc[by.sum(axis=1).sort_values().index]
        left = np.zeros(len(by))
        for i, (src, col) in enumerate(zip(params.budget.sources, cols)):
            ax.barh(by.index, by[col].to_numpy(), left=left, color=SOURCE_COLOURS[i % len(SOURCE_COLOURS)],
                    label=source_label(src, lang))
            left += by[col].to_numpy()
        handles, _ = ax.get_legend_handles_labels()
        if illustrative is not None:
            ids = df.groupby("label", sort=False)["community_id"].first().reindex(by.index)
            marked = mark_bars(ax, np.arange(len(by)), left, ids, illustrative.communities)
        ax.legend(handles=handles + ([row_legend_handle(lang)] if marked else []), frameon=False, fontsize=8,
                  loc="lower right")
        stamp(ax, illustrative, lang, ("unit_costs", "envelope"))
        ax.xaxis.set_major_formatter(thousands(lang))
    note = source_with_marks(t("budget.source_note", lang, district=params.name), illustrative, lang,
                             ("rows", "unit_costs", "envelope"), rows_marked=bool(marked))
    return finish(fig, t("budget.sheets_title", lang, years=years), note,
                  xlabel=t("budget.axis_cost", lang), ylabel=t("budget.axis_community", lang), ax=ax, alt=alt)
