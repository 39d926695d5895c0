"""Peru's administrative boundaries (data/peru-boundaries/, MPL-2.0, see its README): read once, cached.

The district polygons are keyed by `IDDIST`, the INEI ubigeo a district's `params/<d>.yaml` carries
as `ubigeo`. The maps (stages/charts/maps.py) take the shapely geometries this module returns as
arguments, so they never read files. A district without a polygon (59 districts created after the
source's 2016 files, or a placeholder ubigeo 000000) gets `None`: its map is drawn without outline
and says so.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core.paths import BOUNDARIES_FOLDER as FOLDER, BOUNDARY_DISTRICTS as DISTRICTS, boundaries_dir  # noqa: F401,E402
PROVINCES = "peru_provincial_simple.geojson"
DEPARTMENTS = "peru_departamental_simple.geojson"
NEIGHBOUR_MARGIN = 0.25  # share of the district's extent searched around it for neighbours


@dataclass(frozen=True)
class Feature:
    key: str  # IDDIST (6 digits), FIRST_IDDP (2 digits) or FIRST_IDPR (4 digits)
    name: str
    province: str
    department: str
    geometry: Any  # shapely (Multi)Polygon


@dataclass(frozen=True)
class DistrictBoundary:
    """A district's outline and the districts around it (drawn faintly under the map)."""
    ubigeo: str
    name: str
    province: str
    department: str
    geometry: Any
    neighbours: tuple[Any, ...]
    file: Path


def _file(data_dir: Path | str | None, name: str) -> Path:
    if data_dir is None:
        from propilas.core.paths import repo_root

        data_dir = repo_root() / "data"
    return boundaries_dir(data_dir) / name


@lru_cache(maxsize=8)
def _read(path: str) -> tuple[Feature, ...]:
    from shapely.geometry import shape

    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    out = []
    for f in data.get("features", []):
        geom = f.get("geometry")
        if not geom:
            continue  # a feature without geometry is no outline
        p = f.get("properties") or {}
        key = str(p.get("IDDIST") or p.get("FIRST_IDPR") or p.get("FIRST_IDDP") or "")
        out.append(Feature(key=key, name=str(p.get("NOMBDIST") or p.get("NOMBPROV") or p.get("NOMBDEP") or ""),
                           province=str(p.get("NOMBPROV") or ""),
                           department=str(p.get("NOMBDEP") or p.get("FIRST_NOMB") or ""),
                           geometry=shape(geom)))
    return tuple(out)


def districts(data_dir: Path | str | None = None) -> tuple[Feature, ...]:
    """Every district polygon (1,834 in the shipped file); () when the file is not there."""
    path = _file(data_dir, DISTRICTS)
    return _read(str(path.resolve())) if path.is_file() else ()


def departments(data_dir: Path | str | None = None) -> tuple[Feature, ...]:
    path = _file(data_dir, DEPARTMENTS)
    return _read(str(path.resolve())) if path.is_file() else ()


def district_boundary(ubigeo: str | None, data_dir: Path | str | None = None) -> DistrictBoundary | None:
    """The district's polygon and its neighbours, or None (no file, placeholder or unknown ubigeo)."""
    if not ubigeo:
        return None
    feats = districts(data_dir)
    match = [f for f in feats if f.key == str(ubigeo)]
    if not match:
        return None
    f = match[0]
    x0, y0, x1, y1 = f.geometry.bounds
    mx, my = (x1 - x0) * NEIGHBOUR_MARGIN + 0.02, (y1 - y0) * NEIGHBOUR_MARGIN + 0.02
    from shapely.geometry import box

    around = box(x0 - mx, y0 - my, x1 + mx, y1 + my)
    neighbours = tuple(g.geometry for g in feats if g.key != f.key and g.geometry.intersects(around))
    return DistrictBoundary(ubigeo=f.key, name=f.name, province=f.province, department=f.department,
                            geometry=f.geometry, neighbours=neighbours, file=_file(data_dir, DISTRICTS))


def _norm(text: Any) -> str:
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().upper()
    return " ".join(s.replace("-", " ").split())


def match_ubigeo(frame: pd.DataFrame, data_dir: Path | str | None = None) -> pd.Series:
    """The polygon key of each row: its `ubigeo` when a polygon has it, else the district matched by
    (department, province, name) without accents or case; empty when neither matches."""
    feats = districts(data_dir)
    keys = {f.key for f in feats}
    by_name = {(_norm(f.department), _norm(f.province), _norm(f.name)): f.key for f in feats}
    out = []
    for _, row in frame.iterrows():
        ub = row.get("ubigeo")
        ub = str(ub) if ub is not None and ub == ub else ""
        if ub in keys:
            out.append(ub)
            continue
        key = (_norm(row.get("department")), _norm(row.get("province")), _norm(row.get("name")))
        out.append(by_name.get(key))
    return pd.Series(out, index=frame.index, dtype=object)
