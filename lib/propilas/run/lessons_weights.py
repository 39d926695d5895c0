"""The weights lesson (notebooks/lessons/weights.ipynb): re-rank the communities with the
prioritisation weights set by sliders, and show how robust the ranking is."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from propilas.core.params import CRITERIA, DistrictParams
from propilas.run.lessons_common import (
    chart_source,
    displayer,
    figure_image,
    fmt_number,
    html_table,
    text,
    with_overrides,
)


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
    from propilas.method.prioritisation import norm_matrix, priorities, sensitivity

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
    from propilas.stages.charts.common import COLOURS, finish, new_figure

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


def weights_table(sliders: Mapping[str, float], params: DistrictParams) -> pd.DataFrame:
    """Criterion, slider value, renormalised weight and the district's weight (display strings)."""
    from propilas.core.labels import t

    lang = params.language
    used = normalise_weights(sliders)
    return pd.DataFrame({
        text("criterion", lang): [t(f"criterion.{c}", lang) for c in CRITERIA],
        text("slider", lang): [fmt_number(sliders.get(c, 0.0), 2) for c in CRITERIA],
        text("weight", lang): [fmt_number(used[c], 1, pct=True) for c in CRITERIA],
        text("district_weight", lang): [fmt_number(params.prioritisation.weights[c], 1, pct=True) for c in CRITERIA],
    })


def show_ranking(tables: Mapping[str, Any], params: DistrictParams, sliders: Mapping[str, float],
                 max_rows: int = 25, out: Any | None = None) -> RankingResult:
    """Display the weights used, the robustness verdict, the ranking table and chart (in the
    cell, or in the ipywidgets Output `out`)."""
    from IPython.display import HTML, Markdown

    from propilas.core.labels import t

    display = displayer(out)

    lang = params.language
    result = ranking_with_weights(tables, params, sliders)
    display(HTML(html_table(weights_table(sliders, params))))
    r, pp = result.robustness, result.params.prioritisation
    display(Markdown(text("robustness", lang, rho=fmt_number(r.get("median_spearman"), 2), rho_min=pp.fragile_spearman,
                          k=int(r.get("top_k", pp.top_k)), pmin=fmt_number(r.get("min_p_top_k_in_base_top_k"), 0, pct=True),
                          p_min=fmt_number(pp.fragile_p_top_k, 0, pct=True), draws=int(r.get("draws", pp.draws)),
                          verdict=t("priority.fragile" if result.fragile else "priority.robust", lang))))
    tab = ranking_table(result, tables.get("priorities"), tables.get("communities")).head(max_rows)
    shown = pd.DataFrame({
        t("col.rank", lang): tab["rank"].astype(int),
        t("col.community", lang): tab["community"],
        t("col.score", lang): [fmt_number(v, 3) for v in tab["score"]],
        t("col.p_top_k", lang): [fmt_number(v, 0, pct=True) for v in tab["p_top_k"]],
    })
    if "base_rank" in tab:
        shown[text("base_rank", lang)] = [fmt_number(v) for v in tab["base_rank"]]
        shown[text("change", lang)] = [("+" if v > 0 else "") + fmt_number(v) for v in tab["change"]]
    display(HTML(html_table(shown)))
    display(figure_image(ranking_chart(result, tables.get("priorities"), lang, chart_source(params, tables),
                                        tables.get("communities"), max_communities=max_rows)))
    return result
