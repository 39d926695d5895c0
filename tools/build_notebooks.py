"""Write the stage notebooks (notebooks/*.ipynb) from the cell lists below, without outputs.

The notebooks are the source users open and papermill runs; this script only keeps their common
parts (parameters cell, opening, provenance) identical. Edit a notebook here, run
`python tools/build_notebooks.py`, and commit both. Cells tagged `trainer` are notes for
trainers stepping through the notebook in JupyterLab, written twice (tags `lang-es` and `lang-en`,
Spanish in tools/trainer_notes_es.py); they are removed from the HTML reports,
whose every sentence comes from lib/propilas/core/text/ in the report language.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

PARAMETERS = '''# Parameters. `propilas run` injects them; to study another district by hand, set `district`
# to any file name in params/ (e.g. "lajas", "san_juan") and run all cells (Run > Run All Cells).
district = "tacabamba"
params_data = None  # injected by the runner: the district's parameters as plain data
params_dir = "../params"
data_dir = "../data"
out_dir = "../outputs"
run_id = None
language = None  # "es" or "en" overrides the district's report language'''


def opening(stage: str, title: str, intro: str, fmt: str = "") -> str:
    return f'''from propilas.run.context import StageContext

ctx = StageContext.open("{stage}", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("{title}", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("{intro}"{fmt})'''


def md(text: str) -> list[nbformat.NotebookNode]:
    """A trainer note in both languages: two cells tagged `trainer` and `lang-es` / `lang-en` (the
    Spanish text from tools/trainer_notes_es.py; a note without one stops the build)."""
    from trainer_notes_es import ES

    en = text.strip()
    if en not in ES:
        raise SystemExit(f"trainer note without a Spanish version in tools/trainer_notes_es.py:\n{en[:200]}")
    return [nbformat.v4.new_markdown_cell(ES[en].strip(), metadata={"tags": ["trainer", "lang-es"]}),
            nbformat.v4.new_markdown_cell(en, metadata={"tags": ["trainer", "lang-en"]})]


def flat(cells: list) -> list[nbformat.NotebookNode]:
    """Cells with the two-language notes (lists) spread out."""
    out: list[nbformat.NotebookNode] = []
    for c in cells:
        out += flat(c) if isinstance(c, list) else [c]
    return out


def code(src: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(src.strip(), metadata={"tags": tags} if tags else {})




def stage_notebook(stage: str, title: str, intro: str, lesson: str, cells: list, fmt: str = "") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "propilas", "display_name": "Python (propilas)", "language": "python"},
        "language_info": {"name": "python"},
    }
    nb.cells = [md(lesson), code(PARAMETERS, ["parameters"]), code(opening(stage, title, intro, fmt)), *cells, code("ctx.show_provenance()")]
    return nb


NOTEBOOKS: dict[str, nbformat.NotebookNode] = {}

NOTEBOOKS["00_profile.ipynb"] = stage_notebook(
    "00", "nb.profile.title", "nb.profile.intro",
    """
# Stage 0 — District profile and data check (trainer notes)
**Purpose.** Know the district before planning: which rural communities the plan covers, how many people
live there now and at the horizon, and whether the inventory can be trusted.
**Steps.** (1) read and validate the inventory — every problem is listed at once with file, row, column and
value; (2) project population with the intercensal rate r = (P2/P1)^(1/(t2−t1)) − 1; (3) compare the sum of
communities with P(base) × rural share. **Ask participants:** is every caserío listed? Which rows are real?
""",
    [
        code('''inputs = ctx.inputs()
report = inputs["validation"]
errors = int((report["severity"] == "error").sum())
if errors:
    ctx.narrate("nb.profile.validation_failed", errors=errors)
elif len(report):
    ctx.narrate("nb.profile.validation_ok", warnings=len(report))
else:
    ctx.narrate("nb.profile.validation_none")
if len(report):  # headers and severity in the report language (issue 13 §2)
    ctx.show_table(report, columns={"severity": "col.severity", "file": "col.file", "sheet": "col.v_sheet",
                   "row": "col.v_row", "column": "col.v_column", "value": "col.v_value", "rule": "col.rule"},
                   codes={"severity": "severity"}, max_rows=200)
ctx.validation.raise_if_errors()  # bad input never produces a report that looks complete'''),
        md("""**Which rows are real?** Every row says its `source`. SIASAR rows are real survey records (never
completed with invented values); `illustrative` rows were generated to make the example complete."""),
        code('''from propilas.method.sources import sources_note

ctx.narrate_text(sources_note(inputs["communities"], inputs["water_systems"], ctx.lang))
result = ctx.compute(inputs)
ctx.write(result)'''),
        md("""**Population.** The growth rate comes from the two most recent censuses; each community is projected
with the district rate from its base-year population."""),
        code('''from propilas.stages.charts import diagnosis as charts
from propilas.method.population import district_growth_rate

years = sorted(p.census_known)[-2:]
y1, y2 = years
dp = result["district_population"].set_index("year")
ctx.narrate("nb.profile.growth", y1=y1, y2=y2, p1=p.census_known[y1], p2=p.census_known[y2], dt=y2 - y1,
            r=district_growth_rate(p), pbase=dp.loc[p.base_year, "population_district"],
            phor=dp.loc[p.horizon_year, "population_district"], base_year=p.base_year,
            horizon_year=p.horizon_year, n=len(result["communities"]),
            total=int(result["communities"]["population"].sum()))
source = ctx.source_note(result["communities"], result["water_systems"])
ctx.show_figure(charts.population_projection(result["district_population"], ctx.lang, source,
                                             illustrative=ctx.illustrative))
ctx.show_figure(charts.population_by_community(result["communities"], p.base_year, ctx.lang, source,
                                               illustrative=ctx.illustrative,
                                               max_communities=p.report.max_communities_in_charts))'''),
        code('''ctx.heading("nb.profile.communities", level=2)
ctx.show_table(result["communities"], columns={"community_id": "col.community_id", "name": "col.name",
               "population": "col.population", "households": "col.households", "poverty_rate": "col.poverty_pct",
               "altitude_m": "col.altitude_m", "source": "col.source"}, percent=["poverty_rate"], decimals=0)
ctx.heading("nb.profile.systems", level=3, n=len(result["water_systems"]))
ctx.show_table(result["water_systems"], columns={"system_id": "col.system_id", "community_id": "col.community_id",
               "name": "col.name", "system_type": "col.system_type", "year_built": "col.year_built",
               "households_connected": "col.households_connected", "source": "col.source"},
               codes={"system_type": "system_type"}, decimals=0)'''),
        md("""**Data quality (imported districts).** What the importer found in the published SIASAR records (which
rows, why, what was done — e.g. more households than persons: households imputed) and, per community, the
fields SIASAR does not survey that the consultant should collect. Both are sheets of tables.xlsx."""),
        code('''from propilas.method.sources import uses_siasar

dq, checklist = result["data_quality"], result["field_checklist"]
if uses_siasar(result["communities"], result["water_systems"]) or len(dq):
    ctx.heading("nb.profile.data_quality", level=2)
    n_rows = int(result["water_systems"]["source"].astype(str).str.upper().str.startswith("SIASAR").sum())
    n_comm = int(result["communities"]["source"].astype(str).str.upper().str.startswith("SIASAR").sum())
    ctx.narrate("nb.profile.dq_summary" if len(dq) else "nb.profile.dq_none", rows=n_rows, communities=n_comm,
                problems=len(dq))
    if len(dq):
        ctx.show_table(dq, columns={"record": "col.dq_record", "community_id": "col.community_id",
                       "field": "col.dq_field", "value": "col.dq_value", "problem": "col.dq_problem",
                       "action": "col.dq_action", "detail": "col.dq_detail"},
                       codes={"problem": "dq_problem", "action": "dq_action"}, max_rows=200)
    ctx.heading("nb.profile.checklist", level=3)
    ctx.narrate("nb.profile.checklist_note")
    ctx.show_table(checklist, columns={"name": "col.name", **{c: f"col.{c}" for c in checklist.columns
                                                              if c.startswith("check_")}},
                   codes={c: "check" for c in checklist.columns if c.startswith("check_")}, max_rows=200)'''),
    ],
)

NOTEBOOKS["01_diagnosis.ipynb"] = stage_notebook(
    "01", "nb.diagnosis.title", "nb.diagnosis.intro",
    """
# Stage 1 — Diagnosis of services (trainer notes)
**Purpose.** Measure where each community stands on the WHO/UNICEF JMP ladders, so targets and gaps
are expressed in the same terms as SDG 6. **Common mistakes:** counting a piped system as safely managed
without chlorine data; forgetting that a community can have several systems (their connections add up);
shares of households instead of population (we use population: households × persons per household).
""",
    [
        code('''from propilas.stages.charts import diagnosis as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
ctx.narrate("nb.diagnosis.headline", **ctx.ladder_headline(result["water_ladder"], result["sanitation_ladder"]),
            reasons={"safe": "reason.safely_managed_data", "san": "reason.sanitation_not_surveyed"})
covered = result["ladder_district"].groupby("service")["population_covered_pct"].first()
for service, pct in covered.items():
    if pct < 99.95:
        ctx.narrate("nb.diagnosis.coverage_note", service=ctx.t(f"service.{service}").lower(), pct=pct)
wl = result["water_ladder"]
n_served = wl.loc[wl["flags"].fillna("").str.contains("not_computed:community_population"), "community_id"].nunique()
if n_served:  # population = people served (SIASAR): access not computed, and how to add it
    ctx.narrate("nb.diagnosis.water_not_computed", n=n_served, district=district)''',
             ),
        md("""**Reading the ladder.** Each bar is 100 % of a community's population. Grey hatched segments are
rungs that could not be computed from the data — never shown as zero."""),
        code('''from propilas.stages.charts import maps

source = ctx.source_note(inputs["communities"], inputs["water_systems"])
boundary = ctx.boundary()
for service in ("water", "sanitation"):
    ladder = result[f"{service}_ladder"]
    ctx.show_figure(charts.ladder_chart(ladder, result["ladder_district"], service, ctx.lang, source,
                                        communities=inputs["communities"], illustrative=ctx.illustrative,
                                        max_communities=p.report.max_communities_in_charts))
    ctx.show_figure(maps.rung_map(boundary, inputs["communities"], ladder, service, p.name, ctx.lang, source))'''),
        code('''ctx.heading("nb.diagnosis.district_table", level=3)
ctx.show_table(result["ladder_district"], columns={"service": "col.service", "rung": "col.rung",
               "households": "col.households", "population": "col.population", "share_pct": "col.share_pct"},
               codes={"service": "service", "rung": "rung"}, rests_on=("rows",))
flags = result["system_flags"]
flagged = flags[flags["flags"].fillna("") != ""]
if len(flagged):
    ctx.narrate("nb.diagnosis.flags", n=len(flagged))
    ctx.show_table(flagged, columns={"system_id": "col.system_id", "community_id": "col.community_id",
                   "qualifies_safely_managed": "col.qualifies", "flags": "col.flags"})'''),
    ],
    fmt=", hours=p.water.safely_managed_min_hours, chlorine=p.water.min_residual_chlorine_mg_l, "
        "trip=p.water.basic_max_round_trip_min",
)

NOTEBOOKS["02_sustainability.ipynb"] = stage_notebook(
    "02", "nb.sustainability.title", "nb.sustainability.intro",
    """
# Stage 2 — Sustainability of water systems (trainer notes)
**Purpose.** A system that exists is not a service that lasts. The PROPILAS index scores the state of
each system (E, weight 2), its management (G) and its operation and maintenance (O), 1–4 each.
**Try:** change a sub-variable in `params/defaults.yaml` (e.g. the continuity bands) and re-run to see
which systems change class. **Common mistakes:** rounding the index before classifying (3.50 is B, not A);
reading a partial index as complete; classifying a system on one or two answers (a component needs at least
`sustainability.min_subvariables` known sub-variables, E also the infrastructure: otherwise the system is
unclassified and gets a diagnosis visit, not works).
""",
    [
code('''from propilas.stages.charts import sustainability as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
table = result["sustainability"]
counts = result["sustainability_by_class"].set_index("class")["systems"]
mean = table["index"].mean()
ctx.narrate("nb.sustainability.headline", n=len(table), A=counts.get("A", 0), B=counts.get("B", 0),
            C=counts.get("C", 0), D=counts.get("D", 0), U=counts.get("unclassified", 0),
            partial=int(table["partial"].sum()), mean=None if mean != mean else f"{mean:.2f}",
            reasons={"mean": "reason.no_classified_system"})
ctx.narrate("nb.sustainability.partial_note", k=p.sustainability.min_subvariables)
if counts.get("unclassified", 0):
    ctx.narrate("nb.sustainability.unclassified", n=int(counts.get("unclassified", 0)),
                k=p.sustainability.min_subvariables, cost=p.unit_costs.diagnosis_visit_per_system)'''),
        code('''source = ctx.source_note(inputs["communities"], inputs["water_systems"])
ctx.show_figure(charts.index_chart(table, ctx.lang, source, water_systems=inputs["water_systems"],
                                   illustrative=ctx.illustrative, max_systems=p.report.max_communities_in_charts))
ctx.show_figure(charts.class_count_chart(result["sustainability_by_class"], ctx.lang, source,
                                         illustrative=ctx.illustrative))
from propilas.stages.charts import maps

ctx.show_figure(maps.class_map(ctx.boundary(), table, inputs["water_systems"], p.name, ctx.lang, source))'''),
        md("""**The table** shows each sub-score. `flags` lists what was missing (left out of its component's
mean) — a consultant's to-do list for the next survey."""),
        code('''ctx.show_table(table, columns={"system_id": "col.system_id", "community_id": "col.community_id",
               "infrastructure": "col.infrastructure", "coverage": "col.coverage", "continuity": "col.continuity",
               "quantity": "col.quantity", "quality": "col.quality", "E": "col.E", "G": "col.G", "O": "col.O",
               "index": "col.index", "class": "col.class", "partial": "col.partial", "flags": "col.flags"},
               codes={"class": "class", "partial": "bool"}, decimals=2)'''),
    ],
    fmt=', a=p.sustainability.class_cutoffs["A"], b=p.sustainability.class_cutoffs["B"], c=p.sustainability.class_cutoffs["C"]',
)


def main() -> int:
    from extra_notebooks import add_notebooks  # stages 03-08 and the comparison

    add_notebooks(NOTEBOOKS, stage_notebook, md, code, PARAMETERS)
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name, nb in NOTEBOOKS.items():
        nb.cells = flat(nb.cells)
        nbformat.validate(nb)
        nbformat.write(nb, out / name)
    print(f"wrote {len(NOTEBOOKS)} notebooks to {out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
