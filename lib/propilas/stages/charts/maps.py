"""Maps on real boundaries: a district's outline with its communities and systems, and the national
choropleth of need. Pure: the geometries (shapely, read by inputs/boundaries.py) and the tables come
as arguments; a static PNG is what the reports embed (they are read offline).

Markers say what a point is and where it comes from:
- shape: circle = community, square = water system;
- fill: a filled marker with a dark edge is a real record (SIASAR, a survey); an ILLUSTRATIVE row
  (`source` = illustrative, invented coordinates) is hollow, its edge in the class colour, dashed;
- colour: the class (ladder rung, sustainability class, priority), explained in the legend.
Rows without coordinates are never placed at (0, 0): they are left out and counted in the note.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from propilas.core.labels import label, t
from propilas.method.sources import illustrative_mask
from propilas.stages.charts.common import COLOURS, new_figure, plain_text, plt
# the frame (outline patches, scale bar, graticule, extent) lives beside this module
from propilas.stages.charts.map_frame import _extent, _graticule, polygon_patch, scale_bar

KINDS = ("community", "system")
MARKERS = {"community": "o", "system": "s"}
REAL_EDGE = "#222222"
PRIORITY_COLOUR = "#6a3d9a"
OTHER_COMMUNITY_COLOUR = "#9e9e9e"
NO_DATA_COLOUR = "#e0e0e0"
NEED_COLOURS = ("#7f0000", "#c62828", "#ef6c00", "#ffb74d", "#ffe0b2")  # need quintiles, most need first
OUTSIDE_TOLERANCE_DEG = 0.01  # about 1 km: the shipped polygons are simplified


# ---------------------------------------------------------------------------------------------- points

def points(table: pd.DataFrame, kind: str, codes: Mapping[Any, Any] | None = None,
           labels: Mapping[Any, str] | None = None) -> pd.DataFrame:
    """One row per row of `table` (communities or water_systems): id, longitude, latitude (empty when
    unknown), kind, colour code (from `codes` by id; None = not computed), illustrative, label."""
    id_col = "community_id" if kind == "community" else "system_id"
    n = len(table)
    ids = table[id_col] if id_col in table.columns else pd.Series([None] * n, index=table.index)

    def col(name: str) -> pd.Series:
        if name in table.columns:
            return pd.to_numeric(table[name], errors="coerce")
        return pd.Series([np.nan] * n, index=table.index, dtype=float)

    return pd.DataFrame({
        "id": list(ids), "longitude": list(col("longitude")), "latitude": list(col("latitude")),
        "kind": kind, "code": [(codes or {}).get(i) for i in ids],
        "illustrative": list(illustrative_mask(table)),  # `source` = illustrative, as every page counts it
        "label": [(labels or {}).get(i) for i in ids],
    })


# ---------------------------------------------------------------------------------------------- drawing

def district_map(outline, neighbours: Sequence[Any], pts: pd.DataFrame, colours: Mapping[Any, tuple[str, str]],
                 *, title: str, source: str, alt: str, language: str, notes: Sequence[str] = ()) -> Figure | None:
    """The district outline (neighbours faintly), one marker per located row of `pts` (see `points`),
    coloured by `colours[code] = (colour, legend label)`, labels where `pts.label` is set, a graticule
    in degrees and a scale bar. None when there is neither an outline nor a located row.

    Each group of markers is one scatter collection with gid 'kind|code|real' or 'kind|code|illustrative'
    (tests and the alt text count them)."""
    located = pts[pts["longitude"].notna() & pts["latitude"].notna()]
    if outline is None and located.empty:
        return None
    fig = plt.figure(figsize=(7.2, 8.2), dpi=100)
    grid = fig.add_gridspec(2, 1, height_ratios=(5.6, 1.0), hspace=0.06)
    ax, lax = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    lax.axis("off")
    ext = _extent(outline, located)
    lat0 = (ext[2] + ext[3]) / 2
    for g in neighbours or ():
        ax.add_patch(polygon_patch(g, facecolor="#f2f2f2", edgecolor="#b0b0b0", linewidth=0.6, zorder=0,
                                   gid="neighbour"))
    if outline is not None:
        ax.add_patch(polygon_patch(outline, facecolor="#fbfaf3", edgecolor="#333333", linewidth=1.6, zorder=1,
                                   gid="district"))
    handles: list[Any] = []
    shown_codes: list[Any] = []
    for kind in KINDS:
        for code in list(colours) + [None]:
            for ill in (False, True):
                sel = located[(located["kind"] == kind) & (located["illustrative"] == ill)
                              & located["code"].map(lambda c: (None if _unknown(c) else c) == code)]
                if sel.empty:
                    continue
                colour = colours[code][0] if code is not None else NO_DATA_COLOUR
                size, z = (34, 4) if kind == "community" else (72, 3)  # a community sits on its system
                if ill:
                    kw = dict(facecolors="white", edgecolors=colour, linewidths=1.8)
                else:
                    kw = dict(facecolors=colour, edgecolors=REAL_EDGE, linewidths=0.7)
                coll = ax.scatter(sel["longitude"], sel["latitude"], s=size, marker=MARKERS[kind], zorder=z, **kw)
                coll.set_gid(f"{kind}|{code}|{'illustrative' if ill else 'real'}")
                if code not in shown_codes:
                    shown_codes.append(code)
    for code in [c for c in colours if c in shown_codes] + ([None] if None in shown_codes else []):
        colour, name = colours[code] if code is not None else (NO_DATA_COLOUR, t("map.not_computed", language))
        handles.append(Patch(facecolor=colour, edgecolor="#555555", label=name))
    for kind in KINDS:
        kinds = located[located["kind"] == kind]
        for ill in (False, True):
            if (kinds["illustrative"] == ill).any():
                key = f"map.{kind}_{'illustrative' if ill else 'real'}"
                handles.append(Line2D([], [], marker=MARKERS[kind], linestyle="none", markersize=7,
                                      markerfacecolor="white" if ill else "#777777",
                                      markeredgecolor="#777777" if ill else REAL_EDGE,
                                      markeredgewidth=1.6 if ill else 0.7, label=t(key, language)))
    if outline is not None:
        handles.append(Patch(facecolor="#fbfaf3", edgecolor="#333333", linewidth=1.6, label=t("map.outline", language)))
    if neighbours:
        handles.append(Patch(facecolor="#f2f2f2", edgecolor="#b0b0b0", label=t("map.neighbours", language)))
    ax.set_xlim(ext[0], ext[1])
    ax.set_ylim(ext[2], ext[3])
    _graticule(ax, language, lat0)
    scale_bar(ax, ext, lat0, language)
    lax.legend(handles=handles, frameon=False, fontsize=7.5, loc="upper left", ncol=2, borderaxespad=0)
    fig.text(0.01, 0.99, title, fontsize=11, fontweight="bold", ha="left", va="top", wrap=True)
    credit = [t("map.boundary_credit", language)] if outline is not None or neighbours else []
    note = "\n".join([source.rstrip(".") + ". " + " ".join(credit), *[n for n in notes if n]]).replace(" \n", "\n")
    fig.text(0.01, 0.01, note, fontsize=7.5, color="#555555", ha="left", va="bottom", wrap=True)
    fig.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.04 + 0.018 * note.count("\n"))
    plain_text(fig)  # names are plain text ('$' included), wrapped notes measured once (common.plain_text)
    ax.apply_aspect()  # what a draw would do before labels are placed: the axes take their final box
    labelled = located[located["label"].notna()]
    if "label_rank" in labelled.columns:  # the first priority gets the first (best) place
        labelled = labelled.sort_values("label_rank", kind="stable")
    place_labels(ax, labelled)
    fig.propilas_alt = alt
    return fig


def place_labels(ax, rows: pd.DataFrame) -> list[Any]:
    """Labels beside their points, each in the first of eight positions that overlaps no label
    placed before it (greedy, in rank order); the last position is kept when none is free."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    offsets = ((6, 6), (6, -12), (-6, 6), (-6, -12), (10, 16), (10, -22), (-10, 16), (-10, -22))
    placed: list[Any] = []
    texts = []
    for _, r in rows.iterrows():
        for dx, dy in offsets:
            txt = ax.annotate(str(r["label"]), (r["longitude"], r["latitude"]), xytext=(dx, dy),
                              textcoords="offset points", fontsize=7.5, zorder=5, gid="priority_label",
                              ha="left" if dx > 0 else "right",
                              bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="#666666", alpha=0.9),
                              arrowprops=dict(arrowstyle="-", color="#666666", linewidth=0.6))
            box = txt.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(p) for p in placed) or (dx, dy) == offsets[-1]:
                placed.append(box)
                texts.append(txt)
                break
            txt.remove()
    return texts


def map_notes(pts: pd.DataFrame, outline, language: str) -> list[str]:
    """Sentences under a map: rows left out (no coordinates), rows outside the outline, no outline."""
    out = []
    for kind in KINDS:
        rows = pts[pts["kind"] == kind]
        missing = int((rows["longitude"].isna() | rows["latitude"].isna()).sum())
        if missing:
            out.append(t(f"map.omitted_{kind}", language, n=missing))
    if outline is None:
        out.append(t("map.no_outline", language))
    else:
        from shapely.geometry import Point

        loc = pts[pts["longitude"].notna() & pts["latitude"].notna()]
        near = outline.buffer(OUTSIDE_TOLERANCE_DEG)
        outside = sum(1 for x, y in zip(loc["longitude"], loc["latitude"]) if not near.intersects(Point(x, y)))
        if outside:
            out.append(t("map.outside", language, n=outside))
    return out


def map_alt(district: str, pts: pd.DataFrame, what: str, language: str, labelled: int = 0) -> str:
    """Alt text in the report language: 'Mapa de <district>: …' with the counts a reader cannot see."""
    loc = pts[pts["longitude"].notna() & pts["latitude"].notna()]
    c, s = loc[loc["kind"] == "community"], loc[loc["kind"] == "system"]
    shown = []
    if len(c):
        shown.append(t("map.alt_communities", language, n=len(c)))
    if len(s):
        shown.append(t("map.alt_systems", language, n=len(s)))
    parts = [t("map.alt_shown", language, shown=t("illustrative.and", language).join(shown))] if shown else \
        [t("map.alt_none", language)]
    if int(loc["illustrative"].sum()):
        parts.append(t("map.alt_illustrative", language, n=int(loc["illustrative"].sum())))
    if labelled:
        parts.append(t("map.alt_labelled", language, n=labelled))
    return t("map.alt", language, district=district, what=what, details=" ".join(parts))


def _unknown(code: Any) -> bool:
    """A code not computed: None, or NaN once pandas has stored the None."""
    return code is None or (isinstance(code, float) and code != code)


def _boundary_parts(boundary) -> tuple[Any, tuple[Any, ...]]:
    if boundary is None:
        return None, ()
    return getattr(boundary, "geometry", None), tuple(getattr(boundary, "neighbours", ()) or ())


# ---------------------------------------------------------------------------------------------- the maps

def class_colours(classes: Sequence[str], language: str) -> dict[str, tuple[str, str]]:
    return {c: (COLOURS[c], label("class", c, language)) for c in classes}


def plan_map(boundary, communities: pd.DataFrame, water_systems: pd.DataFrame, sustainability: pd.DataFrame,
             priorities: pd.DataFrame, top_k: int, district: str, language: str, source: str) -> Figure | None:
    """The district plan on one map: water systems coloured by sustainability class, communities
    (the top `top_k` priorities highlighted and labelled with their rank and name), on the real
    outline. `boundary` has `.geometry` and `.neighbours` (inputs/boundaries.DistrictBoundary) or is None."""
    outline, neighbours = _boundary_parts(boundary)
    classes = ("A", "B", "C", "D", "unclassified")
    cls = dict(zip(sustainability["system_id"], sustainability["class"])) if len(sustainability) else {}
    names = dict(zip(communities["community_id"], communities["name"]))
    top = priorities.sort_values("rank", kind="stable").head(max(0, int(top_k)))
    rank = {cid: int(r) for cid, r in zip(top["community_id"], top["rank"]) if r == r}
    comm_codes = {cid: ("priority" if cid in rank else "other") for cid in communities["community_id"]}
    labels = {cid: f"{r}. {names.get(cid, cid)}" for cid, r in rank.items()}
    pts = pd.concat([points(communities, "community", comm_codes, labels),
                     points(water_systems, "system", cls)], ignore_index=True)
    colours = {**class_colours(classes, language),
               "priority": (PRIORITY_COLOUR, t("map.priority", language, k=len(rank))),
               "other": (OTHER_COMMUNITY_COLOUR, t("map.other_community", language))}
    pts["label_rank"] = [rank.get(i) if k == "community" else None for i, k in zip(pts["id"], pts["kind"])]
    labelled = int(pts["label"].notna().sum())
    return district_map(outline, neighbours, pts, colours, title=t("map.plan_title", language, district=district),
                        source=source, language=language, notes=map_notes(pts, outline, language),
                        alt=map_alt(district, pts, t("map.plan_what", language), language, labelled))


def rung_map(boundary, communities: pd.DataFrame, ladder: pd.DataFrame, service: str, district: str,
             language: str, source: str) -> Figure | None:
    """Stage 1: communities coloured by the ladder rung of most of their population, on the outline."""
    from propilas.method.ladders import SANITATION_RUNGS, WATER_RUNGS
    from propilas.stages.charts.diagnosis import majority_rung

    outline, neighbours = _boundary_parts(boundary)
    rungs = WATER_RUNGS if service == "water" else SANITATION_RUNGS
    codes = majority_rung(ladder, rungs).to_dict() if len(ladder) else {}
    pts = points(communities, "community", codes)
    colours = {r: (COLOURS[r], label("rung", r, language)) for r in rungs}
    return district_map(outline, neighbours, pts, colours,
                        title=t(f"map.rung_title_{service}", language, district=district), source=source,
                        language=language, notes=map_notes(pts, outline, language),
                        alt=map_alt(district, pts, t(f"map.rung_what_{service}", language), language))


def class_map(boundary, sustainability: pd.DataFrame, water_systems: pd.DataFrame, district: str,
              language: str, source: str) -> Figure | None:
    """Stage 2: water systems coloured by sustainability class, on the outline."""
    outline, neighbours = _boundary_parts(boundary)
    classes = ("A", "B", "C", "D", "unclassified")
    cls = dict(zip(sustainability["system_id"], sustainability["class"])) if len(sustainability) else {}
    pts = points(water_systems, "system", cls)
    return district_map(outline, neighbours, pts, class_colours(classes, language),
                        title=t("map.class_title", language, district=district), source=source,
                        language=language, notes=map_notes(pts, outline, language),
                        alt=map_alt(district, pts, t("map.class_what", language), language))


# ---------------------------------------------------------------------------------------------- national

def need_classes(values: pd.Series, bins: int = len(NEED_COLOURS)) -> pd.Series:
    """Quantile class of each need rank (0 = most need); empty where the rank is unknown."""
    v = pd.to_numeric(values, errors="coerce")
    known = v.dropna()
    if known.empty:
        return pd.Series([pd.NA] * len(v), index=v.index, dtype="Int64")
    q = known.rank(method="first", pct=True)
    cls = np.minimum((q * bins).apply(math.ceil) - 1, bins - 1).clip(lower=0).astype(int)
    return cls.reindex(v.index).astype("Int64")


def need_choropleth(districts: Sequence[tuple[str, Any]], need_rank: Mapping[str, Any],
                    departments: Sequence[Any], language: str, source: str, title: str) -> Figure | None:
    """Districts coloured by need quintile (darkest = most need; grey = planned without rank or
    not in the comparison), department outlines on top, graticule. `districts`: (ubigeo, geometry)."""
    if not districts:
        return None
    ranks = pd.Series({k: need_rank.get(k) for k, _ in districts}, dtype=object)
    cls = need_classes(ranks)
    fig, ax = new_figure(7.5, 9.0)
    ax.spines[["top", "right"]].set_visible(True)
    counts = [0] * len(NEED_COLOURS)
    for key, geom in districts:
        c = cls.get(key)
        if c is pd.NA or c is None or (isinstance(c, float) and c != c):
            colour, gid = "#f7f7f7", "district|none"
        else:
            colour, gid = NEED_COLOURS[int(c)], f"district|{int(c)}"
            counts[int(c)] += 1
        ax.add_patch(polygon_patch(geom, facecolor=colour, edgecolor="#d0d0d0", linewidth=0.15, gid=gid))
    for g in departments:
        ax.add_patch(polygon_patch(g, facecolor="none", edgecolor="#333333", linewidth=0.7, gid="department"))
    allb = np.array([g.bounds for _, g in districts])
    x0, y0, x1, y1 = allb[:, 0].min(), allb[:, 1].min(), allb[:, 2].max(), allb[:, 3].max()
    ax.set_xlim(x0 - 0.3, x1 + 0.3)
    ax.set_ylim(y0 - 0.3, y1 + 0.3)
    lat0 = (y0 + y1) / 2
    _graticule(ax, language, lat0)
    scale_bar(ax, (x0 - 0.3, x1 + 0.3, y0 - 0.3, y1 + 0.3), lat0, language, upper=True)
    handles = [Patch(facecolor=NEED_COLOURS[i], edgecolor="#999999",
                     label=t(f"map.need_q{i + 1}", language, n=counts[i])) for i in range(len(NEED_COLOURS))]
    handles.append(Patch(facecolor="#f7f7f7", edgecolor="#999999", label=t("map.need_none", language)))
    handles.append(Patch(facecolor="none", edgecolor="#333333", label=t("map.department", language)))
    ax.legend(handles=handles, frameon=True, fontsize=8, loc="lower left")
    ax.set_title(title, fontsize=12, loc="left", fontweight="bold")
    fig.text(0.01, 0.01, source.rstrip(".") + ". " + t("map.boundary_credit", language), fontsize=7.5,
             color="#555555", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.propilas_alt = t("map.need_alt", language, n=int(sum(counts)), total=len(districts))
    return fig
