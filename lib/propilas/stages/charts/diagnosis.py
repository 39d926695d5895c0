"""Charts of stages 0-1: population by community and projection, JMP ladders and a simple map."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from propilas.core.labels import label, t
from propilas.core.numbers import fmt_int
from propilas.method.ladders import SANITATION_RUNGS, WATER_RUNGS
from propilas.stages.charts.common import (COLOURS, NoChart, finish, thousands, mark_bars, mark_points, new_figure,
                                           point_legend_handle, row_legend_handle, source_with_marks, stamp)

NOT_COMPUTED_COLOUR = "#d9d9d9"


def _names(communities: pd.DataFrame | None) -> dict:
    if communities is None or "name" not in communities.columns:
        return {}
    return dict(zip(communities["community_id"], communities["name"]))


def population_by_community(communities: pd.DataFrame, year: int, language: str, source: str,
                            illustrative=None, max_communities: int | None = None) -> Figure:
    """Bar chart of base-year population per community, largest first; illustrative rows dotted.
    Above `max_communities` (report.max_communities_in_charts) the most populous are drawn and
    the note says how many persons the others hold."""
    if communities.empty:
        return NoChart(t("chart.empty.population", language))
    df = communities.sort_values("population", ascending=False)
    total_n, extra = len(df), ""
    alt = t("alt.population_by_community", language, n=total_n, year=year,
            top=str(df.iloc[0].get("name", df.iloc[0]["community_id"])), pop=df.iloc[0]["population"])
    if max_communities is not None and total_n > max_communities:
        rest = df.iloc[max_communities:]
        df = df.head(max_communities)
        persons = float(rest["population"].sum())
        all_persons = float(communities["population"].sum())
        extra = " — " + t("chart.top_population_note", language, shown=len(df), total=total_n, rest=len(rest),
                          persons=fmt_int(persons, language), pct=f"{100 * persons / all_persons:.0f}" if all_persons else "—")
    fig, ax = new_figure(8, max(3.0, 0.3 * len(df) + 1.5))
    names = [str(n) for n in df.get("name", df["community_id"])]
    y = np.arange(len(df))
    pops = df["population"].astype(float).to_numpy()
    ax.barh(y, pops, color=COLOURS["water"])
    ax.set_yticks(y, names)
    marked = 0
    if illustrative is not None:
        marked = mark_bars(ax, y, pops, df["community_id"], illustrative.communities)
        if marked:
            ax.legend(handles=[row_legend_handle(language)], frameon=False, fontsize=8, loc="lower right")
    ax.invert_yaxis()
    note = source_with_marks(source, illustrative, language, ("rows",), rows_marked=bool(marked)) + extra
    ax.xaxis.set_major_formatter(thousands(language))
    return finish(fig, t("population.by_community_title", language, year=year), note,
                  xlabel=t("population.axis_persons", language), alt=alt)


def population_projection(district_population: pd.DataFrame, language: str, source: str,
                          illustrative=None) -> Figure:
    """Lines of the district projection, the rural part expected and Σ communities (a census
    stand-in or illustrative rows are said inside the chart and in its source line)."""
    fig, ax = new_figure()
    years = district_population["year"]
    for col, key, style in (("population_district", "population.series_district", "-"),
                            ("rural_expected", "population.series_rural_expected", "--"),
                            ("communities_total", "population.series_communities", "-")):
        if col in district_population.columns:
            ax.plot(years, district_population[col], style, label=t(key, language), marker="o", markersize=3)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    stamp(ax, illustrative, language, ("census",))
    title = t("population.projection_title", language, start=int(years.min()) if len(years) else "",
              end=int(years.max()) if len(years) else "")
    note = source_with_marks(source, illustrative, language, ("census", "rows"))
    dp = district_population.sort_values("year")
    first = dp["population_district"].iloc[0] if len(dp) and "population_district" in dp else None
    last = dp["population_district"].iloc[-1] if len(dp) and "population_district" in dp else None
    alt = t("alt.population_projection", language, start=int(years.min()) if len(years) else "",
            end=int(years.max()) if len(years) else "", p0=first, p1=last)
    ax.yaxis.set_major_formatter(thousands(language))
    return finish(fig, title, note, xlabel=t("common.year", language),
                  ylabel=t("population.axis_persons", language), alt=alt)


def ladder_chart(ladder: pd.DataFrame, ladder_district: pd.DataFrame, service: str, language: str,
                 source: str, communities: pd.DataFrame | None = None, illustrative=None,
                 max_communities: int | None = None) -> Figure:
    """100 % stacked horizontal bars of a ladder per community plus the district.

    Rungs that could not be computed are not drawn as 0: the remainder up to 100 % is a grey
    'not computed' segment so a reader sees the gap. Above `max_communities`
    (report.max_communities_in_charts) the most populous communities are drawn and one bar pools
    the others (population-weighted shares, from the same table).
    """
    rungs = WATER_RUNGS if service == "water" else SANITATION_RUNGS
    if ladder.empty or pd.to_numeric(ladder["share_pct"], errors="coerce").isna().all():
        return NoChart(t("chart.empty.ladder", language, service=label("service", service, language)))
    names = _names(communities)
    order = list(dict.fromkeys(ladder["community_id"]))
    wide = ladder.pivot(index="community_id", columns="rung", values="share_pct").reindex(order)
    wide = wide.reindex(columns=list(rungs))
    extra, pooled = "", []
    if max_communities is not None and len(order) > max_communities:
        size = ladder.groupby("community_id", sort=False)["community_population"].first().reindex(order)
        keep = list(size.sort_values(ascending=False, kind="stable").index[:max_communities])
        rest = [c for c in order if c not in set(keep)]
        part = ladder[ladder["community_id"].isin(rest)]
        by_rung = part.groupby("rung")["population"].sum(min_count=1)
        denom = float(part.groupby("community_id")["community_population"].first().sum())
        order = [c for c in order if c in set(keep)]
        wide = wide.reindex(order)
        wide.loc["__others__"] = (100 * by_rung.reindex(list(rungs)) / denom).to_numpy(dtype=float) if denom else np.nan
        pooled = [t("chart.other_communities", language, rest=len(rest))]
        extra = " — " + t("chart.top_ladder_note", language, shown=len(order), total=len(order) + len(rest),
                          rest=len(rest))
    dist = ladder_district[ladder_district["service"] == service].set_index("rung")["share_pct"]
    wide.loc["__district__"] = dist.reindex(list(rungs)).to_numpy(dtype=float)
    labels = [names.get(c, str(c)) for c in order] + pooled + [t("diagnosis.district_row", language)]
    fig, ax = new_figure(9, max(3.0, 0.3 * len(labels) + 2))
    y = np.arange(len(labels))
    left = np.zeros(len(labels))
    handles = []
    for rung in rungs:
        vals = wide[rung].to_numpy(dtype=float)
        width = np.nan_to_num(vals, nan=0.0)
        ax.barh(y, width, left=left, color=COLOURS.get(rung, "#999999"), edgecolor="white", linewidth=0.5)
        left += width
        handles.append(Patch(color=COLOURS.get(rung, "#999999"), label=label("rung", rung, language)))
    rest = np.clip(100.0 - left, 0, None)
    rest[rest < 1e-9] = 0.0
    if rest.any():
        ax.barh(y, rest, left=left, color=NOT_COMPUTED_COLOUR, hatch="//", edgecolor="white", linewidth=0.5)
        handles.append(Patch(facecolor=NOT_COMPUTED_COLOUR, hatch="//", label=t("diagnosis.not_computed", language)))
    marked = 0
    if illustrative is not None:  # community rows only: the district row is their sum (said in the note)
        marked = mark_bars(ax, y[:len(order)], np.full(len(order), 100.0), order, illustrative.communities)
        if marked:
            handles.append(row_legend_handle(language))
    ax.set_yticks(y, labels)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    if pooled:
        ax.get_yticklabels()[-2].set_fontstyle("italic")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    key = "diagnosis.water_ladder_title" if service == "water" else "diagnosis.sanitation_ladder_title"
    note = source_with_marks(source, illustrative, language, ("rows",), rows_marked=bool(marked)) + extra
    from propilas.core.numbers import fmt_share

    shares = [f"{label('rung', r, language)} {fmt_share(v, language)} %" for r, v in dist.reindex(list(rungs)).items()
              if pd.notna(v)]
    missing = float(rest[-1]) if len(rest) else 0.0
    if missing > 0:
        shares.append(f"{t('diagnosis.not_computed', language)} {fmt_share(missing, language)} %")
    alt = t("alt.ladder", language, service=label("service", service, language),
            n=ladder["community_id"].nunique(), shares="; ".join(shares))
    return finish(fig, t(key, language), note, xlabel=t("diagnosis.share_axis", language), alt=alt)


def majority_rung(ladder: pd.DataFrame, rungs: tuple[str, ...]) -> pd.Series:
    """Rung holding the largest computed population share per community (ties → better rung)."""
    out = {}
    for cid, g in ladder.groupby("community_id", sort=False):
        shares = g.set_index("rung")["share_pct"].reindex(list(rungs))
        out[cid] = None if shares.isna().all() else shares.idxmax()  # idxmax keeps the first (better) rung
    return pd.Series(out, dtype=object)


def ladder_map(communities: pd.DataFrame, ladder: pd.DataFrame, service: str, language: str,
               source: str, illustrative=None) -> Figure | None:
    """Scatter of community coordinates coloured by majority rung; None when no coordinates.

    Communities without coordinates are omitted and counted in the note (never placed at 0,0).
    """
    rungs = WATER_RUNGS if service == "water" else SANITATION_RUNGS
    if "latitude" not in communities.columns or "longitude" not in communities.columns:
        return None
    has = communities["latitude"].notna() & communities["longitude"].notna()
    if not has.any():
        return None
    omitted = int((~has).sum())
    rung = majority_rung(ladder, rungs)
    pts = communities[has]
    fig, ax = new_figure(6.5, 6)
    handles = []
    for code in list(rungs) + [None]:
        sel = pts[[rung.get(c) == code for c in pts["community_id"]]]
        if sel.empty:
            continue
        colour = COLOURS.get(code, NOT_COMPUTED_COLOUR) if code else NOT_COMPUTED_COLOUR
        ax.scatter(sel["longitude"], sel["latitude"], s=60, color=colour, edgecolor="#333333", linewidth=0.5)
        name = label("rung", code, language) if code else t("diagnosis.not_computed", language)
        handles.append(Patch(color=colour, label=name))
    marked = 0
    if illustrative is not None:
        marked = mark_points(ax, pts["longitude"], pts["latitude"], pts["community_id"], illustrative.communities)
        if marked:
            handles.append(point_legend_handle(language))
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(handles=handles, frameon=False, fontsize=8)
    note = source_with_marks(source, illustrative, language, ("rows",), rows_marked=bool(marked))
    note = note + (" " + t("diagnosis.map_omitted", language, n=omitted) if omitted else "")
    key = "diagnosis.water_map_title" if service == "water" else "diagnosis.sanitation_map_title"
    return finish(fig, t(key, language), note, xlabel=t("diagnosis.longitude", language),
                  ylabel=t("diagnosis.latitude", language))
