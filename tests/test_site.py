"""Issue 13 §2-§4 without running notebooks: the language the CLI and pages speak, numbers for
people, chart colours, titles, descriptions and empty charts, the index and the page template."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pandas as pd
import pytest

from helpers import ROOT, make_params
from propilas.core.errors import PropilasError
from propilas.core.labels import catalogue, t
from propilas.core.language import resolve_language, resolve_languages
from propilas.core.numbers import fmt_decimal, fmt_int, fmt_share

NBSP = "\u00a0"


# --------------------------------------------------------------------------- language

@pytest.mark.parametrize("value, env, expected", [
    ("en", {"PROPILAS_LANG": "es", "LANG": "es_PE.UTF-8"}, ["en"]),      # --language wins
    ("es,en", {}, ["es", "en"]),
    (" EN , es ,en", {}, ["en", "es"]),                                   # case, spaces, repeats
    (None, {"PROPILAS_LANG": "en", "LANG": "es_PE.UTF-8"}, ["en"]),       # then PROPILAS_LANG
    (None, {"LANG": "en_GB.UTF-8"}, ["en"]),                              # then the locale
    (None, {"LC_ALL": "es_PE.UTF-8", "LANG": "en_US.UTF-8"}, ["es"]),     # LC_ALL before LANG
    (None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, ["es"]),     # first set variable decides
    (None, {"LANG": "C.UTF-8"}, ["es"]),                                  # no language in the locale
    (None, {}, ["es"]),                                                   # default Spanish
])
def test_language_resolution(value, env, expected):
    assert resolve_languages(value, env) == expected
    assert resolve_language(value, env) == expected[0]


@pytest.mark.parametrize("value, env", [("fr", {}), ("es,xx", {}), (None, {"PROPILAS_LANG": "english"})])
def test_an_unknown_language_is_refused_not_guessed(value, env):
    with pytest.raises(PropilasError, match="no es uno de es, en"):
        resolve_languages(value, env)


def test_cli_commands_answer_in_the_chosen_language(monkeypatch):
    from propilas.cli import build_parser, problem_text
    from propilas.inputs.tableio import Problem

    p = Problem("error", "communities.csv", 4, "population", "-3", "must be ≥ 0")
    assert problem_text(p, "es").startswith("ERROR communities.csv, fila 4, columna population: valor '-3':")
    assert problem_text(p, "en") == str(p)
    for cmd in (["validate"], ["list"], ["run"], ["new", "x"], ["diff", "a", "b"]):
        args = build_parser().parse_args(cmd + ["--language", "en"])
        assert args.language == "en", cmd
    from propilas.cli import _lang

    monkeypatch.setenv("PROPILAS_LANG", "en")
    assert _lang(build_parser().parse_args(["validate"])) == "en"
    monkeypatch.delenv("PROPILAS_LANG")
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert _lang(build_parser().parse_args(["list"])) == "es"


# --------------------------------------------------------------------------- numbers

def test_numbers_for_people_by_hand():
    assert fmt_int(12345.6, "es") == f"12{NBSP}346"
    assert fmt_int(12345.6, "en") == "12,346"
    assert fmt_int(564.08, "es") == "564"                     # never 564.08 persons
    assert fmt_int(394.3260869565217, "en") == "394"          # never 394.326… beneficiaries
    assert fmt_int(1234567, "es") == f"1{NBSP}234{NBSP}567"
    assert fmt_int(-2500, "en") == "-2,500"
    assert fmt_share(58.125, "es") == "58.1" and fmt_share(100, "en") == "100.0"
    assert fmt_decimal(3.14159, "es", 2) == "3.14"
    for unknown in (None, float("nan"), float("inf"), "12", True):
        assert fmt_int(unknown, "es") is None and fmt_share(unknown, "en") is None
    # sentences of the catalogue group thousands the same way
    assert "12" + NBSP + "345 personas" in t("nb.profile.growth", "es", y1=2007, y2=2017, p1=1, p2=2, dt=10, r=0.01,
                                              pbase=1, phor=2, base_year=2015, horizon_year=2030, n=3, total=12345)
    assert "12,345 persons" in t("nb.profile.growth", "en", y1=2007, y2=2017, p1=1, p2=2, dt=10, r=0.01,
                                 pbase=1, phor=2, base_year=2015, horizon_year=2030, n=3, total=12345)


def test_tables_show_persons_and_soles_whole_and_shares_with_one_decimal():
    from propilas.report.render import table_html

    df = pd.DataFrame({"community": ["La Laguna"], "gap_water": [564.08], "beneficiaries": [394.3260869565217],
                       "cost_pen": [1234567.4], "coverage_pct": [58.125], "score": [0.72]})
    html = table_html(df, "es", columns={"community": "col.community", "gap_water": "col.gap",
                                         "beneficiaries": "col.beneficiaries", "cost_pen": "col.cost_pen",
                                         "coverage_pct": "col.coverage_pct", "score": "col.score"})
    cells = re.findall(r"<td class='[a-z ]+'>([^<]*)</td>", html)
    assert cells == ["La Laguna", "564", "394", f"1{NBSP}234{NBSP}567", "58.1", "0.7"]


def test_a_long_flag_list_is_a_footnote_not_a_tall_row():
    from propilas.report.render import table_html

    flags = "; ".join(f"falta el dato {i}" for i in range(12))
    df = pd.DataFrame({"system_id": ["S1", "S2"], "flags": [flags, "—"]})
    html = table_html(df, "es", columns={"system_id": "col.system_id", "flags": "col.flags"})
    table, notes = html.split("</table>")
    assert "falta el dato 11" not in table and "nota 1" in table
    assert "<strong>S1</strong>: " in notes and "falta el dato 0" in notes and "falta el dato 11" in notes
    anchor = re.search(r"href='#([^']+)'", table).group(1)
    assert f"id='{anchor}'" in notes


# --------------------------------------------------------------------------- charts

def _lab(hex_colour: str, matrix=None) -> np.ndarray:
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:  # colour-vision deficiency (Machado, Oliveira & Fernandes 2009, severity 1)
        lin = np.clip(matrix @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    f = np.cbrt(xyz / np.array([0.95047, 1.0, 1.08883]))
    f = np.where(xyz / np.array([0.95047, 1.0, 1.08883]) > 0.008856, f,
                 7.787 * xyz / np.array([0.95047, 1.0, 1.08883]) + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _de2000(c1: np.ndarray, c2: np.ndarray) -> float:
    (L1, a1, b1), (L2, a2, b2) = c1, c2
    cb = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cb ** 7 / (cb ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0 if c1p * c2p == 0 else (h2 - h1 - 360 if h2 - h1 > 180 else h2 - h1 + 360 if h2 - h1 < -180 else h2 - h1)
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lb, cbp = (L1 + L2) / 2, (c1p + c2p) / 2
    hb = h1 + h2 if c1p * c2p == 0 else ((h1 + h2) / 2 if abs(h1 - h2) <= 180 else
                                         (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2)
    T = (1 - 0.17 * math.cos(math.radians(hb - 30)) + 0.24 * math.cos(math.radians(2 * hb))
         + 0.32 * math.cos(math.radians(3 * hb + 6)) - 0.20 * math.cos(math.radians(4 * hb - 63)))
    rt = -math.sin(math.radians(60 * math.exp(-((hb - 275) / 25) ** 2))) * 2 * math.sqrt(cbp ** 7 / (cbp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lb - 50) ** 2 / math.sqrt(20 + (lb - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * T
    return math.sqrt(((L2 - L1) / sl) ** 2 + ((c2p - c1p) / sc) ** 2 + (dH / sh) ** 2 + rt * (c2p - c1p) / sc * dH / sh)


CVD = {
    "normal": None,
    "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}


def _min_difference(colours: list[str]) -> float:
    return min(_de2000(_lab(a, m), _lab(b, m)) for m in CVD.values() for a, b in itertools.combinations(colours, 2))


def test_palette_distinguishes_every_rung_class_and_light_also_for_colour_blind_readers():
    """CIEDE2000 ≥ 10 between any two colours of a scale, in normal vision and simulated protanopia,
    deuteranopia and tritanopia. The old ladder failed: 'Limitado' #fff176 and 'No mejorado'
    #fdd835 were 8.3 apart (two yellows), 5.6 for a deuteranope."""
    from propilas.method.ladders import SANITATION_RUNGS, WATER_RUNGS
    from propilas.stages.charts.common import COLOURS

    assert _min_difference(["#0073b0", "#48bde8", "#fff176", "#fdd835", "#ffb74d"]) < 10  # the old ladder
    for scale in (WATER_RUNGS, SANITATION_RUNGS, ("A", "B", "C", "D", "unclassified"), ("green", "amber", "red")):
        assert _min_difference([COLOURS[c] for c in scale]) >= 10, scale


def _chart_title_keys() -> set[str]:
    keys = set()
    for path in list((ROOT / "lib" / "propilas" / "stages" / "charts").glob("*.py")) + [
            ROOT / "lib" / "propilas" / "report" / "comparison_charts.py"]:
        keys |= set(re.findall(r"""t\(\s*["']([a-z_.]+title)["']""", path.read_text(encoding="utf-8")))
    return keys


def test_every_chart_title_is_unique_in_both_languages():
    keys = _chart_title_keys()
    assert {"sustainability.class_count_title", "summary.classes_title", "monitoring.title"} <= keys
    for lang in ("es", "en"):
        texts = [catalogue()[k][lang] for k in sorted(keys)]
        dupes = {x for x in texts if texts.count(x) > 1}
        assert not dupes, (lang, dupes)


def _monitoring_frame(params) -> pd.DataFrame:
    from propilas.method.monitoring import INDICATORS

    rows = []
    for ind in INDICATORS:
        for year in range(params.base_year, params.horizon_year + 1):
            target = 50.0 + (year - params.base_year)
            actual = target - 3 if year in (params.base_year, params.base_year + 2) else np.nan
            rows.append({"indicator": ind, "year": year, "target": target, "actual": actual,
                         "light": "amber" if not np.isnan(actual) else None})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_monitoring_panel_titles_do_not_overlap(lang):
    from propilas.stages.charts.monitoring import monitoring_chart

    params = make_params(language=lang)
    fig = monitoring_chart(_monitoring_frame(params), params)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [ax.title.get_window_extent(renderer) for ax in fig.axes if ax.get_title(loc="left")]
    boxes += [ax._left_title.get_window_extent(renderer) for ax in fig.axes if ax._left_title.get_text()]
    boxes = [b for b in boxes if b.width > 0]
    assert len(boxes) >= 7
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for ax in fig.axes:  # and no title runs into the panel above's tick labels
        if ax._left_title.get_text():
            assert ax._left_title.get_window_extent(renderer).x1 <= fig.bbox.x1 + 1
    assert t("alt.monitoring", lang, n=7, rounds=2) == fig.propilas_alt


def test_charts_describe_themselves_and_an_empty_chart_is_a_sentence():
    from propilas.stages.charts import diagnosis, strategy
    from propilas.stages.charts.common import NoChart

    ladder = pd.DataFrame({"community_id": ["C1"] * 5, "rung": ["safely_managed", "basic", "limited", "unimproved", "open"],
                           "share_pct": [np.nan] * 5, "population": [np.nan] * 5, "community_population": [100.0] * 5})
    district = pd.DataFrame({"service": ["sanitation"] * 5, "rung": ladder["rung"], "share_pct": [np.nan] * 5})
    empty = diagnosis.ladder_chart(ladder, district, "sanitation", "es", "Fuente: x")
    assert isinstance(empty, NoChart) and "escalera de saneamiento" in empty.text
    ladder["share_pct"] = [20.0, 30.0, 10.0, 15.0, 25.0]
    district["share_pct"] = [20.0, 30.0, 10.0, 15.0, 25.0]
    fig = diagnosis.ladder_chart(ladder, district, "sanitation", "en", "Source: x")
    assert fig.propilas_alt.startswith("100 % stacked bars: sanitation ladder") and "Basic 30.0 %" in fig.propilas_alt
    gaps = pd.DataFrame({"community_id": ["C1", "C1"], "service": ["water", "sanitation"], "gap": [0.0, np.nan]})
    assert isinstance(strategy.gap_by_community(gaps, 2030, "es", "Fuente"), NoChart)
    gaps["gap"] = [12345.4, 10.0]
    fig = strategy.gap_by_community(gaps, 2030, "es", "Fuente")
    assert f"agua (en total 12{NBSP}345)" in fig.propilas_alt


def test_show_figure_gives_every_image_its_description_and_shows_an_empty_chart_as_text(monkeypatch):
    from IPython import display as ipd

    from propilas.report import render
    from propilas.stages.charts.common import NoChart, finish, new_figure

    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj: shown.append(obj))
    fig, ax = new_figure()
    ax.bar([1, 2], [3, 4])
    render.show_figure(finish(fig, "Título del gráfico", "Fuente", alt="Gráfico de barras: dos barras."))
    fig, ax = new_figure()
    render.show_figure(finish(fig, "Sin descripción propia", "Fuente"))  # falls back to its title
    render.show_figure(NoChart("No se muestra el gráfico: no hay datos."))
    assert 'alt="Gráfico de barras: dos barras."' in shown[0].data
    assert 'alt="Sin descripción propia"' in shown[1].data
    assert "No description" not in shown[0].data + shown[1].data
    assert shown[2].data == "*No se muestra el gráfico: no hay datos.*"


# --------------------------------------------------------------------------- pages

def _nb(language: str):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"params_data": {"language": language}}}
    nb.cells = [nbformat.v4.new_markdown_cell("Nota en español", metadata={"tags": ["lang-es"]}),
                nbformat.v4.new_markdown_cell("Note in English", metadata={"tags": ["lang-en"]}),
                nbformat.v4.new_markdown_cell("Para todos")]
    return nb


@pytest.mark.parametrize("lang, keep, drop", [("es", "Nota en español", "Note in English"),
                                              ("en", "Note in English", "Nota en español")])
def test_a_page_declares_its_language_and_keeps_only_its_language_cells(lang, keep, drop):
    from propilas.report.htmlexport import NAV_END, NAV_START, notebook_to_html

    page = notebook_to_html(_nb(lang), "t")
    assert re.search(r"<html[^>]*>", page).group(0) == f'<html lang="{lang}">'
    assert keep in page and drop not in page and "Para todos" in page
    assert page.count(NAV_START + NAV_END) == 2  # navigation filled in by the batch (run/site.py)


def test_the_index_speaks_one_language_names_districts_and_shows_reasons_whole(tmp_path):
    from propilas.report.index import write_index

    (tmp_path / "lajas").mkdir()
    (tmp_path / "lajas" / "report.html").write_text("x")
    reason = "DataError: district 'lajas': 6 input error(s):\n" + "\n".join(
        f"ERROR communities.csv, row {i}, column population: value '-1': must be ≥ 0" for i in range(2, 8))
    manifest = {
        "run_id": "r1", "started_utc": "2025-01-01T00:00:00+00:00", "code_version": {"commit": "abc"},
        "run_districts": ["lajas", "utco"],
        "districts": {
            "lajas": {"status": "completed", "name": "Lajas", "province": "Chota", "department": "Cajamarca",
                      "stages": {}},
            "utco": {"status": "failed", "name": "Utco", "province": "Celendín", "department": "Cajamarca",
                     "stages": {"00_profile": {"status": "failed", "reason": reason}}},
            "tacabamba": {"status": "completed", "name": "Tacabamba", "province": "Chota", "department": "Cajamarca",
                          "stale": True, "stale_inputs": ["data/tacabamba/communities.csv"], "run_id": "r0",
                          "stages": {}},
        },
        "compared": ["lajas"], "comparison": {"status": "not_run", "reason": ""},
    }
    es = write_index(tmp_path, manifest, "es").read_text(encoding="utf-8")
    assert '<html lang="es">' in es
    assert ">Lajas<br><small>provincia de Chota, Cajamarca</small>" in es and ">lajas<" not in es
    import html as _html

    assert _html.escape(reason) in es  # whole, every line
    assert "ejecute <code>propilas validate utco</code>" in es
    assert ">desactualizado<" in es and "data/tacabamba/communities.csv" in es and "r0" in es
    assert "completed" not in es and "failed" not in es.replace("'failed'", "")  # no English labels
    en = write_index(tmp_path, manifest, "en", ("../index.html", "Versión en español", "es")).read_text(encoding="utf-8")
    assert '<html lang="en">' in en and ">out of date<" in en and "Tacabamba province" not in en
    assert "Chota province, Cajamarca" in en and "hreflang='es'" in en


def test_status_table_in_the_cli_language():
    from propilas.run.site import status_table

    manifest = {"stages": ["00_profile"], "run_districts": ["a"], "comparison": {"status": "ok", "reason": ""},
                "districts": {"a": {"status": "completed", "stages": {"00_profile": {"status": "ok"}}},
                              "b": {"status": "completed", "stale": True, "run_id": "r0",
                                    "stages": {"00_profile": {"status": "cached"}}}}}
    es = status_table(manifest, "es")
    assert "distrito" in es and "completo" in es and "desactualizado (resultados de la ejecución r0)" in es
    assert "district" not in es
    assert "out of date (results of run r0)" in status_table(manifest, "en")


def test_run_in_two_languages_reports_each_set_in_the_cli_language(monkeypatch, tmp_path, capsys):
    from propilas.cli import main
    from propilas.run import batch

    seen = {}

    def fake(districts, cfg, languages, **kw):
        seen.update(districts=districts, languages=languages, out=cfg.out_dir, ui=cfg.ui_language)
        m = {"stages": ["00_profile"], "run_districts": districts, "comparison": {"status": "ok", "reason": ""},
             "districts": {d: {"status": "completed", "stages": {"00_profile": {"status": "ok"}}} for d in districts},
             "exit_code": 0}
        return {"es": {**m, "out_dir": str(cfg.out_dir)}, "en": {**m, "out_dir": str(cfg.out_dir / "en")}}

    monkeypatch.setattr(batch, "run_languages", fake)
    monkeypatch.setenv("PROPILAS_LANG", "es")
    assert main(["run", "lajas", "--out", str(tmp_path / "o"), "--language", "en,es", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert seen["languages"] == ["en", "es"] and seen["ui"] == "en"  # --language also sets the CLI's language
    assert "reports in Spanish" in out and "reports in English" in out and "index: " in out
