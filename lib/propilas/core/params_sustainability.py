"""Parameters of the sustainability index (METHOD stage 2): the weights of its components, the class
cut-offs, and the score of each sub-variable (bands of a share or a count, or a score per answer).
Typed like core/params.py, which holds them in `MethodParams.sustainability`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from propilas.core.messages import Msg
from propilas.core.params_base import Strict


class Bands(Strict):
    """Score by the first band whose lower bound the value reaches (bounds inclusive)."""

    bands: list[tuple[float, float]]
    otherwise: float

    @field_validator("bands")
    @classmethod
    def _descending(cls, v: list[tuple[float, float]]) -> list[tuple[float, float]]:
        lows = [b[0] for b in v]
        if lows != sorted(lows, reverse=True):
            raise ValueError(Msg("val.pv.bands_descending"))
        return v

    def score(self, value: float) -> float:
        for low, score in self.bands:
            if value >= low:
                return score
        return self.otherwise


class SustainabilityParams(Strict):
    weights: dict[Literal["E", "G", "O"], float]
    class_cutoffs: dict[Literal["A", "B", "C"], float]
    state_scores: dict[Literal["A", "B", "C", "D"], float]
    coverage: Bands
    continuity: Bands
    quantity: dict[Literal["sufficient", "partial", "insufficient"], float]
    quality: dict[Literal["chlorinated_ok", "chlorinated_low_or_unmeasured", "not_chlorinated"], float]
    yes_no: dict[Literal["yes", "no"], float]
    fee_collection: Bands
    cleanings: Bands
    # evidence before a class: a component counts only with at least this many known sub-variables
    min_subvariables: int = Field(ge=1, le=4)

    @model_validator(mode="after")
    def _scores_in_range(self) -> "SustainabilityParams":
        """Every sub-variable score must lie on the index's 1-4 scale, or the index leaves [1, 4]."""
        scores = {f"state_scores.{k}": v for k, v in self.state_scores.items()}
        for name in ("quantity", "quality", "yes_no"):
            scores.update({f"{name}.{k}": v for k, v in getattr(self, name).items()})
        for name in ("coverage", "continuity", "fee_collection", "cleanings"):
            bands: Bands = getattr(self, name)
            scores.update({f"{name}.bands[{i}]": b[1] for i, b in enumerate(bands.bands)})
            scores[f"{name}.otherwise"] = bands.otherwise
        bad = {k: v for k, v in scores.items() if not 1 <= v <= 4}
        if bad:
            raise ValueError(Msg("val.pv.scores_range", bad=bad))
        return self

    @model_validator(mode="after")
    def _complete(self) -> "SustainabilityParams":
        if set(self.weights) != {"E", "G", "O"} or any(w <= 0 for w in self.weights.values()):
            raise ValueError(Msg("val.pv.sust_weights"))
        c = self.class_cutoffs
        if set(c) != {"A", "B", "C"} or not (c["A"] > c["B"] > c["C"]):
            raise ValueError(Msg("val.pv.class_cutoffs"))
        if set(self.state_scores) != {"A", "B", "C", "D"}:
            raise ValueError(Msg("val.pv.state_scores"))
        return self
