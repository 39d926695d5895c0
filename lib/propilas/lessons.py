"""Interactive lessons (notebooks/lessons/): the library calls behind the sliders.

Why a module and not notebook code: a lesson must show exactly the numbers the district report
shows. So the lessons run the same stage `compute` functions in the same order as a district
run (in memory, no `outputs/` needed), and change one parameter at a time — the prioritisation
weights, the budget envelope, the sanitation target — through a validated copy of the district
parameters, never by patching tables. Notebook cells only build widgets and display what these
functions return.
"""

from __future__ import annotations

from .labels import t as _labels_t

import importlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .params import CRITERIA, DistrictParams, deep_merge
from .registry import STAGES, Stage

# Stage ids the lessons run in-process: profile .. prioritisation (stage 5 is recomputed per
# slider move by `plan_with_envelope`).
LESSON_STAGES: tuple[str, ...] = ("00", "01", "02", "03", "04")
# Stages whose result depends on the sanitation target (gaps -> criteria -> ranking -> plan).
TARGET_DEPENDENT: tuple[str, ...] = ("03", "04", "05")

def text(key: str, language: str, **fmt: Any) -> str:
    """Lesson strings live in text/lessons.yaml with every other report string."""
    s = _labels_t("lesson." + key, language)
    return s.format(**fmt) if fmt else s


# ---------------------------------------------------------------------------- running stages
def _stage_module(stage: Stage):
    return importlib.import_module(f"propilas.stages.{stage.slug}")


def run_stages(tables: dict[str, Any], params: DistrictParams, stage_ids: tuple[str, ...]) -> dict[str, Any]:
    """Run the stages `stage_ids` (registry order) on `tables`, returning a new dict with their
    outputs added. Each stage receives only what the registry says it reads, as in a run."""
    out = dict(tables)
    for st in STAGES:
        if st.id not in stage_ids:
            continue
        inputs = {k: out[k] for k in st.table_inputs + st.data_inputs if k in out}
        if st.id == "00" and "validation" in out:
            inputs["validation"] = out["validation"]
        result = _stage_module(st).compute(inputs, params)
        missing = [w for w in st.writes if w not in result]
        if missing:
            raise RuntimeError(f"stage {st.name} did not produce {missing}")
        out.update(result)
    return out


def district_tables(district: str, params_dir: str | Path = "params", data_dir: str | Path = "data",
                    language: str | None = None,
                    stages: tuple[str, ...] = LESSON_STAGES) -> tuple[DistrictParams, dict[str, Any]]:
    """(params, tables) of a district after stages 00..04, computed in memory from its inputs.

    Invalid inputs stop here with the validation messages: a lesson on bad data would teach
    wrong numbers. `language` ('es'|'en') overrides the district's report language.
    """
    from .validation import load_inputs

    found = load_inputs(district, params_dir, data_dir)
    found.raise_if_errors()
    params = found.params
    if language:
        params = params.model_copy(update={"language": language})
    tables: dict[str, Any] = dict(found.tables)
    tables["validation"] = found.report()
    return params, run_stages(tables, params, stages)


def with_overrides(params: DistrictParams, overrides: Mapping[str, Any]) -> DistrictParams:
    """A validated copy of `params` with `overrides` deep-merged (same checks as a params file)."""
    data = deep_merge(params.model_dump(mode="python"), dict(overrides))
    return DistrictParams.model_validate(data)


# ---------------------------------------------------------------------------- weights lesson
def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Slider values → weights ≥ 0 summing to 1, in CRITERIA order.

    Why renormalise: participants move sliders one at a time; what matters is each weight
    relative to the others, and the method requires Σw = 1. A criterion not given counts 0.
    """
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {unknown}; known: {list(CRITERIA)}")
    raw = {c: float(weights.get(c, 0.0)) for c in CRITERIA}
    bad = {c: w for c, w in raw.items() if not math.isfinite(w) or w < 0}
    if bad:
        raise ValueError(f"weights must be finite and >= 0, got {bad}")
    total = sum(raw.values())
    if total <= 0:
        raise ValueError("at least one weight must be above 0")
    return {c: w / total for c, w in raw.items()}


@dataclass
class RankingResult:
    weights: dict[str, float]  # renormalised, CRITERIA order
    priorities: pd.DataFrame  # the stage-4 `priorities` table under these weights (p_top_k filled)
    sensitivity: pd.DataFrame
    robustness: dict[str, float]  # metric -> value (median_spearman, min_p_top_k_in_base_top_k, fragile, ...)
    params: DistrictParams = field(repr=False)

    @property
    def fragile(self) -> bool:
        return bool(self.robustness.get("fragile", 0) >= 1)


def ranking_with_weights(tables: Mapping[str, Any], params: DistrictParams,
                         weights: Mapping[str, float]) -> RankingResult:
    """Re-rank the communities with `weights` (renormalised) and redo the weight sensitivity.

    Uses the stage-4 library (criteria, normalisation, ties, Dirichlet draws with the district's
    seed), so with the district's own weights it returns the `priorities` of the report.
    """
    from .prioritisation import norm_matrix, priorities, sensitivity

    w = normalise_weights(weights)
    p = with_overrides(params, {"prioritisation": {"weights": w}})
    prio = priorities(tables["communities"], tables["sustainability"], tables["gaps"],
                      tables["interventions"], p)
    sens, robust = sensitivity(norm_matrix(prio), p, tiebreak=prio.set_index("community_id")["total_gap"])
    prio["p_top_k"] = prio["community_id"].map(sens.set_index("community_id")["p_top_k"]).astype(float)
    rob = {str(k): float(v) for k, v in zip(robust["metric"], robust["value"])}
    return RankingResult(weights=w, priorities=prio, sensitivity=sens, robustness=rob, params=p)


def ranking_table(result: RankingResult, base_priorities: pd.DataFrame | None,
                  communities: pd.DataFrame | None = None) -> pd.DataFrame:
    """rank, community, score, p_top_k, base_rank and change (+ = moved up against the base)."""
    pr = result.priorities.sort_values("rank", kind="stable")
    out = pd.DataFrame({"rank": pr["rank"].to_numpy(), "community_id": pr["community_id"].to_numpy(),
                        "score": pr["score"].to_numpy(), "p_top_k": pr["p_top_k"].to_numpy()})
    names = {} if communities is None else dict(zip(communities["community_id"], communities["name"]))
    out.insert(1, "community", [names.get(c, c) for c in out["community_id"]])
    if base_priorities is not None:
        base = base_priorities.set_index("community_id")["rank"]
        out["base_rank"] = out["community_id"].map(base).astype(float)
        out["change"] = out["base_rank"] - out["rank"]
    return out.reset_index(drop=True)


def ranking_chart(result: RankingResult, base_priorities: pd.DataFrame | None, language: str,
                  source: str, communities: pd.DataFrame | None = None, max_communities: int = 25) -> Figure:
    """Score bars in rank order (top k darker), p_top_k at the bar end, ▲/▼ against the base."""
    from .charts.common import COLOURS, finish, new_figure

    tab = ranking_table(result, base_priorities, communities).head(max_communities)
    k = int(result.robustness.get("top_k", result.params.prioritisation.top_k))
    n = len(tab)
    fig, ax = new_figure(8.5, max(3.0, 0.3 * n + 1.8))
    y = np.arange(n)
    colours = [COLOURS["water"] if r <= k else "#9ecae1" for r in tab["rank"]]
    ax.barh(y, tab["score"].to_numpy(dtype=float), color=colours)
    for yi, row in tab.iterrows():
        label = "" if pd.isna(row["p_top_k"]) else f"{100 * row['p_top_k']:.0f} %"
        ch = row.get("change", np.nan)
        if pd.notna(ch) and ch != 0:
            label += f"  {'▲' if ch > 0 else '▼'}{abs(int(ch))}"
        ax.text(float(row["score"]) + 0.01, yi, label, va="center", fontsize=7)
    ax.set_yticks(y, [str(x) for x in tab["community"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(tab["score"].max() if n else 1) + 0.2))
    ax.set_xlabel(text("score_axis", language, k=k), fontsize=8)
    note = f"{source}. {text('moved', language)}"
    return finish(fig, text("ranking_title", language), note, ax=ax)


# ---------------------------------------------------------------------------- budget lesson
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
        horizon and funding gap; plus funded/unfunded item counts and money."""
        ty = self.target_years
        plan = self.investment_plan
        items = plan[plan["intervention"] != "atm"].drop_duplicates("item_id")
        out = ty[["service", "target_pct", "year_met", "coverage_horizon_pct", "funding_gap_pen"]].copy()
        funded = items[items["status"] == "funded"]
        out["items_funded"] = [int((funded["service"] == s).sum()) for s in out["service"]]
        out["items_unfunded"] = [int(((items["status"] == "unfunded") & (items["service"] == s)).sum())
                                 for s in out["service"]]
        out["invested_pen"] = [float(plan[(plan["status"] == "funded") & (plan["service"] == s)]["cost_pen"].sum())
                               for s in out["service"]]
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
    from .charts.common import COLOURS, finish, new_figure
    from .labels import label

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


def chart_source(params: DistrictParams, tables: Mapping[str, Any]) -> str:
    """The source line of the district report (credits SIASAR when its rows are used)."""
    from .sources import chart_source as _cs

    return _cs(params.name, params.language, tables.get("communities"), tables.get("water_systems"))


# ---------------------------------------------------------------------------- display (notebooks)
def _fmt(x: Any, decimals: int = 0, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    v = 100 * float(x) if pct else float(x)
    return f"{v:,.{decimals}f}" + (" %" if pct else "")


def _html_table(df: pd.DataFrame) -> str:
    import html as _html

    head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_html.escape(str(v))}</td>" for v in r) + "</tr>"
                   for r in df.itertuples(index=False))
    return f'<table class="propilas-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def weights_table(sliders: Mapping[str, float], params: DistrictParams) -> pd.DataFrame:
    """Criterion, slider value, renormalised weight and the district's weight (display strings)."""
    from .labels import t

    lang = params.language
    used = normalise_weights(sliders)
    return pd.DataFrame({
        text("criterion", lang): [t(f"criterion.{c}", lang) for c in CRITERIA],
        text("slider", lang): [_fmt(sliders.get(c, 0.0), 2) for c in CRITERIA],
        text("weight", lang): [_fmt(used[c], 1, pct=True) for c in CRITERIA],
        text("district_weight", lang): [_fmt(params.prioritisation.weights[c], 1, pct=True) for c in CRITERIA],
    })


def _figure_image(fig: Figure):
    """A chart as an embedded PNG (the same rendering as the stage reports)."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return Image(data=buf.getvalue(), format="png")


def _displayer(out: Any | None):
    """display() into the cell, or, for a widget callback, into the ipywidgets Output `out`.

    Why not `with out:`: that capture context makes the headless executor (nbclient) emulate
    the widget, which was seen to stall papermill runs for minutes; setting the Output's
    `outputs` state is a plain widget-state update and renders the same in JupyterLab.
    """
    if out is None:
        from IPython.display import display

        return display
    out.outputs = ()
    return out.append_display_data


def show_ranking(tables: Mapping[str, Any], params: DistrictParams, sliders: Mapping[str, float],
                 max_rows: int = 25, out: Any | None = None) -> RankingResult:
    """Display the weights used, the robustness verdict, the ranking table and chart (in the
    cell, or in the ipywidgets Output `out`)."""
    from IPython.display import HTML, Markdown

    from .labels import t

    display = _displayer(out)

    lang = params.language
    result = ranking_with_weights(tables, params, sliders)
    display(HTML(_html_table(weights_table(sliders, params))))
    r, pp = result.robustness, result.params.prioritisation
    display(Markdown(text("robustness", lang, rho=_fmt(r.get("median_spearman"), 2), rho_min=pp.fragile_spearman,
                          k=int(r.get("top_k", pp.top_k)), pmin=_fmt(r.get("min_p_top_k_in_base_top_k"), 0, pct=True),
                          p_min=_fmt(pp.fragile_p_top_k, 0, pct=True), draws=int(r.get("draws", pp.draws)),
                          verdict=t("priority.fragile" if result.fragile else "priority.robust", lang))))
    tab = ranking_table(result, tables.get("priorities"), tables.get("communities")).head(max_rows)
    shown = pd.DataFrame({
        t("col.rank", lang): tab["rank"].astype(int),
        t("col.community", lang): tab["community"],
        t("col.score", lang): [_fmt(v, 3) for v in tab["score"]],
        t("col.p_top_k", lang): [_fmt(v, 0, pct=True) for v in tab["p_top_k"]],
    })
    if "base_rank" in tab:
        shown[text("base_rank", lang)] = [_fmt(v) for v in tab["base_rank"]]
        shown[text("change", lang)] = [("+" if v > 0 else "") + _fmt(v) for v in tab["change"]]
    display(HTML(_html_table(shown)))
    display(_figure_image(ranking_chart(result, tables.get("priorities"), lang, chart_source(params, tables),
                                        tables.get("communities"), max_communities=max_rows)))
    return result


def plan_summary_table(result: PlanResult, language: str) -> pd.DataFrame:
    from .labels import label, t

    s = result.summary()
    return pd.DataFrame({
        t("col.service", language): [label("service", v, language) for v in s["service"]],
        t("col.target_pct", language): [_fmt(v) for v in s["target_pct"]],
        t("col.year_met", language): ["" if sv == "management" else
                                      (text("not_met", language) if pd.isna(v) else str(int(v)))
                                      for sv, v in zip(s["service"], s["year_met"])],
        text("coverage_horizon", language): [_fmt(v, 1) for v in s["coverage_horizon_pct"]],
        text("items_funded", language): s["items_funded"],
        text("items_unfunded", language): s["items_unfunded"],
        text("invested", language): [_fmt(v) for v in s["invested_pen"]],
        t("col.funding_gap_pen", language): [_fmt(v) for v in s["funding_gap_pen"]],
    })


def show_plan(tables: Mapping[str, Any], params: DistrictParams, multiplier: float,
              sanitation_target: float | None, reference: PlanResult | None = None,
              out: Any | None = None) -> PlanResult:
    """Display the envelope used, the target-year summary and the trajectory chart (in the
    cell, or in the ipywidgets Output `out`)."""
    from IPython.display import HTML, Markdown

    display = _displayer(out)
    lang = params.language
    result = plan_with_envelope(tables, params, multiplier, sanitation_target)
    env = result.params.budget.envelope_for(params.base_year + 1)
    base = params.budget.envelope_for(params.base_year + 1)
    parts = ", ".join(f"{s} {_fmt(v)}" for s, v in env.items())
    display(Markdown(text("envelope_line", lang, year=params.base_year + 1, total=_fmt(sum(env.values())), parts=parts, m=multiplier,
                          base=_fmt(sum(base.values())))))
    display(HTML(_html_table(plan_summary_table(result, lang))))
    display(_figure_image(trajectory_chart(result, reference, lang, chart_source(params, tables))))
    return result
