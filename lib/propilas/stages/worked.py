"""Worked examples of the stage notebooks (issue 14 §1): the stage's formula with the numbers of
one real community or system of the district filled in.

A trainer teaches from the notebook: after the formula (a markdown cell), one code cell calls
`worked_example(slug, inputs, result, params, language)` and shows the formula again with the
district's own numbers. The numbers are read from the tables the stage has just computed (never
typed), so the example agrees with the report to the last digit. Which community or system is
shown is chosen by a rule that works in every district (the largest community, the first system
with the most known sub-variables, rank 1, the first plan year, ...) — the `pick_*` functions,
which the exercises (run/exercises.py) use too, taking the next one so that the exercise is not
the example already solved. Every sentence comes from the catalogue (text/teaching.yaml).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import pandas as pd

from propilas.core.labels import label, t
from propilas.core.markup import literal
from propilas.core.numbers import fmt_int
from propilas.core.params import CRITERIA, DistrictParams
from propilas.method.sustainability import E_PARTS, G_PARTS, O_PARTS


def _num(x: Any) -> float:
    try:
        return float("nan") if x is None or pd.isna(x) else float(x)
    except (TypeError, ValueError):
        return float("nan")


def _known(x: Any) -> bool:
    return not math.isnan(_num(x))


def names(communities: pd.DataFrame | None) -> dict[str, str]:
    if communities is None or "community_id" not in communities:
        return {}
    return {cid: literal(n) for cid, n in zip(communities["community_id"], communities["name"].astype(str))}


# ------------------------------------------------------------------------------------------ picks
def pick_communities(communities: pd.DataFrame) -> list[str]:
    """Community ids, largest population first (ties by id): the worked example takes the first."""
    df = communities.assign(_p=pd.to_numeric(communities["population"], errors="coerce").fillna(-1))
    return list(df.sort_values(["_p", "community_id"], ascending=[False, True], kind="stable")["community_id"])


def pick_ladder_communities(communities: pd.DataFrame, water_ladder: pd.DataFrame) -> list[str]:
    """Communities whose water ladder was computed (every share known), largest first."""
    shares = water_ladder.groupby("community_id")["share_pct"].apply(lambda s: s.notna().all())
    return [c for c in pick_communities(communities) if bool(shares.get(c, False))]


def pick_trip_communities(communities: pd.DataFrame) -> list[str]:
    """Communities with a known round trip, those with public-tap or protected-source households first."""
    c = communities.set_index("community_id")
    known = [cid for cid in pick_communities(communities) if _known(c.at[cid, "water_round_trip_min"])]
    users = [cid for cid in known
             if _num(c.at[cid, "hh_water_public_tap"]) + _num(c.at[cid, "hh_water_protected_source"]) > 0]
    return users + [cid for cid in known if cid not in users]


def pick_systems(sustainability: pd.DataFrame) -> list[str]:
    """Classified (A–D), complete (not partial) systems, the most known sub-variables first, then by
    id; partial ones after them. Unclassified systems have no index to work out."""
    df = sustainability[sustainability["class"].isin(["A", "B", "C", "D"])].copy()
    parts = list(E_PARTS + G_PARTS + O_PARTS)
    df["_known"] = df[parts].notna().sum(axis=1)
    df["_partial"] = df["partial"].astype(bool)
    df = df.sort_values(["_partial", "_known", "system_id"], ascending=[True, False, True], kind="stable")
    return list(df["system_id"])


def pick_gap_communities(gaps: pd.DataFrame) -> list[str]:
    """Communities with a computed water gap, the largest gap first (ties by id)."""
    w = gaps[(gaps["service"] == "water") & gaps["gap"].notna() & gaps["population_horizon"].notna()
             & gaps["served_base"].notna()].copy()
    w = w.sort_values(["gap", "community_id"], ascending=[False, True], kind="stable")
    return list(w["community_id"])


def pick_ranked(priorities: pd.DataFrame) -> list[str]:
    p = priorities[priorities["rank"].notna()].sort_values("rank", kind="stable")
    return list(p["community_id"])


# ------------------------------------------------------------------------------------------ stages
def _profile(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    from propilas.method.population import district_growth_rate

    (y1, p1), (y2, p2) = sorted(p.census_known.items())[-2:]
    r = district_growth_rate(p)
    comm = result["communities"]
    cid = pick_communities(comm)[0] if len(comm) else None
    text = t("worked.profile.rate", lang, y1=y1, y2=y2, p1=p1, p2=p2, dt=y2 - y1, r=r, r_pct=100 * r)
    if cid is None:
        return text + "\n\n" + t("worked.none", lang)
    pop = result["population"].set_index(["community_id", "year"])["population"]
    p0 = _num(comm.set_index("community_id").at[cid, "population"])
    ph = _num(pop.get((cid, p.horizon_year)))
    return text + "\n\n" + t("worked.profile.community", lang, name=names(comm)[cid], p0=p0, b=p.base_year,
                             h=p.horizon_year, n=p.horizon_year - p.base_year, r=r, ph=ph)


def _diagnosis(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    comm, wl = inputs["communities"], result["water_ladder"]
    found = pick_ladder_communities(comm, wl)
    if not found:
        return t("worked.none", lang)
    cid = found[0]
    c = comm.set_index("community_id").loc[cid]
    hh = wl[wl["community_id"] == cid].set_index("rung")["households"]
    share = float(wl[(wl["community_id"] == cid) & wl["rung"].isin(["safely_managed", "basic"])]["share_pct"].sum())
    trip = _num(c["water_round_trip_min"])
    other = _num(c["hh_water_public_tap"]) + _num(c["hh_water_protected_source"])
    if other > 0:
        rung = "basic" if trip <= p.water.basic_max_round_trip_min else "limited"
        trip_text = t("worked.diagnosis.trip", lang, other=other, trip=trip, limit=p.water.basic_max_round_trip_min,
                      rung=label("rung", rung, lang))
    else:
        trip_text = t("worked.diagnosis.no_trip", lang)
    return t("worked.diagnosis.community", lang, name=names(comm)[cid], households=_num(c["households"]),
             piped=_num(c["hh_water_piped_premises"]), sm=_num(hh.get("safely_managed")),
             hours=p.water.safely_managed_min_hours, chlorine=p.water.min_residual_chlorine_mg_l,
             trip_text=trip_text, unprotected=_num(c["hh_water_unprotected"]), surface=_num(c["hh_water_surface"]),
             basic=_num(hh.get("basic")), share=share)


def _sustainability(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    table = result["sustainability"]
    found = pick_systems(table)
    if not found:
        return t("worked.sustainability.none", lang)
    return system_index_text(table.set_index("system_id").loc[found[0]], found[0], p, lang,
                             names(inputs.get("communities")))


def _fmt_scores(row: pd.Series, parts: tuple[str, ...], lang: str) -> str:
    return ", ".join(f"{t('teach.sub.' + k, lang)} {row[k]:.2f}" if _known(row[k]) else
                     f"{t('teach.sub.' + k, lang)} {t('common.missing', lang)}" for k in parts)


def system_index_text(row: pd.Series, system_id: str, p: DistrictParams, lang: str,
                      community_names: Mapping[str, str]) -> str:
    """E, G, O and the index of one system from its sub-scores, with the class it falls in."""
    w = p.sustainability.weights
    cut = p.sustainability.class_cutoffs
    return t("worked.sustainability.system", lang, system=literal(system_id),
             community=community_names.get(row["community_id"], row["community_id"]),
             e_parts=_fmt_scores(row, E_PARTS, lang), g_parts=_fmt_scores(row, G_PARTS, lang),
             o_parts=_fmt_scores(row, O_PARTS, lang), E=row["E"], G=row["G"], O=row["O"],
             we=w["E"], wg=w["G"], wo=w["O"], ws=w["E"] + w["G"] + w["O"], index=row["index"],
             cls=row["class"], cls_label=label("class", row["class"], lang), a=cut["A"], b=cut["B"], c=cut["C"])


def _strategy(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    gaps = result["gaps"]
    found = pick_gap_communities(gaps)
    if not found:
        return t("worked.none", lang)
    g = gaps[(gaps["service"] == "water") & (gaps["community_id"] == found[0])].iloc[0]
    return t("worked.strategy.community", lang, name=names(inputs["communities"]).get(found[0], found[0]),
             h=p.horizon_year, b=p.base_year, target=_num(g["target_pct"]) / 100, ph=_num(g["population_horizon"]),
             served=_num(g["served_base"]), gap=_num(g["gap"]), pb=_num(g["population_base"]),
             indicator=_num(g["gap_indicator_pct"]))


def _prioritisation(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    pr = result["priorities"]
    found = pick_ranked(pr)
    if not found:
        return t("worked.none", lang)
    return score_text(pr.set_index("community_id").loc[found[0]], found[0], p, lang,
                      names(inputs["communities"]))


def score_terms(row: pd.Series, p: DistrictParams) -> list[tuple[str, float, float]]:
    """(criterion, weight, normalised value) of one community, criteria with a weight only."""
    w = p.prioritisation.weights
    return [(c, float(w[c]), _num(row.get(f"{c}_norm"))) for c in CRITERIA if w.get(c, 0) > 0]


def score_text(row: pd.Series, cid: str, p: DistrictParams, lang: str, community_names: Mapping[str, str]) -> str:
    terms = score_terms(row, p)
    lines = "\n".join(f"| {t('criterion.' + c, lang)} | {w:.3f} | {x:.3f} | {w * x:.3f} |" for c, w, x in terms)
    sum_tex = " + ".join(f"{w:.3f} \\times {x:.3f}" for c, w, x in terms)
    return t("worked.prioritisation.community", lang, name=community_names.get(cid, cid), rank=int(row["rank"]),
             rows=lines, sum_tex=sum_tex, score=_num(row["score"]))


def first_year_items(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams) -> dict[str, Any]:
    """The first plan year: its envelope, the ATM, and the items in funding order with whether the
    rule funded them that year; `first_unfunded` is the first item the year's envelope cannot fund."""
    from propilas.method.scheduling import ordered_items

    year = p.base_year + 1
    envelope = sum(p.budget.envelope_for(year).values())
    plan = result["investment_plan"]
    in_year = plan[plan["year"] == float(year)]
    funded = set(in_year["item_id"].astype(str))
    items = ordered_items(inputs["interventions"], inputs["priorities"], p)
    items = items[items["cost_pen"].notna()]
    rows = [{"item_id": str(r.item_id), "community_id": r.community_id, "intervention": r.intervention,
             "cost_pen": float(r.cost_pen), "funded": str(r.item_id) in funded} for r in items.itertuples()]
    first = next((r for r in rows if not r["funded"]), None)
    atm_row = in_year[in_year["intervention"] == "atm"]
    atm_paid = bool(len(atm_row)) and (atm_row["status"] == "funded").all()
    spent_before = float(p.unit_costs.atm_per_year) if atm_paid else 0.0
    remaining_at_first = None
    if first is not None:
        before = [r for r in rows[: rows.index(first)] if r["funded"]]
        spent_before += sum(r["cost_pen"] for r in before)
        remaining_at_first = envelope - spent_before
    return {"year": year, "envelope": envelope, "atm": float(p.unit_costs.atm_per_year), "atm_paid": atm_paid,
            "rows": rows, "first_unfunded": first, "remaining_at_first": remaining_at_first}


def _investment_plan(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    fy = first_year_items(inputs, result, p)
    nm = names(inputs["communities"])
    funded = [r for r in fy["rows"] if r["funded"]]
    listed = "; ".join(f"{nm.get(r['community_id'], r['community_id'])} — {label('intervention', r['intervention'], lang)} "
                       f"(S/ {fmt_int(r['cost_pen'], lang)})" for r in funded[:6])
    if len(funded) > 6:
        listed += f"; … (+{len(funded) - 6})"
    spent = sum(r["cost_pen"] for r in funded) + (fy["atm"] if fy["atm_paid"] else 0.0)
    text = t("worked.investment.year", lang, year=fy["year"], envelope=fy["envelope"], atm=fy["atm"],
             n=len(funded), listed=listed or t("common.missing", lang), spent=spent, left=fy["envelope"] - spent)
    first = fy["first_unfunded"]
    if first is not None:
        text += " " + t("worked.investment.blocked", lang, name=nm.get(first["community_id"], first["community_id"]),
                        intervention=label("intervention", first["intervention"], lang), cost=first["cost_pen"],
                        left=fy["remaining_at_first"])
    return text


def _participatory_budget(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    sheets = result["project_sheets"]
    if not len(sheets):
        return t("worked.none", lang)
    s = sheets.iloc[0]
    parts = " + ".join(f"{_num(s.get(f'cost_{src}_pen')):.0f}" for src in p.budget.sources)
    named = ", ".join(f"{t('source.' + src, lang)} S/ {fmt_int(s.get(f'cost_{src}_pen'), lang)}"
                      for src in p.budget.sources)
    gap = t("worked.budget.gap", lang, before=_num(s["gap_indicator_base_pct"]), after=_num(s["gap_indicator_after_pct"]),
            closed=_num(s["gap_closed_pp"])) if _known(s.get("gap_closed_pp")) else t("worked.budget.no_gap", lang)
    return t("worked.budget.sheet", lang, no=int(s["sheet_no"]), year=int(s["year"]), name=literal(s["community_name"]),
             intervention=label("intervention", s["intervention"], lang), cost=_num(s["cost_pen"]), named=named,
             parts=parts, gap=gap)


def _monitoring(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    mon = result["monitoring"]
    known = mon[mon["ratio"].notna() & mon["actual"].notna()]
    if not len(known):
        return t("worked.none", lang)
    later = known[known["year"] > p.base_year]
    r = (later if len(later) else known).iloc[0]
    return t("worked.monitoring.row", lang, indicator=label("indicator", r["indicator"], lang), year=int(r["year"]),
             actual=_num(r["actual"]), target=_num(r["target"]), ratio=_num(r["ratio"]), green=p.monitoring.green,
             amber=p.monitoring.amber, light=label("light", r["light"], lang))


def _summary(inputs: Mapping[str, Any], result: Mapping[str, Any], p: DistrictParams, lang: str) -> str:
    from propilas.method.money import money_figures

    m = money_figures(inputs["investment_plan"])
    return t("worked.summary.money", lang, investment=m["investment_total_pen"], gap=m["funding_gap_pen"],
             plan=m["plan_cost_pen"], atm=m["atm_total_pen"], first=p.base_year + 1, horizon=p.horizon_year)


WORKED: dict[str, Callable[..., str]] = {
    "profile": _profile, "diagnosis": _diagnosis, "sustainability": _sustainability, "strategy": _strategy,
    "prioritisation": _prioritisation, "investment_plan": _investment_plan,
    "participatory_budget": _participatory_budget, "monitoring": _monitoring, "summary": _summary,
}


def worked_example(slug: str, inputs: Mapping[str, Any], result: Mapping[str, Any], params: DistrictParams,
                   language: str) -> str:
    """The worked example of stage `slug` as Markdown (with LaTeX), in `language` (the notebook's
    markdown cell above it carries the heading)."""
    return WORKED[slug](inputs, result, params, language)
