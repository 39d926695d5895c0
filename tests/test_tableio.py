"""Reading inputs without guessing: Spanish-locale Excel CSVs read to the same numbers, or refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT
from propilas.core.errors import DataError, UnreadableFileError
from propilas.inputs.tableio import atomic_write_text, parse_number
from propilas.inputs.validation import load_inputs, read_table

FIX = ROOT / "tests" / "fixtures"
COMM = FIX / "data" / "fixture" / "communities.csv"


def _reference() -> pd.DataFrame:
    df, problems = read_table(COMM, "communities")
    assert not problems
    return df


def _spanish_excel(text: str) -> str:
    """What Excel in a Spanish locale saves: ';' separator and decimal commas."""
    rows = [line.split(",") for line in text.strip().splitlines()]
    return "\n".join(";".join(c.replace(".", ",") if c.replace(".", "").replace("-", "").isdigit() else c
                              for c in r) for r in rows) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("spanish", [False, True])
def test_locale_variants_read_to_the_same_numbers(tmp_path, encoding, spanish):
    text = COMM.read_text(encoding="utf-8")
    if spanish:
        text = _spanish_excel(text)
        assert ";" in text and "0,6" in text
    p = tmp_path / "communities.csv"
    p.write_bytes(text.encode(encoding))
    df, problems = read_table(p, "communities")
    assert [str(x) for x in problems] == []
    pd.testing.assert_frame_equal(df, _reference())
    assert df.loc[4, "name"] == "Cañaris" and df.loc[3, "name"] == "Bajo Chalán"


def test_decimal_comma_in_comma_file_is_refused(tmp_path):
    text = COMM.read_text().replace(",0.6,", ',"0,6",')
    p = tmp_path / "communities.csv"
    p.write_text(text)
    df, problems = read_table(p, "communities")
    assert any(x.column == "poverty_rate" and x.row == 2 and "decimal comma" in x.rule for x in problems)


def test_unquoted_decimal_comma_in_comma_file_is_refused_not_shifted(tmp_path):
    text = COMM.read_text().replace(",0.6,", ",0,6,")
    p = tmp_path / "communities.csv"
    p.write_text(text)
    with pytest.raises(UnreadableFileError, match="row 2 has 23 fields but the header has 22"):
        read_table(p, "communities")


def test_thousands_separator_is_not_misread(tmp_path):
    text = _spanish_excel(COMM.read_text()).replace(";100;25;", ";1.000;25;")
    p = tmp_path / "communities.csv"
    p.write_text(text)
    _, problems = read_table(p, "communities")
    assert any(x.column == "population" and x.value == "1.000" for x in problems)


def test_parse_number_rules():
    assert parse_number("0,75", True) == 0.75
    assert parse_number("12", False) == 12.0
    with pytest.raises(ValueError):
        parse_number("1.234,5", True)
    with pytest.raises(ValueError):
        parse_number("0,75", False)
    with pytest.raises(ValueError):
        parse_number("12 personas", False)


def test_empty_file_is_refused(tmp_path):
    p = tmp_path / "communities.csv"
    p.write_text("")
    with pytest.raises(UnreadableFileError, match="empty"):
        read_table(p, "communities")


def test_all_problems_collected_with_row_column_value(tmp_path):
    text = COMM.read_text().replace(",0.6,2700", ",1.6,2700").replace("C3,Cañaris,50,10", "C3,Cañaris,50,ten")
    p = tmp_path / "communities.csv"
    p.write_text(text)
    _, problems = read_table(p, "communities")
    found = {(x.row, x.column, str(x.value)) for x in problems}
    assert (2, "poverty_rate", "1.6") in found
    assert (4, "households", "ten") in found


def test_district_with_both_csv_and_xlsx_is_refused(tmp_path):
    d = tmp_path / "data" / "fixture"
    shutil.copytree(FIX / "data" / "fixture", d)
    (d / "communities.xlsx").write_bytes(b"x")
    found = load_inputs("fixture", FIX / "params", tmp_path / "data")
    assert any("both communities.csv and communities.xlsx" in x.rule for x in found.errors)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_text("old")
    import os

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text("new", target)
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_fixture_validates_clean():
    found = load_inputs("fixture", FIX / "params", FIX / "data")
    assert found.ok and found.warnings == []
    with pytest.raises(DataError):
        bad = load_inputs("nope", FIX / "params", FIX / "data")
        bad.raise_if_errors()
