"""Reading back the tables a stage wrote (for the next stage, the comparison and the national batch)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core.errors import StageError
from propilas.core.paths import ID_COLUMNS, output_path
from propilas.core.registry import producer
from propilas.inputs.tableio import canonical, is_text_column, read_run_csv, unquote_formula
from propilas.inputs.validation import read_table

CANONICAL = ("communities", "water_systems")

def read_output(out_dir: Path, district: str, name: str) -> Any:
    path = output_path(out_dir, district, name)
    if not path.exists():
        raise StageError(f"{path} is missing: it is written by stage {producer(name).name}; run that stage first")
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if name in CANONICAL:
        df, problems = read_table(path, name)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise StageError(f"{path} does not match its schema: {errors[0]}")
        out = canonical(df, name)
        for c in out.columns:
            if is_text_column(out[c]):
                out[c] = out[c].map(unquote_formula)
        return out
    dtypes = {c: "string" for c in ID_COLUMNS}
    df = read_run_csv(path, dtype=dtypes)
    for c in ID_COLUMNS:
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df
