"""Rules across the inputs that a single cell cannot break: tables and parameters that contradict
each other (issue 12 §4). Errors unless said otherwise; thresholds in params `inputs:`.

- piped households in a community no water system serves (or a district with no system);
- the census: a year in the future, intercensal growth beyond ±inputs.max_growth_per_year
  unless `census_note` explains it;
- coordinates outside the district's bounding box (warning, naming the likely cause).
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from propilas.core.messages import Msg
from propilas.core.params import DistrictParams
from propilas.inputs.tableio import Problem

PLACEHOLDER_CENSUS = 50  # a census population below this is a placeholder left by `propilas new`


PIPED_COLUMNS = ("hh_water_piped_premises", "hh_water_public_tap")


def _piped_without_system(comm: pd.DataFrame, sys: pd.DataFrame, cf: str, sf: str, cs: str | None,
                          where: str | None = None) -> list[Problem]:
    """Households on piped water (at home or a public tap) need a water system in that community:
    counted without one, the diagnosis shows basic water that no system delivers and no works
    are planned for it (a contradiction between the two tables, never resolved silently)."""
    if comm.empty or not all(c in comm.columns for c in PIPED_COLUMNS):
        return []
    served = set(sys["community_id"].dropna()) if not sys.empty and "community_id" in sys.columns else set()
    piped = comm[list(PIPED_COLUMNS)].fillna(0).sum(axis=1)
    where = where or (Msg("val.cons.no_system_at_all", file=sf) if sys.empty
                      else Msg("val.cons.no_system_row", file=sf))
    out = []
    for row in comm.index[(piped > 0) & ~comm["community_id"].isin(served)]:
        cid = comm.at[row, "community_id"]
        out.append(Problem("error", cf, int(row), ",".join(PIPED_COLUMNS), int(piped[row]),
                           Msg("val.cons.piped_without_system", community=cid, where=where, file=sf), cs))
    return out


def census_problems(params: DistrictParams, path: Path | str) -> list[Problem]:
    """The census in the params file: a year in the future is an error; growth between two censuses
    beyond ±inputs.max_growth_per_year (a digit too many or too few) is an error unless
    `census_note` explains it. Used by `load_inputs` and by the scaffolding of new districts."""
    out: list[Problem] = []
    this_year = _dt.date.today().year
    known = params.census_known
    for year in known:
        if year > this_year:
            out.append(Problem("error", str(path), None, f"census.{year}", year,
                               Msg("val.cons.census_future", year=this_year)))
    limit = params.inputs.max_growth_per_year
    pairs = sorted(known.items())
    for (y1, p1), (y2, p2) in zip(pairs, pairs[1:]):
        if p1 < PLACEHOLDER_CENSUS or p2 < PLACEHOLDER_CENSUS or y2 <= y1:
            continue  # a placeholder is flagged by _params_warnings
        rate = (p2 / p1) ** (1.0 / (y2 - y1)) - 1.0
        if abs(rate) > limit and not params.census_note.strip():
            out.append(Problem("error", str(path), None, f"census.{y2}", p2,
                               Msg("val.cons.census_growth", rate=100 * rate, y1=y1, p1=p1, y2=y2, p2=p2,
                                   limit=100 * limit)))
    return out


@lru_cache(maxsize=1)
def _district_boxes(geojson: str) -> dict[str, tuple[float, float, float, float]]:
    """ubigeo -> (min lon, min lat, max lon, max lat) of the district polygons (json, no GIS package)."""
    data = json.loads(Path(geojson).read_text(encoding="utf-8"))
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for f in data.get("features", []):
        ubigeo = str((f.get("properties") or {}).get("IDDIST", ""))
        geom = f.get("geometry") or {}
        polys = geom.get("coordinates") or []
        if geom.get("type") == "Polygon":
            polys = [polys]
        pts = [pt for poly in polys for ring in poly for pt in ring]
        if not ubigeo or not pts:
            continue
        lons, lats = [pt[0] for pt in pts], [pt[1] for pt in pts]
        box = (min(lons), min(lats), max(lons), max(lats))
        old = boxes.get(ubigeo)
        boxes[ubigeo] = box if old is None else (min(old[0], box[0]), min(old[1], box[1]),
                                                  max(old[2], box[2]), max(old[3], box[3]))
    return boxes


BOUNDARIES = Path("peru-boundaries") / "peru_distrital_simple.geojson"


def district_box(ubigeo: str, data_dir: Path | str) -> tuple[float, float, float, float] | None:
    """The district's bounding box from data/peru-boundaries (the project's, else the package's)."""
    for base in (Path(data_dir), Path(__file__).resolve().parents[3] / "data"):
        path = base / BOUNDARIES
        if path.is_file():
            return _district_boxes(str(path.resolve())).get(ubigeo)
    return None


def coordinate_problems(tables: dict[str, pd.DataFrame], params: DistrictParams, data_dir: Path | str,
                        files: dict[str, str]) -> list[Problem]:
    """A community or system placed outside its district's bounding box (plus inputs.coordinate_margin_deg)
    is a warning naming the row: latitude and longitude swapped, a sign lost, another district's row."""
    box = district_box(params.ubigeo, data_dir)
    if box is None:
        return []
    m = params.inputs.coordinate_margin_deg
    lon0, lat0, lon1, lat1 = box[0] - m, box[1] - m, box[2] + m, box[3] + m

    def inside(lat: float, lon: float) -> bool:
        return lat0 <= lat <= lat1 and lon0 <= lon <= lon1

    out = []
    for table, df in tables.items():
        if df.empty or "latitude" not in df.columns or "longitude" not in df.columns:
            continue
        for row, r in df[["latitude", "longitude"]].dropna().iterrows():
            lat, lon = float(r["latitude"]), float(r["longitude"])
            if inside(lat, lon):
                continue
            hint = Msg("val.cons.hint_swapped" if inside(lon, lat)
                       else "val.cons.hint_sign" if inside(-abs(lat), -abs(lon)) else "val.cons.hint_elsewhere")
            out.append(Problem("warning", files.get(table, table), int(row), "latitude,longitude",
                               f"{lat:g}, {lon:g}",
                               Msg("val.cons.outside_box", ubigeo=params.ubigeo, lat0=box[1], lat1=box[3],
                                   lon0=box[0], lon1=box[2], hint=hint)))
    return out
