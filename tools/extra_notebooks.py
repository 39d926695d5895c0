"""Cells of notebooks 03-08 and the comparison (see build_notebooks.py)."""

from __future__ import annotations

import nbformat


def add_notebooks(NB, stage_notebook, md, code, PARAMETERS) -> None:  # noqa: N803 - mirrors build_notebooks
    NB["03_strategy.ipynb"] = stage_notebook(
        "03", "nb.strategy.title", "nb.strategy.intro",
        """
# Stage 3 — Strategy: objectives, targets and gaps (trainer notes)
**Purpose.** Turn the workshop's vision into numbers: targets at the horizon year (SDG 6.1: universal
basic water by 2030) and the gap per community. **Formula.** served = pph × [non-piped basic-or-better
households + min(piped households, households connected to class A/B systems)]; gap = max(0, target ×
P(horizon) − served); gap indicator = 100 × (P(base) − served) / P(base). **Common mistake:** counting
people on a collapsed (class C/D) system as served.
""",
        [
            code('''from propilas.stages.charts import strategy as charts
from propilas.stages.strategy_text import show_workshop

inputs = ctx.inputs()
show_workshop(ctx)
result = ctx.compute(inputs)
ctx.write(result)
ind = result["gap_indicators"].set_index("service")
ctx.narrate("nb.strategy.headline", wgap=ind.loc["water", "gap"], sgap=ind.loc["sanitation", "gap"],
            wind=ind.loc["water", "gap_indicator_pct"], sind=ind.loc["sanitation", "gap_indicator_pct"],
            base_year=p.base_year, horizon_year=p.horizon_year,
            reasons={"sgap": "reason.sanitation_not_surveyed", "sind": "reason.sanitation_not_surveyed"})
for service, pct in ind["population_covered_pct"].items():
    if pct == pct and pct < 99.95:
        ctx.narrate("nb.diagnosis.coverage_note", service=ctx.t(f"service.{service}").lower(), pct=pct)'''),
            code('''ctx.show_table(result["targets"], columns={"indicator": "col.indicator", "base_pct": "col.base_pct",
               "target_pct": "col.target_pct", "target_year": "col.target_year"}, codes={"indicator": "indicator"},
               rests_on=("rows",))
ctx.show_table(result["gap_indicators"], columns={"service": "col.service", "population_base": "col.population_base",
               "served_base": "col.served_base", "without_service": "col.without_service",
               "gap_indicator_pct": "col.gap_indicator_pct", "population_horizon": "col.population_horizon",
               "gap": "col.gap"}, codes={"service": "service"}, decimals=0, rests_on=("rows",))'''),
            md("""**Gaps by community.** The chart shows people still to be served at the horizon; the table adds the
Invierte.pe gap indicator. Discuss: are the biggest gaps where the poorest communities are?"""),
            code('''source = ctx.source_note(inputs["communities"], inputs["water_systems"])
ctx.show_figure(charts.gap_by_community(result["gaps"], p.horizon_year, ctx.lang, source,
                                        communities=inputs["communities"], illustrative=ctx.illustrative))
ctx.show_table(ctx.with_names(result["gaps"], inputs["communities"]),
               columns={"community": "col.community", "service": "col.service",
               "population_base": "col.population_base", "served_base": "col.served_base",
               "population_horizon": "col.population_horizon", "gap": "col.gap",
               "gap_indicator_pct": "col.gap_indicator_pct"}, codes={"service": "service"}, decimals=0)'''),
        ],
    )

    NB["04_prioritisation.ipynb"] = stage_notebook(
        "04", "nb.prioritisation.title", "nb.prioritisation.intro",
        """
# Stage 4 — Prioritisation (trainer notes)
**Purpose.** Decide an order among communities that participants can defend. Interventions are chosen
and priced by one rule set (stage 5's rules) before any ranking, so the ranking cannot bias the costs.
**Robustness.** 1,000 weight sets drawn around the agreed weights show how stable the ranking is; the
lesson `notebooks/lessons/weights.ipynb` lets participants move the weights themselves.
""",
        [
            code('''from propilas.method.prioritisation import fallback_labels, fallback_text
from propilas.stages.charts import prioritisation as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
rob = result["robustness"].set_index("metric")["value"]
key = "nb.prioritisation.fragile" if rob["fragile"] >= 1 else "nb.prioritisation.robust"
ctx.narrate(key, rho=rob["median_spearman"], k=int(rob["top_k"]), pmin=rob["min_p_top_k_in_base_top_k"])'''),
            code('''source = ctx.source_note(inputs["communities"], inputs["water_systems"])
ctx.show_figure(charts.priority_chart(result["priorities"], result["sensitivity"], result["robustness"],
                                      p.prioritisation.top_k, ctx.lang, source, communities=inputs["communities"],
                                      illustrative=ctx.illustrative))
crit = {}
for c in ctx.criteria:
    crit[c] = f"criterion.{c}"
    if c == "beneficiaries":  # the distinct count, then its per-service columns
        crit.update({f"beneficiaries_{s}": f"priority.beneficiaries_{s}" for s in ("water", "sanitation")})
shown = ctx.with_names(result["priorities"].sort_values("rank"), inputs["communities"])
shown["fallbacks"] = [fallback_labels(v, ctx.lang) for v in shown["fallbacks"]]
ctx.show_table(shown, columns={"rank": "col.rank", "community": "col.community", "score": "col.score",
                               "p_top_k": "col.p_top_k", **crit, "fallbacks": "priority.fallbacks_col"},
               decimals=2)
ctx.narrate("priority.beneficiaries_note", horizon=p.horizon_year)
ctx.narrate_text(fallback_text(result["priorities"], p, ctx.lang,
                               names=dict(zip(inputs["communities"]["community_id"], inputs["communities"]["name"]))))'''),
            code('''ctx.heading("nb.prioritisation.interventions", level=3)
ctx.show_table(ctx.with_names(result["interventions"], inputs["communities"]),
               columns={"community": "col.community", "system_id": "col.system_id",
                        "intervention": "col.intervention", "quantity": "col.quantity_units", "unit": "col.unit",
                        "unit_cost_pen": "col.unit_cost_pen", "cost_pen": "col.cost_pen",
                        "beneficiaries": "col.beneficiaries"},
               codes={"intervention": "intervention", "unit": "unit"}, decimals=0, max_rows=80)'''),
        ],
        fmt=", draws=p.prioritisation.draws, k=p.prioritisation.top_k",
    )

    NB["05_investment_plan.ipynb"] = stage_notebook(
        "05", "nb.investment.title", "nb.investment.intro",
        """
# Stage 5 — Investment plan (trainer notes)
**Purpose.** Show what the district can afford, when, and what is left unfunded. The scheduling rule is
deliberately simple so participants can check it by hand: ATM first, then priority order, whole items
only, no carry-over. **Try:** the lesson `notebooks/lessons/budget.ipynb` moves the envelope and shows
the target year move.
""",
        [
            code('''from propilas.method.money import money_figures, money_sentences, money_table
from propilas.stages.charts import investment as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
ty = result["target_years"].set_index("service")
plan = result["investment_plan"]
money = money_figures(plan)  # the one definition of each money figure (stage 8 and summary.json use it too)
ctx.narrate_text(" ".join(ctx.mark(x, ("rows", "unit_costs", "envelope"))
                          for x in money_sentences(money, ctx.lang, p.base_year + 1, p.horizon_year)))
for service, row in ty[ty["target_pct"].notna()].iterrows():
    name = ctx.t(f"service.{service}")
    if row["year_met"] == row["year_met"]:
        ctx.narrate("nb.investment.target_met", service=name, target=row["target_pct"], year=int(row["year_met"]))
    else:
        ctx.narrate("nb.investment.target_missed", service=name, target=row["target_pct"],
                    horizon_year=p.horizon_year, cov=row["coverage_horizon_pct"],
                    reasons={"cov": f"reason.{service}_coverage_unknown"})''', ),
            code('''source = ctx.source_note()
ctx.show_figure(charts.investment_by_year(result["cost_by_year"], p.budget.sources, ctx.lang, source,
                                         illustrative=ctx.illustrative))
ctx.show_figure(charts.coverage_trajectory(result["trajectory"], result["target_years"], ctx.lang, source,
                                          illustrative=ctx.illustrative))
covered = result["trajectory"].groupby("service")["population_covered_pct"].first()
for service, pct in covered.items():
    if pct == pct and pct < 99.95:
        ctx.narrate("nb.diagnosis.coverage_note", service=ctx.t(f"service.{service}").lower(), pct=pct)'''),
            code('''ctx.heading("money.table_heading", level=3)
ctx.show_table(money_table(money, ctx.lang), columns={"service": "col.service", "plan_cost_pen": "col.plan_cost_pen",
               "investment_total_pen": "col.investment_total_pen", "funding_gap_pen": "col.funding_gap_pen",
               "unpriced_items": "col.unpriced_items"}, codes={"service": "service"}, decimals=0)
ctx.show_table(ctx.with_names(plan, inputs["communities"]),
               columns={"year": "col.year", "community": "col.community", "system_id": "col.system_id",
                        "intervention": "col.intervention", "source": "col.source", "cost_pen": "col.cost_pen",
                        "beneficiaries": "col.beneficiaries", "rank": "col.rank", "status": "col.status"},
               codes={"intervention": "intervention", "source": "source", "status": "status"}, decimals=0,
               max_rows=120)'''),
            # issue 16: the rule's plan and the best plan for the same budget, side by side
            code('''from propilas.stages.optimum_text import show_optimum

show_optimum(ctx, result, inputs["communities"])'''),
        ],
        fmt=", first=p.base_year + 1, horizon_year=p.horizon_year",
    )

    NB["06_participatory_budget.ipynb"] = stage_notebook(
        "06", "nb.budget.title", "nb.budget.intro",
        """
# Stage 6 — Participatory budget and institutional plan (trainer notes)
**Purpose.** The plan becomes municipal money through the participatory budget. Each project sheet is
what the municipality takes to the participatory-budget workshop; the commitments are what the council
approves by ordinance. **Ask:** who in the municipality signs each commitment?
""",
        [
            code('''from propilas.stages.charts import budget as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
sheets = result["project_sheets"]
ctx.heading("nb.budget.sheets", level=2, n=len(sheets))
if len(sheets):
    ctx.show_figure(charts.sheets_cost_chart(sheets, p, illustrative=ctx.illustrative))
ctx.show_table(sheets, columns={"sheet_no": "col.sheet_no", "year": "col.year", "community_name": "col.community",
               "intervention": "col.intervention", "beneficiaries": "col.beneficiaries", "cost_pen": "col.cost_pen",
               **{f"cost_{s}_pen": f"source.{s}" for s in p.budget.sources},
               "priority_rank": "col.priority_rank", "gap_closed_pp": "col.gap_closed_pp"},
               codes={"intervention": "intervention"}, decimals=0)'''),
            code('''ctx.heading("nb.budget.commitments", level=2)
ctx.show_table(result["commitments"], columns={"item": "col.item", "actor": "col.actor", "detail": "col.detail",
               "amount_pen": "col.amount_pen", "year": "col.year"}, decimals=0)'''),
        ],
        fmt=", years=p.budget.sheet_years",
    )

    NB["07_monitoring.ipynb"] = stage_notebook(
        "07", "nb.monitoring.title", "nb.monitoring.intro",
        """
# Stage 7 — Monitoring (trainer notes)
**Purpose.** A plan is only as good as its follow-up. Each follow-up round (`data/<district>/rounds/<year>/`,
same files as the base inventory) is scored with exactly the same library as the baseline.
""",
        [
            code('''from propilas.stages.charts import monitoring as charts

inputs = ctx.inputs()
rounds = sorted(inputs["rounds"])
if rounds:
    ctx.narrate("nb.monitoring.rounds", years=", ".join(map(str, rounds)))
else:
    ctx.narrate("nb.monitoring.no_rounds")
result = ctx.compute(inputs)
ctx.write(result)
ctx.show_figure(charts.monitoring_chart(result["monitoring"], p, illustrative=ctx.illustrative))'''),
            code('''mon = result["monitoring"]
shown = mon[mon["actual"].notna() | (mon["year"] == p.base_year) | (mon["year"] == p.horizon_year)]
shown = shown.assign(target_reason=shown["target_reason"].fillna(""))  # a reason only where a target is missing
ctx.show_table(shown, columns={"indicator": "col.indicator", "year": "col.year", "target": "col.target",
               "actual": "col.actual", "ratio": "col.ratio", "light": "col.light",
               "target_reason": "col.target_reason"},
               codes={"indicator": "indicator", "light": "light", "target_reason": "target_reason"}, decimals=2,
               max_rows=120, rests_on=("rows", "unit_costs", "envelope"))'''),
        ],
        fmt=", base_year=p.base_year, green=p.monitoring.green, amber=p.monitoring.amber",
    )

    NB["08_summary.ipynb"] = stage_notebook(
        "08", "nb.summary.title", "nb.summary.intro",
        """
# Stage 8 — District summary (trainer notes)
**Purpose.** One page a mayor reads, and a plain-language summary the public-service oversight committee
(comité de vigilancia) can hold the municipality to. `summary.json` feeds the cross-district comparison.
""",
        [
            code('''from propilas.stages.charts import summary as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
s = result["summary.json"]
ctx.heading("nb.summary.headline", level=2)
ctx.show_headline(s, inputs["communities"])
ctx.show_figure(charts.coverage_chart(s, p))
ctx.show_figure(charts.systems_by_class_chart(s, p))
ctx.show_figure(charts.investment_chart(inputs["cost_by_year"], p, s))'''),
            code('''from propilas.stages.charts import maps

ctx.show_figure(maps.plan_map(ctx.boundary(), inputs["communities"], inputs["water_systems"],
                              inputs["sustainability"], inputs["priorities"], p.prioritisation.top_k, p.name,
                              ctx.lang, ctx.source_note(inputs["communities"], inputs["water_systems"])))'''),
            code('''ctx.heading("nb.summary.citizen", level=2)
ctx.narrate_text("\\n".join(f"- {ctx.escape(x)}" for x in result["citizen_summary"]["sentence"]))'''),
        ],
    )

    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "propilas", "display_name": "Python (propilas)", "language": "python"},
                   "language_info": {"name": "python"}}
    nb.cells = [
        md("""
# Comparison across districts (trainer notes)
Run once per batch over the districts that completed every stage. Every figure comes from each district's
`summary.json`, so it is the same number the district report shows.
"""),
        code('''# Parameters (injected by `propilas run`).
districts = ["tacabamba", "lajas"]
out_dir = "../outputs"
run_id = None
language = "es"''', ["parameters"]),
        code('''from propilas.report.comparison_report import ComparisonContext

cmp = ComparisonContext(districts, out_dir, language, run_id)
cmp.heading("nb.comparison.title", level=1)
cmp.narrate("nb.comparison.intro", n=len(districts))
table = cmp.compute_and_write()
cmp.show_overview(table)'''),
        code('''cmp.show_charts(table)'''),
        code('''cmp.show_provenance()'''),
    ]
    NB["comparison.ipynb"] = nb
