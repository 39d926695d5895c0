"""`propilas new`: the scaffolded params load, the templates explain and validate every column,
and a filled Excel template is read by the runner to exactly the numbers of the CSV."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from helpers import ROOT
from propilas.core import schemas
from propilas.core.errors import ParamsError, PropilasError
from propilas.core.params import load_params
from propilas.cli.new import register
from propilas.inputs.scaffold import ScaffoldError, scaffold_district, scaffold_from_siasar
from propilas.inputs.validation import load_inputs

FIX = ROOT / "tests" / "fixtures"
SIASAR_DIR = ROOT / "data" / "siasar-peru"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "params" / "defaults.yaml", tmp_path / "params" / "defaults.yaml")
    return tmp_path


def _written(paths: list[Path], root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in paths}


# --------------------------------------------------------------------------- params YAML


@pytest.mark.parametrize("language", ["es", "en"])
def test_scaffold_writes_params_and_templates_that_load(project, language):
    paths = scaffold_district(project, "nuevo_distrito", "Nuevo Distrito", department="Cajamarca",
                              province="Chota", ubigeo="060401", language=language)
    assert _written(paths, project) == {
        "params/nuevo_distrito.yaml", "data/nuevo_distrito/README.md",
        "data/nuevo_distrito/template/communities.xlsx", "data/nuevo_distrito/template/communities.csv",
        "data/nuevo_distrito/template/water_systems.xlsx", "data/nuevo_distrito/template/water_systems.csv"}
    # the runner's data files are NOT created: the consultant copies one format up
    assert not (project / "data" / "nuevo_distrito" / "communities.csv").exists()
    p = load_params("nuevo_distrito", project / "params")
    assert (p.name, p.department, p.province, p.ubigeo, p.language) == (
        "Nuevo Distrito", "Cajamarca", "Chota", "060401", language)
    # placeholders: two census years of 1 person, marked TODO
    assert p.census_known == {2007: 1, 2017: 1}
    text = (project / "params" / "nuevo_distrito.yaml").read_text(encoding="utf-8")
    census_lines = [ln for ln in text.splitlines() if ln.strip().startswith(("2007:", "2017:"))]
    assert len(census_lines) == 2 and all("TODO" in ln for ln in census_lines)
    # budget envelope per source = the defaults' sources
    assert set(p.budget.envelope) == set(p.budget.sources)
    assert p.workshop is not None and p.workshop.illustrative is True


def test_every_active_key_has_a_comment_with_an_example(project):
    scaffold_district(project, "d1", "D uno", language="en")
    text = (project / "params" / "d1.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    key_lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for ln in key_lines:
        assert " # " in ln, f"line without a comment: {ln!r}"
    # the top-level keys a consultant must know are present
    for key in ("district", "name", "ubigeo", "department", "province", "census", "base_year", "horizon_year",
                "rural_share", "rural_share_note", "data_note", "language", "budget", "workshop"):
        assert key in data, key
    for key in ("ubigeo", "census", "rural_share", "base_year"):
        line = next(ln for ln in text.splitlines() if ln.startswith(f"{key}:"))
        assert "E.g." in line or "see above" in line, line
    # commented-out override block shows the CURRENT default water thresholds
    assert "#   safely_managed_min_hours: 12" in text
    assert "#   min_residual_chlorine_mg_l: 0.5" in text


def test_uncommenting_an_override_changes_that_threshold_only(project):
    scaffold_district(project, "d2", "D dos")
    path = project / "params" / "d2.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("# water:", "water:", 1).replace("#   safely_managed_min_hours: 12", "  safely_managed_min_hours: 10", 1)
    path.write_text(text, encoding="utf-8")
    p = load_params("d2", project / "params")
    assert p.water.safely_managed_min_hours == 10
    assert p.water.min_residual_chlorine_mg_l == 0.5  # untouched default


def test_filled_placeholders_load(project):
    scaffold_district(project, "d3", "D tres")
    path = project / "params" / "d3.yaml"
    text = path.read_text(encoding="utf-8").replace("  2007: 1 ", "  2007: 79500 ").replace("  2017: 1 ", "  2017: 79100 ")
    path.write_text(text, encoding="utf-8")
    assert load_params("d3", project / "params").census_known == {2007: 79500, 2017: 79100}


def test_refuses_existing_files_unless_force(project):
    scaffold_district(project, "d4", "D cuatro")
    params = project / "params" / "d4.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match=r"params/d4.yaml.*--force"):
        scaffold_district(project, "d4", "D cuatro")
    assert "# my edit" in params.read_text(encoding="utf-8")  # nothing overwritten
    assert isinstance(ScaffoldError("x"), PropilasError)
    scaffold_district(project, "d4", "D cuatro", force=True)
    assert "# my edit" not in params.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["../evil", "San Juan", "", "a/b"])
def test_refuses_bad_district_ids(project, bad):
    with pytest.raises(ParamsError, match="not allowed"):
        scaffold_district(project, bad, "X")
    assert [p.name for p in (project / "params").glob("*.yaml")] == ["defaults.yaml"]
    assert not (project / "data").exists()


def test_refuses_bad_ubigeo(project):
    with pytest.raises(ScaffoldError, match="6-digit"):
        scaffold_district(project, "d5", "D", ubigeo="6070")


# --------------------------------------------------------------------------- templates


def test_xlsx_template_header_comments_validations_and_readme(project):
    scaffold_district(project, "d6", "D seis")
    wb = openpyxl.load_workbook(project / "data" / "d6" / "template" / "water_systems.xlsx")
    assert wb.sheetnames == ["water_systems", "LEEME"]
    ws = wb["water_systems"]
    cols = schemas.columns("water_systems")
    assert [c.value for c in ws[1]] == [c.name for c in cols]
    assert ws.freeze_panes == "A2"
    for cell, col in zip(ws[1], cols):
        assert cell.comment is not None
        assert col.es in cell.comment.text and col.en in cell.comment.text
        assert ws.column_dimensions[cell.column_letter].width >= 12
    assert ws.max_row == 1  # header only: no example row the runner could read as data
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    letter = {c.name: openpyxl.utils.get_column_letter(i) for i, c in enumerate(cols, start=1)}

    def dv(name):
        return by_range[f"{letter[name]}2:{letter[name]}2000"]

    for s in schemas.STATE_COLUMNS:
        assert dv(s).type == "list" and dv(s).formula1 == '"A,B,C,D"'
    for yn in ("chlorination", "jass_recognised", "fee_charged", "trained_operator"):
        assert dv(yn).type == "list" and dv(yn).formula1 == '"yes,no,si,sí"'
    assert dv("system_type").formula1 == '"gravity,gravity_treated,pumped,pumped_treated"'
    assert dv("dry_season").formula1 == '"sufficient,partial,insufficient"'
    h = dv("hours_per_day")
    assert (h.type, h.operator, h.formula1, h.formula2) == ("decimal", "between", "0", "24")
    y = dv("year_built")
    assert (y.type, y.operator, y.formula1) == ("whole", "greaterThanOrEqual", "1900")
    hh = dv("households_connected")
    assert (hh.type, hh.formula1, hh.formula2) == ("whole", "0", "50000")
    assert all(v.allow_blank for v in by_range.values())  # empty = unknown stays allowed
    # LEEME lists every column with unit and allowed values
    rd = wb["LEEME"]
    rows = [[c.value for c in r] for r in rd.iter_rows()]
    head_i = next(i for i, r in enumerate(rows) if r[0] == "columna / column")
    listed = {r[0]: r for r in rows[head_i + 1:] if r[0]}
    assert set(listed) == {c.name for c in cols}
    assert listed["hours_per_day"][4] == "h/day" and listed["dry_season"][7] == "sufficient, partial, insufficient"
    assert listed["fee_collection_rate"][5] == 0 and listed["fee_collection_rate"][6] == 1


def test_csv_templates_are_header_only_and_readme_explains_the_choice(project):
    scaffold_district(project, "d7", "D siete", language="en")
    for table in ("communities", "water_systems"):
        rows = list(csv.reader((project / "data" / "d7" / "template" / f"{table}.csv").open(encoding="utf-8")))
        assert rows == [schemas.column_names(table)]
    readme = (project / "data" / "d7" / "README.md").read_text(encoding="utf-8")
    assert "ONE format" in readme and "Never keep both" in readme and "propilas validate d7" in readme
    assert "UN formato" in readme  # both languages


def _typed(value: str, col: schemas.Column):
    """What a consultant types into Excel: numbers as numbers, everything else as text."""
    if value == "":
        return None
    if col.kind in ("int", "float"):
        x = float(value)
        return int(x) if col.kind == "int" else x
    return value


def test_filled_xlsx_template_is_read_by_the_runner_like_the_csv(project):
    """Proof that the runner accepts Excel: the fixture's rows typed into the template."""
    shutil.copy(FIX / "params" / "fixture.yaml", project / "params" / "fixture.yaml")
    shutil.copy(FIX / "params" / "defaults.yaml", project / "params" / "defaults.yaml")
    scaffold_district(project, "other", "Other")  # templates come from any scaffolded district
    data = project / "data" / "fixture"
    data.mkdir()
    src = FIX / "data" / "fixture" / "communities.csv"
    rows = list(csv.DictReader(src.open(encoding="utf-8")))
    wb = openpyxl.load_workbook(project / "data" / "other" / "template" / "communities.xlsx")
    ws = wb["communities"]
    cols = schemas.columns("communities")
    for i, r in enumerate(rows, start=2):
        for j, col in enumerate(cols, start=1):
            ws.cell(row=i, column=j, value=_typed(r.get(col.name, ""), col))
    wb.save(data / "communities.xlsx")
    shutil.copy(FIX / "data" / "fixture" / "water_systems.csv", data / "water_systems.csv")

    from_xlsx = load_inputs("fixture", project / "params", project / "data")
    assert [str(p) for p in from_xlsx.errors] == []
    from_csv = load_inputs("fixture", FIX / "params", FIX / "data")
    assert from_xlsx.files[1].name == "communities.xlsx"
    pd.testing.assert_frame_equal(from_xlsx.tables["communities"], from_csv.tables["communities"])
    pd.testing.assert_frame_equal(from_xlsx.tables["water_systems"], from_csv.tables["water_systems"])
    assert len(from_xlsx.tables["communities"]) == len(rows)


# --------------------------------------------------------------------------- SIASAR


@pytest.fixture(scope="module")
def siasar_df():
    if not any(SIASAR_DIR.glob("*.xls")):
        pytest.skip("data/siasar-peru/*.xls not present")
    from propilas.inputs.siasar import default_files, load_siasar_cached

    return load_siasar_cached(default_files(ROOT))


def test_from_siasar_bambamarca(project, siasar_df):
    from propilas.inputs.siasar import divisions

    n_div = int(divisions(siasar_df).set_index("division").loc["CAJAMARCA,HUALGAYOC,BAMBAMARCA", "systems"])
    assert n_div == 53
    paths = scaffold_from_siasar(project, "bamba", "Cajamarca, Hualgayoc, Bambamarca", siasar_df=siasar_df)
    assert {"params/bamba.yaml", "data/bamba/communities.csv", "data/bamba/water_systems.csv",
            "data/bamba/template/communities.xlsx"} <= _written(paths, project)
    ws = pd.read_csv(project / "data" / "bamba" / "water_systems.csv")
    comm = pd.read_csv(project / "data" / "bamba" / "communities.csv")
    # 53 SIASAR systems: 46 written, 7 without community/population/households left out (named in data_note)
    assert len(ws) == 46 and set(ws["source"]) == {"SIASAR 2015"}
    p = load_params("bamba", project / "params")
    assert (p.name, p.department, p.province) == ("Bambamarca", "Cajamarca", "Hualgayoc")
    assert "46 de 53" in p.data_note and "S142657" in p.data_note and "CC BY 4.0" in p.data_note
    # census unknown: placeholders = population served, marked illustrative
    served = int(comm["population"].sum())
    assert p.census_known == {2007: served, 2017: served}
    assert p.rural_share == 1.0 and "ilustrativo" in p.rural_share_note
    assert "ILUSTRATIVO" in (project / "params" / "bamba.yaml").read_text(encoding="utf-8")
    assert p.base_year == 2015
    # the runner reads what was written, without errors
    found = load_inputs("bamba", project / "params", project / "data")
    assert [str(x) for x in found.errors] == []
    assert len(found.tables["water_systems"]) == 46
    # whole numbers written without '.0'
    assert "2012," in (project / "data" / "bamba" / "water_systems.csv").read_text(encoding="utf-8")


def test_from_siasar_unknown_division_lists_close_matches(project, siasar_df):
    with pytest.raises(ScaffoldError, match="CAJAMARCA,HUALGAYOC,BAMBAMARCA"):
        scaffold_from_siasar(project, "x", "CAJAMARCA,HUALGAYOC,BAMBAMARKA", siasar_df=siasar_df)
    with pytest.raises(ScaffoldError, match="did you mean 'CAJAMARCA,HUALGAYOC,BAMBAMARCA'"):
        scaffold_from_siasar(project, "x", "Bambamarca", siasar_df=siasar_df)
    assert not (project / "params" / "x.yaml").exists()


def test_from_siasar_refuses_beside_an_xlsx(project, siasar_df):
    (project / "data" / "bamba").mkdir(parents=True)
    (project / "data" / "bamba" / "communities.xlsx").write_bytes(b"")
    with pytest.raises(ScaffoldError, match="two versions"):
        scaffold_from_siasar(project, "bamba", "CAJAMARCA,HUALGAYOC,BAMBAMARCA", siasar_df=siasar_df, force=True)


# --------------------------------------------------------------------------- CLI


def _parser():
    import argparse

    p = argparse.ArgumentParser(prog="propilas")
    sub = p.add_subparsers(dest="command", required=True)
    register(sub)
    return p


def test_cli_new_prints_files_and_next_steps(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    args = _parser().parse_args(["new", "cli_d", "--name", "Cli D", "--language", "en", "--ubigeo", "060101"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "params/cli_d.yaml" in out and "data/cli_d/template/communities.xlsx" in out
    assert "propilas validate cli_d" in out and "propilas run cli_d" in out
    assert load_params("cli_d", project / "params").ubigeo == "060101"
    args = _parser().parse_args(["new", "cli_d", "--name", "Cli D"])
    with pytest.raises(ScaffoldError, match="already exist"):
        args.func(args)


def test_cli_new_requires_name_and_division(project, monkeypatch):
    monkeypatch.chdir(project)
    args = _parser().parse_args(["new", "cli_e"])
    with pytest.raises(ScaffoldError, match="--name is required"):
        args.func(args)
    args = _parser().parse_args(["new", "cli_e", "--from-siasar"])
    assert args.from_siasar == []
    with pytest.raises(ScaffoldError, match="--division"):
        args.func(args)
