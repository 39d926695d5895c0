"""Bad-input cases of issue 12 §1/§2 (parameters files): built by tools/make_bad_inputs.py.

Each case is the fixture with ONE defect in its parameters: a folder where the file should be,
YAML the loader refuses (duplicate keys, aliases, deep nesting, UTF-16), NaN/inf anywhere, a
link outside the project, values too long to quote whole, control characters (removed, with a
warning), '$' in names (plain text). `m` is the make_bad_inputs module (Case, P, fixture access).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cases(m: Any) -> list:
    Case, P = m.Case, m.P
    txt = m.fixture_params_text()
    pf, df = "fixture.yaml", "defaults.yaml"
    defaults = (m.FIX / "params" / "defaults.yaml").read_text(encoding="utf-8")
    out: list = []
    add = out.append

    def line_of(text: str, needle: str) -> int:
        return text[: text.index(needle)].count("\n") + 1

    # ------------------------------------------------------------------ the file itself
    class FolderCase(Case):
        """params/fixture.yaml is a folder: written after the fixture copy (which writes it as a file)."""

        def write(self) -> None:
            super().write()
            (self.dir / "params" / "fixture.yaml").unlink()
            (self.dir / "params" / "fixture.yaml").mkdir()
            (self.dir / "params" / "fixture.yaml" / "README.txt").write_text(
                "a folder where the parameters file should be\n", encoding="utf-8")

    add(FolderCase("params_is_folder", "params_unreadable", "params/fixture.yaml is a folder (e.g. an unzipped copy)",
                   problems=[P(pf, "is a folder, not a parameters file; move it away")]))
    add(Case("params_symlink_outside", "params_path_outside",
             "params/fixture.yaml is a symbolic link to a file outside the project (the test creates the link): "
             "refused like a linked data folder, never read",
             problems=[P(pf, "outside the parameters folder")], symlink_params_outside=True))
    add(Case("params_utf16", "yaml_encoding", "fixture.yaml saved as UTF-16 without a BOM (Windows Notepad 'Unicode')",
             problems=[P(pf, "looks like UTF-16 or UTF-32 text (many zero bytes); save it as UTF-8")])
        .put(Path("params/fixture.yaml"), txt, encoding="utf-16-le"))
    add(Case("params_utf32", "yaml_encoding", "fixture.yaml saved as UTF-32 (with its BOM)",
             problems=[P(pf, "looks like UTF-16 or UTF-32 text")])
        .put(Path("params/fixture.yaml"), txt, encoding="utf-32"))
    add(Case("yaml_top_level_list", "yaml_wrong_type", "fixture.yaml holds a list, not keys and values",
             problems=[P(pf, "expected a mapping of keys to values at the top level, got list")])
        .params("- district: fixture\n- name: X\n"))
    add(Case("yaml_python_tag", "yaml_syntax", "a !!python tag (code execution in an unsafe loader) in the name",
             problems=[P(pf, "could not determine a constructor for the tag")])
        .params(txt.replace("name: Distrito de prueba", 'name: !!python/object/apply:os.system ["echo x"]')))

    # ------------------------------------------------------------------ what the loader refuses
    deep = "[" * 1000 + "]" * 1000
    add(Case("yaml_deep_nesting_list", "yaml_too_deep", "1000 nested lists in the vision (a RecursionError before)",
             problems=[P(pf, f"line {line_of(txt, '  vision:')}: values nested more than 32 levels deep")])
        .params(txt.replace('  vision: "Every family in the district has safe water and a toilet, run by strong JASS."',
                            "  vision: " + deep)))
    add(Case("yaml_deep_nesting_map", "yaml_too_deep", "200 nested mappings under data_note",
             problems=[P(pf, "values nested more than 32 levels deep")])
        .params(txt + "data_note: " + "{a: " * 200 + "1" + "}" * 200 + "\n"))
    first = line_of(txt, "base_year: 2015")
    dup = txt + "base_year: 2016\n"
    add(Case("yaml_duplicate_key", "yaml_duplicate_key", "base_year given twice (2015, then 2016 at the end)",
             problems=[P(pf, f"key 'base_year' appears twice (lines {first} and {dup.count(chr(10))})")])
        .params(dup))
    env = line_of(txt, "  envelope:")
    add(Case("yaml_duplicate_nested_key", "yaml_duplicate_key", "municipal twice inside budget.envelope",
             problems=[P(pf, f"key 'municipal' appears twice (lines {env} and {env})")])
        .params(txt.replace("envelope: {municipal: 60000, regional: 0, national: 40000}",
                            "envelope: {municipal: 60000, regional: 0, national: 40000, municipal: 6000}")))
    d_first = line_of(defaults, "language:")
    dd = defaults + "language: es\n"
    add(Case("yaml_duplicate_key_defaults", "yaml_duplicate_key", "defaults.yaml gives language twice",
             problems=[P(df, f"key 'language' appears twice (lines {d_first} and {dd.count(chr(10))})")])
        .put(Path("params/defaults.yaml"), dd))
    add(Case("yaml_alias", "yaml_alias", "an anchor and an alias (&l / *l) in fixture.yaml",
             problems=[P(pf, "alias '*l' is not allowed in parameters")])
        .params(txt.replace("language: en", "language: &l en\ndata_note: *l")))
    bomb = "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
    add(Case("yaml_alias_bomb", "yaml_alias", "a 'billion laughs' alias bomb (9^9 strings from <1 KB): refused at "
             "the first alias, in milliseconds, with a short message",
             problems=[P(pf, "alias '*a0' is not allowed in parameters")], max_message_chars=400)
        .params(txt + bomb))
    add(Case("yaml_merge_key", "yaml_alias", "a YAML merge key (<<: *base) to reuse an envelope",
             problems=[P(pf, "alias '*base' is not allowed")])
        .params(txt.replace("  envelope: {municipal: 60000, regional: 0, national: 40000}",
                            "  envelope: &base {municipal: 60000, regional: 0, national: 40000}\n"
                            "  envelope_by_year: {2016: {<<: *base, municipal: 1000}}")))

    # ------------------------------------------------------------------ NaN and infinity
    def nan_case(name: str, descr: str, key: str, value: str, text: str, file: str = pf) -> None:
        c = Case(name, "params_not_finite", descr,
                 problems=[P(file, f"key '{key}': value {value} is not a number (NaN/inf)")])
        add(c.params(text) if file == pf else c.put(Path("params/defaults.yaml"), text))

    weights = ("prioritisation:\n  weights: {water_gap: .nan, sanitation_gap: 0.2, sustainability_deficit: 0.2, "
               "poverty: 0.2, beneficiaries: 0.1, cost_per_beneficiary: 0.1, readiness: 0.2}\n")
    nan_case("nan_weight", "a NaN prioritisation weight (blanked every score, 'not fragile')",
             "prioritisation.weights.water_gap", "nan", txt + weights)
    nan_case("inf_envelope", "budget.envelope.municipal: .inf", "budget.envelope.municipal", "inf",
             txt.replace("municipal: 60000", "municipal: .inf"))
    nan_case("nan_envelope", "budget.envelope.national: .NaN (left the whole plan unfunded)",
             "budget.envelope.national", "nan", txt.replace("national: 40000", "national: .NaN"))
    nan_case("nan_envelope_by_year", "a NaN in one year's envelope", "budget.envelope_by_year.2016.municipal", "nan",
             txt.replace("  envelope: {municipal: 60000, regional: 0, national: 40000}",
                         "  envelope: {municipal: 60000, regional: 0, national: 40000}\n"
                         "  envelope_by_year: {2016: {municipal: .nan, national: 1000}}"))
    nan_case("neg_inf_unit_cost", "unit_costs.new_system_per_person: -.inf", "unit_costs.new_system_per_person", "-inf",
             txt + "unit_costs:\n  new_system_per_person: -.inf\n")
    nan_case("huge_float_unit_cost", "1.0e+999 (overflows to inf) as the yearly ATM cost", "unit_costs.atm_per_year",
             "inf", txt + "unit_costs:\n  atm_per_year: 1.0e+999\n")
    nan_case("nan_rural_share", "rural_share: .NaN", "rural_share", "nan",
             txt.replace("rural_share: 0.2", "rural_share: .NaN"))
    nan_case("nan_target", "targets.water: .nan", "targets.water", "nan", txt + "targets:\n  water: .nan\n")
    nan_case("nan_band", "a NaN band bound in the coverage score", "sustainability.coverage.bands[0][0]", "nan",
             txt + "sustainability:\n  coverage: {bands: [[.nan, 4], [0.75, 3], [0.5, 2]], otherwise: 1}\n")
    nan_case("nan_in_defaults", "defaults.yaml: water.safely_managed_min_hours: .nan", "water.safely_managed_min_hours",
             "nan", defaults.replace("safely_managed_min_hours: 12", "safely_managed_min_hours: .nan"), file=df)
    add(Case("nan_string", "params_not_finite", "rural_share: 'nan' (a string pydantic would read as NaN)",
             problems=[P(pf, "key 'rural_share': value 'nan' rejected: Input should be a finite number")])
        .params(txt.replace("rural_share: 0.2", "rural_share: 'nan'")))

    # ------------------------------------------------------------------ values quoted at most ~200 characters
    add(Case("long_value_name", "message_length", "a 5000-character district name: the message quotes 200 of them",
             problems=[P(pf, "(5002 characters in all) rejected: String should have at most 120 characters")],
             max_message_chars=600)
        .params(txt.replace("name: Distrito de prueba", "name: " + "x" * 5000)))
    add(Case("long_unknown_key", "message_length", "an unknown key holding a 20,000-item list",
             problems=[P(pf, "key 'notes': unknown key")], max_message_chars=600)
        .params(txt + "notes: [" + ", ".join(["item"] * 20000) + "]\n"))

    # ------------------------------------------------------------------ budget sources
    add(Case("budget_sources_duplicate", "budget_sources_duplicate", "budget.sources lists municipal twice "
             "(a stage crashed on the duplicate column)",
             problems=[P(pf, "sources ['municipal'] listed more than once")])
        .params(txt.replace("budget:\n", "budget:\n  sources: [municipal, regional, national, municipal]\n")))

    # ------------------------------------------------------------------ accepted, cleaned, said
    add(Case("control_char_params_name", "control_character", "BEL and vertical tab in the district name (\\a, \\v "
             "escapes): removed (the tab as a space), said as a warning; openpyxl refused the workbook before",
             outcome="accepted", params_expected={"name": "Distrito de prueba"},
             warnings=[P(pf, "control character(s) \\x07, \\x0b removed from the text", column="name",
                         value="Distrito de prueba")])
        .params(txt.replace("name: Distrito de prueba", 'name: "Distrito\\a de\\vprueba"')))
    add(Case("control_char_raw_nul", "control_character", "a raw NUL byte inside the vision line",
             outcome="accepted",
             params_expected={"workshop.vision": "Every family in the district has safe water and a toilet, "
                                                 "run by strong JASS."},
             warnings=[P(pf, "control character(s) \\x00 removed from the file")])
        .params(txt.replace("safe water", "safe \x00water")))
    add(Case("control_char_objectives", "control_character", "an ESC character (\\e) in the first objective",
             outcome="accepted", params_expected={"workshop.objectives[0]": "Rehabilitate failing systems"},
             warnings=[P(pf, "control character(s) \\x1b removed", column="workshop.objectives[0]")])
        .params(txt.replace('objectives: ["Rehabilitate failing systems"', 'objectives: ["Rehabilitate\\e failing systems"')))
    rows = m.set_cell(m.set_cell(m.read_rows(m.COMM), 2, "name", "$\\frac{a$"), 3, "name", "Alto $x^2$ y $5")
    add(Case("dollar_in_names", "dollar_in_name", "'$…$' in community names and the district name (matplotlib "
             "mathtext crashed the stage): plain text, read verbatim", outcome="accepted",
             names={"C1": "$\\frac{a$", "C2": "Alto $x^2$ y $5"}, params_expected={"name": "Distrito $x^2$ de prueba"})
        .table(m.COMM, rows)
        .params(txt.replace("name: Distrito de prueba", "name: Distrito $x^2$ de prueba")))
    return out
