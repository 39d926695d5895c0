"""Test helpers: parameters for a synthetic district without touching params/ files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core.params import DistrictParams, deep_merge, load_defaults, params_from_dict

ROOT = Path(__file__).resolve().parents[1]

IDENTITY: dict[str, Any] = {
    "district": "fixture",
    "name": "Fixture",
    "ubigeo": "999999",
    "department": "Cajamarca",
    "province": "Test",
    "census": {2007: 1000, 2017: 1100},
    "base_year": 2015,
    "horizon_year": 2030,
    "rural_share": 1.0,
}


def make_params(**overrides: Any) -> DistrictParams:
    """Defaults + fixture identity + overrides (deep-merged, e.g. water={'safely_managed_min_hours': 10})."""
    data = deep_merge(deep_merge(load_defaults(ROOT / "params"), IDENTITY), overrides)
    return params_from_dict(data)


# --- canonical in-memory tables (dtypes as stage 00 writes them), for unit tests -----------
from propilas.core.schemas import columns as _schema_columns  # noqa: E402

_COMMUNITY = dict(
    community_id="c1", name="Uno", population=100, households=20, poverty_rate=0.5, altitude_m=2800.0,
    distance_km=5.0, hh_water_piped_premises=20, hh_water_public_tap=0, hh_water_protected_source=0,
    hh_water_unprotected=0, hh_water_surface=0, water_round_trip_min=float("nan"),
    hh_san_improved_private=20, hh_san_improved_shared=0, hh_san_unimproved=0, hh_san_open=0,
    jass_exists=True, counterpart_committed=True, latitude=float("nan"), longitude=float("nan"),
    source="illustrative",
)
_SYSTEM = dict(
    system_id="s1", community_id="c1", name="Sistema", system_type="gravity", year_built=2000.0,
    population_served=100.0, households_connected=20.0, state_catchment="A", state_conduction="A",
    state_reservoir="A", state_distribution="A", state_treatment=None, hours_per_day=24.0,
    dry_season="sufficient", chlorination=True, residual_chlorine_mg_l=0.5, jass_recognised=True,
    jass_board_active=True, fee_charged=True, fee_collection_rate=0.95, maintenance_plan=True,
    trained_operator=True, reservoir_cleanings_per_year=4.0, latitude=float("nan"),
    longitude=float("nan"), source="illustrative",
)


def _canonical(rows: list[dict], table: str) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for col in _schema_columns(table):
        if col.name not in df.columns:
            continue
        if col.kind == "int" and not col.nullable:
            df[col.name] = df[col.name].astype("int64")
        elif col.kind in ("int", "float"):
            df[col.name] = df[col.name].astype("float64")
        elif col.kind == "yesno":
            df[col.name] = pd.array(list(df[col.name]), dtype="boolean")
        else:
            df[col.name] = pd.Series([None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v
                                      for v in df[col.name]], dtype=object, index=df.index)
    return df


def communities(*rows: dict) -> pd.DataFrame:
    """Communities table from overrides of a valid default row."""
    return _canonical([{**_COMMUNITY, **r} for r in rows], "communities")


def systems(*rows: dict) -> pd.DataFrame:
    """Water systems table from overrides of a valid default row (an empty call gives no rows)."""
    if not rows:
        return _canonical([_SYSTEM], "water_systems").iloc[0:0]
    return _canonical([{**_SYSTEM, **r} for r in rows], "water_systems")
