"""Exercises of stages 04-08 (what the district will do): score, first unfunded item, co-financing
share, traffic light, unfunded share. See run/exercises.py."""

from __future__ import annotations

from typing import Any

import pandas as pd

from propilas.core.labels import label, t
from propilas.core.markup import literal
from propilas.core.numbers import fmt_int
from propilas.run.exercises_common import (
    Exercise,
    Verdict,
    _close,
    _no_answer,
    _not_number,
    _right,
    _second,
    _wrong,
    as_number,
    plain,
)
from propilas.stages import worked as w


# ----------------------------------------------------------------------------- 04 prioritisation
def exercise_prioritisation(ctx: Any) -> Exercise:
    pr = ctx.result["priorities"]
    found = w.pick_ranked(pr)
    cid = _second(found, found[0] if found else None)
    if cid is None:
        return Exercise(t("exercise.none", ctx.lang))
    row = pr.set_index("community_id").loc[cid]
    terms = w.score_terms(row, ctx.params)
    rows = "\n".join(f"| {t('criterion.' + c, ctx.lang)} | {wt:.3f} | {x:.3f} |" for c, wt, x in terms)
    data = {"name": w.names(ctx.loaded["communities"]).get(cid, cid), "rows": rows, "terms": terms}
    return Exercise(t("exercise.prioritisation.prompt", ctx.lang, name=data["name"], rows=rows),
                    float(row["score"]), data)


def check_prioritisation(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_prioritisation(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    x = as_number(answer)
    if x is None:
        return _not_number(answer, ctx)
    terms = ex.data["terms"]
    sum_tex = " + ".join(f"{wt:.3f} \\times {v:.3f}" for _, wt, v in terms)
    why = t("exercise.prioritisation.why", ctx.lang, sum_tex=sum_tex, score=ex.expected)
    if _close(x, ex.expected, 0.005):
        return _right(ctx, why)
    if _close(x, sum(v for _, _, v in terms), 0.005) or _close(x, sum(v for _, _, v in terms) / max(1, len(terms)), 0.005):
        why = t("exercise.prioritisation.unweighted", ctx.lang) + " " + why
    return _wrong(ctx, why)


# ----------------------------------------------------------------------------- 05 investment plan
def exercise_investment_plan(ctx: Any) -> Exercise:
    fy = w.first_year_items(ctx.loaded, ctx.result, ctx.params)
    rows = fy["rows"]
    if not rows:
        return Exercise(t("exercise.none", ctx.lang))
    first = fy["first_unfunded"]
    shown = rows[: (rows.index(first) + 3) if first is not None else len(rows)][:15]
    nm = w.names(ctx.loaded["communities"])
    table = "\n".join(f"| {i} | `{r['item_id']}` | {nm.get(r['community_id'], r['community_id'])} | "
                      f"{label('intervention', r['intervention'], ctx.lang)} | {fmt_int(r['cost_pen'], ctx.lang)} |"
                      for i, r in enumerate(shown, start=1))
    data = {"year": fy["year"], "envelope": fy["envelope"], "atm": fy["atm"], "table": table, "shown": shown,
            "fy": fy}
    prompt = t("exercise.investment.prompt", ctx.lang, year=fy["year"], envelope=fy["envelope"], atm=fy["atm"],
               table=table)
    return Exercise(prompt, first["item_id"] if first is not None else "none", data)


def check_investment_plan(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_investment_plan(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    shown, fy = ex.data["shown"], ex.data["fy"]
    rows = fy["rows"]
    given: dict[str, Any] | None = None
    if isinstance(answer, int) and not isinstance(answer, bool) and 1 <= answer <= len(shown):
        given = shown[answer - 1]
    elif isinstance(answer, str):
        given = next((r for r in rows if r["item_id"] == answer.strip().strip("`")), None)
        if given is None and plain(answer) in ("none", "ninguno", "ninguna", "nada"):
            given = {"item_id": "none"}
    if given is None:
        return Verdict(False, t("exercise.investment.unknown_item", ctx.lang, given=str(answer)[:80]))
    first = fy["first_unfunded"]
    nm = w.names(ctx.loaded["communities"])
    if first is None:
        why = t("exercise.investment.all_fit", ctx.lang, year=fy["year"])
        return _right(ctx, why) if given["item_id"] == "none" else _wrong(ctx, why)
    why = t("exercise.investment.why", ctx.lang, item=first["item_id"],
            name=nm.get(first["community_id"], first["community_id"]), cost=first["cost_pen"],
            left=fy["remaining_at_first"], year=fy["year"])
    if given["item_id"] == first["item_id"]:
        return _right(ctx, why)
    if given["item_id"] != "none" and given.get("funded"):
        idx = rows.index(given)
        left = fy["envelope"] - (fy["atm"] if fy["atm_paid"] else 0.0) - sum(
            r["cost_pen"] for r in rows[:idx] if r["funded"])
        why = t("exercise.investment.fits", ctx.lang, item=given["item_id"], cost=given["cost_pen"], left=left) + " " + why
    return _wrong(ctx, why)


# ----------------------------------------------------------------------------- 06 participatory budget
def exercise_participatory_budget(ctx: Any) -> Exercise:
    sheets = ctx.result["project_sheets"]
    src = ctx.params.budget.sources[0]
    cost_all = pd.to_numeric(sheets["cost_pen"], errors="coerce")
    own_all = pd.to_numeric(sheets.get(f"cost_{src}_pen"), errors="coerce").fillna(0.0)
    priced = sheets[cost_all > 0]
    if not len(priced):
        return Exercise(t("exercise.none", ctx.lang))
    # a sheet the first source pays part of (not the worked example's sheet 1 when there is another)
    shared = sheets[(own_all > 0) & (own_all < cost_all)]
    shared = shared[shared.index != sheets.index[0]] if len(shared) > 1 else shared
    s = (shared if len(shared) else priced).iloc[0]
    cost, own = float(s["cost_pen"]), float(own_all[s.name])
    data = {"no": int(s["sheet_no"]), "name": literal(s["community_name"]), "cost": cost, "own": own,
            "intervention": label("intervention", s["intervention"], ctx.lang), "source": t(f"source.{src}", ctx.lang)}
    return Exercise(t("exercise.budget.prompt", ctx.lang, **data), 100 * own / cost, data)


def check_participatory_budget(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_participatory_budget(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    x = as_number(answer)
    if x is None:
        return _not_number(answer, ctx)
    why = t("exercise.budget.why", ctx.lang, **ex.data, share=ex.expected)
    if _close(x, ex.expected, 0.5):
        return _right(ctx, why)
    if _close(100 * x, ex.expected, 0.5):
        why = t("exercise.percent_not_fraction", ctx.lang) + " " + why
    return _wrong(ctx, why)


# ----------------------------------------------------------------------------- 07 monitoring
LIGHT_WORDS = {"green": ("green", "verde"), "amber": ("amber", "ambar", "amarillo", "yellow", "orange"),
               "red": ("red", "rojo")}


def exercise_monitoring(ctx: Any) -> Exercise:
    from propilas.method.monitoring import light

    p, mon = ctx.params, ctx.result["monitoring"]
    later = mon[(mon["year"] > p.base_year) & (pd.to_numeric(mon["target"], errors="coerce") > 0)]
    if not len(later):
        return Exercise(t("exercise.none", ctx.lang))
    shares = later[later["indicator"].astype(str).str.endswith("_pct")]  # a share reads easier than soles
    r = (shares if len(shares) else later).sort_values(["year", "indicator"], kind="stable").iloc[0]
    target = float(r["target"])
    # a survey result halfway between the amber and green thresholds (params.monitoring)
    actual = target * (p.monitoring.green + p.monitoring.amber) / 2
    ratio = actual / target
    data = {"indicator": label("indicator", r["indicator"], ctx.lang), "year": int(r["year"]), "target": target,
            "actual": actual, "ratio": ratio, "green": p.monitoring.green, "amber": p.monitoring.amber}
    return Exercise(t("exercise.monitoring.prompt", ctx.lang, **data), light(ratio, target, p), data)


def check_monitoring(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_monitoring(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    a = plain(answer)
    given = next((code for code, words in LIGHT_WORDS.items() if a in words or a.split(" ")[0] in words), None)
    if given is None:
        return Verdict(False, t("exercise.monitoring.not_a_light", ctx.lang, given=str(answer)[:80]))
    why = t("exercise.monitoring.why", ctx.lang, **ex.data, light=label("light", ex.expected, ctx.lang))
    return _right(ctx, why) if given == ex.expected else _wrong(ctx, why)


# ----------------------------------------------------------------------------- 08 summary
def exercise_summary(ctx: Any) -> Exercise:
    from propilas.method.money import money_figures

    m = money_figures(ctx.loaded["investment_plan"])
    plan, gap = m["plan_cost_pen"], m["funding_gap_pen"]
    if not plan:
        return Exercise(t("exercise.none", ctx.lang))
    data = {"plan": plan, "gap": gap, "investment": m["investment_total_pen"], "horizon": ctx.params.horizon_year}
    return Exercise(t("exercise.summary.prompt", ctx.lang, **data), 100 * gap / plan, data)


def check_summary(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_summary(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    x = as_number(answer)
    if x is None:
        return _not_number(answer, ctx)
    d = ex.data
    why = t("exercise.summary.why", ctx.lang, **d, share=ex.expected)
    if _close(x, ex.expected, 0.5):
        return _right(ctx, why)
    if d["investment"] and _close(x, 100 * d["gap"] / d["investment"], 0.5):
        why = t("exercise.summary.wrong_base", ctx.lang) + " " + why
    elif _close(100 * x, ex.expected, 0.5):
        why = t("exercise.percent_not_fraction", ctx.lang) + " " + why
    return _wrong(ctx, why)
