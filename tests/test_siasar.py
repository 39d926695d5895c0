"""SIASAR importer: outer join, normalisation rules, district inventories (real exports + synthetic files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from propilas.core.paths import repo_root
from propilas.inputs import siasar, siasar_canonical
from propilas.core.schemas import column_names

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return siasar.load_siasar_cached()


# --- the real exports ---------------------------------------------------------------------

def test_load_is_cached() -> None:
    # read once per process (no timing assertion: benchmarks/ measures time)
    a = siasar.load_siasar_cached()
    before = siasar._cached.cache_info()
    b = siasar.load_siasar_cached()
    after = siasar._cached.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1
    assert a is not b and a.equals(b)  # a copy each time, same content


def test_outer_join_union_counts(df: pd.DataFrame) -> None:
    # treatment 5,136 + systems only in catchments/distribution/storage = 6,076 over 860 districts
    assert len(df) == 6076
    assert df["id"].is_unique
    assert df["division"].nunique() == 860
    assert int(df["in_treatment"].sum()) == 5136
    assert int(df["in_catchments"].sum()) == 1639
    assert int(df["in_distribution"].sum()) == 391 and int(df["in_storage"].sum()) == 391
    assert int((~df["in_treatment"]).sum()) == 6076 - 5136  # kept although missing from treatment
    # every system is in at least one export
    assert df[["in_treatment", "in_catchments", "in_distribution", "in_storage"]].any(axis=1).all()


@pytest.mark.parametrize("division,n,n_treatment", [
    ("CAJAMARCA,CHOTA,TACABAMBA", 15, 15),
    ("CAJAMARCA,CAJAMARCA,SAN JUAN", 2, 2),
    ("CAJAMARCA,CAJAMARCA,LLACANORA", 1, 1),
    ("CAJAMARCA,CHOTA,LAJAS", 1, 1),
    ("CAJAMARCA,HUALGAYOC,BAMBAMARCA", 53, 52),
    ("CUSCO,CHUMBIVILCAS,SANTO TOMAS", 30, 8),
    ("CAJAMARCA,CELENDIN,UTCO", 0, 0),
    ("CAJAMARCA,CELENDIN,MIGUEL IGLESIAS", 0, 0),
])
def test_district_counts(df: pd.DataFrame, division: str, n: int, n_treatment: int) -> None:
    sub = df[df["division"] == division]
    assert len(sub) == n
    assert int(sub["in_treatment"].sum()) == n_treatment


def test_text_is_decoded_and_division_split(df: pd.DataFrame) -> None:
    assert not df["name"].dropna().str.contains("\x00").any()
    row = df[df["id"] == 142500].iloc[0]  # 'Sistema de LA PUCARA', Tacabamba
    assert row["name"] == "Sistema de LA PUCARA"
    assert (row["department"], row["province"], row["district"]) == ("CAJAMARCA", "CHOTA", "TACABAMBA")


def test_states_mapped_to_letters(df: pd.DataFrame) -> None:
    for c in ("state_catchment", "state_reservoir", "state_distribution", "state_treatment"):
        assert set(df[c].dropna()) <= {"A", "B", "C", "D"}
    # measured: capt_estado A 892, B 160, C 297, D 290; almc_estado D 329 of 391; trat_estado empty
    assert df["state_catchment"].value_counts().to_dict() == {"A": 892, "C": 297, "D": 290, "B": 160}
    assert int((df["state_reservoir"] == "D").sum()) == 329
    assert df["state_treatment"].isna().all()
    assert siasar._state("A - BUENO") == "A"
    assert siasar._state("D - CAIDO") == "D"
    assert siasar._state("b - regular") == "B"
    assert siasar._state("No se tiene dato") is None and siasar._state(None) is None


def test_no_means_unknown(df: pd.DataFrame) -> None:
    for c in ("type_gravity", "type_pumped", "type_handpump", "type_rainwater", "dry_season_sufficient"):
        assert not (df[c] == False).any(), c  # noqa: E712 - 'NO' never becomes False
    assert int(df["dry_season_sufficient"].sum()) == 306  # the 'SI' answers over the union
    assert siasar._si_only("NO") is pd.NA and siasar._si_only("SI") is True


def test_chlorination_from_treatment(df: pd.DataFrame) -> None:
    # chlorination units: works SI 3,473 / NO 1,393; slow filtration (270) and no treatment row → unknown
    assert int((df["chlorination"] == True).sum()) == 3473  # noqa: E712
    assert int((df["chlorination"] == False).sum()) == 1393  # noqa: E712
    slow = df["treatment_type"] == "Filtración lenta"
    assert df.loc[slow, "chlorination"].isna().all()


def test_zero_placeholders_are_missing(df: pd.DataFrame) -> None:
    assert not (df["hours_per_day"] == 0).any()
    assert not (df["population_served"] == 0).any() and not (df["households_served"] == 0).any()
    assert not (df["altitude_m"] == 0).any()
    assert not (df["year_built"] == 1969).any()
    assert df["reservoir_cleanings_per_year"].isna().all()  # almc_limpieza is empty in every row


def test_fix_text_and_missing_tokens() -> None:
    assert siasar._fix_text("S\x00i\x00") == "Si"
    assert siasar._fix_text("a\x00\xf1\x00o\x00") == "año"
    assert siasar._clean_str("  No se tiene dato ") is None
    assert siasar._clean_str("  LA  PUCARA ") == "LA PUCARA"
    assert siasar.slug("San Juan de Cú (El Tambo)") == "san_juan_de_cu_el_tambo"


def test_project_root() -> None:
    assert repo_root(ROOT / "tests") == ROOT
    assert (repo_root() / "pyproject.toml").is_file() or repo_root() == ROOT


def test_divisions(df: pd.DataFrame) -> None:
    d = siasar.divisions(df)
    assert list(d.columns) == ["division", "department", "province", "district", "systems"]
    assert len(d) == 860 and int(d["systems"].sum()) == 6076
    row = d[d["division"] == "CAJAMARCA,CHOTA,TACABAMBA"].iloc[0]
    assert row["systems"] == 15 and row["province"] == "CHOTA"


# --- synthetic exports: every rule on hand-made values ------------------------------------

_COMMON = ["fecha_encuesta", "nombre", "ID", "divisiones", "latitud", "longitud", "altitud", "año",
           "comunidades", "PSE", "pob_servida", "viv_servidas", "tipo_gravedad", "tipo_bombeo",
           "tipo_pozo_manual", "tipo_agua_lluvia", "agua_epoca_seca", "agua_epoca_lluvia"]


def _xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _common(i: int, comm: str, pop, hh, dry="NO", grav="NO") -> list:
    return ["2015-09-10", f"Sistema de {comm}", i, "CAJAMARCA,CHOTA,PRUEBA", -6.4, -78.6, 2500, 2000,
            comm, "JASS " + comm, pop, hh, grav, "NO", "NO", "NO", dry, "NO"]


@pytest.fixture()
def synthetic(tmp_path: Path) -> list[Path]:
    treat = _xlsx(tmp_path / "t.xlsx", _COMMON + ["trat_ID", "trat_tipo", "trat_funciona", "trat_estado"], [
        _common(1, "ALFA", 100.5, 20, dry="SI", grav="SI") + [11, "Desinfección con cloro", "SI", None],
        _common(2, "BETA", 0, 0) + [12, "Desinfección con cloro", "NO", None],
        _common(3, "GAMMA", 60, 12) + [13, "Filtración lenta", "SI", None],
    ])
    storage = _xlsx(tmp_path / "s.xlsx", _COMMON + ["almc_ID", "almc_limpieza", "almc_limpieza_ud", "almc_estado"], [
        _common(1, "ALFA", 100.5, 20, dry="SI", grav="SI") + [21, 3, "MESES", "B - REGULAR"],
        _common(4, "DELTA", 80, 16) + [24, 0, "MESES", "No se tiene dato"],
        _common(5, "ALFA", 40, 10) + [25, None, "MESES", "D - CAIDO"],
    ])
    dist = _xlsx(tmp_path / "d.xlsx", _COMMON + ["dist_ID", "dist_horas", "dist_conexiones", "dist_estado"], [
        _common(4, "DELTA", 80, 16) + [34, 0, 16, "A - BUENO"],
        _common(5, "ALFA", 40, 10) + [35, 6, 10, "C - MALO"],
    ])
    catch = _xlsx(tmp_path / "c.xlsx", _COMMON + ["fuente_ID", "fuente_tipo", "capt_estado"], [
        _common(6, "EPSILON", 50, 10) + [46, "Río", "A - BUENO"],
    ])
    return [treat, storage, dist, catch]


def test_synthetic_outer_join_and_rules(synthetic: list[Path]) -> None:
    d = siasar.load_siasar(synthetic).set_index("id")
    assert sorted(d.index) == [1, 2, 3, 4, 5, 6]  # 6 systems: each file's systems kept
    assert bool(d.loc[6, "in_catchments"]) and not bool(d.loc[6, "in_treatment"])
    # months → cleanings: every 3 months = 12/3 = 4 per year; 0 months and empty → unknown
    assert d.loc[1, "reservoir_cleanings_per_year"] == pytest.approx(4.0)
    assert np.isnan(d.loc[4, "reservoir_cleanings_per_year"]) and np.isnan(d.loc[5, "reservoir_cleanings_per_year"])
    # states; 'No se tiene dato' → None
    assert d.loc[1, "state_reservoir"] == "B" and d.loc[4, "state_reservoir"] is None
    assert d.loc[5, "state_distribution"] == "C" and d.loc[6, "state_catchment"] == "A"
    # hours: 0 is a blank default → NaN; 6 stays
    assert np.isnan(d.loc[4, "hours_per_day"]) and d.loc[5, "hours_per_day"] == 6
    # chlorination: chlorine + works SI → True, NO → False; slow filtration → <NA>; no row → <NA>
    assert d.loc[1, "chlorination"] == True and d.loc[2, "chlorination"] == False  # noqa: E712
    assert pd.isna(d.loc[3, "chlorination"]) and pd.isna(d.loc[4, "chlorination"])
    # NO → unknown, SI → True
    assert d.loc[1, "dry_season_sufficient"] == True and pd.isna(d.loc[2, "dry_season_sufficient"])  # noqa: E712
    assert pd.isna(d.loc[2, "type_gravity"])
    # population 0 → unknown
    assert np.isnan(d.loc[2, "population_served"]) and d.loc[1, "population_served"] == 100.5


def test_synthetic_inventory(synthetic: list[Path]) -> None:
    d = siasar.load_siasar(synthetic)
    comm, ws = siasar_canonical.district_inventory(d, "Cajamarca, Chota, Prueba")
    assert list(comm.columns) == column_names("communities")
    assert list(ws.columns) == column_names("water_systems")
    # BETA (0 persons, 0 homes → unknown) cannot enter the plan: left out with its system
    assert comm.attrs["excluded_systems"] == ["S2"]
    assert sorted(comm["community_id"]) == ["alfa", "delta", "epsilon", "gamma"]
    assert sorted(ws["system_id"]) == ["S1", "S3", "S4", "S5", "S6"]
    alfa = comm.set_index("community_id").loc["alfa"]
    # ALFA = systems 1 and 5: 100.5 + 40 = 140.5 persons → rounded up to 141; 20 + 10 = 30 homes
    assert alfa["population"] == 141 and alfa["households"] == 30
    assert alfa["hh_water_piped_premises"] == 30 and alfa["hh_water_surface"] == 0
    assert np.isnan(alfa["hh_san_improved_private"]) and np.isnan(alfa["poverty_rate"])
    assert alfa["jass_exists"] == True  # noqa: E712 - provider 'JASS ALFA'
    s = ws.set_index("system_id")
    assert s.loc["S1", "system_type"] == "gravity" and s.loc["S4", "system_type"] is None
    assert s.loc["S1", "dry_season"] == "sufficient" and s.loc["S4", "dry_season"] is None
    assert s.loc["S1", "reservoir_cleanings_per_year"] == pytest.approx(4.0)
    assert pd.isna(s.loc["S1", "jass_recognised"]) and np.isnan(s.loc["S1", "residual_chlorine_mg_l"])
    assert (comm["source"] == "SIASAR 2015").all() and (ws["source"] == "SIASAR 2015").all()


def test_wrong_file_is_refused(tmp_path: Path) -> None:
    bad = _xlsx(tmp_path / "x.xlsx", ["a", "b"], [[1, 2]])
    with pytest.raises(ValueError, match="not a SIASAR system export"):
        siasar.load_siasar([bad])


# --- real district inventories ------------------------------------------------------------

@pytest.mark.parametrize("division,n_comm,n_sys,excluded", [
    ("CAJAMARCA,CHOTA,TACABAMBA", 15, 15, 0),
    ("CAJAMARCA,CAJAMARCA,SAN JUAN", 2, 2, 0),
    ("CAJAMARCA,HUALGAYOC,BAMBAMARCA", 46, 46, 7),
    ("CUSCO,CHUMBIVILCAS,SANTO TOMAS", 30, 30, 0),
])
def test_real_inventories(df: pd.DataFrame, division: str, n_comm: int, n_sys: int, excluded: int) -> None:
    comm, ws = siasar_canonical.district_inventory(df, division)
    assert (len(comm), len(ws), len(comm.attrs["excluded_systems"])) == (n_comm, n_sys, excluded)
    assert ws["system_id"].str.match(r"^S\d+$").all() and ws["system_id"].is_unique
    assert set(ws["community_id"]) <= set(comm["community_id"])
    assert comm["population"].dtype == "int64" and comm["households"].dtype == "int64"
    assert (comm["hh_water_piped_premises"] == comm["households"]).all()
    assert comm[["hh_san_improved_private", "hh_san_open"]].isna().all().all()
    # community population never below what its systems serve
    served = ws.groupby("community_id")["population_served"].sum()
    assert (comm.set_index("community_id").loc[served.index, "population"] >= served - 1e-9).all()
    for c in ("residual_chlorine_mg_l", "fee_collection_rate"):
        assert ws[c].isna().all()
