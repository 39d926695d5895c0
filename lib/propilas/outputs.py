"""Where outputs live, and reading back the tables a stage wrote (for the next stage).

One place for the layout of `outputs/` so the runner, the notebooks, the cache, the index and
the comparison agree on paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import StageError
from .registry import Stage, producer

ID_COLUMNS = ("community_id", "system_id", "item_id", "district", "ubigeo")
CANONICAL = ("communities", "water_systems")


def district_dir(out_dir: Path, district: str) -> Path:
    return Path(out_dir) / district


def output_path(out_dir: Path, district: str, name: str) -> Path:
    """`name` with an extension is a file in the district folder; without one, a table in tables/."""
    base = district_dir(out_dir, district)
    return base / name if "." in name else base / "tables" / f"{name}.csv"


def stage_outputs(out_dir: Path, district: str, stage: Stage) -> list[Path]:
    return [output_path(out_dir, district, w) for w in stage.writes]


def read_output(out_dir: Path, district: str, name: str) -> Any:
    path = output_path(out_dir, district, name)
    if not path.exists():
        raise StageError(f"{path} is missing: it is written by stage {producer(name).name}; run that stage first")
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if name in CANONICAL:
        from .tableio import canonical
        from .validation import read_table

        df, problems = read_table(path, name)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise StageError(f"{path} does not match its schema: {errors[0]}")
        return canonical(df, name)
    dtypes = {c: "string" for c in ID_COLUMNS}
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=True)
    for c in ID_COLUMNS:
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df
