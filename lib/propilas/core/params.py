"""Typed parameters: `params/defaults.yaml` deep-merged with `params/<district>.yaml`.

Parameters are plain data (YAML safe loader only, never evaluated) validated by pydantic, so
a typo in a key or an out-of-range value stops the run with the file, the key, the value and
what was expected instead of silently changing a number in a report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from propilas.core.errors import ParamsError
from propilas.core.messages import Msg
from propilas.core.params_yaml import (_explain, _read_params_file, _read_yaml, deep_merge,  # noqa: F401
                                       district_ids, load_defaults)
from propilas.core.safetext import quote
# the base model and the sustainability index's parameters live beside this module
from propilas.core.params_base import Strict
from propilas.core.params_sustainability import Bands, SustainabilityParams  # noqa: F401 (Bands: imported from here)

DISTRICT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CRITERIA: tuple[str, ...] = (
    "water_gap",
    "sanitation_gap",
    "sustainability_deficit",
    "poverty",
    "beneficiaries",
    "cost_per_beneficiary",
    "readiness",
)
INTERVENTIONS: tuple[str, ...] = (
    "diagnosis_visit",
    "new_system",
    "reconstruction",
    "rehabilitation",
    "extension",
    "improvement",
    "sanitation_units",
    "jass_strengthening",
)


class PopulationParams(Strict):
    rural_share_tolerance: float = Field(ge=0, le=1)


class WaterParams(Strict):
    safely_managed_min_hours: float = Field(ge=0, le=24)
    min_residual_chlorine_mg_l: float = Field(ge=0, le=10)
    basic_max_round_trip_min: float = Field(ge=0, le=1440)


class TargetParams(Strict):
    water: float = Field(ge=0, le=1)
    sanitation: float = Field(ge=0, le=1)
    systems_ab: float = Field(ge=0, le=1)
    mdg_year: int = Field(ge=1990, le=2100)


class PrioritisationParams(Strict):
    weights: dict[str, float]
    top_k: int = Field(ge=1, le=1000)
    draws: int = Field(ge=10, le=100_000)
    concentration: float = Field(gt=0)
    seed: int = Field(ge=0)
    fragile_p_top_k: float = Field(ge=0, le=1)
    fragile_spearman: float = Field(ge=-1, le=1)
    # METHOD stage 4 (unknown is never 0): normalised value of a criterion whose input is unknown
    # (readiness, a gap that cannot be computed, poverty without a district rate, ...); the
    # community is left out of that criterion's min–max
    unknown_fallback: float = Field(ge=0, le=1)

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(CRITERIA))
        missing = sorted(set(CRITERIA) - set(v))
        if unknown or missing:
            raise ValueError(Msg("val.pv.criteria", criteria=list(CRITERIA), unknown=unknown, missing=missing))
        neg = {k: w for k, w in v.items() if w < 0}
        if neg:
            raise ValueError(Msg("val.pv.weights_negative", got=neg))
        total = sum(v.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(Msg("val.pv.weights_sum", total=f"{total:.6g}"))
        return v


class InterventionParams(Strict):
    order: list[str]
    new_system_max_water_share: float = Field(ge=0, le=1)
    extension_max_coverage: float = Field(ge=0, le=1)
    improvement_max_quality: float = Field(ge=1, le=4)
    jass_strengthening_max_g: float = Field(ge=1, le=4)
    design_population: Literal["horizon", "base"] = "horizon"
    # works follow the infrastructure score of a class C/D system (METHOD stage 5, revised)
    rehabilitation_max_infrastructure: float = Field(ge=1, le=4)
    reconstruction_max_infrastructure: float = Field(ge=1, le=4)

    @field_validator("order")
    @classmethod
    def _order(cls, v: list[str]) -> list[str]:
        if sorted(v) != sorted(INTERVENTIONS):
            raise ValueError(Msg("val.pv.order", interventions=list(INTERVENTIONS)))
        return v

    @model_validator(mode="after")
    def _works_thresholds(self) -> "InterventionParams":
        if self.reconstruction_max_infrastructure > self.rehabilitation_max_infrastructure:
            raise ValueError(Msg("val.pv.works_thresholds", reconstruction=self.reconstruction_max_infrastructure,
                                 rehabilitation=self.rehabilitation_max_infrastructure))
        return self


class UnitCosts(Strict):
    new_system_per_person: float = Field(ge=0)
    reconstruction_per_household: float = Field(ge=0)
    rehabilitation_per_household: float = Field(ge=0)
    extension_per_household: float = Field(ge=0)
    improvement_per_system: float = Field(ge=0)
    sanitation_unit_per_household: float = Field(ge=0)
    jass_strengthening_per_system: float = Field(ge=0)
    diagnosis_visit_per_system: float = Field(ge=0)
    atm_per_year: float = Field(ge=0)


class BudgetParams(Strict):
    sheet_years: int = Field(ge=1, le=50)
    sources: list[str] = Field(min_length=1)
    envelope: dict[str, float]
    envelope_by_year: dict[int, dict[str, float]] = Field(default_factory=dict)

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, v: list[str]) -> list[str]:
        dup = sorted({s for s in v if v.count(s) > 1})
        if dup:  # a source listed twice gets two budget columns and its envelope counted twice
            raise ValueError(Msg("val.pv.sources_twice", sources=dup))
        return v

    @model_validator(mode="after")
    def _check(self) -> "BudgetParams":
        for label, env in [("envelope", self.envelope)] + [
            (f"envelope_by_year.{y}", e) for y, e in self.envelope_by_year.items()
        ]:
            unknown = sorted(set(env) - set(self.sources))
            if unknown:
                raise ValueError(Msg("val.pv.envelope_sources", label=label, unknown=unknown, sources=self.sources))
            neg = {k: x for k, x in env.items() if x < 0}
            if neg:
                raise ValueError(Msg("val.pv.envelope_negative", label=label, got=neg))
        bad_years = [y for y in self.envelope_by_year if y < 1900 or y > 2200]
        if bad_years:
            raise ValueError(Msg("val.pv.envelope_years", years=bad_years))
        return self

    def envelope_for(self, year: int) -> dict[str, float]:
        env = self.envelope_by_year.get(year, self.envelope)
        return {s: float(env.get(s, 0.0)) for s in self.sources}


class MonitoringParams(Strict):
    green: float = Field(ge=0, le=10)
    amber: float = Field(ge=0, le=10)

    @model_validator(mode="after")
    def _order(self) -> "MonitoringParams":
        if self.amber > self.green:
            raise ValueError(Msg("val.pv.amber_green"))
        return self


class ValidationParams(Strict):
    """Plausibility bounds of the input check (a value outside is a warning, not an error)."""

    pph_min: float = Field(gt=0, le=50)
    pph_max: float = Field(gt=0, le=50)

    @model_validator(mode="after")
    def _order(self) -> "ValidationParams":
        if self.pph_min >= self.pph_max:
            raise ValueError(Msg("val.pv.pph_order", lo=self.pph_min, hi=self.pph_max))
        return self


class IllustrativeParams(Strict):
    """Which parameter inputs are illustrative (not sourced); reports mark every figure resting on
    them. Generated data rows say so in their own `source` column; the workshop record in
    `workshop.illustrative`."""

    unit_costs: bool = True
    envelope: bool = True
    census: bool = False


class RunParams(Strict):
    cell_timeout_s: int = Field(ge=1, le=86_400)
    kernel: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")


class Swot(Strict):
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    opportunities: list[str] = Field(default_factory=list)
    threats: list[str] = Field(default_factory=list)


class Workshop(Strict):
    date: str | None = None
    participants: list[str] = Field(default_factory=list)
    vision: str
    objectives: list[str] = Field(min_length=1)
    swot: Swot
    illustrative: bool = True


# --- issue 12b: reading limits, input consistency, report size -------------------------------
class InputParams(Strict):
    """Limits and consistency thresholds of reading the inputs (inputs/tableio.py, validation.py)."""

    max_rows: int = Field(ge=1, le=10_000_000)            # data rows per input file; more is refused
    max_growth_per_year: float = Field(gt=0, le=1)         # |intercensal growth| above: error unless census_note
    coordinate_margin_deg: float = Field(ge=0, le=5)       # lat/lon this far outside the district's box: warning


class ReportParams(Strict):
    """Above these sizes per-community tables and charts show the top N and an aggregate row."""

    max_rows_per_table: int = Field(ge=5, le=100_000)
    max_communities_in_charts: int = Field(ge=5, le=1_000)


from propilas.core.params_plan import OptimumParams, Scenario, SchedulingParams  # noqa: E402  issue 16

class MethodParams(Strict):
    """Everything in defaults.yaml; a district may override any of it."""

    language: Literal["es", "en"]
    population: PopulationParams
    water: WaterParams
    sustainability: SustainabilityParams
    targets: TargetParams
    prioritisation: PrioritisationParams
    interventions: InterventionParams
    unit_costs: UnitCosts
    budget: BudgetParams
    monitoring: MonitoringParams
    run: RunParams
    validation: ValidationParams
    illustrative: IllustrativeParams = Field(default_factory=IllustrativeParams)
    inputs: InputParams
    report: ReportParams
    scheduling: SchedulingParams = Field(default_factory=SchedulingParams)   # issue 16
    optimum: OptimumParams = Field(default_factory=OptimumParams)            # issue 16


class DistrictParams(MethodParams):
    district: str = Field(pattern=DISTRICT_ID.pattern)
    name: str = Field(min_length=1, max_length=120)
    ubigeo: str = Field(pattern=r"^\d{6}$")
    department: str
    province: str
    area_km2: float | None = Field(default=None, gt=0)
    poverty_pct: float | None = Field(default=None, ge=0, le=100)
    census: dict[int, int | None]
    base_year: int = Field(ge=1990, le=2100)
    horizon_year: int = Field(ge=1990, le=2150)
    rural_share: float = Field(gt=0, le=1)
    rural_share_note: str = ""
    data_note: str = ""
    census_note: str = ""  # explains an intercensal growth beyond inputs.max_growth_per_year
    workshop: Workshop | None = None
    # issue 11: district capital's coordinates (reference table) and the draft record: key path →
    # the value `propilas new` wrote as a stand-in; a key whose value still equals it is a
    # placeholder left, and a run with any left is a draft (core/drafts.py)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    placeholders: dict[str, Any] = Field(default_factory=dict)
    # issue 16: named what-ifs (core/scenarios.py); not part of a run's parameters (exclude), so
    # editing a scenario never invalidates the district's own cached stages
    scenarios: dict[str, Scenario] = Field(default_factory=dict, exclude=True)
    # what the loader cleaned (control characters removed), shown as warnings by validation
    _notes: list[dict[str, Any]] = PrivateAttr(default_factory=list)

    @property
    def load_notes(self) -> list[dict[str, Any]]:
        """[{file, key, value, rule}] for each text the loader changed."""
        return [dict(n) for n in self._notes]

    @model_validator(mode="after")
    def _years(self) -> "DistrictParams":
        if self.horizon_year <= self.base_year:
            raise ValueError(Msg("val.pv.horizon", horizon=self.horizon_year, base=self.base_year))
        known = {y: p for y, p in self.census.items() if p is not None}
        if len(known) < 2:
            raise ValueError(Msg("val.pv.census_two_years"))
        if any(p <= 0 for p in known.values()):
            raise ValueError(Msg("val.pv.census_positive"))
        return self

    @property
    def census_known(self) -> dict[int, int]:
        return {y: int(p) for y, p in sorted(self.census.items()) if p is not None}

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year, self.horizon_year + 1))


def check_district_id(district: str) -> str:
    """District ids become folder names: refuse anything that could escape the project."""
    if not DISTRICT_ID.match(district or ""):
        raise ParamsError(Msg("val.params.district_id", district=repr(district)))
    return district


def load_params(district: str, params_dir: Path | str = "params") -> DistrictParams:
    check_district_id(district)
    params_dir = Path(params_dir)
    defaults_path = params_dir / "defaults.yaml"
    path = params_dir / f"{district}.yaml"
    try:
        defaults, default_notes = _read_params_file(defaults_path)
    except ParamsError as e:
        e.path = defaults_path  # the file at fault (validation reports it as the problem's file)
        raise
    raw, notes = _read_params_file(path)
    if raw.get("district", district) != district:
        raise ParamsError(Msg("val.params.district_key", path=str(path), value=quote(raw.get("district")),
                              district=repr(district)))
    merged = deep_merge(defaults, raw)
    merged.setdefault("district", district)
    try:
        params = DistrictParams.model_validate(merged)
    except ValidationError as e:
        raise ParamsError(_explain(e, path, raw)) from None
    params._notes.extend([{**n, "file": str(defaults_path)} for n in default_notes]
                         + [{**n, "file": str(path)} for n in notes])
    return params


def params_from_dict(data: dict[str, Any], origin: str = "<params>") -> DistrictParams:
    """Rebuild parameters injected into a notebook (plain data) with the same checks."""
    try:
        return DistrictParams.model_validate(data)
    except ValidationError as e:
        raise ParamsError(_explain(e, Path(origin), data)) from None
