"""SIASAR → canonical tables: one district's real SIASAR inventory as the `communities` and
`water_systems` tables of the canonical schema (`schemas.py`), from the per-system rows
`siasar.load_siasar` returns. What SIASAR does not say stays empty; see `district_inventory`.
Source and attribution: `siasar.ATTRIBUTION`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from propilas.core.schemas import SERVED_BASIS, column_names, columns
from propilas.inputs.siasar import _fold, normalise_division, slug
from propilas.method.data_quality import DATA_QUALITY_COLUMNS

SOURCE_LABEL = "SIASAR 2015"


# ---------------------------------------------------------------------------------------------
# district inventory
# ---------------------------------------------------------------------------------------------

_JASS_RE = re.compile(r"\b(jass|jaas|jaap|junta administradora)\b")


def _jass_from_provider(providers: list[object]) -> object:
    """True when a provider name says JASS/JAAP/'junta administradora'; 'no tiene' → False; else <NA>.

    The provider (PSE) name is the only management fact SIASAR gives; a 'Comité' or the
    municipality may or may not be a JASS, so those stay unknown.
    """
    folded = [_fold(p) for p in providers if isinstance(p, str)]
    if any(_JASS_RE.search(p) for p in folded):
        return True
    if folded and all(p.startswith("no tiene") for p in folded):
        return False
    return pd.NA


def valid_pph(rows: pd.DataFrame) -> pd.Series:
    """Persons per household of the SIASAR rows whose served population and households are both
    known and plausible (households ≤ persons)."""
    v = rows.dropna(subset=["population_served", "households_served"])
    v = v[v["households_served"] <= v["population_served"]]
    return (v["population_served"] / v["households_served"]).astype(float)


def national_pph_median(siasar_df: pd.DataFrame) -> float:
    """Median persons per household over every valid SIASAR row (the fallback of a district with none)."""
    pph = valid_pph(siasar_df)
    return float(pph.median()) if len(pph) else float("nan")


def _impute_households(sys: pd.DataFrame, pph_fallback: float | None) -> tuple[pd.DataFrame, list[dict]]:
    """Published rows with more households than persons: kept as published in the data-quality table,
    their households treated as unknown and re-derived as persons / the district median persons per
    household of the valid rows (national median when the district has none), flagged 'imputed'."""
    sys = sys.copy()
    bad = sys["population_served"].notna() & sys["households_served"].notna() & (
        sys["households_served"] > sys["population_served"])
    records: list[dict] = []
    if not bad.any():
        return sys, records
    pph = valid_pph(sys)
    if len(pph):
        median, basis = float(pph.median()), f"district median of {len(pph)} valid rows"
    elif pph_fallback is not None and pph_fallback == pph_fallback and pph_fallback >= 1:
        median, basis = float(pph_fallback), "national median (no valid row in the district)"
    else:
        median, basis = float("nan"), ""
    for i in sys.index[bad]:
        pop, hh = float(sys.at[i, "population_served"]), float(sys.at[i, "households_served"])
        if median == median:
            new = max(1, int(round(pop / median)))
            action, detail = "households_imputed", (
                f"viv_servidas {hh:g} > pob_servida {pop:g}; households = {pop:g} / {median:.2f} persons per "
                f"household ({basis}) = {new}")
        else:
            new, action, detail = np.nan, "households_unknown", f"viv_servidas {hh:g} > pob_servida {pop:g}"
        sys.at[i, "households_served"] = new
        records.append({"record": f"S{int(sys.at[i, 'id'])}", "community_id": None, "field": "households_served",
                        "value": f"{hh:g}", "problem": "households_gt_persons", "action": action, "detail": detail,
                        "_row": i})
    return sys, records


def _mean(x: np.ndarray) -> float:
    """Series.mean of a float column (NaN skipped: their places as 0 in one numpy sum, / the known
    count); NaN when none is known."""
    known = ~np.isnan(x)
    if not known.any():
        return np.nan
    return float(np.where(known, x, 0.0).sum() / known.sum())


def district_inventory(siasar_df: pd.DataFrame, division: str, *,
                       pph_fallback: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real SIASAR inventory of one district in the canonical schema: (communities, water_systems).

    Every row has source 'SIASAR 2015' and is entirely real: nothing SIASAR does not say is filled in.
    - water_systems: one row per SIASAR system, system_id 'S<ID>'. population_served and
      households_connected are the survey's population and households served. system_type from
      the 'SI' type flags only (gravity / pumped, '_treated' when the treatment is slow
      filtration); unknown otherwise. States as they come (conduction and treatment are not in
      the exports → empty). dry_season 'sufficient' only where SIASAR says 'SI' (else empty).
      chlorination yes/no from a chlorination treatment and whether it works. Residual chlorine,
      JASS recognition, board, fee, collection, O&M plan and operator are not in SIASAR → empty, so
      a sustainability index from these rows is partial (state of the system only).
    - communities: grouped by SIASAR community name (community_id = slug of the name; a system
      without a community name uses its system name without 'Sistema de'). population and
      households are the SUM OF ITS SYSTEMS' SERVED population / households (rounded up to whole
      persons: served population can be fractional): SIASAR surveys systems, not communities, so the community as SIASAR sees it is
      the people its systems serve. Consequently every one of those households is connected:
      hh_water_piped_premises = households and the other water counts are 0 — implied by
      households = households served, not invented. Sanitation counts (hh_san_*) are NOT in
      SIASAR and stay EMPTY (NaN): the ladders must report sanitation as not computed for
      these communities (schemas.py makes hh_san_* nullable for that reason). poverty_rate, distance_km, water_round_trip_min and
      counterpart_committed are empty; altitude and coordinates are the mean of its systems';
      jass_exists is True only where a provider name says JASS/JAAP (else unknown).
    - A community for which no system gives both a population and a household count cannot
      enter the plan (population is the base of every share); it is left out together with its
      systems, and listed in `communities.attrs['excluded_systems']` (system ids) and
      `communities.attrs['excluded_reason']` so the caller can report it.
    - population_basis is 'served' on every community: its population is what its systems serve,
      so its water access is not computed (`ladders.served_only`) until a community population is
      given (`apply_population_file`).
    - A published row with more households than persons is kept as published in the data-quality
      table, its households treated as unknown and imputed as persons / the district median persons
      per household of the valid rows (`pph_fallback`, the national median, when the district has
      none), flagged 'households_imputed'.
    `communities.attrs['data_quality']` is the district's data-quality table (DATA_QUALITY_COLUMNS):
    every row with a problem, why, and what was done.
    """
    div = normalise_division(division)
    sys = siasar_df[siasar_df["division"].map(lambda d: isinstance(d, str) and normalise_division(d) == div)]
    sys = sys.sort_values("id").copy()
    comm_cols = column_names("communities")
    ws_cols = column_names("water_systems")
    if sys.empty:
        return _typed_communities(pd.DataFrame(columns=comm_cols)), _typed_systems(pd.DataFrame(columns=ws_cols))

    def community_name(row: pd.Series) -> str:
        if isinstance(row["community"], str):
            return row["community"]
        n = row["name"] if isinstance(row["name"], str) else f"Sistema {row['id']}"
        return re.sub(r"^\s*sistema\s+de\s+", "", n, flags=re.IGNORECASE) or n

    sys["community_name"] = sys.apply(community_name, axis=1)
    sys["community_id"] = sys["community_name"].map(slug)
    sys, dq = _impute_households(sys, pph_fallback)
    # a published altitude outside the schema's range (e.g. 34,448 m: a typing slip) is read as
    # unknown and listed, so one record cannot refuse the district
    alt = next(c for c in columns("communities") if c.name == "altitude_m")
    odd = sys["altitude_m"].notna() & ~sys["altitude_m"].between(alt.min, alt.max)
    for i in sys.index[odd]:
        dq.append({"record": f"S{int(sys.at[i, 'id'])}", "community_id": None, "field": "altitud",
                   "value": f"{float(sys.at[i, 'altitude_m']):g}", "problem": "implausible_altitude",
                   "action": "read_as_unknown", "detail": f"outside {alt.min:g}-{alt.max:g} m", "_row": i})
    sys.loc[odd, "altitude_m"] = np.nan
    for r in dq:
        r["community_id"] = sys.at[r.pop("_row"), "community_id"]

    comms = []
    excluded: list[str] = []
    # per community in plain lists (a few systems each: pandas costs more than the arithmetic); sums and
    # means as pandas takes them (NaN as 0 in place, one numpy sum; mean = that sum / known count)
    groups = sys.groupby("community_id", sort=True).indices
    for cid in sorted(groups):
        pos = groups[cid]
        g = {c: sys[c].iloc[pos].tolist() for c in ("id", "community_name", "provider")}
        p_s = sys["population_served"].to_numpy(dtype=float)[pos]
        h_s = sys["households_served"].to_numpy(dtype=float)[pos]
        ok = ~np.isnan(p_s) & ~np.isnan(h_s)
        for j in np.flatnonzero(~ok):
            dq.append({"record": f"S{int(g['id'][j])}", "community_id": cid,
                       "field": "pob_servida" if np.isnan(p_s[j]) else "viv_servidas",
                       "value": "", "problem": "served_unknown",
                       "action": "excluded" if not ok.any() else "kept_without_figures",
                       "detail": "" if not ok.any() else "the community's totals are those of its other systems"})
        if not ok.any():
            excluded += [f"S{i}" for i in g["id"]]
            continue
        # systems of the community without figures stay listed (their population_served empty);
        # the community's totals are those of the systems that give them.
        # rounded UP to whole persons so a community is never smaller than what its systems serve
        pop = int(math.ceil(float(p_s[ok].sum()) - 1e-9))
        hh = int(math.ceil(float(h_s[ok].sum()) - 1e-9))
        comms.append({
            "community_id": cid,
            "name": str(g["community_name"][0]).title(),
            "population": max(pop, 1),
            "households": max(hh, 1),
            "poverty_rate": np.nan,
            "altitude_m": _mean(sys["altitude_m"].to_numpy(dtype=float)[pos]),
            "distance_km": np.nan,
            "hh_water_piped_premises": max(hh, 1),
            "hh_water_public_tap": 0,
            "hh_water_protected_source": 0,
            "hh_water_unprotected": 0,
            "hh_water_surface": 0,
            "water_round_trip_min": np.nan,
            "hh_san_improved_private": np.nan,
            "hh_san_improved_shared": np.nan,
            "hh_san_unimproved": np.nan,
            "hh_san_open": np.nan,
            "hh_san_safely_managed": np.nan,
            "jass_exists": _jass_from_provider(g["provider"]),
            "counterpart_committed": pd.NA,
            "latitude": _mean(sys["latitude"].to_numpy(dtype=float)[pos]),
            "longitude": _mean(sys["longitude"].to_numpy(dtype=float)[pos]),
            "population_basis": SERVED_BASIS,
            "source": SOURCE_LABEL,
        })
    communities = _typed_communities(pd.DataFrame(comms, columns=comm_cols))
    kept = set(communities["community_id"])
    sys = sys[sys["community_id"].isin(kept)]

    def system_type(r: pd.Series) -> str | None:
        treated = isinstance(r["treatment_type"], str) and _fold(r["treatment_type"]).startswith("filtracion")
        if r["type_pumped"] is True:
            return "pumped_treated" if treated else "pumped"
        if r["type_gravity"] is True:
            return "gravity_treated" if treated else "gravity"
        return None

    sysrows = pd.DataFrame({
        "system_id": "S" + sys["id"].astype(str),
        "community_id": sys["community_id"],
        "name": sys["name"].where(sys["name"].notna(), "Sistema " + sys["id"].astype(str)),
        "system_type": [system_type(r) for _, r in sys.astype(object).iterrows()],
        "year_built": sys["year_built"],
        "population_served": sys["population_served"],
        "households_connected": sys["households_served"],
        "state_catchment": sys["state_catchment"],
        "state_conduction": None,
        "state_reservoir": sys["state_reservoir"],
        "state_distribution": sys["state_distribution"],
        "state_treatment": sys["state_treatment"],
        "hours_per_day": sys["hours_per_day"],
        "dry_season": sys["dry_season_sufficient"].map(lambda v: "sufficient" if v is True else None),
        "chlorination": sys["chlorination"],
        "residual_chlorine_mg_l": np.nan,
        "jass_recognised": pd.NA,
        "jass_board_active": pd.NA,
        "fee_charged": pd.NA,
        "fee_collection_rate": np.nan,
        "maintenance_plan": pd.NA,
        "trained_operator": pd.NA,
        "reservoir_cleanings_per_year": sys["reservoir_cleanings_per_year"],
        "latitude": sys["latitude"],
        "longitude": sys["longitude"],
        "source": SOURCE_LABEL,
    })
    water_systems = _typed_systems(sysrows[ws_cols].reset_index(drop=True))
    communities.attrs["excluded_systems"] = excluded
    communities.attrs["data_quality"] = pd.DataFrame(dq, columns=DATA_QUALITY_COLUMNS)
    communities.attrs["excluded_reason"] = (
        "SIASAR gives no community name, population or households for these systems" if excluded else "")
    return communities, water_systems


# ---------------------------------------------------------------------------------------------
# canonical dtypes (shared with the generator and the build script)
# ---------------------------------------------------------------------------------------------

def canonical_frame(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """The schema's columns and dtypes (one implementation: `tableio.canonical`)."""
    from propilas.inputs.tableio import canonical

    return canonical(df, table)


def _typed_communities(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical dtypes; hh_san_* stay float64 so SIASAR rows can hold NaN (see district_inventory)."""
    return canonical_frame(df, "communities")


def _typed_systems(df: pd.DataFrame) -> pd.DataFrame:
    return canonical_frame(df, "water_systems")
