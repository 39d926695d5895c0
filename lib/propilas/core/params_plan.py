"""Issue 16: stage-5 scheduling options, the optimiser's weights, and a district's named scenarios.

Typed like core/params.py (extra keys refused, no NaN/inf); DistrictParams holds them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from propilas.core.messages import Msg


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SchedulingParams(Strict):
    """How stage 5 uses the yearly envelope (METHOD's rule: single_year, no carry-over)."""

    phasing: Literal["single_year", "multi_year"] = "single_year"
    max_years: int = Field(default=2, ge=1, le=10)
    carry_over: bool = False


class OptimumParams(Strict):
    """The best plan the budget can buy (method/optimum.py): weight of a person-year per service."""

    service_weights: dict[Literal["water", "sanitation"], float] = Field(
        default_factory=lambda: {"water": 1.0, "sanitation": 1.0})
    max_gap: float = Field(default=0.015, ge=0, le=0.5)   # stop when proven within this share of the best
    node_limit: int = Field(default=500, ge=1, le=10_000_000)  # or after this many branch-and-bound nodes (deterministic)
    time_limit_s: float = Field(default=60, gt=0, le=3600)  # safety only: a stop on the clock may differ between machines

    @field_validator("service_weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        neg = {k: w for k, w in v.items() if w < 0}
        if neg:
            raise ValueError(Msg("val.pv.service_weights", got=neg))
        return v


class Scenario(Strict):
    """A named what-if of a district: overrides of its parameters (core/scenarios.py checks them)."""

    label: dict[Literal["es", "en"], str]
    illustrative: bool = True
    note: dict[Literal["es", "en"], str] = Field(default_factory=dict)
    overrides: dict[str, Any] = Field(min_length=1)

    @field_validator("label")
    @classmethod
    def _both(cls, v: dict[str, str]) -> dict[str, str]:
        missing = sorted({"es", "en"} - {k for k, x in v.items() if str(x).strip()})
        if missing:
            raise ValueError(Msg("val.pv.label_languages", missing=missing))
        return v
