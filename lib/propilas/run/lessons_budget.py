"""The budget lesson (notebooks/lessons/budget.ipynb): schedule the investment plan with the
yearly envelopes scaled and another sanitation target, and show when each target is met."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.params import DistrictParams
from propilas.core.registry import STAGES
from propilas.method.money import money_figures
from propilas.run.lessons_common import (
    chart_source,
    displayer,
    figure_image,
    fmt_number,
    html_table,
    run_stages,
    text,
    with_overrides,
)

# Stages whose result depends on the sanitation target (gaps -> criteria -> ranking -> plan).
TARGET_DEPENDENT: tuple[str, ...] = ("03", "04", "05")


def scaled_envelope_overrides(params: DistrictParams, multiplier: float) -> dict[str, Any]:
    """budget overrides multiplying every yearly envelope (default and per-year) by `multiplier`."""
    if not math.isfinite(multiplier) or multiplier < 0:
        raise ValueError(f"multiplier must be finite and >= 0, got {multiplier}")
    b = params.budget
    return {"budget": {
        "envelope": {s: float(v) * multiplier for s, v in b.envelope.items()},
        "envelope_by_year": {y: {s: float(v) * multiplier for s, v in e.items()}
                             for y, e in b.envelope_by_year.items()},
    }}


@dataclass
class PlanResult:
    multiplier: float
    sanitation_target: float
    params: DistrictParams = field(repr=False)
    tables: dict[str, Any] = field(repr=False)  # stages 03..05 outputs under the scenario

    @property
    def investment_plan(self) -> pd.DataFrame:
        return self.tables["investment_plan"]

    @property
    def cost_by_year(self) -> pd.DataFrame:
        return self.tables["cost_by_year"]

    @property
    def trajectory(self) -> pd.DataFrame:
        return self.tables["trajectory"]

    @property
    def target_years(self) -> pd.DataFrame:
        return self.tables["target_years"]

    def year_met(self, service: str) -> float:
        ty = self.target_years.set_index("service")
        return float(ty.at[service, "year_met"]) if service in ty.index else float("nan")

    def summary(self) -> pd.DataFrame:
        """One row per service: target %, year met (NaN = not by the horizon), coverage at the
        horizon and funding gap; plus funded/unfunded item counts and money (`money.money_figures`:
        works only, the ATM apart, as stage 5 and stage 8 state them)."""
        ty = self.target_years
        plan = self.investment_plan
        items = plan[plan["intervention"] != "atm"].drop_duplicates("item_id")
        out = ty[["service", "target_pct", "year_met", "coverage_horizon_pct", "funding_gap_pen"]].copy()
        funded = items[items["status"] == "funded"]
        out["items_funded"] = [int((funded["service"] == s).sum()) for s in out["service"]]
        out["items_unfunded"] = [int(((items["status"] == "unfunded") & (items["service"] == s)).sum())
                                 for s in out["service"]]
        money = money_figures(plan)  # the plan's one definition: funded works, ATM excluded
        out["invested_pen"] = [money.get(f"{s}_investment_total_pen") for s in out["service"]]
        return out


def plan_with_envelope(tables: Mapping[str, Any], params: DistrictParams, multiplier: float = 1.0,
                       sanitation_target: float | None = None) -> PlanResult:
    """Schedule the plan with every yearly envelope × `multiplier` and the sanitation target
    (fraction 0–1; None keeps the district's).

    Why stages 03–05 are recomputed, not only the schedule: the sanitation target sets each
    community's sanitation gap, which is a prioritisation criterion, so a new target can change
    the ranking and therefore the order of funding. The envelope alone only changes stage 5.
    """
    overrides = scaled_envelope_overrides(params, multiplier)
    target = params.targets.sanitation if sanitation_target is None else float(sanitation_target)
    if target != params.targets.sanitation:
        overrides["targets"] = {"sanitation": target}
        redo = TARGET_DEPENDENT
    else:
        redo = ("05",)
    p = with_overrides(params, overrides)
    base = {k: v for k, v in tables.items()}
    out = run_stages(base, p, redo)
    scenario = {k: out[k] for st in STAGES if st.id in redo for k in st.writes}
    return PlanResult(multiplier=float(multiplier), sanitation_target=target, params=p, tables=scenario)


def year_or_never(year: float) -> float:
    """NaN (not met by the horizon) as +inf, for comparisons 'met no later than'."""
    return math.inf if year is None or (isinstance(year, float) and math.isnan(year)) else float(year)


def trajectory_chart(result: PlanResult, reference: PlanResult | None, language: str, source: str) -> Figure:
    """Coverage % per year and service for the scenario (solid) and the district plan (faint),
    with the targets dashed."""
    from propilas.stages.charts.common import COLOURS, finish, new_figure
    from propilas.core.labels import label

    fig, ax = new_figure(8.5, 4.5)
    targets = result.target_years.set_index("service")["target_pct"]
    for service in ("water", "sanitation"):
        name = label("service", service, language).capitalize()
        col = COLOURS[service]
        if reference is not None:
            tr0 = reference.trajectory[reference.trajectory["service"] == service].sort_values("year")
            ax.plot(tr0["year"], tr0["coverage_pct"], color=col, alpha=0.35, linewidth=1.5,
                    label=text("reference", language, service=name))
        tr = result.trajectory[result.trajectory["service"] == service].sort_values("year")
        ax.plot(tr["year"], tr["coverage_pct"], color=col, marker="o", markersize=3,
                label=text("scenario", language, service=name))
        tgt = targets.get(service, np.nan)
        if pd.notna(tgt):
            ax.axhline(float(tgt), color=col, linestyle="--", linewidth=1,
                       label=text("target", language, service=name.lower()))
            ym = result.year_met(service)
            if not math.isnan(ym):
                ax.axvline(ym, color=col, linestyle=":", linewidth=1)
    ax.set_ylim(0, 105)
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    note = f"{source}. {text('effects', language, m=result.multiplier)}"
    return finish(fig, text("trajectory_title", language), note, xlabel=text("year", language),
                  ylabel=text("coverage_axis", language))


def plan_summary_table(result: PlanResult, language: str) -> pd.DataFrame:
    from propilas.core.labels import label, t

    s = result.summary()
    return pd.DataFrame({
        t("col.service", language): [label("service", v, language) for v in s["service"]],
        t("col.target_pct", language): [fmt_number(v) for v in s["target_pct"]],
        t("col.year_met", language): ["" if sv == "management" else
                                      (text("not_met", language) if pd.isna(v) else str(int(v)))
                                      for sv, v in zip(s["service"], s["year_met"])],
        text("coverage_horizon", language): [fmt_number(v, 1) for v in s["coverage_horizon_pct"]],
        text("items_funded", language): s["items_funded"],
        text("items_unfunded", language): s["items_unfunded"],
        text("invested", language): [fmt_number(v) for v in s["invested_pen"]],
        t("col.funding_gap_pen", language): [fmt_number(v) for v in s["funding_gap_pen"]],
    })


def show_plan(tables: Mapping[str, Any], params: DistrictParams, multiplier: float,
              sanitation_target: float | None, reference: PlanResult | None = None,
              out: Any | None = None) -> PlanResult:
    """Display the envelope used, the target-year summary and the trajectory chart (in the
    cell, or in the ipywidgets Output `out`)."""
    from IPython.display import HTML, Markdown

    display = displayer(out)
    lang = params.language
    result = plan_with_envelope(tables, params, multiplier, sanitation_target)
    env = result.params.budget.envelope_for(params.base_year + 1)
    base = params.budget.envelope_for(params.base_year + 1)
    parts = ", ".join(f"{s} {fmt_number(v)}" for s, v in env.items())
    display(Markdown(text("envelope_line", lang, year=params.base_year + 1, total=fmt_number(sum(env.values())), parts=parts, m=multiplier,
                          base=fmt_number(sum(base.values())))))
    display(HTML(html_table(plan_summary_table(result, lang))))
    display(figure_image(trajectory_chart(result, reference, lang, chart_source(params, tables))))
    return result


# ---------------------------------------------------------------------------- rule and optimum (issue 16)
SWEEP_MULTIPLIERS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.5, 2.0)


def rule_and_optimum(result: PlanResult) -> dict[str, float | None]:
    """People-years and target years of the rule's plan and of the best plan for the same money,
    read from stage 5's `optimum_comparison` (method/optimum_compare.py, the figures every page
    states). A target year None: not met by the horizon (or unknown)."""
    from propilas.method.optimum_compare import comparison_value

    comp = result.tables.get("optimum_comparison")
    return {f"{m}_{side}": comparison_value(comp, m, side)
            for m in ("people_years", "water_target_year", "sanitation_target_year", "proven_optimal")
            for side in ("rule", "optimum")}


def envelope_sweep(tables: Mapping[str, Any], params: DistrictParams,
                   multipliers: tuple[float, ...] = SWEEP_MULTIPLIERS,
                   sanitation_target: float | None = None) -> pd.DataFrame:
    """The rule and the optimum side by side as the envelope moves: one row per multiplier with the
    yearly envelope (first plan year), the people-years of both plans, what the rule leaves on the
    table, and the year each target is met under each plan (NaN = not by the horizon)."""
    rows = []
    for m in multipliers:
        r = plan_with_envelope(tables, params, m, sanitation_target)
        v = rule_and_optimum(r)
        env = sum(r.params.budget.envelope_for(params.base_year + 1).values())
        pr, po = v["people_years_rule"], v["people_years_optimum"]
        rows.append({"multiplier": float(m), "envelope_pen": float(env),
                     "people_years_rule": np.nan if pr is None else pr,
                     "people_years_optimum": np.nan if po is None else po,
                     "left_on_table": np.nan if pr is None or po is None else po - pr,
                     **{f"{s}_year_{side}": (np.nan if v[f"{s}_target_year_{side}"] is None
                                             else v[f"{s}_target_year_{side}"])
                        for s in ("water", "sanitation") for side in ("rule", "optimum")},
                     "proven": v["proven_optimal_optimum"] == 1})
    return pd.DataFrame(rows)


def sweep_table(sweep: pd.DataFrame, language: str) -> pd.DataFrame:
    """The sweep for people: money and people-years as whole numbers, years or 'not met'."""
    def year(v: float) -> str:
        return text("not_met", language) if pd.isna(v) else str(int(v))

    return pd.DataFrame({
        text("sweep_multiplier", language): [f"× {m:g}" for m in sweep["multiplier"]],
        text("sweep_envelope", language): [fmt_number(v) for v in sweep["envelope_pen"]],
        text("sweep_py_rule", language): [fmt_number(v) for v in sweep["people_years_rule"]],
        text("sweep_py_optimum", language): [fmt_number(v) + ("" if p else " *")
                                             for v, p in zip(sweep["people_years_optimum"], sweep["proven"])],
        text("sweep_left", language): [fmt_number(v) for v in sweep["left_on_table"]],
        text("sweep_water_years", language): [f"{year(a)} / {year(b)}" for a, b in
                                              zip(sweep["water_year_rule"], sweep["water_year_optimum"])],
        text("sweep_sanitation_years", language): [f"{year(a)} / {year(b)}" for a, b in
                                                   zip(sweep["sanitation_year_rule"], sweep["sanitation_year_optimum"])],
    })


def sweep_chart(sweep: pd.DataFrame, language: str, source: str) -> Figure:
    """People-years of the rule's plan and of the best plan against the envelope multiplier."""
    from propilas.stages.charts.common import finish, new_figure

    fig, ax = new_figure(8, 4)
    x = sweep["multiplier"].to_numpy(dtype=float)
    ax.plot(x, sweep["people_years_rule"], marker="o", color="#607d8b", label=text("sweep_py_rule", language))
    ax.plot(x, sweep["people_years_optimum"], marker="s", color="#2e7d32", label=text("sweep_py_optimum", language))
    ax.fill_between(x, sweep["people_years_rule"], sweep["people_years_optimum"], color="#2e7d32", alpha=0.12)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return finish(fig, text("sweep_title", language), source, xlabel=text("sweep_multiplier", language),
                  ylabel=text("sweep_axis", language), alt=text("sweep_alt", language))


def show_sweep(tables: Mapping[str, Any], params: DistrictParams, sanitation_target: float | None = None,
               out: Any | None = None) -> pd.DataFrame:
    """Display the rule-and-optimum sweep (table and chart) in the cell, or in the Output `out`."""
    from IPython.display import HTML, Markdown

    display = displayer(out)
    lang = params.language
    sweep = envelope_sweep(tables, params, sanitation_target=sanitation_target)
    display(HTML(html_table(sweep_table(sweep, lang))))
    if not sweep["proven"].all():
        display(Markdown(text("sweep_not_proven", lang)))
    display(figure_image(sweep_chart(sweep, lang, chart_source(params, tables))))
    return sweep
