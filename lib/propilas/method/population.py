"""Population: intercensal growth and projections (METHOD.md stage 0).

Communities are surveyed at the base year only, so every later year is a projection with the
district's intercensal growth rate. The district rate (not a per-community one) is used because
censuses are published for districts; a community-level rate would be an invention.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from propilas.core.numbers import fmt_int
from propilas.core.labels import t
from propilas.core.params import DistrictParams


def growth_rate(p1: float, t1: int, p2: float, t2: int) -> float:
    """Geometric mean annual growth between two censuses: r = (P2/P1)^(1/(t2-t1)) - 1.

    Geometric, not linear, because P(t) = P0·(1+r)^(t-t0) is how the projection compounds.
    """
    if t2 == t1:
        raise ValueError(f"census years must differ to compute growth, got {t1} and {t2}")
    if p1 <= 0 or p2 <= 0:
        raise ValueError(f"census populations must be > 0, got {p1} ({t1}) and {p2} ({t2})")
    return float((p2 / p1) ** (1.0 / (t2 - t1)) - 1.0)


def _last_two_censuses(params: DistrictParams) -> tuple[tuple[int, int], tuple[int, int]]:
    known = sorted(params.census_known.items())
    if len(known) < 2:  # DistrictParams already refuses this; kept for clarity of the error
        raise ValueError("census needs at least two years with a population to compute growth")
    return known[-2], known[-1]


def district_growth_rate(params: DistrictParams) -> float:
    """Rate from the two most recent census years that have a population (e.g. 2007 and 2017).

    The most recent pair reflects current migration and fertility better than a long average.
    """
    (t1, p1), (t2, p2) = _last_two_censuses(params)
    return growth_rate(p1, t1, p2, t2)


def project(p0: float, t0: int, r: float, years: Iterable[int]) -> pd.Series:
    """P(t) = P0·(1+r)^(t−t0) for each year (float, indexed by year; t < t0 projects backwards)."""
    years = list(years)
    exps = np.array(years, dtype=float) - float(t0)
    values = float(p0) * (1.0 + float(r)) ** exps
    return pd.Series(values, index=pd.Index(years, name="year"), name="population", dtype=float)


def community_projection(communities: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """Population table: community_id, year, population for base..horizon, every community.

    Each community starts from its base-year population (the survey figure) and grows at the
    district rate, so the communities keep their base-year proportions.
    """
    r = district_growth_rate(params)
    years = params.years
    rows = []
    for cid, pop in zip(communities["community_id"], communities["population"]):
        proj = project(float(pop), params.base_year, r, years)
        rows.append(pd.DataFrame({"community_id": cid, "year": years, "population": proj.to_numpy()}))
    if not rows:
        return pd.DataFrame({"community_id": pd.Series(dtype=object), "year": pd.Series(dtype="int64"),
                             "population": pd.Series(dtype=float)})
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["population"] = out["population"].astype(float)
    return out


def district_population(communities: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """District P(t) from the most recent census, the rural part expected, and Σ communities.

    Columns: year, population_district, rural_expected (P(t) × rural_share), communities_total
    (Σ community projections), so a reader sees how much of the rural district the plan covers.
    """
    (_, _), (t_last, p_last) = _last_two_censuses(params)
    r = district_growth_rate(params)
    years = params.years
    p = project(p_last, t_last, r, years)
    comm = community_projection(communities, params)
    total = comm.groupby("year")["population"].sum().reindex(years, fill_value=0.0)
    return pd.DataFrame({
        "year": pd.Series(years, dtype="int64"),
        "population_district": p.to_numpy(dtype=float),
        "rural_expected": p.to_numpy(dtype=float) * float(params.rural_share),
        "communities_total": total.to_numpy(dtype=float),
    })


def rural_share_check(communities: pd.DataFrame, params: DistrictParams,
                      language: str | None = None) -> str | None:
    """Warning text when Σ community population differs from P(base) × rural_share by more than
    `population.rural_share_tolerance` (relative); None when within tolerance.

    A large difference means the community list is incomplete (or rural_share is wrong), which
    would bias every district total computed from the communities. The text is in `language`
    (default: the district's report language).
    """
    (_, _), (t_last, p_last) = _last_two_censuses(params)
    r = district_growth_rate(params)
    p_base = float(project(p_last, t_last, r, [params.base_year]).iloc[0])
    expected = p_base * float(params.rural_share)
    total = float(pd.to_numeric(communities["population"]).sum())
    diff = abs(total - expected) / expected
    tol = float(params.population.rural_share_tolerance)
    if diff > tol:
        return t("population.rural_share_warning", language or params.language,
                 year=params.base_year, total=fmt_int(total, language or params.language),
                 p_base=fmt_int(p_base, language or params.language),
                 share=f"{params.rural_share:g}", expected=fmt_int(expected, language or params.language),
                 diff=f"{100 * diff:.1f}", tol=f"{100 * tol:.1f}")
    return None
