"""Charts of stage 2: sustainability index per system, systems by class and a simple map."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from propilas.core.labels import label, t
from propilas.method.sustainability import CLASSES
from propilas.stages.charts.common import (COLOURS, NoChart, counts_text, finish, mark_bars, mark_points, new_figure, point_legend_handle,
                                           row_legend_handle, source_with_marks)


def index_chart(table: pd.DataFrame, language: str, source: str,
                water_systems: pd.DataFrame | None = None, illustrative=None,
                max_systems: int | None = None) -> Figure:
    """Horizontal bars of the index per system, coloured by class; partial indices hatched.

    Unclassified systems (index NaN) get no bar and are counted in the note, never drawn as 0.
    Above `max_systems` (report.max_communities_in_charts) the systems with the lowest index are
    drawn (the class chart counts every system).
    """
    if table.empty:
        return NoChart(t("chart.empty.systems", language))
    alt = t("alt.index", language, n=len(table), partial=int(table["partial"].astype(bool).sum()),
            uncl=int(table["index"].isna().sum()))
    names = {}
    if water_systems is not None and "name" in water_systems.columns:
        names = dict(zip(water_systems["system_id"], water_systems["name"]))
    df = table.sort_values("index", ascending=False, na_position="last")
    extra = ""
    if max_systems is not None and len(df) > max_systems:
        shown = table.sort_values("index", ascending=True, na_position="last", kind="stable").head(max_systems)
        extra = " " + t("chart.top_systems_note", language, shown=len(shown), total=len(df))
        df = shown.sort_values("index", ascending=False, na_position="last", kind="stable")
    fig, ax = new_figure(9, max(3.0, 0.3 * len(df) + 1.8))
    y = np.arange(len(df))
    for yi, (_, r) in zip(y, df.iterrows()):
        if np.isnan(r["index"]):
            ax.text(1.02, yi, label("class", "unclassified", language), va="center", fontsize=7, color="#555555")
            continue
        ax.text(r["index"] + 0.03, yi, f"{r['index']:.2f} {r['class']}", va="center", fontsize=7)
        ax.barh(yi, r["index"] - 1.0, left=1.0, color=COLOURS.get(r["class"], "#999999"),
                hatch="///" if bool(r["partial"]) else None, edgecolor="#333333" if bool(r["partial"]) else "white",
                linewidth=0.5)
    ax.set_yticks(y, [f"{names[s]} ({s})" if s in names else str(s) for s in df["system_id"]])
    if len(df):
        ax.set_ylim(len(df) - 0.5, -0.5)  # first system on top, room for the last row's note
    ax.set_xlim(1, 4.4)
    ax.set_xticks([1, 1.5, 2, 2.5, 3, 3.5, 4])
    handles = [Patch(color=COLOURS[c], label=label("class", c, language)) for c in ("A", "B", "C", "D")
               if (df["class"] == c).any()]
    if df["partial"].astype(bool).any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///",
                             label=t("sustainability.partial_legend", language)))
    marked = 0
    if illustrative is not None:  # an illustrative system row: its bar (from 1 to the index) dotted
        idx = df["index"].to_numpy(dtype=float)
        marked = mark_bars(ax, y, np.where(np.isnan(idx), 0.0, idx - 1.0), df["system_id"], illustrative.systems,
                           starts=np.ones(len(df)))
        if marked:
            handles.append(row_legend_handle(language))
    if handles:
        ax.legend(handles=handles, frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    n_uncl = int(df["index"].isna().sum())
    note = source_with_marks(source, illustrative, language, ("rows",), rows_marked=bool(marked))
    note = note + (" " + t("sustainability.unclassified_note", language, n=n_uncl) if n_uncl else "") + extra
    return finish(fig, t("sustainability.index_title", language), note,
                  xlabel=t("sustainability.index_axis", language), alt=alt)


def class_count_chart(by_class: pd.DataFrame, language: str, source: str, illustrative=None) -> Figure:
    """Bars of systems per class, the partial ones hatched on top of the full ones.

    Unclassified systems have no index at all (insufficient data), so their bar is never hatched
    as "partial index": it is one grey bar.
    """
    df = by_class.set_index("class").reindex(list(CLASSES)).fillna(0)
    df.loc["unclassified", "partial_systems"] = 0
    if not df["systems"].sum():
        return NoChart(t("chart.empty.systems", language))
    alt = t("alt.class_count", language, counts=counts_text(df["systems"].to_dict(), "class", language))
    fig, ax = new_figure(7, 4)
    x = np.arange(len(CLASSES))
    full = (df["systems"] - df["partial_systems"]).to_numpy(dtype=float)
    part = df["partial_systems"].to_numpy(dtype=float)
    colours = [COLOURS[c] for c in CLASSES]
    ax.bar(x, full, color=colours)
    ax.bar(x, part, bottom=full, color=colours, hatch="///", edgecolor="#333333", linewidth=0.5)
    ax.set_xticks(x, [label("class", c, language) for c in CLASSES], fontsize=8, rotation=15, ha="right")
    ax.yaxis.get_major_locator().set_params(integer=True)
    for xi, total in zip(x, full + part):
        ax.text(xi, total, f"{int(total)}", ha="center", va="bottom", fontsize=9)
    if part.any():
        ax.legend(handles=[Patch(facecolor="white", edgecolor="#333333", hatch="///",
                                 label=t("sustainability.of_which_partial", language))],
                  frameon=False, fontsize=8)
    return finish(fig, t("sustainability.class_count_title", language),
                  source_with_marks(source, illustrative, language, ("rows",)),
                  ylabel=t("sustainability.systems_axis", language), alt=alt)


def class_map(table: pd.DataFrame, water_systems: pd.DataFrame, language: str, source: str,
              illustrative=None) -> Figure | None:
    """Scatter of system coordinates coloured by class; None when no system has coordinates."""
    if "latitude" not in water_systems.columns or "longitude" not in water_systems.columns:
        return None
    coords = water_systems[["system_id", "latitude", "longitude"]]
    df = table[["system_id", "class", "partial"]].merge(coords, on="system_id", how="left")
    has = df["latitude"].notna() & df["longitude"].notna()
    if not has.any():
        return None
    omitted = int((~has).sum())
    pts = df[has]
    fig, ax = new_figure(6.5, 6)
    handles = []
    for c in CLASSES:
        sel = pts[pts["class"] == c]
        if sel.empty:
            continue
        ax.scatter(sel["longitude"], sel["latitude"], s=60, color=COLOURS[c], edgecolor="#333333",
                   linewidth=[1.5 if p else 0.5 for p in sel["partial"]])
        handles.append(Patch(color=COLOURS[c], label=label("class", c, language)))
    if pts["partial"].astype(bool).any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", linewidth=1.5,
                             label=t("sustainability.partial_legend", language)))
    ax.set_aspect("equal", adjustable="datalim")
    marked = 0
    if illustrative is not None:
        marked = mark_points(ax, pts["longitude"], pts["latitude"], pts["system_id"], illustrative.systems)
        if marked:
            handles.append(point_legend_handle(language))
    ax.legend(handles=handles, frameon=False, fontsize=8)
    note = source_with_marks(source, illustrative, language, ("rows",), rows_marked=bool(marked))
    note = note + (" " + t("sustainability.map_omitted", language, n=omitted) if omitted else "")
    return finish(fig, t("sustainability.map_title", language), note,
                  xlabel=t("diagnosis.longitude", language), ylabel=t("diagnosis.latitude", language))
