"""What every propilas process pays before it does anything (issue 15): the text catalogue, the
parameters files, the modules nbformat pulls in. Behaviour only; the seconds are in benchmarks/."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import yaml

from propilas.core import labels, params_yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_catalogue_read_with_libyaml_is_the_catalogue():
    expected: dict = {}
    for entry in sorted((resources.files("propilas.core") / "text").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            expected.update(yaml.safe_load(entry.read_text(encoding="utf-8")) or {})
    assert labels.catalogue() == expected
    assert labels.SAFE_LOADER in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)


def test_a_parameters_file_is_parsed_once_and_every_caller_gets_its_own_copy(tmp_path, monkeypatch):
    f = tmp_path / "d.yaml"
    f.write_text("district: d\nbudget:\n  envelope: {municipal: 100}\n", encoding="utf-8")
    parses = []
    real = yaml.load

    def counting(*a, **kw):
        parses.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(params_yaml.yaml, "load", counting)
    first = params_yaml._read_yaml(f)
    first["budget"]["envelope"]["municipal"] = -1  # a caller changing its copy
    second = params_yaml._read_yaml(f)
    assert second == {"district": "d", "budget": {"envelope": {"municipal": 100}}}
    assert len(parses) == 1
    f.write_text("district: d\nbudget:\n  envelope: {municipal: 200}\n", encoding="utf-8")  # edited: read again
    assert params_yaml._read_yaml(f)["budget"]["envelope"]["municipal"] == 200
    assert len(parses) == 2


def test_reading_a_notebook_does_not_compile_the_iri_grammars():
    code = ("import sys, propilas, nbformat, jsonschema; "
            "print(type(sys.modules.get('rfc3987_syntax')).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "NoneType"
