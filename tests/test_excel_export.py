"""tables.xlsx: every table CSV as a sheet with the same values, a README naming the producing
stage and the run, summary.json flattened, written atomically and fast."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from propilas.report.excel_export import export_tables_xlsx, flatten, sheet_name

SUMMARY = {
    "district": "demo", "name": "Demo", "ubigeo": "060701", "population_base": 1234,
    "water_basic_or_better_pct": 56.7, "systems_by_class": {"A": 1, "B": 2, "C": 0, "D": 1, "unclassified": 0},
    "water_target_year": None, "top_priorities": ["c07", "c01"],
}


@pytest.fixture
def run(tmp_path: Path) -> Path:
    out = tmp_path / "outputs"
    t = out / "demo" / "tables"
    t.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"run_id": "20260101T000000-abc", "started_utc": "2026-01-01T00:00:00",
                                                    "code_version": {"commit": "deadbeef", "dirty": True}}))
    (out / "demo" / "summary.json").write_text(json.dumps(SUMMARY))
    pd.DataFrame({"community_id": ["007", "c01", "c02"], "score": [0.75, 0.5, np.nan], "rank": [1, 2, 3],
                  "p_top_k": [0.9, 0.4, 0.1]}).to_csv(t / "priorities.csv", index=False)
    pd.DataFrame({"community_id": ["007", "007"], "rung": ["basic", "surface"], "households": [10, 2],
                  "population": [40.0, 8.0], "share_pct": [83.3, 16.7]}).to_csv(t / "water_ladder.csv", index=False)
    pd.DataFrame({"x": [1]}).to_csv(t / "an_extra_table_with_a_very_long_name_indeed.csv", index=False)
    return out


def test_workbook_sheets_values_and_readme(run):
    dest = export_tables_xlsx(run, "demo", "en")
    assert dest == run / "demo" / "tables.xlsx"
    wb = openpyxl.load_workbook(dest)
    # README first, summary second, then tables in stage order (01 water_ladder before 04 priorities)
    assert wb.sheetnames[:4] == ["README", "summary", "water_ladder", "priorities"]
    long = [s for s in wb.sheetnames if s.startswith("an_extra")]
    assert long == ["an_extra_table_with_a_very_long"] and len(long[0]) == 31

    pr = wb["priorities"]
    assert [c.value for c in pr[1]] == ["community_id", "score", "rank", "p_top_k"]
    assert all(c.font.bold for c in pr[1]) and pr.freeze_panes == "A2"
    assert pr["A2"].value == "007"  # ids stay text
    assert pr["B2"].value == 0.75 and pr["C2"].value == 1
    assert pr["B4"].value is None  # NaN → empty cell, never 0
    assert pr.column_dimensions["A"].width >= 8

    summary = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["systems_by_class.B"] == 2 and summary["ubigeo"] == "060701"
    assert summary["top_priorities"] == "c07, c01" and summary["water_target_year"] is None

    readme = [list(r) for r in wb["README"].iter_rows(values_only=True)]
    flat = [str(v) for r in readme for v in r if v is not None]
    assert "20260101T000000-abc" in flat and "deadbeef (dirty)" in flat
    rows = {r[0]: r for r in readme if r and r[0] in wb.sheetnames}
    assert rows["water_ladder"][1] == "tables/water_ladder.csv"
    assert rows["water_ladder"][2].startswith("01_diagnosis") and rows["water_ladder"][3] == 2
    assert rows["priorities"][2].startswith("04_prioritisation")
    assert rows["summary"][2].startswith("08_summary")


def test_spanish_readme_and_no_manifest(run):
    (run / "manifest.json").unlink()
    wb = openpyxl.load_workbook(export_tables_xlsx(run, "demo", "es"))
    flat = [str(v) for r in wb["README"].iter_rows(values_only=True) for v in r if v is not None]
    assert "(sin outputs/manifest.json)" in flat
    assert any(v.startswith("04_prioritisation — Priorización") for v in flat)


def test_rewrite_is_atomic_and_leaves_no_temp_files(run):
    export_tables_xlsx(run, "demo", "en")
    export_tables_xlsx(run, "demo", "en")
    assert sorted(p.name for p in (run / "demo").iterdir()) == ["summary.json", "tables", "tables.xlsx"]


def test_fast_for_a_district_sized_run(run):
    t = run / "demo" / "tables"
    rng = np.random.default_rng(0)
    for i in range(12):  # ~ a district: a dozen tables of a few hundred rows
        pd.DataFrame({"community_id": [f"c{j:03d}" for j in range(300)],
                      **{f"v{k}": rng.random(300) for k in range(8)}}).to_csv(t / f"table_{i}.csv", index=False)
    t0 = time.perf_counter()
    export_tables_xlsx(run, "demo", "en")
    assert time.perf_counter() - t0 < 1.0


def test_sheet_names_are_unique_and_legal():
    taken: set[str] = set()
    a = sheet_name("x" * 40, taken)
    b = sheet_name("x" * 40, taken)
    assert len(a) == 31 and len(b) == 31 and a != b
    assert sheet_name("a/b:c", taken) == "a_b_c"


def test_flatten():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": None}) == [("a.b", 1), ("a.c", "1, 2"), ("d", None)]
