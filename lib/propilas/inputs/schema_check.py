"""The input tables' range and id checks on plain arrays, before pandera (issue 15, T5).

`propilas national` validates 860 districts' tables as `propilas validate` would; pandera's lazy
validation of a clean table costs more than computing the district's stages. A table this check
finds clean gives pandera nothing to report; any other table goes to pandera, which words the
failures (`validation._schema_problems`), so the problems are the same either way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from propilas.core import schemas


def schema_clean(df: pd.DataFrame, table: str) -> bool:
    """True when `validation._pandera_schema(table)` certainly finds nothing: every present column with a range
    is numeric (not bool) with its known values within the range, and the id column has no
    repeated value (missing ones included). Anything else, or any doubt, is left to pandera, which
    words the failures, so the problems are the same either way (validating a clean table with
    pandera costs more than computing a district's stages)."""
    for c in schemas.columns(table):
        if c.name not in df.columns:
            continue
        col = df[c.name]
        if not isinstance(col, pd.Series):
            return False  # a repeated column name
        if c.min is not None:
            if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
                return False
            x = col.to_numpy(dtype=float, na_value=np.nan)
            x = x[~np.isnan(x)]
            if (x < c.min).any() or (c.max is not None and (x > c.max).any()):
                return False
        if c.kind == "id" and c.name == schemas.ID_COLUMN[table] and col.duplicated(keep=False).any():
            return False
    return True
