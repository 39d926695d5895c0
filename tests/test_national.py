"""propilas national: every SIASAR district planned in memory with the notebooks' numbers."""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from propilas.cli import national as national_cmd
from propilas.report import national_report
from propilas.run import national
from propilas.core.errors import StageError
from propilas.core.params import DISTRICT_ID, load_params
from propilas.core.registry import STAGES

ROOT = Path(__file__).resolve().parents[1]
SIASAR_DIR = ROOT / "data" / "siasar-peru"
pytestmark = pytest.mark.skipif(not any(SIASAR_DIR.glob("*.xls")), reason="data/siasar-peru/*.xls not present")

SANTO_TOMAS = "CUSCO,CHUMBIVILCAS,SANTO TOMAS"
TACABAMBA = "CAJAMARCA,CHOTA,TACABAMBA"
EMPTY = "LORETO,MAYNAS,MAZAN"  # 9 SIASAR systems, none with population and households
FEW = [SANTO_TOMAS, TACABAMBA, "AMAZONAS,BAGUA,COPALLIN", EMPTY]


@pytest.fixture(scope="module")
def few():
    return national.national_tables(FEW, "es", workers=1, root=ROOT)


# ------------------------------------------------------------------ enumeration


def test_every_siasar_division_is_enumerated_with_a_unique_valid_id():
    divs = national.national_divisions(ROOT)
    assert len(divs) == 860
    assert divs["district_id"].is_unique
    assert all(DISTRICT_ID.match(i) for i in divs["district_id"])
    row = divs.set_index("division").loc[TACABAMBA]
    assert row["district_id"] == "cajamarca_chota_tacabamba" and row["systems"] == 15


def test_district_id_keeps_department_and_province_and_folds_accents():
    assert national.district_id("LIMA,YAUYOS,VIÑAC") == "lima_yauyos_vinac"
    assert national.district_id("CUSCO,CHUMBIVILCAS,SANTO TOMAS") == "cusco_chumbivilcas_santo_tomas"


# ------------------------------------------------------------------ a handful of districts


def test_handful_completes_or_fails_with_a_reason(few):
    comparison, per = few
    assert list(per) == ["cusco_chumbivilcas_santo_tomas", "cajamarca_chota_tacabamba",
                         "amazonas_bagua_copallin", "loreto_maynas_mazan"]
    assert set(comparison["district"]) == set(per)
    st = comparison.set_index("district")
    ok = st.loc["cusco_chumbivilcas_santo_tomas"]
    assert ok["status"] == "ok" and ok["reason"] == ""
    # SIASAR: 30 systems in Santo Tomás, all with figures (test_siasar.py); each community's
    # population is what its systems serve, so water access is NOT computed (issue 11: it was
    # 100.0 % by construction) and has no rank
    assert ok["systems"] == 30 and ok["siasar_systems"] == 30
    assert pd.isna(ok["water_basic_or_better_pct"]) and pd.isna(ok["rank_water"])
    assert pd.isna(ok["water_known_population"])
    assert bool(ok["draft"]) is True  # the census is a stand-in: every national district is a draft
    assert ok["partial_indices"] == 30  # G and O are not in SIASAR: every index is partial
    assert pd.isna(ok["sanitation_basic_or_better_pct"])  # sanitation not surveyed: not computed, not 0
    assert sum(ok[f"systems_{k}"] for k in ("A", "B", "C", "D", "unclassified")) == 30
    bad = st.loc["loreto_maynas_mazan"]
    assert bad["status"] == "failed" and bad["failure_kind"] == national.FAILURE_NO_INVENTORY
    assert "9 system(s)" in bad["reason"]
    assert pd.isna(bad["population_base"]) and pd.isna(bad["need_rank"])
    fails = national_report.failures_table(per)
    assert list(fails["district"]) == ["loreto_maynas_mazan"]


def test_need_rank_orders_completed_districts(few):
    comparison, _ = few
    done = comparison[comparison["status"] == "ok"]
    assert done["need_rank"].notna().all()
    # need_score = mean of the need ranks the district has
    ranks = done[["rank_water", "rank_sanitation", "rank_sustainability", "rank_funding_gap"]].astype(float)
    assert np.allclose(done["need_score"], ranks.mean(axis=1, skipna=True))
    assert sorted(done["need_rank"].tolist())[0] == 1


def test_in_memory_district_equals_the_scaffolded_files(tmp_path, few):
    """The national build (no files) gives the parameters and figures of `propilas new --from-siasar`."""
    from propilas.inputs.scaffold import scaffold_from_siasar
    from propilas.inputs.siasar import default_files, load_siasar_cached
    from propilas.inputs.validation import load_inputs

    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / "defaults.yaml", tmp_path / "params" / "defaults.yaml")
    did = "cusco_chumbivilcas_santo_tomas"
    scaffold_from_siasar(tmp_path, did, SANTO_TOMAS, siasar_df=load_siasar_cached(default_files(ROOT)))
    from_files = load_params(did, tmp_path / "params")
    state = national._load_state(ROOT, None, "es")
    row = state.divisions.set_index("division").loc[SANTO_TOMAS].copy()
    row["division"] = SANTO_TOMAS
    comm, ws, params = national.district_from_siasar(row, state.groups[SANTO_TOMAS], state.defaults, "es")
    assert params.model_dump() == from_files.model_dump()
    found = load_inputs(did, tmp_path / "params", tmp_path / "data")
    assert found.ok, found.problems
    tables = national.compute_district(found.tables["communities"], found.tables["water_systems"], from_files)
    summary = json.loads(json.dumps(tables["summary.json"], default=str))
    row = few[0].set_index("district").loc[did]
    for key in ("population_base", "population_horizon", "systems", "partial_indices", "mean_sustainability_index",
                "investment_total_pen", "funding_gap_pen", "water_basic_or_better_pct"):
        assert summary[key] == row[key] or (summary[key] is None and pd.isna(row[key])), key
    assert " ".join(summary["top_priorities"]) == row["top_priorities"]


def test_input_errors_fail_the_district_as_the_notebook_run_would(tmp_path, monkeypatch):
    """check_inputs reports what `propilas validate` reports on the scaffolded CSV, row numbers included."""
    from propilas.inputs.scaffold import scaffold_from_siasar
    from propilas.inputs.siasar import default_files, load_siasar_cached
    from propilas.inputs.validation import load_inputs

    bad = "CAJAMARCA,CAJABAMBA,CAJABAMBA"  # a SIASAR system at altitude 36,678 m (read as unknown since issue 11)
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / "defaults.yaml", tmp_path / "params" / "defaults.yaml")
    scaffold_from_siasar(tmp_path, "cajabamba", bad, siasar_df=load_siasar_cached(default_files(ROOT)))
    found = load_inputs("cajabamba", tmp_path / "params", tmp_path / "data")
    state = national._load_state(ROOT, None, "es")
    row = state.divisions.set_index("division").loc[bad].copy()
    row["division"] = bad
    comm, ws, params = national.district_from_siasar(row, state.groups[bad], state.defaults, "es")
    mine = national.check_inputs(comm, ws, params)
    tables = [p for p in found.problems if p.file in ("communities.csv", "water_systems.csv")]  # not params notes
    assert [str(p) for p in mine] == [str(p) for p in tables]
    # the impossible altitude is listed in the data-quality table and read as unknown: no input error
    assert not any(p.severity == "error" for p in mine)
    dq = comm.attrs["data_quality"]
    assert ((dq["problem"] == "implausible_altitude") & (dq["value"] == "36678")).any()
    # an input error the validation reports still fails the district, with the row
    from propilas.inputs.tableio import Problem

    real = national.check_inputs
    monkeypatch.setattr(national, "check_inputs", lambda c, w, p: real(c, w, p) + [
        Problem("error", "communities.csv", 3, "altitude_m", 36678, "must be between -100 and 7000")])
    comparison, per = national.national_tables([bad], root=ROOT)
    rec = per["cajamarca_cajabamba_cajabamba"]
    assert rec["status"] == "failed" and rec["failure_kind"] == national.FAILURE_INPUTS
    # in the national report's language (Spanish by default; issue 13 §2), naming row and column
    assert "columna altitude_m" in rec["reason"] and "fila 3" in rec["reason"], rec["reason"]
    assert rec["reason"].startswith("1 error(es) de entrada"), rec["reason"]
    _, per = national.national_tables([bad], root=ROOT, validate=False)  # exploring only
    assert per["cajamarca_cajabamba_cajabamba"]["status"] == "ok"


def test_compute_district_gives_every_registry_table_and_names_a_failing_stage(monkeypatch):
    from propilas.stages import sustainability
    from propilas.inputs.validation import load_inputs

    found = load_inputs("santo_tomas", ROOT / "params", ROOT / "data")
    params = load_params("santo_tomas", ROOT / "params")
    tables = national.compute_district(found.tables["communities"], found.tables["water_systems"], params)
    assert set(tables) == {w for s in STAGES for w in s.writes}

    def boom(inputs, params):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(sustainability, "compute", boom)
    with pytest.raises(StageError, match=r"^stage 02_sustainability: ZeroDivisionError: division by zero$"):
        national.compute_district(found.tables["communities"], found.tables["water_systems"], params)
    comparison, per = national.national_tables([TACABAMBA, "AMAZONAS,BAGUA,COPALLIN"], root=ROOT)
    assert {r["status"] for r in per.values()} == {"failed"}  # recorded, not raised
    assert {r["failure_kind"] for r in per.values()} == {"stage 02_sustainability: ZeroDivisionError"}


def test_unknown_division_is_refused():
    from propilas.core.errors import PropilasError

    with pytest.raises(PropilasError, match="no division"):
        national.national_tables(["CAJAMARCA,CHOTA,NOWHERE"], root=ROOT)


# ------------------------------------------------------------------ roll-ups (hand-computed)


def _toy() -> pd.DataFrame:
    return pd.DataFrame({
        "district": ["a", "b", "c", "d"],
        "department": ["X", "X", "X", "Y"],
        "province": ["P", "Q", "Q", "R"],
        "status": ["ok", "ok", "failed", "ok"],
        "systems": [10, 30, np.nan, 5],
        "systems_A": [2, 10, np.nan, 0], "systems_B": [3, 10, np.nan, 5], "systems_C": [5, 10, np.nan, 0],
        "systems_D": [0, 0, np.nan, 0], "systems_unclassified": [0, 0, np.nan, 0],
        "partial_indices": [10, 15, np.nan, 0],
        "population_base": [100, 300, np.nan, 50],
        "water_basic_or_better_population": [100, 150, np.nan, 50],
        "water_known_population": [100, 300, np.nan, 50],
    })


def test_rollup_by_department_hand_computed():
    g = national_report.rollup(_toy(), ["department"]).set_index("department")
    x = g.loc["X"]
    # X: districts a, b (ok) and c (failed); systems 10 + 30 = 40; A 2 + 10 = 12
    assert (x["districts"], x["completed"], x["failed"], x["systems"], x["systems_A"]) == (3, 2, 1, 40, 12)
    # partial 10 + 15 = 25 of 40 systems = 62.5 %
    assert x["partial_share_pct"] == 62.5
    # water basic or better, population-weighted: (100 + 150) / (100 + 300) = 62.5 %
    # (the mean of the districts' 100 % and 50 % would say 75 %: wrong for the department)
    assert x["population_base"] == 400 and x["water_basic_or_better_pct"] == 62.5
    y = g.loc["Y"]
    assert y["partial_share_pct"] == 0.0 and y["water_basic_or_better_pct"] == 100.0
    t = g.loc["TOTAL"]
    # all: 45 systems, 25 partial → 55.6 %; served 300 of 450 people → 66.7 %
    assert (t["districts"], t["failed"], t["systems"]) == (4, 1, 45)
    assert t["partial_share_pct"] == 55.6 and t["water_basic_or_better_pct"] == 66.7


def test_rollup_weights_water_over_known_populations_only():
    """Issue 11: a district whose water access is not computed (served population only) adds
    nothing to the water % of its group — neither its people nor a 100 %."""
    toy = _toy()
    toy.loc[1, "water_known_population"] = np.nan  # b: access not computed
    toy.loc[1, "water_basic_or_better_population"] = np.nan
    x = national_report.rollup(toy, ["department"]).set_index("department").loc["X"]
    assert x["water_basic_or_better_pct"] == 100.0  # a alone: 100 / 100
    toy.loc[0, ["water_known_population", "water_basic_or_better_population"]] = np.nan
    x = national_report.rollup(toy, ["department"]).set_index("department").loc["X"]
    assert pd.isna(x["water_basic_or_better_pct"])  # none known: not computed, never 0 or 100
    avail = national_report.data_availability(toy).set_index("data")["districts"]
    assert (avail["planned"], avail["refused"], avail["water"], avail["water_not"]) == (3, 1, 0, 3)


def test_rollup_by_province_keeps_department():
    g = national_report.rollup(_toy(), ["department", "province"])
    q = g[(g["department"] == "X") & (g["province"] == "Q")].iloc[0]
    # b ok (30 systems, 15 partial → 50 %), c failed
    assert (q["districts"], q["completed"], q["systems"], q["partial_share_pct"]) == (2, 1, 30, 50.0)
    assert g.iloc[-1]["department"] == "TOTAL"


def test_need_ranking_hand_computed():
    df = pd.DataFrame({"district": ["a", "b", "c"], "rank_water": [1, 1, 1], "rank_sanitation": [None] * 3,
                       "rank_sustainability": [3, 1, 2], "rank_funding_gap": [1, 3, 2]})
    out = national.need_ranking(df).set_index("district")
    # a: (1+3+1)/3 = 5/3; b: (1+1+3)/3 = 5/3; c: (1+2+2)/3 = 5/3 → all tie at rank 1
    assert list(out["need_rank"]) == [1, 1, 1]
    df.loc[2, "rank_funding_gap"] = 1  # c: (1+2+1)/3 = 4/3 → rank 1, a and b rank 2
    out = national.need_ranking(df).set_index("district")
    assert out.loc["c", "need_rank"] == 1 and out.loc["a", "need_rank"] == 2 and out.loc["b", "need_rank"] == 2


def test_water_basic_or_better_population():
    ld = pd.DataFrame({"service": ["water"] * 3 + ["sanitation"], "rung": ["safely_managed", "basic", "limited", "basic"],
                       "population": [10.0, 20.0, 5.0, 99.0]})
    assert national.water_basic_or_better_population(ld) == 30.0  # 10 + 20, not limited, not sanitation


# ------------------------------------------------------------------ CLI and report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="propilas")
    sub = p.add_subparsers(dest="command", required=True)
    national_cmd.register(sub)
    return p


@pytest.mark.parametrize("language,limit", [("es", 40), ("en", 12)])
def test_cli_limit_writes_csv_and_html_with_rollups(tmp_path, monkeypatch, capsys, language, limit):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "nat"
    args = _parser().parse_args(["national", "--out", str(out), "--workers", "2", "--limit", str(limit),
                                 "--language", language, "--quiet"])
    assert args.func(args) == 0
    csv = pd.read_csv(out / "national_comparison.csv", dtype={"district": str})
    assert len(csv) == limit and csv["district"].is_unique
    assert {"status", "reason", "division", "need_rank", "water_basic_or_better_population"} <= set(csv.columns)
    page = (out / "national.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3  # self-contained charts: 2 charts + the need map
    assert "alt='Mapa del Perú por distrito" in page or "alt='Map of Peru by district" in page
    assert "<script" not in page and "src='http" not in page
    assert "TOTAL" in page and "Amazonas" in page  # department roll-up (the first districts are in Amazonas)
    assert int(national_report.rollup(csv, ["department"]).iloc[-1]["districts"]) == limit
    assert "CC BY 4.0" in page and "openwashdata" in page  # attribution
    assert ("PARCIAL" in page) if language == "es" else ("PARTIAL" in page)
    heading = "distritos con más necesidad" if language == "es" else "districts most in need"
    assert heading in page
    printed = capsys.readouterr().out
    assert "national.html" in printed and (f"{limit} distritos" in printed or f"{limit} districts" in printed)


def test_report_escapes_names_and_lists_failures(tmp_path):
    comp = national.need_ranking(pd.DataFrame({
        "district": ["evil", "gone"], "name": ["<script>alert(1)</script>", "Gone"],
        "department": ["<b>X</b>", "Y"], "province": ["P", "Q"], "division": ["X,P,EVIL", "Y,Q,GONE"],
        "status": ["ok", "failed"], "reason": ["", "SIASAR gives no community <none>"],
        "failure_kind": ["", national.FAILURE_NO_INVENTORY], "siasar_systems": [1, 2],
        "systems": [1, np.nan], "systems_A": [1, np.nan], "systems_B": [0, np.nan], "systems_C": [0, np.nan],
        "systems_D": [0, np.nan], "systems_unclassified": [0, np.nan], "partial_indices": [1, np.nan],
        "population_base": [10, np.nan], "water_basic_or_better_population": [10, np.nan],
        "mean_sustainability_index": [3.6, np.nan], "rank_sustainability": [1, None],
        "rank_funding_gap": [1, None], "rank_water": [1, None], "rank_sanitation": [None, None],
    }))
    paths = national_report.write_national_report(tmp_path, comp, comp, "en")
    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>X</b>" not in page
    assert "could not be planned: 1" in page and "&lt;none&gt;" in page


# ------------------------------------------------------------------ equality with the notebook run


@pytest.mark.e2e
def test_in_process_pipeline_equals_the_notebook_run(tmp_path):
    """Same params, same inputs: compute_district's figures are the notebooks' (summary.json and tables)."""
    from propilas.run.batch import run_batch
    from propilas.inputs.stage_tables import read_output
    from propilas.run.runner import RunConfig
    from propilas.inputs.validation import load_inputs

    district = "santo_tomas"
    manifest = run_batch([district], RunConfig.create(ROOT, tmp_path / "out"), show_progress=False)
    assert manifest["districts"][district]["status"] == "completed"
    found = load_inputs(district, ROOT / "params", ROOT / "data")
    tables = national.compute_district(found.tables["communities"], found.tables["water_systems"],
                                       load_params(district, ROOT / "params"), validation=found.report())
    ref = json.loads((tmp_path / "out" / district / "summary.json").read_text(encoding="utf-8"))
    mine = json.loads(json.dumps(tables["summary.json"], ensure_ascii=False, default=str))
    assert mine == ref
    for name in ("water_ladder", "sanitation_ladder", "ladder_district", "sustainability", "sustainability_by_class",
                 "gaps", "priorities", "sensitivity", "investment_plan", "trajectory", "monitoring"):
        expected = read_output(tmp_path / "out", district, name)
        got = tables[name].copy()
        for col in got.columns:  # what the notebook writer does to yes/no columns
            if str(got[col].dtype) == "boolean":
                got[col] = got[col].map({True: "yes", False: "no"}).astype(object)
        got = pd.read_csv(__import__("io").StringIO(got.to_csv(index=False)),
                          dtype={c: "string" for c in ("community_id", "system_id", "item_id")})
        for c in ("community_id", "system_id", "item_id"):
            if c in got.columns:
                got[c] = got[c].astype(object).where(got[c].notna(), None)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=name)
