"""The base of the parameters models of core/params.py and core/params_sustainability.py: extra keys
refused, values frozen, NaN and ±inf refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    # NaN or ±inf is never a parameter (a NaN weight blanks every score; inf reaches tables as inf)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
