"""Issue 13 §2: validation, parameter and input-reading messages in the chosen language.

Every rule is a catalogue entry (core/text/validation.yaml, keys `val.*`, es + en, named
placeholders) carried by `Problem.rule`, `ParamsError` and `DataError` as a `core.messages.Msg`:
English as before (the bad-input corpus matches it), Spanish on demand — in `propilas validate`
with PROPILAS_LANG=es, on the stage 00 page of a Spanish district and in a failed run's reason.
"""

from __future__ import annotations

import pickle
import re
import shutil
import string
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import ROOT
from propilas.core.errors import DataError, ParamsError
from propilas.core.messages import Msg
from propilas.inputs.tableio import Problem

CORPUS = ROOT / "tests" / "bad_inputs"
FIX = ROOT / "tests" / "fixtures"
CATALOGUE = ROOT / "lib" / "propilas" / "core" / "text" / "validation.yaml"
# frames whose text is the same in both languages (only placeholders and punctuation)
SAME_IN_BOTH = {"val.problem", "val.params.item", "val.yaml.refused"}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_validation_key_has_both_languages_and_the_same_placeholders():
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    assert len(data) >= 150
    for key, value in data.items():
        assert key.startswith("val."), key
        assert set(value) == {"es", "en"}, key
        assert str(value["es"]).strip() and str(value["en"]).strip(), key
        assert _fields(value["es"]) == _fields(value["en"]), key
        if key not in SAME_IN_BOTH:
            assert value["es"] != value["en"], f"{key}: Spanish text is the English one"


def test_every_message_key_used_in_the_code_is_in_the_catalogue():
    from propilas.core.labels import catalogue

    keys = catalogue()
    src = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "lib" / "propilas").rglob("*.py"))
    used = set(re.findall(r"""Msg\(\s*"(val\.[a-z_.0-9]+)"|t\("(val\.[a-z_.0-9]+)\"""", src))
    used = {a or b for a, b in used}
    assert len(used) >= 100, len(used)
    assert not sorted(k for k in used if k not in keys)
    # keys built with f-strings: every expansion exists
    for group in ("water", "sanitation"):
        assert f"val.rule.{group}_partly_empty" in keys and f"val.rule.{group}_sum" in keys
    for hint in ("space", "quota", "writable", "read_only", "other"):
        assert f"val.run.hint.{hint}" in keys


def _typed_problem(text: str = "1,5") -> Problem:
    from propilas.inputs.tableio import type_table

    df = pd.DataFrame({"community_id": ["C1"], "name": ["Uno"], "population": [text], "households": ["10"]},
                      index=[3])
    _, problems = type_table(df, "communities", "communities.csv", {"separator": ";"})
    return next(p for p in problems if p.column == "population")


def test_a_problem_reads_the_same_in_english_and_fully_in_spanish():
    p = _typed_problem("12.5")  # decimals in a whole-number column
    # English exactly as before the catalogue (tests and consultants' notes match it)
    assert str(p) == ("ERROR communities.csv, row 3, column population: value '12.5': "
                      "expected a whole number (has decimals)")
    assert p.text("es") == ("ERROR communities.csv, fila 3, columna population: valor '12.5': "
                            "se esperaba un número entero (tiene decimales)")
    assert p.rule_text("es") == "se esperaba un número entero (tiene decimales)"
    frame = pd.DataFrame([p.as_dict("es")])
    assert frame.loc[0, "rule"] == "se esperaba un número entero (tiene decimales)"
    # carried between processes (a district's problems, a notebook's error) as key + arguments
    q = pickle.loads(pickle.dumps(p))
    assert q.text("es") == p.text("es") and str(q) == str(p)


def test_a_long_value_is_quoted_short_in_both_languages():
    p = Problem("error", "communities.csv", 4, "name", "x" * 5000, Msg("val.cell.required"))
    for lang in ("es", "en"):
        line = p.text(lang)
        assert len(line) < 400 and "(5002 characters in all)" in line, line


def test_params_errors_render_in_either_language():
    from propilas.core.params import check_district_id

    with pytest.raises(ParamsError) as exc:
        check_district_id("../x")
    assert "is not allowed" in str(exc.value)
    assert exc.value.text("es").startswith("el id de distrito '../x' no está permitido")


def _project(case: str, dest: Path) -> Path:
    shutil.copytree(CORPUS / case, dest, ignore=shutil.ignore_patterns("case.yaml"))
    for sub in ("params", "data", "notebooks"):
        (dest / sub).mkdir(exist_ok=True)
    if not (dest / "params" / "defaults.yaml").exists():
        shutil.copy(FIX / "params" / "defaults.yaml", dest / "params" / "defaults.yaml")
    return dest


@pytest.mark.parametrize("case, spanish, english", [
    ("unknown_community", ["fixture: CON ERRORES (1 error(es)", "water_systems.csv, fila 5, columna community_id",
                           "valor 'C9':", "el id de comunidad no figura en communities"],
     ["community id not found"]),
    ("yaml_unknown_key", ["clave 'budjet': clave desconocida", "elimínela o corrija su ortografía"],
     ["unknown key", "remove it"]),
    ("nan_string", ["clave 'rural_share': valor 'nan' rechazado: el valor debe ser un número finito"],
     ["Input should be", "rejected"]),
    ("decimal_comma_thousands", ["fila 2, columna population", "'1.000'", "no se aceptan separadores de miles"],
     ["thousands separators are not accepted"]),
    ("excel_merged", ["hoja communities, fila 3", "celdas combinadas: sepárelas"], ["merged cells"]),
    ("cp1252_bad_header" if (CORPUS / "cp1252_bad_header").exists() else "missing_column",
     ["falta una columna obligatoria"], ["required column missing"]),
])
def test_cli_validate_speaks_spanish(case, spanish, english, tmp_path, monkeypatch, capsys):
    """`propilas validate` with PROPILAS_LANG=es on a corpus case: frame and rule in Spanish."""
    from propilas.cli import main

    proj = _project(case, tmp_path / "proj")
    monkeypatch.chdir(proj)
    monkeypatch.setenv("PROPILAS_LANG", "es")
    code = main(["validate", "fixture"])
    out = capsys.readouterr().out
    assert code == 1, out
    for s in spanish:
        assert s in out, f"{s!r} not in:\n{out}"
    for e in english:
        assert e not in out, f"English {e!r} in:\n{out}"


def test_a_spanish_districts_stage_00_shows_spanish_rules(tmp_path):
    """The validation table of stage 00 (a district whose coordinates are swapped: two warnings) comes
    in the report language; the same district in English keeps the English rule."""
    from propilas.run.context import StageContext

    proj = _project("coordinates_swapped", tmp_path / "proj")
    tables = {}
    for lang in ("es", "en"):
        ctx = StageContext.open("00", "fixture", params_dir=proj / "params", data_dir=proj / "data",
                                out_dir=tmp_path / f"out-{lang}", run_id="test", language=lang)
        tables[lang] = ctx.inputs()["validation"]
    es, en = tables["es"], tables["en"]
    assert len(es) == len(en) >= 1
    assert any("fuera del rectángulo envolvente del distrito 060417" in r and "¿latitud y longitud intercambiadas?" in r
               for r in es["rule"]), list(es["rule"])
    assert not any("bounding box" in r for r in es["rule"])
    assert any("outside district 060417's bounding box" in r for r in en["rule"])
    assert list(es["severity"]) == list(en["severity"]) and list(es["row"]) == list(en["row"])


def test_input_errors_stop_a_run_in_the_report_language(tmp_path):
    """The error the stage 00 notebook raises (and the index then shows) is in the report language
    and still recognised as an input error by the failed page and the index."""
    from propilas.inputs.validation import load_inputs
    from propilas.report.failed_page import next_step
    from propilas.report.index import _hint

    proj = _project("unknown_community", tmp_path / "proj")
    found = load_inputs("fixture", proj / "params", proj / "data")
    found.language = "es"
    with pytest.raises(DataError) as exc:
        found.raise_if_errors()
    text = str(exc.value)
    assert text.splitlines()[0] == "distrito 'fixture': 1 error(es) de entrada:"
    assert "ERROR water_systems.csv, fila 5, columna community_id: valor 'C9': el id de comunidad no figura" in text
    assert exc.value.text("en").splitlines()[0] == "district 'fixture': 1 input error(s):"
    reason = f"DataError: {text}"
    assert next_step(reason, "fixture", "es") == next_step("DataError: x", "fixture", "es")
    assert "propilas validate fixture" in _hint("fixture", reason, "es")
    again = pickle.loads(pickle.dumps(exc.value))
    assert str(again) == text and again.text("en") == exc.value.text("en")


def test_technical_failure_reasons_follow_the_report_language():
    import errno

    from propilas.report.failed_page import next_step
    from propilas.run.kernel import _failure_reason
    from propilas.run.runner import os_reason

    class CellTimeoutError(Exception):
        pass

    class DeadKernelError(Exception):
        pass

    slow = CellTimeoutError("A cell timed out while it was being executed, after 30 seconds.")
    assert _failure_reason(slow).startswith("cell timed out after 30 s")
    es = _failure_reason(slow, "es")
    assert es.startswith("la celda superó el tiempo límite después de 30 s") and "timed out" not in es
    assert next_step(es, "d", "es") == next_step(_failure_reason(slow), "d", "es")
    dead = _failure_reason(DeadKernelError("boom"), "es")
    assert dead.startswith("el proceso de cálculo (kernel) se detuvo")
    assert next_step(dead, "d", "es") == next_step("kernel died: boom", "d", "es")
    full = OSError(errno.ENOSPC, "No space left on device", "/x/y.csv")
    assert os_reason(full) == "cannot write /x/y.csv: No space left on device; free space on the disk or choose another --out"
    es = os_reason(full, "", "es")
    assert es.startswith("no se puede escribir /x/y.csv") and "elija otra carpeta con --out" in es
    assert next_step(es, "d", "es") == next_step(os_reason(full), "d", "es")


def test_scenario_money_is_grouped_in_the_page_language():
    """scenarios.html: soles grouped with a no-break space in Spanish, never commas (issue 13 §3)."""
    from propilas.core.params import load_params
    from propilas.report.scenarios_report import sources_table

    params = load_params("fixture", FIX / "params")
    src = params.budget.sources[0]
    plan = pd.DataFrame({"source": [src, src], "status": ["funded", "funded"], "cost_pen": [1_234_567.0, 1000.0]})
    es = sources_table([("base", {"plan": plan})], params, "es")
    en = sources_table([("base", {"plan": plan})], params, "en")
    assert "S/ 1\u00a0235\u00a0567" in list(es["base"]) and not any("," in str(v) for v in es["base"])
    assert "S/ 1,235,567" in list(en["base"])
