"""Parameters: typed, safe YAML, and errors that name the file, key, value and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import ROOT, make_params
from propilas.core.errors import ParamsError
from propilas.core.params import Bands, check_district_id, load_params


def _write(tmp_path: Path, district: str, body: dict | str) -> Path:
    (tmp_path / "defaults.yaml").write_text((ROOT / "params" / "defaults.yaml").read_text())
    text = body if isinstance(body, str) else yaml.safe_dump(body, allow_unicode=True)
    (tmp_path / f"{district}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


IDENT = {"name": "X", "ubigeo": "060101", "department": "Cajamarca", "province": "Cajamarca",
         "census": {2007: 100, 2017: 120}, "base_year": 2015, "horizon_year": 2030, "rural_share": 0.5}


def test_defaults_merge_and_override_one_threshold(tmp_path):
    d = _write(tmp_path, "x", {**IDENT, "water": {"safely_managed_min_hours": 10}})
    p = load_params("x", d)
    assert p.water.safely_managed_min_hours == 10
    assert p.water.min_residual_chlorine_mg_l == 0.5  # untouched default
    assert p.district == "x"


@pytest.mark.parametrize("body, fragments", [
    ({**IDENT, "colour": "red"}, ["x.yaml", "colour", "unknown key"]),
    ({k: v for k, v in IDENT.items() if k != "ubigeo"}, ["ubigeo", "missing"]),
    ({**IDENT, "rural_share": "lots"}, ["rural_share", "'lots'"]),
    ({**IDENT, "rural_share": 1.5}, ["rural_share", "1.5", "less than or equal to 1"]),
    ({**IDENT, "horizon_year": 2010}, ["horizon_year (2010) must be after base_year (2015)"]),
    ({**IDENT, "prioritisation": {"weights": {"water_gap": 0.5, "sanitation_gap": 0.2, "sustainability_deficit": 0,
                                              "poverty": 0, "beneficiaries": 0, "cost_per_beneficiary": 0,
                                              "readiness": 0}}},
     ["prioritisation.weights", "sum to 1", "0.7"]),
    ({**IDENT, "budget": {"envelope_by_year": {-2016: {"municipal": 1}}}}, ["envelope_by_year", "-2016"]),
    ({**IDENT, "budget": {"envelope": {"municipal": -5}}}, ["envelope", "-5"]),
])
def test_bad_params_name_file_key_value(tmp_path, body, fragments):
    d = _write(tmp_path, "x", body)
    with pytest.raises(ParamsError) as e:
        load_params("x", d)
    for f in fragments:
        assert f in str(e.value), (f, str(e.value))


def test_yaml_syntax_error_names_line(tmp_path):
    d = _write(tmp_path, "x", "name: X\nubigeo: [060101\n")
    with pytest.raises(ParamsError, match=r"x.yaml: line \d+, column \d+: YAML syntax error"):
        load_params("x", d)


def test_yaml_is_never_evaluated(tmp_path):
    d = _write(tmp_path, "x", "!!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ParamsError, match="YAML syntax error"):
        load_params("x", d)


@pytest.mark.parametrize("bad", ["../etc", "a/b", "San Juan", "", "..", "x" * 80, "a\\b"])
def test_district_ids_cannot_escape(bad):
    with pytest.raises(ParamsError, match="not allowed"):
        check_district_id(bad)


def test_bands_inclusive_lower_bounds():
    b = Bands(bands=[(0.9, 4), (0.75, 3), (0.5, 2)], otherwise=1)
    assert [b.score(x) for x in (0.9, 0.8999, 0.75, 0.5, 0.4999, 1.0)] == [4, 3, 3, 2, 1, 4]


def test_pilot_districts_load():
    for d in ("san_juan", "llacanora", "miguel_iglesias", "utco", "lajas", "tacabamba"):
        p = load_params(d, ROOT / "params")
        assert p.base_year == 2015 and p.horizon_year == 2030
        assert len(p.census_known) >= 2


def test_make_params_helper():
    assert make_params(language="en").language == "en"
