"""Build the bad-inputs corpus (tests/bad_inputs/<case>/) from the hand-worked fixture district.

Why a script: every case is the fixture with ONE defect, so the corpus must be regenerated
whenever the fixture changes; doing it by hand would let cases drift from the fixture and
test two defects at once. Run from the repository root:

    .venv/bin/python tools/make_bad_inputs.py

Each case folder holds a small project (`params/fixture.yaml`, `data/fixture/...`; the test
adds the fixture's `params/defaults.yaml` unless the case ships its own) and a `case.yaml`:

    description: what is wrong, in words
    kind: short error kind (one per case)
    district: the district id to load (default 'fixture')
    outcome: error | reads_ok | escaped | refused
        error     load_inputs must report each `problems` entry as an error
        reads_ok  load_inputs must give no error and the same tables as the UTF-8 fixture
        escaped   must read fine (the value is kept verbatim) and be escaped in HTML output
        refused   the district id / path must be refused before anything is read
        accepted  load_inputs must give no error; `warnings` (same fragments as problems) must be
                  reported as warnings, `params_expected` ({dotted key: value}) and `names` read so
    max_message_chars: every reported message is at most this long (values are quoted in part)
    cells: (accepted) list of {table, id, column, value}: the value read for that row's column
    symlink_params_outside / symlink_data_outside: the test makes that path a link outside the project
    problems: list of {file, sheet, row, column, value, rule} fragments (rule: substring of
        the rule text; file: substring of the file; the others exact when given)
    exact_errors: when true, the listed problems are the only errors (no cascade)
    xfail: reason, when the rule is not implemented yet (the test is xfail(strict=True))

Excel cases are written with openpyxl. The output is deterministic (no timestamps): running
the script twice gives byte-identical files (.xlsx metadata and zip entry dates are fixed).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
OUT = ROOT / "tests" / "bad_inputs"
COMM = "communities"
SYS = "water_systems"


# ----------------------------------------------------------------------------- fixture access
def read_rows(table: str) -> list[list[str]]:
    text = (FIX / "data" / "fixture" / f"{table}.csv").read_text(encoding="utf-8")
    return [r for r in csv.reader(io.StringIO(text))]


def rows_to_csv(rows: list[list[str]], sep: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    """`row` as a spreadsheet shows it (header = 1)."""
    out = [list(r) for r in rows]
    out[row - 1][out[0].index(column)] = value
    return out


def fixture_params_text() -> str:
    return (FIX / "params" / "fixture.yaml").read_text(encoding="utf-8")


def fixture_params() -> dict[str, Any]:
    return yaml.safe_load(fixture_params_text())


def spanish(rows: list[list[str]]) -> str:
    """What Excel in a Spanish locale saves: ';' separator, decimal commas (numbers only)."""
    def conv(c: str) -> str:
        try:
            float(c)
        except ValueError:
            return c
        return c.replace(".", ",")
    return rows_to_csv([[conv(c) for c in r] for r in rows], sep=";")


def write_xlsx(path: Path, rows: list[list[str]], sheet: str, edit: Callable | None = None) -> None:
    """Numbers as numbers, empty cells as None (what a consultant's workbook holds)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        vals: list[Any] = []
        for c in r:
            if c == "":
                vals.append(None)
                continue
            try:
                vals.append(int(c))
            except ValueError:
                try:
                    vals.append(float(c))
                except ValueError:
                    vals.append(c)
        ws.append(vals)
    if edit:
        edit(ws)
    fixed = _dt.datetime(2024, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    wb.save(buf)
    _fixed_zip(buf.getvalue(), path)


def _fixed_zip(data: bytes, path: Path) -> None:
    """Rewrite the workbook's zip with constant entry times so regenerating changes no bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with the save time
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", content)
            dst.writestr(fixed, content)
    path.write_bytes(out.getvalue())


# ----------------------------------------------------------------------------- case builder
class Case:
    def __init__(self, name: str, kind: str, description: str, outcome: str = "error",
                 problems: list[dict[str, Any]] | None = None, district: str = "fixture",
                 exact_errors: bool = True, xfail: str | None = None, **extra: Any) -> None:
        self.name = name
        self.dir = OUT / name
        self.district = district
        self.meta: dict[str, Any] = {"description": description, "kind": kind, "district": district,
                                     "outcome": outcome, "problems": problems or [],
                                     "exact_errors": exact_errors}
        if xfail:
            self.meta["xfail"] = xfail
        self.meta.update(extra)
        self.files: dict[str, bytes] = {}
        self.copy_fixture = True

    def data(self, name: str) -> Path:
        return Path("data") / self.district / name

    def put(self, rel: str | Path, content: str | bytes, encoding: str = "utf-8") -> "Case":
        self.files[str(rel)] = content if isinstance(content, bytes) else content.encode(encoding)
        return self

    def table(self, table: str, rows: list[list[str]], **kw: Any) -> "Case":
        return self.put(self.data(f"{table}.csv"), rows_to_csv(rows), **kw)

    def params(self, data: dict[str, Any] | str) -> "Case":
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        return self.put(Path("params") / f"{self.district}.yaml", text)

    def write(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        if self.copy_fixture:
            base = {
                Path("params") / f"{self.district}.yaml": fixture_params_text().encode()
                if self.district == "fixture" else None,
                self.data("communities.csv"): (FIX / "data" / "fixture" / "communities.csv").read_bytes(),
                self.data("water_systems.csv"): (FIX / "data" / "fixture" / "water_systems.csv").read_bytes(),
            }
            for rel, content in base.items():
                if content is not None and str(rel) not in self.files:
                    self._write(Path(rel), content)
        for rel, content in self.files.items():
            self._write(Path(rel), content)
        (self.dir / "case.yaml").write_text(yaml.safe_dump(self.meta, sort_keys=False, allow_unicode=True),
                                            encoding="utf-8")

    def _write(self, rel: Path, content: bytes) -> None:
        p = self.dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)

    def remove(self, rel: str | Path) -> "Case":
        """Drop a fixture file from the copy (marked by an empty entry handled in write)."""
        self.files.pop(str(rel), None)
        self._removed = getattr(self, "_removed", []) + [str(rel)]
        return self


def P(file: str, rule: str, row: int | None = None, column: str | None = None, value: Any = None,
      sheet: str | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"file": file, "rule": rule}
    if row is not None:
        d["row"] = row
    if column is not None:
        d["column"] = column
    if value is not None:
        d["value"] = str(value)
    if sheet is not None:
        d["sheet"] = sheet
    return d


def build() -> list[Case]:
    C, S = read_rows(COMM), read_rows(SYS)
    cases: list[Case] = []
    add = cases.append
    cf, sf, pf = "communities.csv", "water_systems.csv", "fixture.yaml"

    # --------------------------------------------------------------- header problems
    hdr = C[0]
    i = hdr.index("poverty_rate")
    add(Case("missing_column", "missing_column", "communities.csv lacks the poverty_rate column",
             problems=[P(cf, "required column missing", 1, "poverty_rate")])
        .table(COMM, [r[:i] + r[i + 1:] for r in C]))
    add(Case("unknown_column", "unknown_column", "communities.csv has an extra column 'notes'",
             problems=[P(cf, "unknown column; remove it", 1, "notes", "notes")])
        .table(COMM, [r + (["notes"] if k == 0 else ["x"]) for k, r in enumerate(C)]))
    add(Case("misspelt_header", "misspelt_header", "header 'househlds' instead of 'households'",
             problems=[P(cf, "did you mean 'households'?", 1, "househlds", "househlds"),
                       P(cf, "required column missing (is 'househlds' a misspelling of it?)", 1, "households")])
        .table(COMM, set_cell(C, 1, "households", "househlds")))
    add(Case("duplicate_column", "duplicate_column", "column 'altitude_m' appears twice",
             problems=[P(cf, "column appears more than once", 1, "altitude_m", "altitude_m")])
        .table(COMM, set_cell(C, 1, "distance_km", "altitude_m")))
    # the renamed distance_km is also missing: not exact
    cases[-1].meta["exact_errors"] = False
    cases[-1].meta["description"] = "header 'distance_km' typed as a second 'altitude_m'"

    # --------------------------------------------------------------- whole-file problems
    add(Case("empty_file", "empty_file", "communities.csv is a zero-byte file",
             problems=[P(cf, "the file is empty")]).put(Path("data/fixture/communities.csv"), b""))
    add(Case("header_only", "empty_file", "communities.csv has the header row and no records",
             problems=[P(cf, "the table has a header but no rows")]).table(COMM, C[:1]))
    add(Case("ragged_row", "wrong_field_count", "an unquoted decimal comma splits a row into 23 fields",
             problems=[P(cf, "row 2 has 23 fields but the header has 22")])
        .put(Path("data/fixture/communities.csv"),
             rows_to_csv(C).replace("Alto Perú,100,25,0.6,", "Alto Perú,100,25,0,6,")))
    c = Case("both_csv_and_xlsx", "both_csv_and_xlsx", "communities.csv and communities.xlsx both exist",
             problems=[P("communities", "both communities.csv and communities.xlsx exist")])
    c.xlsx = [("communities.xlsx", C, "communities", None)]
    add(c)
    c = Case("missing_file", "missing_file", "no water_systems table at all",
             problems=[P("water_systems", "no water_systems.csv or water_systems.xlsx")])
    c.skip = ["data/fixture/water_systems.csv"]
    add(c)

    # --------------------------------------------------------------- cell types
    add(Case("wrong_type", "wrong_type", "population written in words",
             problems=[P(cf, "expected a whole number (not a number)", 3, "population", "sesenta")])
        .table(COMM, set_cell(C, 3, "population", "sesenta")))
    add(Case("int_with_decimals", "wrong_type", "households with decimals",
             problems=[P(cf, "expected a whole number (has decimals)", 3, "households", "20.5")])
        .table(COMM, set_cell(C, 3, "households", "20.5")))
    cases[-1].meta["exact_errors"] = False  # the ladder sums no longer match 20.5 (NaN)
    add(Case("bad_yesno", "wrong_type", "jass_exists 'maybe'",
             problems=[P(cf, "expected yes or no", 4, "jass_exists", "maybe")])
        .table(COMM, set_cell(C, 4, "jass_exists", "maybe")))
    add(Case("bad_choice", "wrong_type", "system_type in Spanish ('gravedad')",
             problems=[P(sf, "expected one of gravity, gravity_treated, pumped, pumped_treated", 3,
                         "system_type", "gravedad")])
        .table(SYS, set_cell(S, 3, "system_type", "gravedad")))
    add(Case("bad_state", "bad_state", "state of the catchment 'E' (only A-D exist)",
             problems=[P(sf, "expected one of A, B, C, D", 2, "state_catchment", "E")])
        .table(SYS, set_cell(S, 2, "state_catchment", "E")))
    add(Case("bad_id", "wrong_type", "community id with a space",
             problems=[P(cf, "expected an id of letters, digits", 4, "community_id", "C 3")])
        .table(COMM, set_cell(C, 4, "community_id", "C 3")))
    add(Case("value_required", "value_required", "a community without a name",
             problems=[P(cf, "value required", 3, "name", "")])
        .table(COMM, set_cell(C, 3, "name", "")))

    # --------------------------------------------------------------- values and cross rules
    dup = set_cell(C, 4, "community_id", "C2")
    add(Case("duplicate_id", "duplicate_id", "community id C2 appears twice (rows 3 and 4)",
             problems=[P(cf, "duplicate id", 4, "community_id", "C2")], exact_errors=False)
        .table(COMM, dup))
    add(Case("unknown_community", "unknown_community", "system S4 points at community C9",
             problems=[P(sf, "community id not found in communities", 5, "community_id", "C9")])
        .table(SYS, set_cell(S, 5, "community_id", "C9")))
    neg = set_cell(set_cell(C, 3, "hh_water_unprotected", "-1"), 3, "hh_water_surface", "6")
    add(Case("negative_count", "negative_count", "hh_water_unprotected = -1 (surface 6 keeps the sum 20)",
             problems=[P(cf, "must be >= 0", 3, "hh_water_unprotected", "-1")]).table(COMM, neg))
    add(Case("absurd_count", "absurd_count", "population 2,000,000 in one rural community",
             problems=[P(cf, "must be between 1 and 200000", 2, "population", "2000000")])
        .table(COMM, set_cell(C, 2, "population", "2000000")))
    add(Case("households_gt_population", "households_gt_population", "C3: 10 households, 8 persons",
             problems=[P(cf, "more households than persons (population 8)", 4, "households", "10")])
        .table(COMM, set_cell(C, 4, "population", "8")))
    add(Case("rate_over_1", "rate_over_1", "poverty rate given as a percentage (60) instead of 0.6; shown as 60.0 (a float column)",
             problems=[P(cf, "must be between 0 and 1", 2, "poverty_rate", "60")])
        .table(COMM, set_cell(C, 2, "poverty_rate", "60")))
    add(Case("fee_rate_over_1", "rate_over_1", "fee collection given as a percentage (95)",
             problems=[P(sf, "must be between 0 and 1", 2, "fee_collection_rate", "95")])
        .table(SYS, set_cell(S, 2, "fee_collection_rate", "95")))
    add(Case("hours_over_24", "score_out_of_range", "24 h/day written as 25",
             problems=[P(sf, "must be between 0 and 24", 2, "hours_per_day", "25")])
        .table(SYS, set_cell(S, 2, "hours_per_day", "25")))
    add(Case("future_year", "future_year", "system built in 2099",
             problems=[P(sf, "year in the future", 3, "year_built", "2099")])
        .table(SYS, set_cell(S, 3, "year_built", "2099")))
    add(Case("ladder_sum", "ladder_sum", "C1 water counts sum to 26, households 25",
             problems=[P(cf, "water household counts must sum to households (25)", 2,
                         ",".join(["hh_water_piped_premises", "hh_water_public_tap", "hh_water_protected_source",
                                   "hh_water_unprotected", "hh_water_surface"]), "26")])
        .table(COMM, set_cell(C, 2, "hh_water_piped_premises", "21")))
    add(Case("sanitation_partly_empty", "ladder_sum", "C2 hh_san_open empty, the other sanitation counts given",
             problems=[P(cf, "sanitation counts are partly empty", 3)])
        .table(COMM, set_cell(C, 3, "hh_san_open", "")))

    # --------------------------------------------------------------- locale and encodings
    add(Case("cp1252", "cp1252", "communities.csv saved as Windows-1252 (ñ, ú, á); must read the same numbers "
             "and names as UTF-8", outcome="reads_ok")
        .put(Path("data/fixture/communities.csv"), rows_to_csv(C), encoding="cp1252"))
    add(Case("bom_semicolon", "bom_semicolon", "Spanish Excel 'CSV UTF-8': BOM, ';' separator, decimal commas; "
             "both tables; must read the same", outcome="reads_ok")
        .put(Path("data/fixture/communities.csv"), "\ufeff" + spanish(C))
        .put(Path("data/fixture/water_systems.csv"), "\ufeff" + spanish(S)))
    add(Case("cp1252_semicolon", "cp1252", "Spanish Excel plain 'CSV': cp1252, ';', decimal commas; must read the "
             "same", outcome="reads_ok")
        .put(Path("data/fixture/communities.csv"), spanish(C), encoding="cp1252"))
    sp = spanish(C).replace(";100;25;", ";1.000;25;")
    add(Case("decimal_comma_thousands", "decimal_comma_thousands",
             "';' file with decimal commas and a thousands separator (1.000): refused, never read as 1",
             problems=[P(cf, "thousands separators are not accepted", 2, "population", "1.000")])
        .put(Path("data/fixture/communities.csv"), sp))
    # No decimal comma anywhere (the decimal columns left empty): nothing tells the reader which
    # mark the file uses, and in a Spanish locale '1.000' is one thousand.
    ints = [list(r) for r in C]
    for r in ints[1:]:
        for col in ("poverty_rate", "latitude", "longitude"):
            r[C[0].index(col)] = ""
    ints = set_cell(ints, 2, "population", "1.000")
    add(Case("thousands_dot_semicolon", "decimal_comma_thousands",
             "';' file, population '1.000' (Spanish thousands separator) and no decimal comma elsewhere: must be "
             "refused at population, not read as 1 person",
             problems=[P(cf, "thousands separators are not accepted", 2, "population", "1.000")])
        .put(Path("data/fixture/communities.csv"), rows_to_csv(ints, sep=";")))
    add(Case("decimal_comma_in_comma_file", "decimal_comma_thousands",
             "comma-separated file with one quoted decimal comma (\"0,6\")",
             problems=[P(cf, "decimal comma in a file whose numbers use '.'", 2, "poverty_rate", "0,6")])
        .put(Path("data/fixture/communities.csv"), rows_to_csv(C).replace(",0.6,", ',"0,6",')))

    # --------------------------------------------------------------- Excel
    c = Case("xlsx_reads_ok", "xlsx", "communities.xlsx and water_systems.xlsx from the fixture; must read the same",
             outcome="reads_ok")
    c.skip = ["data/fixture/communities.csv", "data/fixture/water_systems.csv"]
    c.xlsx = [("communities.xlsx", C, "communities", None), ("water_systems.xlsx", S, "water_systems", None)]
    add(c)

    def merge(ws):
        ws.merge_cells("B3:B4")

    c = Case("excel_merged", "excel_merged", "communities.xlsx with names merged over rows 3-4",
             problems=[P("communities.xlsx", "merged cells", 3, None, "B3:B4", sheet="communities")],
             exact_errors=False)
    c.skip = ["data/fixture/communities.csv"]
    c.xlsx = [("communities.xlsx", C, "communities", merge)]
    add(c)
    blank = C[:3] + [[""] * len(C[0])] + C[3:]
    c = Case("excel_blank_row", "excel_blank_row", "communities.xlsx with an empty row 4 between records",
             problems=[P("communities.xlsx", "blank row inside the table", 4, sheet="communities")])
    c.skip = ["data/fixture/communities.csv"]
    c.xlsx = [("communities.xlsx", blank, "communities", None)]
    add(c)
    add(Case("csv_blank_row", "excel_blank_row", "communities.csv with an empty row 3 between records",
             problems=[P(cf, "blank row inside the table", 3)])
        .put(Path("data/fixture/communities.csv"), rows_to_csv(C[:2] + [[]] + C[2:]).replace('""\n', "\n")))

    # --------------------------------------------------------------- params YAML
    txt = fixture_params_text()
    add(Case("yaml_syntax", "yaml_syntax", "a list not closed in fixture.yaml",
             problems=[P(pf, "YAML syntax error")])
        .params(txt.replace('objectives: ["Rehabilitate failing systems", "Build toilets for every family"]',
                            'objectives: ["Rehabilitate failing systems", "Build toilets for every family"')))
    add(Case("yaml_wrong_type", "yaml_wrong_type", "base_year written in words",
             problems=[P(pf, "key 'base_year': value 'twenty fifteen' rejected")])
        .params(txt.replace("base_year: 2015", "base_year: twenty fifteen")))
    add(Case("yaml_unknown_key", "yaml_unknown_key", "typo 'budjet' instead of 'budget'",
             problems=[P(pf, "key 'budjet': unknown key")])
        .params(txt.replace("budget:", "budjet:")))
    add(Case("yaml_missing_key", "yaml_missing_key", "no ubigeo",
             problems=[P(pf, "key 'ubigeo': missing")])
        .params(txt.replace('ubigeo: "999999"\n', "")))
    add(Case("yaml_not_utf8", "yaml_encoding", "fixture.yaml saved as Windows-1252 (ó in a SWOT line)",
             problems=[P(pf, "not UTF-8 text")])
        .put(Path("params/fixture.yaml"), txt.replace("Drought", "Sequía prolongada"), encoding="cp1252"))
    add(Case("yaml_district_mismatch", "yaml_wrong_type", "district: other inside fixture.yaml",
             problems=[P(pf, "key 'district' is 'other'")])
        .params(txt.replace("district: fixture", "district: other")))
    p = fixture_params()
    p["prioritisation"] = {"weights": {"water_gap": 0.3, "sanitation_gap": 0.2, "sustainability_deficit": 0.2,
                                       "poverty": 0.2, "beneficiaries": 0.1, "cost_per_beneficiary": 0.05,
                                       "readiness": 0.05}}
    add(Case("weights_sum", "weights_sum", "prioritisation weights sum to 1.1",
             problems=[P(pf, "weights must sum to 1, they sum to 1.1")]).params(p))
    p = fixture_params()
    p["budget"]["envelope_by_year"] = {2016: {"municipal": -5000, "national": 40000}}
    add(Case("budget_negative_year", "budget_negative_year", "negative municipal envelope in 2016",
             problems=[P(pf, "envelope_by_year.2016: amounts must be >= 0 soles")]).params(p))
    add(Case("horizon_before_base", "horizon_before_base", "horizon 2010 before base year 2015",
             problems=[P(pf, "horizon_year (2010) must be after base_year (2015)")])
        .params(txt.replace("horizon_year: 2030", "horizon_year: 2010")))
    add(Case("census_one_year", "yaml_wrong_type", "a single census year: growth cannot be computed",
             problems=[P(pf, "census needs at least two years")])
        .params(txt.replace("census: {2007: 1000, 2017: 1100}", "census: {2017: 1100}")))
    p = fixture_params()
    p["sustainability"] = {"state_scores": {"A": 5, "B": 3, "C": 2, "D": 1}}
    add(Case("score_out_of_range", "score_out_of_range",
             "state score A = 5 (method scores every component 1-4; index would leave [1, 4])",
             problems=[P(pf, "state_scores")]).params(p))

    # --------------------------------------------------------------- paths and ids
    for name, did, descr in (("district_path_separator", "a/b", "district id with a path separator"),
                             ("district_dotdot", "../outside", "district id climbing out with '..'"),
                             ("district_dotdot_only", "..", "district id '..'")):
        c = Case(name, name if name != "district_dotdot_only" else "district_dotdot", descr, outcome="refused",
                 district=did, problems=[P("", "is not allowed")])
        c.copy_fixture = False
        add(c)
    c = Case("data_path_outside", "data_path_outside",
             "data/fixture is a symbolic link to a folder outside the project (the test creates the link; git "
             "cannot hold it portably): must be refused, not read",
             problems=[P("fixture", "outside")], symlink_data_outside=True,
             )
    c.skip = ["data/fixture/communities.csv", "data/fixture/water_systems.csv"]
    add(c)

    # --------------------------------------------------------------- must read, then be escaped
    html_rows = set_cell(set_cell(C, 2, "name", "<script>alert(1)</script>"), 3, "name", "<b>x</b>")
    add(Case("html_in_name", "html_in_name", "community names with HTML: read verbatim (no error), escaped in every "
             "HTML report", outcome="escaped", names={"C1": "<script>alert(1)</script>", "C2": "<b>x</b>"})
        .table(COMM, html_rows))

    # --------------------------------------------------------------- issue 12 §1/§2: parameters files
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bad_inputs_12a

    cases += bad_inputs_12a.cases(sys.modules[__name__])

    # --------------------------------------------------------------- issue 12 §3/§4/§5/§7: the data files
    import bad_inputs_12b

    cases += bad_inputs_12b.cases(sys.modules[__name__])
    return cases


def main() -> int:
    cases = build()
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), names
    if OUT.exists():
        for d in OUT.iterdir():
            if d.is_dir() and d.name not in names:
                shutil.rmtree(d)
    for c in cases:
        skip = set(getattr(c, "skip", []))
        c.write()
        for rel in skip:
            (c.dir / rel).unlink(missing_ok=True)
        for fname, rows, sheet, edit in getattr(c, "xlsx", []):
            write_xlsx(c.dir / "data" / c.district / fname, rows, sheet, edit)
        if c.copy_fixture and not (c.dir / "data" / c.district).exists():
            (c.dir / "data" / c.district).mkdir(parents=True)
    (OUT / "README.md").write_text(
        "# Bad-inputs corpus\n\nGenerated by `tools/make_bad_inputs.py` (do not edit by hand; re-run the script).\n"
        "Each folder is the fixture district with ONE defect; `case.yaml` says what the validator must report.\n"
        "Tested by `tests/test_bad_inputs.py`.\n", encoding="utf-8")
    print(f"{len(cases)} cases in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
