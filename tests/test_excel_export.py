"""tables.xlsx for people (issue 13 §7): a first sheet explaining every sheet (what it holds, its
stage, units), headline figures, then every table CSV as a sheet with the same values, headers and
codes translated, number formats, frozen header row, fitted columns, no formula; written atomically.
(How long it takes is measured in benchmarks/bench_workbook.py, not asserted here.)"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

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


def test_workbook_sheets_values_and_index(run):
    dest = export_tables_xlsx(run, "demo", "en")
    assert dest == run / "demo" / "tables.xlsx"
    wb = openpyxl.load_workbook(dest)
    # contents first, summary second, then tables in stage order (01 water_ladder before 04 priorities)
    assert wb.sheetnames[:4] == ["Contents", "Summary", "water_ladder", "priorities"]
    long = [s for s in wb.sheetnames if s.startswith("an_extra")]
    assert long == ["an_extra_table_with_a_very_long"] and len(long[0]) == 31

    pr = wb["priorities"]
    assert [c.value for c in pr[1]] == ["Community (code)", "Score (0-1)", "Priority", "Prob. of staying in the top (%)"]
    assert all(c.font.bold for c in pr[1]) and pr.freeze_panes == "A2"
    assert pr["A2"].value == "007"  # ids stay text
    assert pr["B2"].value == 0.75 and pr["C2"].value == 1  # the full value; the format rounds the view
    assert pr["B4"].value is None  # NaN → empty cell, never 0
    assert pr.column_dimensions["A"].width >= 8

    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Population (base year)"] == 1234 and "060701" in summary.values()  # labels, ids as text

    index = [list(r) for r in wb["Contents"].iter_rows(values_only=True)]
    flat = [str(v) for r in index for v in r if v is not None]
    assert "20260101T000000-abc" in flat and "deadbeef (dirty)" in flat
    rows = {r[0]: r for r in index if r and r[0] in wb.sheetnames}
    assert set(rows) == set(wb.sheetnames) - {"Contents"}  # every sheet listed, with what it holds
    assert rows["water_ladder"][4] == "tables/water_ladder.csv" and "persons" in rows["water_ladder"][1]
    assert rows["water_ladder"][2].startswith("01_diagnosis") and rows["water_ladder"][3] == 2
    assert rows["priorities"][2].startswith("04_prioritisation")
    assert rows["Summary"][2].startswith("08_summary")


def test_spanish_index_and_no_manifest(run):
    (run / "manifest.json").unlink()
    wb = openpyxl.load_workbook(export_tables_xlsx(run, "demo", "es"))
    assert wb.sheetnames[0] == "Índice"
    flat = [str(v) for r in wb["Índice"].iter_rows(values_only=True) for v in r if v is not None]
    assert "(sin outputs/manifest.json)" in flat
    assert any(v.startswith("04_prioritisation — Priorización") for v in flat)


def test_headers_codes_and_flags_in_the_report_language(tmp_path):
    t = tmp_path / "d" / "tables"
    t.mkdir(parents=True)
    pd.DataFrame({"item_id": ["a-1", "atm-2016"], "year": [2016.0, 2016.0], "community_id": ["c1", None],
                  "intervention": ["rehabilitation", "atm"], "service": ["water", "management"],
                  "cost_pen": [77400.4, 42000.0], "source": ["municipal", "national"],
                  "beneficiaries": [394.3260869565217, 0.0], "status": ["funded", "unfunded"]}
                 ).to_csv(t / "investment_plan.csv", index=False)
    pd.DataFrame({"system_id": ["S1"], "community_id": ["c1"], "index": [2.5833333], "class": ["C"],
                  "partial": [True], "flags": ["missing:state_catchment; missing_component:G; partial_index"],
                  "coverage_ratio": [0.7222222]}).to_csv(t / "sustainability.csv", index=False)
    pd.DataFrame({"community_id": ["c1"], "poverty_rate": [0.561], "population": [564.08],
                  "source": ["illustrative"]}).to_csv(t / "communities.csv", index=False)
    wb = openpyxl.load_workbook(export_tables_xlsx(tmp_path, "d", "es"))

    plan = wb["investment_plan"]
    head = [c.value for c in plan[1]]
    assert head[:4] == ["Obra (código)", "Año", "Comunidad (código)", "Intervención"]
    assert "Costo (S/)" in head and "Fuente" in head and "Estado" in head
    values = {h: [c.value for c in col[1:]] for h, col in zip(head, plan.iter_cols())}
    assert values["Intervención"] == ["rehabilitación del sistema de agua", "Área Técnica Municipal (ATM)"]
    assert values["Fuente"] == ["municipalidad", "gobierno nacional"]
    assert values["Estado"] == ["financiado", "sin financiamiento"]
    assert values["Servicio"] == ["agua", "gestión"]
    cells = {h: col[1] for h, col in zip(head, plan.iter_cols())}
    assert cells["Costo (S/)"].value == 77400.4 and cells["Costo (S/)"].number_format == "#,##0"
    assert cells["Beneficiarios (personas)"].number_format == "#,##0"  # never 394.3260869565217 shown
    assert cells["Año"].number_format == "0"

    sus = wb["sustainability"]
    head = [c.value for c in sus[1]]
    row = {h: c for h, c in zip(head, sus[2])}
    assert row["Clase"].value == "C: en grave deterioro" and row["Parcial"].value == "sí"
    assert row["Observaciones (datos faltantes)"].value == (
        "falta el estado de la captación; componente G (gestión) sin calcular (le faltan datos); "
        "índice de sostenibilidad parcial (sin algún componente)")
    assert row["Índice (1–4)"].number_format == "0.00"
    assert row["Hogares conectados / hogares (%)"].number_format == "0.0%"  # a rate shown as %

    com = wb["communities"]
    row = {c.value: d for c, d in zip(com[1], com[2])}
    assert row["Pobreza (%)"].value == 0.561 and row["Pobreza (%)"].number_format == "0.0%"
    assert row["Población (personas)"].number_format == "#,##0"
    assert row["Fuente"].value == "ilustrativa (generada para el ejemplo)"

    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title  # header row frozen on every sheet
        assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r), ws.title
        widths = [ws.column_dimensions[get_column_letter(j)].width for j in range(1, ws.max_column + 1)]
        assert all(8 <= w <= 80 for w in widths), (ws.title, widths)
    index = {r[0]: r for r in wb["Índice"].iter_rows(values_only=True) if r and r[0] in wb.sheetnames}
    assert set(index) == set(wb.sheetnames) - {"Índice"}
    assert "soles" in index["investment_plan"][1] and index["investment_plan"][2].startswith("05_investment_plan")


def test_numeric_columns_have_a_number_format_unit():
    from propilas.report.excel_export import number_format

    assert number_format("population", pd.Series([564.08])) == "#,##0"
    assert number_format("cost_pen", pd.Series([77400.4])) == "#,##0"
    assert number_format("share_pct", pd.Series([58.125])) == "0.0"
    assert number_format("poverty_rate", pd.Series([0.561])) == "0.0%"
    assert number_format("year", pd.Series([2016.0])) == "0"
    assert number_format("water_gap_norm", pd.Series([0.5])) == "0.00"
    assert number_format("community_id", pd.Series(["c1"])) is None


def test_rewrite_is_atomic_and_leaves_no_temp_files(run):
    export_tables_xlsx(run, "demo", "en")
    export_tables_xlsx(run, "demo", "en")
    assert sorted(p.name for p in (run / "demo").iterdir()) == ["summary.json", "tables", "tables.xlsx"]


def test_sheet_names_are_unique_and_legal():
    taken: set[str] = set()
    a = sheet_name("x" * 40, taken)
    b = sheet_name("x" * 40, taken)
    assert len(a) == 31 and len(b) == 31 and a != b
    assert sheet_name("a/b:c", taken) == "a_b_c"


def test_flatten():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": None}) == [("a.b", 1), ("a.c", "1, 2"), ("d", None)]
