"""The frame of every map (stages/charts/maps.py): shapely (Multi)Polygons as matplotlib patches,
holes kept; a scale bar of a round number of km; the degree graticule (°W/°O, °S) with the aspect of
the latitude; the extent around an outline and its located points.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from propilas.core.labels import t

SCALE_STEPS_KM = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)
KM_PER_DEGREE = 111.32


def _rings(geom) -> Iterable[Any]:
    polys = getattr(geom, "geoms", None)
    for poly in (polys if polys is not None else [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        yield poly.exterior
        yield from poly.interiors


def polygon_patch(geom, **kw) -> PathPatch:
    """A matplotlib patch of a shapely (Multi)Polygon, holes kept (even-odd rule)."""
    verts, codes = [], []
    for ring in _rings(geom):
        xy = np.asarray(ring.coords)[:, :2]
        if len(xy) < 3:
            continue
        verts.append(xy)
        codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    path = MplPath(np.concatenate(verts), np.concatenate(codes)) if verts else MplPath(np.zeros((1, 2)))
    return PathPatch(path, **kw)


def _nice_km(width_km: float) -> float:
    fits = [s for s in SCALE_STEPS_KM if s <= width_km * 0.3]
    return fits[-1] if fits else SCALE_STEPS_KM[0]


def scale_bar(ax, extent: tuple[float, float, float, float], lat0: float, language: str = "es",
              upper: bool = False) -> float:
    """A bar of a round number of km in the lower (or upper) left corner; returns its length in km."""
    x0, x1, y0, y1 = extent
    km_per_deg = KM_PER_DEGREE * math.cos(math.radians(lat0))
    km = _nice_km((x1 - x0) * km_per_deg)
    length = km / km_per_deg
    bx, by = x0 + 0.05 * (x1 - x0), (y1 - 0.07 * (y1 - y0)) if upper else (y0 + 0.05 * (y1 - y0))
    ax.plot([bx, bx + length], [by, by], color="#222222", linewidth=3, solid_capstyle="butt", gid="scale_bar")
    ax.text(bx + length / 2, by + 0.015 * (y1 - y0), t("map.scale", language, km=f"{km:g}"), ha="center", va="bottom", fontsize=8)
    return km


def _degree_formatter(axis: str, language: str):
    west, south, north = ("O", "S", "N") if language == "es" else ("W", "S", "N")

    def fmt(v: float, _pos=None) -> str:
        if axis == "x":
            return f"{abs(v):.2f}°{west if v < 0 else 'E'}"
        return f"{abs(v):.2f}°{south if v < 0 else north}"
    return fmt


def _graticule(ax, language: str, lat0: float) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_aspect(1.0 / max(0.2, math.cos(math.radians(lat0))))
    for a, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
        a.set_major_locator(MaxNLocator(5))
        a.set_major_formatter(FuncFormatter(_degree_formatter(name, language)))
    ax.tick_params(labelsize=7.5)
    ax.grid(True, color="#bbbbbb", linewidth=0.4, linestyle=":")
    ax.set_axisbelow(True)


def _extent(outline, pts: pd.DataFrame) -> tuple[float, float, float, float]:
    xs, ys = list(pts["longitude"]), list(pts["latitude"])
    if outline is not None and not outline.is_empty:
        bx0, by0, bx1, by1 = outline.bounds
        xs += [bx0, bx1]
        ys += [by0, by1]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 0.01)
    mx, my = max((x1 - x0) * 0.08, span * 0.04), max((y1 - y0) * 0.08, span * 0.04)
    return x0 - mx, x1 + mx, y0 - my, y1 + my
