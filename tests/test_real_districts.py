"""Issue 11: any Peruvian district from SIASAR runs end to end, as a draft, and says what it does not know.

- published rows with more households than persons are kept, flagged, their households imputed
  (district median persons per household of the valid rows);
- a community whose population is only the people its systems serve has water access NOT computed
  (null everywhere, never 100 % by construction) until a population file gives its population;
- `propilas new` fills identity from the district reference table and records its placeholders; a run
  on placeholders is a draft (band on every page, index "borrador", summary.json draft, no citizen
  summary); the shipped districts are not drafts.
The real district with a households > persons row is found by searching the data (never hard-coded).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from helpers import ROOT
from propilas.core.drafts import placeholders_left
from propilas.core.params import load_params
from propilas.inputs import reference
from propilas.inputs.scaffold import ScaffoldError, scaffold_district, scaffold_from_siasar
from propilas.inputs.scaffold_siasar import resolve_division
from propilas.inputs.siasar import load_siasar_cached
from propilas.inputs.siasar_canonical import district_inventory, national_pph_median, valid_pph
from propilas.inputs.validation import check_tables, load_inputs

SHIPPED = ["san_juan", "llacanora", "miguel_iglesias", "utco", "lajas", "tacabamba", "bambamarca", "santo_tomas"]


@pytest.fixture(scope="module")
def siasar() -> pd.DataFrame:
    return load_siasar_cached()


def _hh_gt_persons_division(df: pd.DataFrame) -> str:
    """The smallest SIASAR district (fewest systems) with a households > persons row whose district
    also has valid rows and at least two plannable communities: found in the data, not hard-coded."""
    bad = df[df["households_served"] > df["population_served"]]
    sizes = df.groupby("division").size()
    for div in sorted(set(bad["division"]), key=lambda d: (sizes[d], d)):
        rows = df[df["division"] == div]
        comm, _ = district_inventory(rows, div)
        if len(valid_pph(rows)) and len(comm) >= 2:
            return str(div)
    raise AssertionError("no SIASAR district with a households > persons row")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A runnable project copy: defaults, notebooks, the SIASAR exports and the reference table."""
    (tmp_path / "params").mkdir()
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "params" / "defaults.yaml", tmp_path / "params" / "defaults.yaml")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "data" / "siasar-peru", tmp_path / "data" / "siasar-peru")
    shutil.copytree(ROOT / "data" / "peru-districts", tmp_path / "data" / "peru-districts")
    return tmp_path


# --------------------------------------------------------------------------- households > persons


def test_households_gt_persons_kept_flagged_and_imputed_from_district_median(siasar):
    div = _hh_gt_persons_division(siasar)
    rows = siasar[siasar["division"] == div]
    bad = rows[rows["households_served"] > rows["population_served"]].iloc[0]
    good = rows.dropna(subset=["population_served", "households_served"])
    good = good[good["households_served"] <= good["population_served"]]
    median = float((good["population_served"] / good["households_served"]).median())
    comm, ws = district_inventory(rows, div)
    sys_row = ws.set_index("system_id").loc[f"S{int(bad['id'])}"]
    # households = persons / district median persons per household, rounded, at least 1
    assert sys_row["households_connected"] == max(1, round(float(bad["population_served"]) / median))
    dq = comm.attrs["data_quality"]
    rec = dq[dq["record"] == f"S{int(bad['id'])}"].iloc[0]
    assert (rec["problem"], rec["action"]) == ("households_gt_persons", "households_imputed")
    assert rec["value"] == f"{float(bad['households_served']):g}"  # as published
    # the district now passes validation: no community with more households than persons
    assert not [p for p in check_tables(comm, ws, None) if p.severity == "error"]
    assert (comm["households"] <= comm["population"]).all()


def test_district_without_valid_rows_uses_national_median(siasar):
    g = siasar.dropna(subset=["population_served", "households_served"])
    frac = (g["households_served"] > g["population_served"]).groupby(g["division"]).mean()
    div = sorted(frac[frac == 1.0].index)[0]
    rows = siasar[siasar["division"] == div]
    comm, _ = district_inventory(rows, div, pph_fallback=national_pph_median(siasar))
    dq = comm.attrs["data_quality"]
    assert (dq["action"] == "households_imputed").any()
    assert dq["detail"].str.contains("national median").any()


def test_hand_typed_households_gt_persons_stays_an_error():
    found = load_inputs("fixture", ROOT / "tests" / "fixtures" / "params", ROOT / "tests" / "fixtures" / "data")
    comm, ws = found.tables["communities"].copy(), found.tables["water_systems"]
    comm.loc[0, "households"] = int(comm.loc[0, "population"]) + 1
    comm.loc[0, "source"] = "survey 2024"
    errors = [p for p in check_tables(comm, ws, None) if p.severity == "error"]
    assert any("more households than persons" in p.rule for p in errors)


# --------------------------------------------------------------------------- water access not computed


def _params():
    return load_params("fixture", ROOT / "tests" / "fixtures" / "params")


def _two_communities(basis_b: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A: 100 persons, 20 households, 10 piped + 10 unprotected (community count);
    B: 50 persons, 10 households all piped, population_basis basis_b."""
    from propilas.inputs.tableio import canonical

    base = {c: np.nan for c in ("poverty_rate", "altitude_m", "distance_km", "water_round_trip_min",
                                "hh_san_improved_private", "hh_san_improved_shared", "hh_san_unimproved",
                                "hh_san_open")}
    comm = pd.DataFrame([
        {**base, "community_id": "a", "name": "A", "population": 100, "households": 20, "hh_water_piped_premises": 10,
         "hh_water_public_tap": 0, "hh_water_protected_source": 0, "hh_water_unprotected": 10, "hh_water_surface": 0,
         "population_basis": None, "source": "survey 2024"},
        {**base, "community_id": "b", "name": "B", "population": 50, "households": 10, "hh_water_piped_premises": 10,
         "hh_water_public_tap": 0, "hh_water_protected_source": 0, "hh_water_unprotected": 0, "hh_water_surface": 0,
         "population_basis": basis_b, "source": "SIASAR 2015"},
    ])
    ws = pd.DataFrame([{"system_id": "S1", "community_id": "a", "name": "s1", "households_connected": 10},
                       {"system_id": "S2", "community_id": "b", "name": "s2", "households_connected": 10}])
    return canonical(comm, "communities"), canonical(ws, "water_systems")


def test_served_population_gives_water_access_not_computed():
    from propilas.method.ladders import computed_communities, water_ladder
    from propilas.method.monitoring import indicators_from_tables

    p = _params()
    comm, ws = _two_communities("served")
    wl, _ = water_ladder(comm, ws, p)
    b = wl[wl["community_id"] == "b"].set_index("rung")
    assert b["share_pct"].isna().all()  # never 100 % by construction
    assert b.loc[["limited", "unimproved", "surface"], "households"].isna().all()
    assert b.loc["basic", "households"] == 10  # the connected households are known
    assert b["flags"].str.contains("not_computed:community_population").all()
    assert list(computed_communities(wl, "water")) == ["a"]
    # district share over A only: 10 piped of 20 households, 5 persons each → 50 / 100 = 50 %
    ind = indicators_from_tables(wl, wl.iloc[0:0], pd.DataFrame({"class": [], "index": []}))
    assert ind["water_basic_or_better_pct"] == pytest.approx(50.0)
    # before the rule (no basis): (50 + 50) / 150 = 66.7 %, B counted as 100 % served
    comm0, _ = _two_communities(None)
    wl0, _ = water_ladder(comm0, ws, p)
    ind0 = indicators_from_tables(wl0, wl0.iloc[0:0], pd.DataFrame({"class": [], "index": []}))
    assert ind0["water_basic_or_better_pct"] == pytest.approx(100 * 100 / 150)


def test_served_population_gap_is_not_computed():
    from propilas.method.gaps import compute_gaps, gap_indicators
    from propilas.method.ladders import sanitation_ladder, water_ladder
    from propilas.method.population import community_projection

    p = _params()
    comm, ws = _two_communities("served")
    wl, _ = water_ladder(comm, ws, p)
    sl = sanitation_ladder(comm)
    sus = pd.DataFrame({"system_id": ["S1", "S2"], "community_id": ["a", "b"], "class": ["A", "A"]})
    gaps = compute_gaps(comm, ws, community_projection(comm, p), wl, sl, sus, p)
    b = gaps[(gaps["community_id"] == "b") & (gaps["service"] == "water")].iloc[0]
    assert math.isnan(b["gap"]) and math.isnan(b["gap_indicator_pct"]) and math.isnan(b["served_base"])
    assert "not_computed:community_population" in b["flags"]
    ind = gap_indicators(gaps).set_index("service")
    # over A only: 100 persons, 10 working connections × 5 = 50 served → 50 % without service
    assert ind.at["water", "gap_indicator_pct"] == pytest.approx(50.0)


# --------------------------------------------------------------------------- reference table, scaffold, drafts


def test_reference_lookup_is_accent_and_case_insensitive_with_suggestions():
    d = reference.lookup("santo tomás", "cusco")
    assert (d.ubigeo, d.province) == ("080701", "Chumbivilcas")
    with pytest.raises(reference.ReferenceError, match="CAJAMARCA,CHOTA,TACABAMBA"):
        reference.lookup("Tacabanba")
    with pytest.raises(reference.ReferenceError, match="4 districts are called"):
        reference.lookup("San Juan")
    assert reference.names_problem("060417", "Tacabamba", "Cajamarca", "Chota") is None
    assert "LAJAS" in reference.names_problem("060410", "Tacabamba", "Cajamarca", "Chota").upper()


def test_division_typo_gets_suggestions(siasar):
    div = _hh_gt_persons_division(siasar)
    dept, prov, dist = div.split(",")
    typo = f"{dept},{prov},{dist[:-1] + ('X' if dist[-1] != 'X' else 'Y')}"
    with pytest.raises(ScaffoldError, match="did you mean") as e:
        resolve_division(siasar, typo)
    assert div in str(e.value)


def test_scaffold_fills_identity_from_reference_table(project):
    written = scaffold_district(project, "taca", "Tacabamba")
    p = load_params("taca", project / "params")
    assert (p.ubigeo, p.department, p.province, p.poverty_pct) == ("060417", "Cajamarca", "Chota", 61.7)
    assert p.latitude == pytest.approx(-6.39278, abs=1e-4) and p.area_km2 == pytest.approx(196.25)
    left = placeholders_left(p)
    assert "ubigeo" not in left and {"census", "budget.envelope", "workshop.vision"} <= set(left)
    assert not written.notes


def test_scaffold_marks_unknown_district_ubigeo_as_placeholder(project):
    written = scaffold_district(project, "inventado", "Villa Inventadísima")
    p = load_params("inventado", project / "params")
    assert p.ubigeo == "000000" and "ubigeo" in placeholders_left(p)
    assert any("reference table" in n or "tabla de referencia" in n for n in written.notes)


def test_replacing_a_placeholder_value_clears_it(project):
    scaffold_district(project, "taca", "Tacabamba")
    path = project / "params" / "taca.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  2007: 1 ", "  2007: 18933 ").replace("  2017: 1 ", "  2017: 17008 ")
    path.write_text(text, encoding="utf-8")
    assert "census" not in placeholders_left(load_params("taca", project / "params"))


def test_validation_refuses_a_ubigeo_of_another_district(project):
    scaffold_district(project, "taca", "Tacabamba")
    path = project / "params" / "taca.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"060417"', '"060410"'), encoding="utf-8")
    found = load_inputs("taca", project / "params", project / "data")
    bad = [p for p in found.errors if p.column == "ubigeo"]
    assert bad and "LAJAS" in bad[0].rule.upper() and "Tacabamba" in bad[0].rule


def test_shipped_districts_are_not_drafts():
    for d in SHIPPED:
        p = load_params(d, ROOT / "params")
        assert placeholders_left(p) == [], d
        assert reference.names_problem(p.ubigeo, p.name, p.department, p.province) is None, d


def test_draft_band_on_pages_and_index_says_draft(tmp_path):
    from propilas.report.htmlexport import notebook_to_html
    from propilas.report.index import write_index

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("hola")]
    data = {"language": "es", "ubigeo": "000000", "placeholders": {"census": {"2007": 1, "2017": 1}},
            "census": {"2007": 1, "2017": 1}}
    nb.metadata["papermill"] = {"parameters": {"params_data": data}}
    page = notebook_to_html(nb, "t")
    assert "BORRADOR — datos provisionales" in page and "censo" in page and "ubigeo" in page
    data["census"] = {"2007": 900, "2017": 950}
    data["ubigeo"] = "060417"
    nb.metadata["papermill"] = {"parameters": {"params_data": data}}
    assert "class='propilas-draft'" not in notebook_to_html(nb, "t")  # placeholders replaced: no band

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "summary.json").write_text(json.dumps({"draft": True, "placeholders": ["census"]}))
    manifest = {"run_id": "r", "started_utc": "now", "code_version": {"commit": "x"},
                "districts": {"d": {"status": "completed", "stages": {}}},
                "comparison": {"status": "not_run", "reason": ""}}
    html = write_index(tmp_path, manifest).read_text(encoding="utf-8")
    assert ">borrador<" in html and ">completo<" not in html  # the index speaks one language (issue 13 §2)


def test_population_file_computes_access_by_hand(project, siasar):
    """Two SIASAR communities get a population file: households = 2 × connected, persons = 5 ×
    households. Their connected households are piped (basic: no residual chlorine measured), the
    other half below basic, so water basic-or-better = Σ 5 c / Σ 10 c = 50.0 %, over exactly those
    two communities (the others stay not computed)."""
    from propilas.run.national import compute_district

    div = _hh_gt_persons_division(siasar)
    comm0, ws0 = district_inventory(siasar[siasar["division"] == div], div)
    conn = ws0.groupby("community_id")["households_connected"].sum()
    two = [c for c in comm0["community_id"] if conn.get(c, 0) >= 1][:2]
    pop_file = project / "pop.csv"
    names = comm0.set_index("community_id")["name"]
    rows = [{"name": names[c].upper(), "population": int(10 * conn[c]), "households": int(2 * conn[c]),
             "source": "INEI 2017 centros poblados"} for c in two]
    pd.DataFrame(rows).to_csv(pop_file, index=False)
    scaffold_from_siasar(project, "real_pop", div, siasar_df=siasar, population=pop_file)
    found = load_inputs("real_pop", project / "params", project / "data")
    assert found.ok, [str(p) for p in found.errors]
    comm = found.tables["communities"].set_index("community_id")
    assert list(comm.loc[two, "population_basis"]) == ["community", "community"]
    assert (comm.drop(index=two)["population_basis"] == "served").all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = compute_district(found.tables["communities"], found.tables["water_systems"], found.params,
                             data_quality=found.data_quality)
    s = t["summary.json"]
    expected_covered = 100 * sum(10 * conn[c] for c in two) / comm["population"].sum()
    assert s["water_basic_or_better_pct"] == 50.0
    assert s["water_population_covered_pct"] == pytest.approx(round(expected_covered, 1), abs=0.051)
    assert s["draft"] is True and "census" in s["placeholders"]
    assert t["citizen_summary"]["sentence"].str.contains("BORRADOR").all() and len(t["citizen_summary"]) == 1
    dq = t["data_quality"]
    assert set(dq.loc[dq["action"] == "assumed_below_basic", "community_id"]) == set(two)


def test_list_siasar_matches_accent_and_case_insensitively():
    from propilas.cli import list_siasar

    rows = list_siasar("tomás", ROOT)
    assert ("CUSCO,CHUMBIVILCAS,SANTO TOMAS", 30) in rows
    assert all("TOMAS" in d for d, _ in rows)


# --------------------------------------------------------------------------- national


def test_national_refuses_none_for_households_gt_persons(siasar):
    """Every district with a households > persons row passes the input rules now; the ones with no
    valid row at all (national-median fallback) are planned in memory and none shows 100 % water."""
    from propilas.run.national import check_inputs, national_tables

    md = national_pph_median(siasar)
    bad_divs = sorted(set(siasar.loc[siasar["households_served"] > siasar["population_served"], "division"]))
    assert len(bad_divs) >= 10
    for div in bad_divs:
        comm, ws = district_inventory(siasar[siasar["division"] == div], div, pph_fallback=md)
        if comm.empty:
            continue  # no plannable community: the only reason to refuse
        assert not [p for p in check_inputs(comm, ws, None) if p.severity == "error"], div
    g = siasar.dropna(subset=["population_served", "households_served"])
    frac = (g["households_served"] > g["population_served"]).groupby(g["division"]).mean()
    worst = sorted(frac[frac == 1.0].index)[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp, _ = national_tables(worst + bad_divs[:2], workers=1)
    assert set(comp["failure_kind"].fillna("")) <= {"", "no_inventory"}
    assert not (pd.to_numeric(comp["water_basic_or_better_pct"], errors="coerce") == 100.0).any()
    assert comp.loc[comp["status"] == "ok", "water_basic_or_better_pct"].isna().all()
    assert comp.loc[comp["status"] == "ok", "rank_water"].isna().all()


# --------------------------------------------------------------------------- end to end (one SIASAR run)


@pytest.mark.e2e
def test_siasar_district_new_then_run_completes_as_draft(project, siasar):
    div = _hh_gt_persons_division(siasar)
    exe = [sys.executable, "-m", "propilas"]
    new = subprocess.run(exe + ["new", "real_d", "--from-siasar", "--division", div.lower()], cwd=project,
                         capture_output=True, text=True, timeout=300)
    assert new.returncode == 0, new.stderr
    out = project / "out"
    run = subprocess.run(exe + ["run", "real_d", "--out", str(out), "--quiet", "--workers", "1"], cwd=project,
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout + run.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["districts"]["real_d"]["status"] == "completed"
    s = json.loads((out / "real_d" / "summary.json").read_text())
    assert s["draft"] is True and {"census", "budget.envelope"} <= set(s["placeholders"])
    assert s["water_basic_or_better_pct"] is None and s["water_safely_managed_pct"] is None
    params = yaml.safe_load((project / "params" / "real_d.yaml").read_text())
    assert params["ubigeo"] != "000000"  # filled from the reference table
    for page in list((out / "real_d").glob("0*.html")) + [out / "real_d" / "report.html"]:
        assert "BORRADOR — datos provisionales" in page.read_text(encoding="utf-8"), page.name
    assert ">borrador<" in (out / "index.html").read_text(encoding="utf-8")  # one language (issue 13 §2)
    profile = (out / "real_d" / "00_profile.html").read_text(encoding="utf-8")
    assert "más viviendas que personas" in profile and "Lista de campos a levantar" in profile
    assert "Acceso al agua no calculado" in (out / "real_d" / "01_diagnosis.html").read_text(encoding="utf-8")
    citizen = pd.read_csv(out / "real_d" / "tables" / "citizen_summary.csv")
    assert len(citizen) == 1 and "BORRADOR" in citizen["sentence"].iloc[0]
    ladder = pd.read_csv(out / "real_d" / "tables" / "water_ladder.csv")
    assert ladder["share_pct"].isna().all()
