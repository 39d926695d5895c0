"""Stage 5 page: the rule's plan and the best plan for the same budget, side by side (issue 16).

`ctx` is the notebook's StageContext (duck-typed: narrate, narrate_text, heading, show_table,
with_names, mark, t, params); the figures come from `optimum_comparison` and `optimum`, the
tables stage 5 wrote — never recomputed here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from propilas.method.optimum_compare import COMPARISON_METRICS, comparison_value, differing_items

PLAN_USES = ("rows", "unit_costs", "envelope")


def comparison_rows(comparison: pd.DataFrame, language: str) -> pd.DataFrame:
    """The comparison table for people: one labelled row per metric (unknown stays empty)."""
    from propilas.core.labels import t

    comp = comparison.set_index("metric")
    rows = []
    for m in COMPARISON_METRICS:
        if m not in comp.index or m in ("proven_optimal",):
            continue
        r = comp.loc[m]
        rows.append({"metric": t(f"optimum.metric.{m}", language), "rule": r["rule"], "optimum": r["optimum"],
                     "difference": r["difference"]})
    return pd.DataFrame(rows, columns=["metric", "rule", "optimum", "difference"])


def show_optimum(ctx: Any, result: dict[str, pd.DataFrame], communities: pd.DataFrame | None) -> None:
    p = ctx.params
    comp = result["optimum_comparison"]
    ctx.heading("optimum.heading", level=3)
    ctx.narrate("optimum.intro", horizon=p.horizon_year)
    rule = comparison_value(comp, "people_years", "rule")
    best = comparison_value(comp, "people_years", "optimum")
    if rule is not None and best is not None:
        diff = best - rule
        if diff > 0.5:
            pct = 100.0 * diff / rule if rule > 0 else float("nan")
            ctx.narrate_text(ctx.mark(ctx.t("optimum.sentence", rule=rule, best=best, diff=diff, pct=pct), PLAN_USES))
        else:
            ctx.narrate_text(ctx.mark(ctx.t("optimum.same", rule=rule), PLAN_USES))
    bound = comparison_value(comp, "people_years_bound", "optimum")
    proven = comparison_value(comp, "proven_optimal", "optimum")
    if bound is not None:
        key = "optimum.proven" if proven == 1 else "optimum.not_proven"
        ctx.narrate_text(ctx.t(key, bound=bound, gap=100.0 * p.optimum.max_gap))
    unval = comparison_value(comp, "unvalued_items", "optimum")
    if unval:
        ctx.narrate_text(ctx.t("optimum.unvalued", n=int(unval)))
    ctx.show_table(comparison_rows(comp, ctx.lang),
                   columns={"metric": "optimum.col.metric", "rule": "optimum.col.rule",
                            "optimum": "optimum.col.optimum", "difference": "optimum.col.difference"},
                   decimals=0, rests_on=PLAN_USES)
    diff_items = differing_items(result["optimum"])
    ctx.heading("optimum.differ_heading", level=4)
    if diff_items.empty:
        ctx.narrate_text(ctx.t("optimum.none_differ"))
    else:
        ctx.show_table(ctx.with_names(diff_items, communities),
                       columns={"community": "col.community", "intervention": "col.intervention",
                                "item_cost_pen": "col.cost_pen", "rule_year": "optimum.col.rule_year",
                                "optimum_year": "optimum.col.optimum_year", "rank": "col.rank"},
                       codes={"intervention": "intervention"}, decimals=0, max_rows=60, rests_on=PLAN_USES)
    ctx.narrate_text(ctx.t("optimum.caveat"))
