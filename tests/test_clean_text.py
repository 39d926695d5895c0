"""Nothing code-like reaches a reader (issue 13 §1).

Fast tests: flag codes read as sentences through the catalogue (core/codes.py), code columns read
labels, a missing table cell reads "sin dato" (never <NA>, nan or None), a failed stage's page
states the reason and the next step with the traceback folded.

One end-to-end batch (marked e2e) runs a pilot district (utco), a SIASAR district (santo_tomas)
and a broken copy of the fixture (an unknown community id) in a temporary project, and scans the
visible text of every page (provenance and the folded traceback excluded) and every cell of every
sheet of tables.xlsx for nan, NaN, <NA>, None, inf, TODO and raw codes (built from the catalogue's
code keys: interventions, funding sources, statuses, actors, commitments, lights, rungs, data
sources and the flag prefixes).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT
from propilas.core.codes import flag_sentence, flags_text
from propilas.core.labels import catalogue

FIX = ROOT / "tests" / "fixtures"
BAD_TOKEN = re.compile(r"(?<![\w-])(nan|NaN|<NA>|None|inf|TODO)(?![\w-])")
CODE_KINDS = ("intervention", "source", "status", "actor", "commitment", "light", "rung", "data_source",
              "dq_problem", "dq_action", "target_reason")
# single-word codes that are not Spanish words: looked for in running text too (others only as a
# whole table cell: 'municipal' and 'regional' are also Spanish adjectives)
ENGLISH_WORDS = ("funded", "unfunded", "municipality", "illustrative", "national", "health_post")


def raw_codes() -> set[str]:
    out = set()
    for key in catalogue():
        kind, _, code = key.partition(".")
        if kind in CODE_KINDS and code and "." not in code:
            out.add(code)
    return out


def flag_prefixes() -> set[str]:
    return {key.split(".")[1] for key in catalogue() if key.startswith("flag.") and key.count(".") >= 1
            and key.split(".")[1] != "other"}


def code_problems(text: str, where: str, whole_cell: bool = False) -> list[str]:
    """nan/None/inf/TODO tokens and raw codes in one text (a page's visible text or a cell)."""
    codes = raw_codes()
    found = []
    for m in BAD_TOKEN.finditer(text):
        found.append(f"{where}: {m.group(0)!r} in …{text[max(0, m.start() - 60):m.end() + 30]}…")
    if whole_cell and text.strip() in codes:
        found.append(f"{where}: raw code {text.strip()!r}")
    for code in sorted(c for c in codes if "_" in c or c in ENGLISH_WORDS):
        for m in re.finditer(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            found.append(f"{where}: raw code {code!r} in …{text[max(0, m.start() - 60):m.end() + 30]}…")
    for prefix in flag_prefixes():
        for m in re.finditer(rf"(?<![\w-]){re.escape(prefix)}:", text):
            found.append(f"{where}: flag code {prefix!r} in …{text[max(0, m.start() - 60):m.end() + 40]}…")
    return found


def page_problems(path: Path, root: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    for tag in soup.select("details.provenance, details.propilas-traceback, code"):
        tag.decompose()  # provenance and traceback are for the consultant; `code` is a command or file to type
    where = str(path.relative_to(root))
    found = []
    for cell in soup.find_all(["td", "th"]):
        found += code_problems(cell.get_text(" ", strip=True), where + " (table cell)", whole_cell=True)
        cell.decompose()
    return found + code_problems(soup.get_text(" "), where)


def workbook_problems(path: Path, root: Path) -> list[str]:
    import openpyxl

    found = []
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    found += code_problems(v, f"{path.relative_to(root)}[{ws.title}]", whole_cell=True)
                elif isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                    found.append(f"{path.relative_to(root)}[{ws.title}]: {v!r}")
    return found


# --------------------------------------------------------------------------- fast


def test_flag_codes_read_as_sentences():
    assert flag_sentence("missing:state_catchment", "es") == "falta el estado de la captación"
    assert flags_text("missing:state_catchment; missing_component:G; partial_index", "es") == (
        "falta el estado de la captación; componente G (gestión) sin calcular (le faltan datos); "
        "índice de sostenibilidad parcial (sin algún componente)")
    assert flag_sentence("partial_index:S147497", "es") == "índice de sostenibilidad parcial del sistema S147497"
    assert flag_sentence("unclassified_system:S9", "en").startswith("system S9 unclassified")
    assert flag_sentence("insufficient_evidence:O", "es") == (
        "muy pocos datos para calcular el componente O (operación y mantenimiento)")
    assert flag_sentence("not_computed:safely_managed", "es").startswith("no se puede saber")
    assert flag_sentence("works_not_needed:infrastructure_sound", "en").startswith("infrastructure sound")
    assert flag_sentence("water_gap:neutral", "es") == "Brecha de agua: valor neutro"  # a fallback
    assert flag_sentence("missing_communities:3", "es") == "3 comunidad(es) sin dato no cuentan"
    assert flags_text(float("nan"), "es") == "" and flags_text("", "es") == ""


FLAG_CODES = [
    "missing:state_catchment", "missing:state_conduction", "missing:state_reservoir", "missing:state_distribution",
    "missing:hours_per_day", "missing:dry_season", "missing:chlorination", "missing:residual_chlorine_mg_l",
    "missing:jass_recognised", "missing:jass_board_active", "missing:fee_charged", "missing:fee_collection_rate",
    "missing:maintenance_plan", "missing:trained_operator", "missing:reservoir_cleanings_per_year",
    "missing:households_connected", "missing:water_ladder", "missing:sanitation_ladder", "missing:population",
    "missing:water_gap", "missing:water_round_trip_min", "missing_component:E", "missing_component:G",
    "missing_component:O", "insufficient_evidence:E", "insufficient_evidence:G", "insufficient_evidence:O",
    "partial_index", "partial_index:S1", "partial_indices:2", "unclassified_system:S1", "unclassified_excluded:2",
    "no_classified_systems", "missing_communities:1", "not_computed:safely_managed",
    "not_computed:community_population", "works_not_needed:infrastructure_sound",
    "infrastructure_unknown:class_rule", "extension_not_assessed:missing_households_connected",
    "sustainability_deficit:no_index", "beneficiaries_or_cost:unknown", "cost_per_beneficiary:no_beneficiaries",
    "readiness:unknown", "readiness:partial", "beneficiaries:no_horizon_population",
    *[f"nan_criterion:{c}" for c in ("water_gap", "sanitation_gap", "sustainability_deficit", "poverty",
                                     "beneficiaries", "cost_per_beneficiary", "readiness")],
    *[f"{c}:neutral" for c in ("water_gap", "sanitation_gap", "poverty", "beneficiaries", "readiness")],
    "poverty:district_rate",
]


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_flag_the_method_writes_has_a_sentence(language):
    """Every flag code written by method/*.py has its own sentence: none falls back to 'observación:',
    none shows the code or an underscore."""
    for code in FLAG_CODES:
        text = flag_sentence(code, language)
        assert not text.startswith(("observación", "note:")), code
        assert "_" not in text and ":" + code.partition(":")[2] not in text, (code, text)


def test_table_cells_show_labels_and_sin_dato():
    from propilas.report.render import table_html

    df = pd.DataFrame({"system_id": ["S1", "S2"],
                       "qualifies_safely_managed": pd.array([pd.NA, False], dtype="boolean"),
                       "flags": ["missing:hours_per_day", ""], "item": ["atm_budget", "role"],
                       "actor": ["municipality", "health_post"], "source": ["illustrative", "municipal"],
                       "detail": [None, "x"], "amount_pen": [42000.0, float("nan")]})
    page = table_html(df, "es")
    for bad in ("&lt;NA&gt;", "<NA>", "nan", "None", "atm_budget", "municipality", "health_post", "missing:",
                "illustrative", ">municipal<", ">—<"):
        assert bad not in page, bad
    for good in ("falta el número de horas de servicio al día", "Presupuesto de la ATM", "Puesto de salud",
                 "Municipalidad distrital", ">municipalidad<", ">sin dato<", ">no<", "42\u00a0000"):
        assert good in page, good


def test_failed_stage_page_gives_reason_next_step_and_folds_the_traceback():
    import nbformat

    from propilas.report.failed_page import failed_notebook

    nb = nbformat.v4.new_notebook()
    banner = nbformat.v4.new_markdown_cell("<span style='color:red'>An Exception was encountered at cell 4</span>")
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    cell = nbformat.v4.new_code_cell("ctx.inputs()")
    cell.outputs = [nbformat.v4.new_output("error", ename="DataError", evalue="district 'x': 1 input error(s)",
                                           traceback=["\x1b[0;31mDataError\x1b[0m Traceback (most recent call last)",
                                                      "DataError: district 'x'"])]
    nb.cells = [banner, cell]
    reason = "DataError: district 'x': 1 input error(s):\nERROR water_systems.csv, row 5, column community_id"
    page = failed_notebook(nb, reason, "x", "Perfil del distrito", "es")
    first = page.cells[0].source
    assert "La etapa «Perfil del distrito» no se pudo completar" in first
    assert "<li>district &#x27;x&#x27;: 1 input error(s):</li>" in first  # without 'DataError:'
    assert "ERROR water_systems.csv, row 5, column community_id" in first
    assert "<code>propilas validate x</code>" in first
    details = re.search(r"<details class='propilas-traceback'>(.*)</details>", first, re.S)
    assert details and "Traceback (most recent call last)" in details.group(1) and "\x1b" not in first
    assert "open" not in first.split("<details")[1].split(">")[0]  # closed
    assert "Traceback" not in first.split("<details")[0]
    assert all("An Exception" not in c.source for c in page.cells)
    assert all(o.get("output_type") != "error" for c in page.cells if c.cell_type == "code" for o in c.outputs)


# --------------------------------------------------------------------------- one batch (e2e)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """utco (pilot), santo_tomas (SIASAR) and 'broken' (the fixture with system S4 pointing at an
    unknown community, in Spanish) in one batch in a temporary project."""
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    base = tmp_path_factory.mktemp("clean")
    params, data, out = base / "params", base / "data", base / "out"
    params.mkdir()
    data.mkdir()
    shutil.copy(ROOT / "params" / "defaults.yaml", params / "defaults.yaml")
    for d in ("utco", "santo_tomas"):
        shutil.copy(ROOT / "params" / f"{d}.yaml", params / f"{d}.yaml")
        shutil.copytree(ROOT / "data" / d, data / d)
    for shared in ("peru-boundaries", "peru-districts", "siasar-peru"):
        if (ROOT / "data" / shared).exists():
            shutil.copytree(ROOT / "data" / shared, data / shared)
    text = (FIX / "params" / "fixture.yaml").read_text(encoding="utf-8")
    text = text.replace("district: fixture", "district: broken").replace("language: en", "language: es")
    (params / "broken.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "tests" / "bad_inputs" / "unknown_community" / "data" / "fixture", data / "broken")
    cfg = RunConfig.create(root=ROOT, out_dir=out, params_dir=params, data_dir=data)
    manifest = run_batch(["utco", "santo_tomas", "broken"], cfg, workers=2, show_progress=False)
    return manifest, out


@pytest.mark.e2e
def test_no_page_shows_nan_none_or_raw_codes(clean_run):
    manifest, out = clean_run
    assert manifest["districts"]["utco"]["status"] == "completed"
    assert manifest["districts"]["santo_tomas"]["status"] == "completed"
    assert manifest["districts"]["broken"]["status"] == "failed"
    pages = sorted(out.rglob("*.html"))
    assert {p.parent.name for p in pages} >= {"utco", "santo_tomas", "broken"}
    found = [x for p in pages for x in page_problems(p, out)]
    assert not found, f"{len(found)} code-like texts:\n" + "\n".join(found[:40])


@pytest.mark.e2e
def test_no_workbook_cell_shows_nan_none_or_raw_codes(clean_run):
    _, out = clean_run
    books = sorted(out.rglob("tables.xlsx"))
    assert {b.parent.name for b in books} == {"utco", "santo_tomas"}
    found = [x for b in books for x in workbook_problems(b, out)]
    assert not found, f"{len(found)} code-like cells:\n" + "\n".join(found[:40])


@pytest.mark.e2e
def test_failed_stage_page_for_people(clean_run):
    from bs4 import BeautifulSoup

    _, out = clean_run
    page = (out / "broken" / "00_profile.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "lxml")
    notice = soup.select_one(".propilas-failed")
    assert notice is not None
    text = notice.get_text(" ")
    assert "no se pudo completar" in text and "el id de comunidad no figura en communities" in text  # Spanish page, Spanish rule
    assert "propilas validate broken" in text
    tb = soup.select_one("details.propilas-traceback")
    assert tb is not None and not tb.has_attr("open") and "Traceback" in tb.get_text()
    tb.decompose()
    visible = soup.get_text(" ")
    assert "Traceback" not in visible and "An Exception was encountered" not in visible
    assert "papermill" not in visible.lower()


@pytest.mark.e2e
def test_workbook_is_for_people(clean_run):
    import openpyxl

    _, out = clean_run
    wb = openpyxl.load_workbook(out / "santo_tomas" / "tables.xlsx")
    assert wb.sheetnames[0] == "Índice"
    listed = {r[0] for r in wb["Índice"].iter_rows(values_only=True) if r and r[0]}
    assert set(wb.sheetnames[1:]) <= listed
    from propilas.report.excel_export import FMT_RATE, FMT_SHARE, FMT_WHOLE

    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes in ("A2", "B2"), ws.title
        header = [c.value for c in ws[1]]
        assert not [h for h in header if h and "_" in str(h)], (ws.title, header)  # no column name left
        for col in ws.iter_cols(min_row=2, max_row=min(ws.max_row, 40)):
            nums = [c for c in col if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
            assert all(c.number_format != "General" for c in nums), (ws.title, nums[0].coordinate)
        assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r), ws.title
    plan = wb["investment_plan"]
    head = [c.value for c in plan[1]]
    col = {h: i for i, h in enumerate(head)}
    row2 = list(plan.iter_rows(min_row=2, max_row=2))[0]
    assert row2[col["Costo (S/)"]].number_format == FMT_WHOLE
    gaps = wb["gaps"]
    head = [c.value for c in gaps[1]]
    row2 = list(gaps.iter_rows(min_row=2, max_row=2))[0]
    assert row2[head.index("Meta (%)")].number_format == FMT_SHARE
    com = wb["communities"]
    head = [c.value for c in com[1]]
    assert "Población (personas)" in head
    pov = [r[head.index("Pobreza (%)")] for r in com.iter_rows(min_row=2)]
    assert all(c.number_format == FMT_RATE for c in pov if c.value is not None)  # a rate 0-1 shown as %
