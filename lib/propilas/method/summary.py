"""Stage 8: the district summary — headline figures for the mayor, `summary.json`, and a
plain-language citizen summary the oversight committee can hold the municipality to.

Every percentage is a share of POPULATION (households on a rung × the community's persons per
household, as in stage 1), 0–100 with one decimal rounded half up (how a reader rounds by hand);
money in soles. A figure that cannot be computed is None, never 0 — the dict is JSON-safe
(`json.dumps(..., allow_nan=False)` works).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

import numpy as np
import pandas as pd

from propilas.method.budget_sheets import ATM, intervention_label, source_column, source_label, unrecognised_jass
from propilas.core.labels import t
from propilas.core.numbers import fmt_int
from propilas.method.money import money_figures, money_text
from propilas.method.monitoring import indicators_from_tables
from propilas.method.sources import illustrative_inputs
from propilas.core.params import DistrictParams

ILLUSTRATIVE = "illustrative"
CLASS_KEYS: tuple[str, ...] = ("A", "B", "C", "D", "unclassified")


def round_half_up(x: Any, digits: int = 1) -> float | None:
    """Round half up on the decimal representation (12.25 → 12.3); None for missing values."""
    if x is None:
        return None
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(xf) or math.isinf(xf):
        return None
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(xf)).quantize(q, rounding=ROUND_HALF_UP))


def json_safe(obj: Any) -> Any:
    """Plain Python types only; NaN/NA/inf become None."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    return obj


def _int_or_none(x: Any) -> int | None:
    if x is None or x is pd.NA:
        return None
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(xf) else int(round(xf))


def _population_in(population: pd.DataFrame | None, communities: pd.DataFrame, year: int) -> float | None:
    if population is not None and len(population):
        p = population.loc[population["year"].astype(int).eq(year), "population"]
        if len(p):
            return float(p.sum())
    return None


def _sources(inputs: Mapping[str, pd.DataFrame]) -> tuple[list[str], float | None]:
    frames = [inputs[k] for k in ("communities", "water_systems") if k in inputs and inputs[k] is not None
              and "source" in inputs[k].columns]
    vals = pd.concat([f["source"] for f in frames], ignore_index=True) if frames else pd.Series([], dtype=object)
    vals = vals.dropna().astype(str).str.strip()
    if vals.empty:
        return [], None
    pct = 100.0 * vals.str.lower().eq(ILLUSTRATIVE).sum() / len(vals)
    return sorted(vals.unique().tolist()), round_half_up(pct, 1)


def _fragile(robustness: pd.DataFrame | None) -> bool | None:
    if robustness is None or robustness.empty:
        return None
    v = robustness.loc[robustness["metric"].astype(str).eq("fragile"), "value"]
    if v.empty or pd.isna(v.iloc[0]):
        return None
    return bool(float(v.iloc[0]) != 0)


def _target_year(target_years: pd.DataFrame | None, service: str) -> tuple[int | None, float | None, float | None]:
    """(year met or None, coverage at horizon %, funding gap of the service) from stage 5."""
    if target_years is None or target_years.empty:
        return None, None, None
    row = target_years.loc[target_years["service"].astype(str).eq(service)]
    if row.empty:
        return None, None, None
    r = row.iloc[0]
    return (_int_or_none(r.get("year_met")), r.get("coverage_horizon_pct"), r.get("funding_gap_pen"))


def _coverage_in(trajectory: pd.DataFrame | None, service: str, year: int) -> float | None:
    """The plan's served measure (stage 5 trajectory coverage %) of a service in a year; None if absent."""
    if trajectory is None or trajectory.empty or "coverage_pct" not in trajectory.columns:
        return None
    row = trajectory.loc[trajectory["service"].astype(str).eq(service)
                         & pd.to_numeric(trajectory["year"], errors="coerce").eq(year), "coverage_pct"]
    return None if row.empty else row.iloc[0]


def _covered(ladder: pd.DataFrame, service: str) -> float:
    """Share (%) of the communities' population over which a ladder share is computed."""
    from propilas.method.ladders import computed_communities

    if "community_population" in ladder.columns:
        pops = ladder.drop_duplicates("community_id").set_index("community_id")["community_population"].astype(float)
    else:
        pops = ladder.groupby("community_id")["population"].sum(min_count=1).astype(float)
    total = pops.sum()
    return 100.0 * pops.reindex(computed_communities(ladder, service)).sum() / total if total > 0 else float("nan")


def build_summary(inputs: Mapping[str, pd.DataFrame], params: DistrictParams) -> dict[str, Any]:
    """Headline figures of one district (CONTRACT.md's summary.json keys and more).

    Choices: every money figure comes from `money.money_figures` (one definition each, the same
    numbers stage 5 states): `plan_cost_pen` = `investment_total_pen` (funded works, ATM excluded)
    + `funding_gap_pen` (works unfunded at the horizon); `atm_total_pen` the ATM over the plan,
    `atm_unfunded_pen` its unpaid years; `unpriced_items` works without a known cost (in no sum);
    each also by service. `water_/sanitation_coverage_base_pct` and `…_horizon_pct` are the
    plan's served measure (stage 5 trajectory) at both ends; `systems_ab_pct` is over classified systems;
    `mean_sustainability_index` (2 decimals) includes partial indices, which `partial_indices`
    counts; `top_priorities` are the community ids ranked 1 … `prioritisation.top_k`.
    """
    comm = inputs["communities"]
    sus = inputs.get("sustainability")
    sus = sus if sus is not None else pd.DataFrame(columns=["system_id", "community_id", "index", "class", "partial"])
    plan = inputs.get("investment_plan")
    ind = indicators_from_tables(inputs["water_ladder"], inputs["sanitation_ladder"], sus)

    pop_base = _population_in(inputs.get("population"), comm, params.base_year)
    if pop_base is None:
        pop_base = float(pd.to_numeric(comm["population"]).sum())
    pop_horizon = _population_in(inputs.get("population"), comm, params.horizon_year)

    cls = sus["class"].astype(str) if len(sus) else pd.Series([], dtype=object)
    by_class = {k: int(cls.eq(k).sum()) for k in CLASS_KEYS}
    partial = int(sus["partial"].fillna(False).astype(bool).sum()) if "partial" in sus.columns and len(sus) else 0

    money = money_figures(plan)

    ty = inputs.get("target_years")
    w_year, w_hz, _w_gap = _target_year(ty, "water")
    s_year, s_hz, _s_gap = _target_year(ty, "sanitation")
    traj = inputs.get("trajectory")
    pri = inputs.get("priorities")
    top: list[str] = []
    if pri is not None and len(pri):
        k = params.prioritisation.top_k
        top = pri.loc[pd.to_numeric(pri["rank"]) <= k].sort_values("rank")["community_id"].astype(str).tolist()
    gaps = inputs.get("gaps")
    gap_people = {}
    for service in ("water", "sanitation"):
        gap_people[service] = (float(gaps.loc[gaps["service"].astype(str).eq(service), "gap"].sum(min_count=1))
                               if gaps is not None and len(gaps) else None)
    sheets = inputs.get("project_sheets")
    sources, illus = _sources(inputs)
    marks = illustrative_inputs(params, comm, inputs.get("water_systems"))
    no_jass, _unknown = unrecognised_jass(sus, params) if len(sus) else (sus, sus)

    out: dict[str, Any] = {
        "district": params.district,
        "name": params.name,
        "ubigeo": params.ubigeo,
        "department": params.department,
        "province": params.province,
        "language": params.language,
        "base_year": params.base_year,
        "horizon_year": params.horizon_year,
        "rural_share": params.rural_share,
        "communities": int(len(comm)),
        "population_base": _int_or_none(pop_base),
        "population_horizon": _int_or_none(pop_horizon),
        "water_basic_or_better_pct": round_half_up(ind["water_basic_or_better_pct"]),
        "sanitation_basic_or_better_pct": round_half_up(ind["sanitation_basic_or_better_pct"]),
        "water_population_covered_pct": round_half_up(_covered(inputs["water_ladder"], "water")),
        "sanitation_population_covered_pct": round_half_up(_covered(inputs["sanitation_ladder"], "sanitation")),
        "water_safely_managed_pct": round_half_up(ind["water_safely_managed_pct"]),
        "water_target_pct": round_half_up(100 * params.targets.water),
        "sanitation_target_pct": round_half_up(100 * params.targets.sanitation),
        "water_coverage_base_pct": round_half_up(_coverage_in(traj, "water", params.base_year)),
        "sanitation_coverage_base_pct": round_half_up(_coverage_in(traj, "sanitation", params.base_year)),
        "water_coverage_horizon_pct": round_half_up(w_hz),
        "sanitation_coverage_horizon_pct": round_half_up(s_hz),
        "systems": int(len(sus)),
        "systems_by_class": by_class,
        "partial_indices": partial,
        "systems_ab_pct": round_half_up(ind["systems_ab_pct"]),
        "mean_sustainability_index": round_half_up(ind["mean_sustainability_index"], 2),
        # the district's own class cut-offs: the comparison classifies its mean index with them
        "class_cutoffs": {k: float(v) for k, v in params.sustainability.class_cutoffs.items()},
        "jass_to_recognise": int(len(no_jass)),
        "water_gap_people": _int_or_none(gap_people["water"]),
        "sanitation_gap_people": _int_or_none(gap_people["sanitation"]),
        **money,
        "water_target_year": w_year,
        "sanitation_target_year": s_year,
        "top_priorities": top,
        "fragile_ranking": _fragile(inputs.get("robustness")),
        "project_sheets": None if sheets is None else int(len(sheets)),
        "sheet_years": params.budget.sheet_years,
        "illustrative_rows_pct": illus,
        # which inputs are illustrative (method/sources.py: rows, census, workshop, unit_costs, envelope)
        "illustrative_communities_pct": round_half_up(marks.rows_pct, 1),
        "illustrative_inputs": marks.kinds_list(),
        "data_sources": sources,
    }
    # issue 16: people-years of service the rule's plan and the best plan for the same budget add
    from propilas.method.optimum_compare import comparison_value

    comp = inputs.get("optimum_comparison")
    out["people_years_rule"] = round_half_up(comparison_value(comp, "people_years", "rule"), 0)
    out["people_years_optimum"] = round_half_up(comparison_value(comp, "people_years", "optimum"), 0)
    # issue 11: a run on placeholders left by `propilas new` is a draft (core/drafts.py)
    from propilas.core.drafts import placeholders_left

    out["placeholders"] = placeholders_left(params)
    out["draft"] = bool(out["placeholders"])
    return json_safe(out)


def _money(x: float | None, language: str | None = None) -> str:
    return money_text(x, language)


def _pct(x: float | None, language: str, reason: str = "reason.not_computable") -> str:
    """'12,5 %'; an unknown share reads "sin dato (<reason>)" (catalogue key `reason`)."""
    if x is None:
        return t("common.missing_because", language, reason=t(reason, language))
    s = f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"
    return (s.replace(".", ",") if language == "es" else s) + " %"


def citizen_summary(inputs: Mapping[str, pd.DataFrame], params: DistrictParams,
                    summary: Mapping[str, Any] | None = None) -> list[str]:
    """Plain-language sentences: where things stand, what will be built where, when and with whose
    money (first-years project sheets), when the goals are reached or what is missing, what is
    not funded, and what the municipality commits to — checkable by the oversight committee."""
    lang = params.language
    s = dict(summary) if summary is not None else build_summary(inputs, params)
    # every sentence resting on an illustrative input says so ("con presupuesto ilustrativo")
    marks = illustrative_inputs(params, inputs["communities"], inputs.get("water_systems"))
    plan_uses = ("rows", "unit_costs", "envelope")  # what is funded when: the rows, costs and envelopes
    out: list[str] = []
    out.append(t("citizen.intro", lang, name=params.name, base=params.base_year, horizon=params.horizon_year))
    out.append(marks.mark(t("citizen.now", lang, water=_pct(s["water_basic_or_better_pct"], lang),
                            sanitation=_pct(s["sanitation_basic_or_better_pct"], lang,
                                            "reason.sanitation_not_surveyed"), year=params.base_year),
                          lang, ("rows",)))
    out.append(marks.mark(t("citizen.plan_money", lang, total=_money(s["investment_total_pen"], lang),
                            horizon=params.horizon_year, atm=_money(s.get("atm_total_pen"), lang)), lang, plan_uses))

    sheets = inputs.get("project_sheets")
    if sheets is not None and len(sheets):
        for r in sheets.to_dict("records"):
            parts = []
            for src in params.budget.sources:
                amt = r.get(source_column(src))
                if amt is not None and not pd.isna(amt) and amt > 0:
                    parts.append(f"{source_label(src, lang)} {_money(float(amt), lang)}")
            people = r.get("beneficiaries")
            has_people = people is not None and not pd.isna(people) and float(people) > 0
            sheet_uses = (("row",) if marks.community(r["community_id"]) else ()) + ("unit_costs", "envelope")
            out.append(marks.mark(t("citizen.sheet" if has_people else "citizen.sheet_no_people", lang,
                                    year=int(r["year"]), what=intervention_label(r["intervention"], lang),
                                    community=r.get("community_name") or r["community_id"],
                                    people=fmt_int(people, lang) if has_people else "",
                                    cost=_money(float(r["cost_pen"]), lang),
                                    who="; ".join(parts) if parts else t("common.missing", lang)), lang, sheet_uses))
    else:
        out.append(t("citizen.no_sheets", lang, years=params.budget.sheet_years))

    for service in ("water", "sanitation"):
        year = s[f"{service}_target_year"]
        target = _pct(s[f"{service}_target_pct"], lang)
        what = t(f"citizen.service.{service}", lang)
        if year is not None:
            out.append(marks.mark(t("citizen.target_met", lang, service=what, target=target, year=year),
                                  lang, plan_uses))
        else:
            out.append(marks.mark(t("citizen.target_not_met", lang, service=what, target=target,
                                    horizon=params.horizon_year,
                                    coverage=_pct(s.get(f"{service}_coverage_horizon_pct"), lang,
                                                  f"reason.{service}_coverage_unknown")), lang, plan_uses))

    plan = inputs.get("investment_plan")
    if plan is not None:
        # works only (the ATM is a running cost, stated on its own): the same figures as summary.json
        unf = plan.loc[plan["status"].astype(str).eq("unfunded") & plan["intervention"].astype(str).ne(ATM)]
        if len(unf):
            comm = inputs["communities"]
            names = dict(zip(comm["community_id"].astype(str), comm["name"].astype(str)))
            cids = [c for c in dict.fromkeys(unf["community_id"].dropna().astype(str))]
            out.append(marks.mark(t("citizen.unfunded", lang, n=s["unfunded_items"],
                                    cost=_money(s["funding_gap_pen"], lang),
                                    communities=", ".join(names.get(c, c) for c in cids)), lang, plan_uses))
            if s.get("unpriced_items"):
                out.append(t("citizen.unpriced", lang, n=s["unpriced_items"]))
        else:
            out.append(marks.mark(t("citizen.all_funded", lang), lang, plan_uses))
        if s.get("atm_unfunded_years"):
            out.append(marks.mark(t("money.sentence.atm_unfunded", lang, n=s["atm_unfunded_years"],
                                    amount=_money(s["atm_unfunded_pen"], lang)), lang, ("unit_costs", "envelope")))

    out.append(marks.mark(t("citizen.atm", lang, amount=_money(float(params.unit_costs.atm_per_year), lang)), lang,
                          ("unit_costs",)))
    if s.get("jass_to_recognise"):
        out.append(marks.mark(t("citizen.jass", lang, n=s["jass_to_recognise"]), lang, ("rows",)))
    out.append(t("citizen.oversight", lang))
    if s.get("illustrative_rows_pct"):
        out.append(t("citizen.illustrative", lang, pct=_pct(s["illustrative_rows_pct"], lang)))
    return out
