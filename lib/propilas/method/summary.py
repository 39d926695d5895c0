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
from propilas.method.monitoring import indicators_from_tables
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

    Choices: `investment_total_pen` is the cost of funded interventions (ATM operating cost
    excluded, reported as `atm_total_pen`; `plan_total_pen` is both); `funding_gap_pen` is the
    cost of every unfunded item at the horizon; `systems_ab_pct` is over classified systems;
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

    invest = atm_total = gap = None
    unfunded_items = None
    if plan is not None:
        funded = plan["status"].astype(str).eq("funded")
        is_atm = plan["intervention"].astype(str).eq(ATM)
        invest = float(plan.loc[funded & ~is_atm, "cost_pen"].sum())
        atm_total = float(plan.loc[funded & is_atm, "cost_pen"].sum())
        unf = plan.loc[plan["status"].astype(str).eq("unfunded")]
        gap = float(unf["cost_pen"].sum())
        unfunded_items = int(unf["item_id"].nunique()) if "item_id" in unf.columns else int(len(unf))

    ty = inputs.get("target_years")
    w_year, w_hz, w_gap = _target_year(ty, "water")
    s_year, s_hz, s_gap = _target_year(ty, "sanitation")
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
        "water_coverage_horizon_pct": round_half_up(w_hz),
        "sanitation_coverage_horizon_pct": round_half_up(s_hz),
        "systems": int(len(sus)),
        "systems_by_class": by_class,
        "partial_indices": partial,
        "systems_ab_pct": round_half_up(ind["systems_ab_pct"]),
        "mean_sustainability_index": round_half_up(ind["mean_sustainability_index"], 2),
        "jass_to_recognise": int(len(no_jass)),
        "water_gap_people": _int_or_none(gap_people["water"]),
        "sanitation_gap_people": _int_or_none(gap_people["sanitation"]),
        "investment_total_pen": round_half_up(invest, 0),
        "atm_total_pen": round_half_up(atm_total, 0),
        "plan_total_pen": round_half_up(None if invest is None else invest + (atm_total or 0.0), 0),
        "funding_gap_pen": round_half_up(gap, 0),
        "water_funding_gap_pen": round_half_up(w_gap, 0),
        "sanitation_funding_gap_pen": round_half_up(s_gap, 0),
        "unfunded_items": unfunded_items,
        "water_target_year": w_year,
        "sanitation_target_year": s_year,
        "top_priorities": top,
        "fragile_ranking": _fragile(inputs.get("robustness")),
        "project_sheets": None if sheets is None else int(len(sheets)),
        "sheet_years": params.budget.sheet_years,
        "illustrative_rows_pct": illus,
        "data_sources": sources,
    }
    return json_safe(out)


def _money(x: float | None) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"S/ {x:,.0f}"


def _pct(x: float | None, language: str) -> str:
    if x is None:
        return t("common.missing", language)
    s = f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"
    return (s.replace(".", ",") if language == "es" else s) + " %"


def citizen_summary(inputs: Mapping[str, pd.DataFrame], params: DistrictParams,
                    summary: Mapping[str, Any] | None = None) -> list[str]:
    """Plain-language sentences: where things stand, what will be built where, when and with whose
    money (first-years project sheets), when the goals are reached or what is missing, what is
    not funded, and what the municipality commits to — checkable by the oversight committee."""
    lang = params.language
    s = dict(summary) if summary is not None else build_summary(inputs, params)
    out: list[str] = []
    out.append(t("citizen.intro", lang, name=params.name, base=params.base_year, horizon=params.horizon_year))
    out.append(t("citizen.now", lang, water=_pct(s["water_basic_or_better_pct"], lang),
                 sanitation=_pct(s["sanitation_basic_or_better_pct"], lang), year=params.base_year))
    out.append(t("citizen.plan_total", lang, total=_money(s["investment_total_pen"]), horizon=params.horizon_year))

    sheets = inputs.get("project_sheets")
    if sheets is not None and len(sheets):
        for r in sheets.to_dict("records"):
            parts = []
            for src in params.budget.sources:
                amt = r.get(source_column(src))
                if amt is not None and not pd.isna(amt) and amt > 0:
                    parts.append(f"{source_label(src, lang)} {_money(float(amt))}")
            people = r.get("beneficiaries")
            has_people = people is not None and not pd.isna(people) and float(people) > 0
            out.append(t("citizen.sheet" if has_people else "citizen.sheet_no_people", lang, year=int(r["year"]),
                         what=intervention_label(r["intervention"], lang),
                         community=r.get("community_name") or r["community_id"],
                         people=f"{float(people):,.0f}" if has_people else "", cost=_money(float(r["cost_pen"])),
                         who="; ".join(parts) if parts else t("common.missing", lang)))
    else:
        out.append(t("citizen.no_sheets", lang, years=params.budget.sheet_years))

    for service in ("water", "sanitation"):
        year = s[f"{service}_target_year"]
        target = _pct(s[f"{service}_target_pct"], lang)
        what = t(f"citizen.service.{service}", lang)
        if year is not None:
            out.append(t("citizen.target_met", lang, service=what, target=target, year=year))
        else:
            out.append(t("citizen.target_not_met", lang, service=what, target=target, horizon=params.horizon_year,
                         coverage=_pct(s.get(f"{service}_coverage_horizon_pct"), lang)))

    plan = inputs.get("investment_plan")
    if plan is not None:
        unf = plan.loc[plan["status"].astype(str).eq("unfunded")]
        if len(unf):
            comm = inputs["communities"]
            names = dict(zip(comm["community_id"].astype(str), comm["name"].astype(str)))
            cids = [c for c in dict.fromkeys(unf["community_id"].dropna().astype(str))]
            out.append(t("citizen.unfunded", lang, n=int(unf["item_id"].nunique() if "item_id" in unf else len(unf)),
                         cost=_money(s["funding_gap_pen"]),
                         communities=", ".join(names.get(c, c) for c in cids)))
        else:
            out.append(t("citizen.all_funded", lang))

    out.append(t("citizen.atm", lang, amount=_money(float(params.unit_costs.atm_per_year))))
    if s.get("jass_to_recognise"):
        out.append(t("citizen.jass", lang, n=s["jass_to_recognise"]))
    out.append(t("citizen.oversight", lang))
    if s.get("illustrative_rows_pct"):
        out.append(t("citizen.illustrative", lang, pct=_pct(s["illustrative_rows_pct"], lang)))
    return out
