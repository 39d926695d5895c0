"""Test helpers: parameters for a synthetic district without touching params/ files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from propilas.params import DistrictParams, deep_merge, load_defaults, params_from_dict

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
