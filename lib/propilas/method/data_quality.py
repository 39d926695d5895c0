"""Stage 0 data quality of imported districts: the importer's record of problem rows and the field
checklist per community (what the data lack and the consultant should collect).

The data-quality table is written by `propilas new --from-siasar` beside the data
(data/<district>/data_quality.csv, columns DATA_QUALITY_COLUMNS): one row per published record with
a problem, why (problem code), and what was done (action code). The checklist is computed here from
what is empty in the canonical tables, so it also serves hand-typed inventories.
"""

from __future__ import annotations

import pandas as pd

from propilas.method.ladders import served_only

DATA_QUALITY_COLUMNS: list[str] = ["record", "community_id", "field", "value", "problem", "action", "detail"]
COLLECT, OK = "collect", "ok"
CHECKLIST_COLUMNS: list[str] = ["community_id", "name", "check_population", "check_water_sources",
                                "check_round_trip", "check_sanitation", "check_poverty", "check_distance",
                                "check_counterpart", "check_management", "check_om", "check_chlorine"]
_MANAGEMENT = ("jass_recognised", "jass_board_active", "fee_charged", "fee_collection_rate")
_OM = ("maintenance_plan", "trained_operator", "reservoir_cleanings_per_year")
_SANITATION = ("hh_san_improved_private", "hh_san_improved_shared", "hh_san_unimproved", "hh_san_open")


def empty_data_quality() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in DATA_QUALITY_COLUMNS})


def data_quality_table(dq: pd.DataFrame | None) -> pd.DataFrame:
    """The importer's table with exactly DATA_QUALITY_COLUMNS (text), empty when there is none."""
    if dq is None or not len(dq):
        return empty_data_quality()
    out = pd.DataFrame({c: (dq[c] if c in dq.columns else None) for c in DATA_QUALITY_COLUMNS})
    return out.astype(object).where(out.notna(), None).reset_index(drop=True)


def _any_missing(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.Series:
    present = [c for c in cols if c in df.columns]
    if not present:
        return pd.Series(True, index=df.index)
    return df[present].isna().any(axis=1)


def field_checklist(communities: pd.DataFrame, water_systems: pd.DataFrame,
                    data_quality: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per community: 'collect' for each group of fields the data lack, else 'ok'.

    population and water sources: the population is only the people its systems serve
    (population_basis served), or the unconnected households' source was assumed (data quality
    'assumed_below_basic'); round trip: empty while some households are not piped (or unknown);
    sanitation: a hh_san_* count empty; poverty, distance, counterpart: empty; management and O&M:
    a field empty in any of its systems (or, without systems, jass_exists empty); chlorine: a
    system without residual chlorine measured.
    """
    c = communities.reset_index(drop=True)
    ids = c["community_id"].astype(object)
    served = served_only(c).reindex(ids).fillna(False).to_numpy(dtype=bool)
    assumed = set()
    if data_quality is not None and len(data_quality) and "action" in data_quality.columns:
        assumed = set(data_quality.loc[data_quality["action"] == "assumed_below_basic", "community_id"].dropna())
    nonpiped = (c[["hh_water_public_tap", "hh_water_protected_source", "hh_water_unprotected",
                   "hh_water_surface"]].fillna(0).sum(axis=1) > 0).to_numpy()
    ws = water_systems
    by = ws.groupby("community_id") if len(ws) else None

    def sys_missing(cols: tuple[str, ...]) -> pd.Series:
        if by is None:
            return pd.Series(False, index=ids)
        m = _any_missing(ws, cols).groupby(ws["community_id"]).any()
        return m.reindex(ids).fillna(False).astype(bool)

    has_sys = ids.isin(set(ws["community_id"])) if len(ws) else pd.Series(False, index=c.index)
    mgmt = sys_missing(_MANAGEMENT).to_numpy() | (~has_sys.to_numpy() & c["jass_exists"].isna().to_numpy())
    flag = lambda b: [COLLECT if x else OK for x in b]  # noqa: E731
    out = pd.DataFrame({
        "community_id": ids.to_numpy(),
        "name": c["name"].astype(object).to_numpy(),
        "check_population": flag(served),
        "check_water_sources": flag(served | ids.isin(assumed).to_numpy()),
        "check_round_trip": flag(c["water_round_trip_min"].isna().to_numpy() & (served | nonpiped)),
        "check_sanitation": flag(_any_missing(c, _SANITATION).to_numpy()),
        "check_poverty": flag(c["poverty_rate"].isna().to_numpy()),
        "check_distance": flag(c["distance_km"].isna().to_numpy()),
        "check_counterpart": flag(c["counterpart_committed"].isna().to_numpy()),
        "check_management": flag(mgmt),
        "check_om": flag(sys_missing(_OM).to_numpy()),
        "check_chlorine": flag(sys_missing(("residual_chlorine_mg_l",)).to_numpy()),
    }, columns=CHECKLIST_COLUMNS)
    return out.astype(object)
