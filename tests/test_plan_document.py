"""plan.docx (report/plan_document.py): the district plan as an editable Word document.

The unit tests compute a real district (Lajas: SIASAR + illustrative rows, a real boundary) in
memory with the stages' own `compute`, write its tables as the notebooks do, build the document
and open it with python-docx. The e2e test runs the fixture district through `run_batch`.
"""

from __future__ import annotations

import json
import shutil

import pytest
from docx import Document

from helpers import ROOT
from propilas.core.labels import t
from propilas.core.params import load_params
from propilas.core.paths import output_path
from propilas.core.registry import STAGES
from propilas.inputs.tableio import atomic_write_json, write_canonical_csv
from propilas.inputs.validation import load_inputs
from propilas.method.money import money_text
from propilas.report.plan_document import build_plan_document
from propilas.run.national import compute_district

DISTRICT = "lajas"
HEADINGS = ("plan.h.vision", "plan.h.diagnosis", "plan.h.priorities", "plan.h.investment", "plan.h.sheets",
            "plan.h.commitments", "plan.h.monitoring", "plan.h.sources", "plan.h.approval")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """outputs/lajas/ as a run writes it (tables/*.csv and summary.json), computed in memory."""
    out = tmp_path_factory.mktemp("out")
    p = load_params(DISTRICT, ROOT / "params")
    found = load_inputs(DISTRICT, ROOT / "params", ROOT / "data")
    tables = compute_district(found.tables["communities"], found.tables["water_systems"], p)
    for st in STAGES:
        for name in st.writes:
            path = output_path(out, DISTRICT, name)
            if path.suffix == ".json":
                atomic_write_json(tables[name], path)
            else:
                write_canonical_csv(tables[name], path)
    return out


def text_of(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for tbl in doc.tables:
        for row in tbl.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def build(out, language="es", name="plan.docx"):
    path = build_plan_document(out, DISTRICT, ROOT / "params", ROOT / "data", path=out / DISTRICT / name,
                               language=language, run_id="test")
    return path, Document(str(path))


def test_plan_docx_has_its_headings_district_funding_gap_and_top_priorities(out):
    path, doc = build(out)
    assert path.name == "plan.docx"
    summary = json.loads((out / DISTRICT / "summary.json").read_text())
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for key in HEADINGS:
        assert t(key, "es") in headings, key
    body = text_of(doc)
    assert "Distrito de Lajas" in body
    assert summary["funding_gap_pen"] > 0
    assert money_text(summary["funding_gap_pen"], "es") in body  # the same figure as summary.json, in Spanish format
    names = {}
    import pandas as pd

    comm = pd.read_csv(out / DISTRICT / "tables" / "communities.csv")
    names = dict(zip(comm["community_id"], comm["name"]))
    prio_table = next(tb for tb in doc.tables if tb.rows[0].cells[0].text == t("col.rank", "es"))
    listed = [r.cells[1].text for r in prio_table.rows[1:]]
    top = [names[c] for c in summary["top_priorities"]]
    assert listed[: len(top)] == top
    # the vision of the workshop, and no code or unknown marker a reader should not see
    p = load_params(DISTRICT, ROOT / "params")
    assert p.workshop.vision in body
    for bad in ("nan", "NaN", "<NA>", "None", "atm_budget", "municipality"):
        assert bad not in body.split(), bad


def test_charts_are_embedded_with_alt_text_and_the_map_says_mapa_de(out):
    _, doc = build(out)
    shapes = doc.inline_shapes
    assert len(shapes) >= 4  # coverage, classes, the plan map, investment by year
    descr = [s._inline.docPr.get("descr") for s in shapes]
    assert all(descr)
    assert any(d.startswith("Mapa de Lajas") for d in descr)
    # print size: the width of the text column (16 cm)
    assert all(abs(s.width.cm - 16.0) < 0.05 for s in shapes)


def test_english_document_and_draft_band(out):
    _, doc = build(out, "en", "plan_en.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert t("plan.h.investment", "en") in headings
    assert "DRAFT" not in text_of(doc)
    summary_path = out / DISTRICT / "summary.json"
    saved = summary_path.read_text()
    try:
        s = json.loads(saved)
        s.update(draft=True, placeholders=["ubigeo"])
        summary_path.write_text(json.dumps(s))
        _, draft = build(out, "es", "plan_draft.docx")
    finally:
        summary_path.write_text(saved)
    band = draft.tables[0].rows[0].cells[0].text
    assert band.startswith("BORRADOR")
    assert t("draft.item.ubigeo", "es") in band


def test_not_produced_for_a_failed_district(out, tmp_path):
    from propilas.run.batch import write_plan_document
    from propilas.run.runner import FAILED, OK, RunConfig, StageResult

    shutil.copytree(out / DISTRICT, tmp_path / DISTRICT)
    cfg = RunConfig.create(ROOT, tmp_path)
    stale = tmp_path / DISTRICT / "plan.docx"
    stale.write_bytes(b"old")
    failed = [StageResult(DISTRICT, s.name, OK if s.id < "04" else FAILED) for s in STAGES]
    write_plan_document(cfg, DISTRICT, failed)
    assert not stale.exists()
    done = [StageResult(DISTRICT, s.name, OK) for s in STAGES]
    write_plan_document(cfg, DISTRICT, done)
    assert Document(str(stale)).paragraphs  # a real document again


@pytest.mark.e2e
def test_batch_writes_plan_docx_and_a_printable_report(tmp_path):
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    fix = ROOT / "tests" / "fixtures"
    src = tmp_path / "src"
    shutil.copytree(fix / "params", src / "params")
    shutil.copytree(fix / "data", src / "data")
    cfg = RunConfig.create(ROOT, tmp_path / "out", params_dir=src / "params", data_dir=src / "data")
    manifest = run_batch(["fixture"], cfg, workers=1, show_progress=False)
    assert manifest["exit_code"] == 0
    doc = Document(str(tmp_path / "out" / "fixture" / "plan.docx"))
    assert "Distrito de prueba" in text_of(doc) or "Fixture" in text_of(doc)
    report = (tmp_path / "out" / "fixture" / "report.html").read_text()
    assert "@media print" in report and "@page" in report
    assert report.count("propilas-stage-break") >= len(STAGES)
    assert "fixture/plan.docx" in (tmp_path / "out" / "index.html").read_text()
