"""The sustainability lesson (notebooks/lessons/sustainability.ipynb): set the sub-variable scores of
one water system with sliders and see its E, G, O, index, class and interventions change live.

Why through the method's own functions: the index comes from `method.sustainability.index_from_scores`
(the evidence rule included: a slider set to "no data" leaves the sub-variable out, and too few
known sub-variables leave the component missing), the community's water gap from stage 3's
`compute` with the changed system, and the system's interventions from
`method.interventions.choose_interventions` — the rules of stage 5 — so the lesson shows exactly
what a district run with those scores would give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import label, t
from propilas.core.numbers import fmt_int
from propilas.core.params import DistrictParams
from propilas.method.sustainability import E_PARTS, G_PARTS, O_PARTS, index_from_scores
from propilas.run.lessons_common import displayer, figure_image, fmt_number, html_table, run_stages, text

PARTS: tuple[str, ...] = E_PARTS + G_PARTS + O_PARTS
UNKNOWN = "na"  # the slider position "no data" (a selection slider needs a value comparable with ==)
COMPONENT_OF = {**{p: "E" for p in E_PARTS}, **{p: "G" for p in G_PARTS}, **{p: "O" for p in O_PARTS}}


def score_options(part: str, params: DistrictParams) -> list[float]:
    """The scores a sub-variable can take under `params` (its bands or answers), ascending; the
    infrastructure (a mean of component states) takes every quarter point from 1 to 4."""
    sp = params.sustainability
    if part == "infrastructure":
        return [1.0 + 0.25 * i for i in range(13)]
    source = {"coverage": sp.coverage, "continuity": sp.continuity, "g_fee_collection": sp.fee_collection,
              "o_cleanings": sp.cleanings}.get(part)
    if source is not None:
        values = [b[1] for b in source.bands] + [source.otherwise]
    elif part == "quantity":
        values = list(sp.quantity.values())
    elif part == "quality":
        values = list(sp.quality.values())
    else:  # yes/no answers
        values = list(sp.yes_no.values())
    return sorted({float(v) for v in values})


def system_choices(tables: Mapping[str, Any], language: str) -> list[tuple[str, str]]:
    """(label, system_id) of every system, classified ones first (the worked-example order)."""
    from propilas.stages.worked import pick_systems

    sus = tables["sustainability"]
    names = dict(zip(tables["communities"]["community_id"], tables["communities"]["name"].astype(str)))
    order = pick_systems(sus)
    order += [s for s in sus["system_id"] if s not in order]
    cls = sus.set_index("system_id")["class"]
    comm = sus.set_index("system_id")["community_id"]
    return [(f"{sid} — {names.get(comm[sid], comm[sid])} ({label('class', cls[sid], language)})", sid)
            for sid in order]


def scores_of(tables: Mapping[str, Any], system_id: str) -> dict[str, float]:
    """The system's sub-scores as the district's stage 2 computed them (NaN = unknown)."""
    row = tables["sustainability"].set_index("system_id").loc[system_id]
    return {p: float(row[p]) if pd.notna(row[p]) else math.nan for p in PARTS}


def _score(value: Any) -> float:
    """A slider's value as a score: a number, or NaN for "no data" (UNKNOWN, None, NaN)."""
    if value is None or value == UNKNOWN or isinstance(value, bool):
        return math.nan
    return float(value)


@dataclass
class SystemResult:
    system_id: str
    scores: dict[str, float]
    scored: dict[str, Any]  # E, G, O, index, class, partial, flags
    interventions: pd.DataFrame  # this system's items under the changed scores
    water_gap: float  # the community's water gap at the horizon (people)
    base: dict[str, Any] = field(default_factory=dict)  # the district's own values, for comparison


def evaluate(tables: Mapping[str, Any], params: DistrictParams, system_id: str,
             scores: Mapping[str, float]) -> SystemResult:
    """Index, class, the community's water gap and the system's interventions with `scores`."""
    from propilas.method.interventions import choose_interventions

    s = {p: _score(scores.get(p)) for p in PARTS}
    scored = index_from_scores(s, params)
    sus = tables["sustainability"].copy()
    i = sus.index[sus["system_id"] == system_id][0]
    for k, v in {**s, **{k: scored[k] for k in ("E", "G", "O", "index", "class", "partial")}}.items():
        sus.at[i, k] = v
    changed = run_stages({**tables, "sustainability": sus}, params, ("03",))
    items = choose_interventions(changed["communities"], changed["water_systems"], sus, changed["water_ladder"],
                                 changed["sanitation_ladder"], changed["gaps"], params)
    cid = sus.at[i, "community_id"]
    gaps = changed["gaps"]
    gap = gaps[(gaps["service"] == "water") & (gaps["community_id"] == cid)]["gap"]
    base = tables["sustainability"].set_index("system_id").loc[system_id]
    return SystemResult(system_id, s, scored, items[items["system_id"] == system_id].reset_index(drop=True),
                        float(gap.iloc[0]) if len(gap) else math.nan,
                        {"index": float(base["index"]), "class": base["class"]})


def index_chart(result: SystemResult, params: DistrictParams) -> Figure:
    """The index on the 1–4 scale, the class bands behind it, E, G and O as markers."""
    lang = params.language
    cut = params.sustainability.class_cutoffs
    fig = Figure(figsize=(7.5, 1.9))
    ax = fig.subplots()
    bands = [(1.0, cut["C"], "D", "#d73027"), (cut["C"], cut["B"], "C", "#fc8d59"),
             (cut["B"], cut["A"], "B", "#fee08b"), (cut["A"], 4.0, "A", "#91cf60")]
    for lo, hi, cls, colour in bands:
        ax.axvspan(lo, hi, color=colour, alpha=0.45, lw=0)
        ax.text((lo + hi) / 2, 1.05, cls, ha="center", va="bottom", fontsize=10, weight="bold")
    sc = result.scored
    for k, y, marker in (("E", 0.75, "s"), ("G", 0.5, "^"), ("O", 0.25, "v")):
        if not math.isnan(sc[k]):
            ax.plot([sc[k]], [y], marker=marker, color="#333", ms=7)
            ax.text(sc[k] + 0.04, y, k, va="center", fontsize=9)
    if not math.isnan(sc["index"]):
        ax.axvline(sc["index"], color="#08306b", lw=3)
        ax.text(sc["index"], -0.02, f"IS {sc['index']:.2f}", ha="center", va="top", color="#08306b", weight="bold")
    ax.set_xlim(1, 4)
    ax.set_ylim(-0.25, 1.25)
    ax.set_yticks([])
    ax.set_xlabel(text("sus_axis", lang))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def show_system(tables: Mapping[str, Any], params: DistrictParams, system_id: str, scores: Mapping[str, float],
                out: Any | None = None) -> SystemResult:
    """Display the system's components, index, class (against the district's own) and interventions."""
    from IPython.display import HTML, Markdown

    display = displayer(out)
    lang = params.language
    r = evaluate(tables, params, system_id, scores)
    sc = r.scored
    missing = t("common.missing", lang)
    comp = pd.DataFrame({
        text("sus_component", lang): ["E", "G", "O", "IS"],
        text("sus_value", lang): [fmt_number(sc[k], 2) if not math.isnan(sc[k]) else missing
                                  for k in ("E", "G", "O", "index")],
    })
    display(HTML(html_table(comp)))
    display(Markdown(text("sus_class", lang, cls=label("class", sc["class"], lang),
                          base=label("class", r.base["class"], lang),
                          base_index=fmt_number(r.base["index"], 2) if not math.isnan(r.base["index"]) else missing,
                          partial=text("sus_partial", lang) if sc["partial"] and not math.isnan(sc["index"]) else "")))
    display(figure_image(index_chart(r, params)))
    if len(r.interventions):
        items = pd.DataFrame({
            t("col.intervention", lang): [label("intervention", c, lang) for c in r.interventions["intervention"]],
            t("col.quantity_units", lang): [fmt_int(q, lang) or missing for q in r.interventions["quantity"]],
            t("col.cost_pen", lang): [fmt_int(c, lang) or missing for c in r.interventions["cost_pen"]],
        })
        display(Markdown(text("sus_items", lang)))
        display(HTML(html_table(items)))
    else:
        display(Markdown(text("sus_no_items", lang)))
    display(Markdown(text("sus_gap", lang, gap=fmt_int(r.water_gap, lang) or missing, horizon=params.horizon_year)))
    return r


def describe_part(part: str, language: str) -> str:
    """'E · infrastructure' — the slider's label."""
    return f"{COMPONENT_OF[part]} · {t('teach.sub.' + part, language)}"


def slider_options(part: str, params: DistrictParams, current: float | None = None) -> list[tuple[str, Any]]:
    """(label, value) options of a sub-variable's slider: 'no data' (UNKNOWN) first, then its scores
    (with the system's own score among them, e.g. an infrastructure mean of 1.8)."""
    lang = params.language
    values = score_options(part, params)
    if current is not None and not math.isnan(current) and current not in values:
        values = sorted(values + [float(current)])
    return [(t("common.missing", lang), UNKNOWN)] + [(f"{v:g}", v) for v in values]


def nearest_option(value: float | None, options: list[tuple[str, Any]]) -> Any:
    """The option a district's score starts on (the exact score, or the nearest for a mean)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNKNOWN
    vals = [v for _, v in options[1:]]
    return min(vals, key=lambda v: abs(v - value))


def sliders_for(tables: Mapping[str, Any], params: DistrictParams, system_id: str) -> dict[str, Any]:
    """One selection slider per sub-variable, set on the system's own scores."""
    import ipywidgets as widgets

    current = scores_of(tables, system_id)
    out = {}
    for part in PARTS:
        options = slider_options(part, params, current[part])
        out[part] = widgets.SelectionSlider(options=options, value=nearest_option(current[part], options),
                                            description=describe_part(part, params.language),
                                            continuous_update=False, style={"description_width": "240px"},
                                            layout=widgets.Layout(width="560px"))
    return out


def sustainability_app(tables: Mapping[str, Any], params: DistrictParams, system: str | None = None,
                       out: Any | None = None):
    """The lesson's widgets: a system picker, its sliders, and the live result in `out`."""
    import ipywidgets as widgets

    choices = system_choices(tables, params.language)
    ids = [sid for _, sid in choices]
    box = widgets.Dropdown(options=choices, value=system if system in ids else ids[0],
                           description=text("sus_system", params.language), layout=widgets.Layout(width="620px"))
    out = out if out is not None else widgets.Output()
    holder = widgets.VBox()
    state: dict[str, Any] = {}

    def update(change: Any = None) -> None:
        show_system(tables, params, box.value, {p: sl.value for p, sl in state["sliders"].items()}, out=out)

    def load(change: Any = None) -> None:
        state["sliders"] = sliders_for(tables, params, box.value)
        for sl in state["sliders"].values():
            sl.observe(update, names="value")
        holder.children = tuple(state["sliders"].values())
        update()

    box.observe(load, names="value")
    load()
    return widgets.VBox([box, holder, out])


__all__ = ["PARTS", "UNKNOWN", "SystemResult", "sliders_for", "sustainability_app", "describe_part", "evaluate", "index_chart", "nearest_option", "score_options",
           "scores_of", "show_system", "slider_options", "system_choices"]
