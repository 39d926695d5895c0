"""Exercises of stages 00-03 (where the district stands): projection, ladder rung, sustainability
index, gap. See run/exercises.py."""

from __future__ import annotations

from typing import Any

from propilas.core.labels import label, t
from propilas.core.markup import literal
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


# ----------------------------------------------------------------------------- 00 profile
def exercise_profile(ctx: Any) -> Exercise:
    from propilas.method.population import district_growth_rate

    p, comm = ctx.params, ctx.result["communities"]
    found = w.pick_communities(comm)
    cid = _second(found, found[0] if found else None)
    if cid is None:
        return Exercise(t("exercise.none", ctx.lang))
    r = district_growth_rate(p)
    p0 = float(comm.set_index("community_id").at[cid, "population"])
    pop = ctx.result["population"].set_index(["community_id", "year"])["population"]
    expected = float(pop[(cid, p.horizon_year)])
    data = {"name": w.names(comm)[cid], "p0": p0, "r": r, "r_pct": 100 * r, "b": p.base_year, "h": p.horizon_year,
            "n": p.horizon_year - p.base_year}
    return Exercise(t("exercise.profile.prompt", ctx.lang, **data), expected, data)


def check_profile(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_profile(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    x = as_number(answer)
    if x is None:
        return _not_number(answer, ctx)
    d, e = ex.data, ex.expected
    why = t("exercise.profile.why", ctx.lang, **d, expected=e)
    if _close(x, e, max(1.0, 0.005 * e)):
        return _right(ctx, why)
    if _close(x, d["p0"], 0.5):
        why = t("exercise.profile.no_growth", ctx.lang) + " " + why
    elif _close(x, d["p0"] * (1 + d["r"] * d["n"]), 0.5):
        why = t("exercise.profile.linear", ctx.lang) + " " + why
    return _wrong(ctx, why)


# ----------------------------------------------------------------------------- 01 diagnosis
RUNG_WORDS = {"basic": ("basic", "basico", "basica"), "limited": ("limited", "limitado", "limitada"),
              "safely_managed": ("safely managed", "safely_managed", "gestionado de forma segura",
                                 "gestionada de forma segura", "segura"),
              "unimproved": ("unimproved", "no mejorado", "no mejorada"), "surface": ("surface", "superficial")}


def _rung_of(answer: Any) -> str | None:
    a = plain(answer).replace("_", " ")
    for code, words in RUNG_WORDS.items():
        if a == code.replace("_", " ") or a in words:
            return code
    return None


def exercise_diagnosis(ctx: Any) -> Exercise:
    p, comm = ctx.params, ctx.loaded["communities"]
    example = w.pick_ladder_communities(comm, ctx.result["water_ladder"])
    cid = _second(w.pick_trip_communities(comm), example[0] if example else None)
    if cid is None:
        return Exercise(t("exercise.none", ctx.lang))
    c = comm.set_index("community_id").loc[cid]
    trip, limit = float(c["water_round_trip_min"]), p.water.basic_max_round_trip_min
    expected = "basic" if trip <= limit else "limited"
    data = {"name": w.names(comm)[cid], "tap": float(c["hh_water_public_tap"]),
            "protected": float(c["hh_water_protected_source"]), "trip": trip, "limit": limit}
    return Exercise(t("exercise.diagnosis.prompt", ctx.lang, **data), expected, data)


def check_diagnosis(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_diagnosis(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    given = _rung_of(answer)
    d = ex.data
    why = t(f"exercise.diagnosis.why_{ex.expected}", ctx.lang, **d)
    if given == ex.expected:
        return _right(ctx, why)
    if given is None:
        return Verdict(False, t("exercise.diagnosis.not_a_rung", ctx.lang, given=str(answer)[:80]))
    if given == "safely_managed":
        why = t("exercise.diagnosis.not_safely_managed", ctx.lang) + " " + why
    return _wrong(ctx, why)


# ----------------------------------------------------------------------------- 02 sustainability
def exercise_sustainability(ctx: Any) -> Exercise:
    table = ctx.result["sustainability"]
    found = w.pick_systems(table)
    sid = _second(found, found[0] if found else None)
    if sid is None:
        return Exercise(t("exercise.sustainability.none", ctx.lang))
    row = table.set_index("system_id").loc[sid]
    p = ctx.params
    wt = p.sustainability.weights
    data = {"system": literal(sid), "community": w.names(ctx.loaded.get("communities")).get(row["community_id"], row["community_id"]),
            "e_parts": w._fmt_scores(row, w.E_PARTS, ctx.lang), "g_parts": w._fmt_scores(row, w.G_PARTS, ctx.lang),
            "o_parts": w._fmt_scores(row, w.O_PARTS, ctx.lang), "E": float(row["E"]), "G": float(row["G"]),
            "O": float(row["O"]), "we": wt["E"], "wg": wt["G"], "wo": wt["O"], "ws": wt["E"] + wt["G"] + wt["O"],
            "cls": row["class"], "cls_label": label("class", row["class"], ctx.lang)}
    return Exercise(t("exercise.sustainability.prompt", ctx.lang, **data), float(row["index"]), data)


def check_sustainability(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_sustainability(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    if isinstance(answer, str) and plain(answer).upper() in ("A", "B", "C", "D"):
        return Verdict(False, t("exercise.sustainability.class_given", ctx.lang))
    x = as_number(answer)
    if x is None:
        return _not_number(answer, ctx)
    d = ex.data
    why = t("exercise.sustainability.why", ctx.lang, **d, index=ex.expected)
    if _close(x, ex.expected, 0.01):
        return _right(ctx, why)
    if _close(x, (d["E"] + d["G"] + d["O"]) / 3, 0.01):
        why = t("exercise.sustainability.unweighted", ctx.lang) + " " + why
    return _wrong(ctx, why)


# ----------------------------------------------------------------------------- 03 strategy
def exercise_strategy(ctx: Any) -> Exercise:
    gaps = ctx.result["gaps"]
    found = w.pick_gap_communities(gaps)
    cid = _second(found, found[0] if found else None)
    if cid is None:
        return Exercise(t("exercise.none", ctx.lang))
    g = gaps[(gaps["service"] == "water") & (gaps["community_id"] == cid)].iloc[0]
    p = ctx.params
    data = {"name": w.names(ctx.loaded["communities"]).get(cid, cid), "h": p.horizon_year, "b": p.base_year,
            "target_pct": float(g["target_pct"]), "ph": float(g["population_horizon"]),
            "pb": float(g["population_base"]), "served": float(g["served_base"])}
    return Exercise(t("exercise.strategy.prompt", ctx.lang, **data), float(g["gap"]), data)


def check_strategy(answer: Any, ctx: Any) -> Verdict:
    if answer is None:
        return _no_answer(ctx)
    ex = exercise_strategy(ctx)
    if ex.expected is None:
        return Verdict(None, ex.prompt)
    x = as_number(answer)
    if x is None:
        return _not_number(answer, ctx)
    d, e = ex.data, ex.expected
    raw = d["target_pct"] / 100 * d["ph"] - d["served"]
    why = t("exercise.strategy.why", ctx.lang, **d, target=d["target_pct"] / 100, raw=raw, gap=e)
    if _close(x, e, max(1.0, 0.005 * e)):
        return _right(ctx, why)
    if x < 0:
        why = t("exercise.strategy.negative", ctx.lang) + " " + why
    elif _close(x, max(0.0, d["target_pct"] / 100 * d["pb"] - d["served"]), 1.0):
        why = t("exercise.strategy.base_population", ctx.lang) + " " + why
    return _wrong(ctx, why)
