"""The sections of plan.docx (report/plan_document.py), in the order of the document: cover,
vision and objectives, diagnosis, priorities, investment plan, project sheets, commitments,
monitoring framework, data sources and approval. Each writes into a `plan_docx._Doc` from the
district's parameters, summary.json and tables; every heading and sentence comes from
core/text/plan.yaml (and the shared labels).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping

import pandas as pd

from propilas.core.labels import catalogue, label, t
from propilas.core.params import DistrictParams
from propilas.method.money import money_sentences
from propilas.report.plan_docx import _Doc, _missing, money, pct, persons, soles, year


def _names(communities: pd.DataFrame | None) -> dict[str, str]:
    if communities is None or "name" not in communities.columns:
        return {}
    return dict(zip(communities["community_id"].astype(str), communities["name"].astype(str)))


# ---------------------------------------------------------------------------------------------- sections

def _cover(d: _Doc, p: DistrictParams, s: Mapping[str, Any], run_id: str | None) -> None:
    from propilas.method.sources import illustrative_from_summary

    L = d.L
    if s.get("draft"):
        left = list(s.get("placeholders") or [])
        items = [t(f"draft.item.{k}", L) if f"draft.item.{k}" in catalogue() else k for k in left]
        d.band(t("plan.draft_band", L), t("draft.band", L, items="; ".join(items)))
    for _ in range(3):
        d.para("")
    d.para(t("plan.title", L, base=p.base_year, horizon=p.horizon_year), bold=True, size=24, align="center")
    d.para(t("plan.district_line", L, name=p.name), bold=True, size=18, align="center")
    d.para(t("plan.place_line", L, province=p.province, department=p.department, ubigeo=p.ubigeo),
           size=12, align="center")
    d.para("")
    d.para(t("plan.cover_purpose", L), align="center")
    d.para(t("plan.cover_method", L), italic=True, size=9, align="center")
    parts = illustrative_from_summary(s, p).parts(L)
    if parts:
        d.para(t("plan.cover_illustrative", L, parts=parts), bold=True, size=10, align="center")
    when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    d.para(t("plan.cover_generated", L, date=when, run_id=run_id or "—"), size=8, align="center")
    d.page_break()


def _vision(d: _Doc, p: DistrictParams, targets: pd.DataFrame | None) -> None:
    L = d.L
    d.heading(t("plan.h.vision", L), 1)
    w = p.workshop
    if w is None:
        d.para(t("plan.no_workshop", L, district=p.district))
    else:
        if w.illustrative:
            d.para(t("plan.workshop_illustrative", L), italic=True)
        if w.date or w.participants:
            d.para(t("plan.workshop_line", L, date=w.date or t("common.missing", L),
                     participants="; ".join(w.participants) or t("common.missing", L)))
        d.heading(t("plan.vision", L, horizon=p.horizon_year), 2)
        d.para(w.vision)
        d.heading(t("plan.objectives", L), 2)
        d.bullets(w.objectives)
    if targets is not None and len(targets):
        d.heading(t("plan.targets", L, horizon=p.horizon_year), 2)
        rows = [[label("indicator", r["indicator"], L), pct(r.get("base_pct"), L), pct(r.get("target_pct"), L),
                 year(r.get("target_year"), L)] for _, r in targets.iterrows()]
        d.table([t("col.indicator", L), t("col.base_pct", L), t("col.target_pct", L), t("col.target_year", L)],
                rows, numeric=[False, True, True, True], widths_cm=[7.5, 2.8, 2.8, 2.9])


def _diagnosis(d: _Doc, p: DistrictParams, s: Mapping[str, Any], tables: Mapping[str, Any],
               boundary: Any) -> None:
    from propilas.method.sources import chart_source
    from propilas.stages.charts import maps
    from propilas.stages.charts import summary as charts

    L = d.L
    d.page_break()
    d.heading(t("plan.h.diagnosis", L), 1)
    d.para(t("plan.diagnosis_population", L, base=p.base_year, population=persons(s.get("population_base"), L),
             communities=s.get("communities", t("common.missing", L)), horizon=p.horizon_year,
             horizon_population=persons(s.get("population_horizon"), L)))
    d.para(t("plan.diagnosis_services", L, water=pct(s.get("water_basic_or_better_pct"), L),
             safe=pct(s.get("water_safely_managed_pct"), L), san=pct(s.get("sanitation_basic_or_better_pct"), L)))
    mean = s.get("mean_sustainability_index")
    d.para(t("plan.diagnosis_systems", L, systems=s.get("systems", t("common.missing", L)),
             ab=pct(s.get("systems_ab_pct"), L),
             mean=t("common.missing", L) if _missing(mean) else f"{float(mean):.2f}",
             partial=s.get("partial_indices", t("common.missing", L))))
    d.chart("coverage", lambda: charts.coverage_chart(s, p))
    d.chart("systems_by_class", lambda: charts.systems_by_class_chart(s, p))
    comm, systems = tables.get("communities"), tables.get("water_systems")
    sus, prio = tables.get("sustainability"), tables.get("priorities")
    if all(x is not None for x in (comm, systems, sus, prio)):
        d.chart("plan_map", lambda: maps.plan_map(boundary, comm, systems, sus, prio, p.prioritisation.top_k,
                                                  p.name, L, chart_source(p.name, L, comm, systems)))


def _priorities(d: _Doc, p: DistrictParams, s: Mapping[str, Any], tables: Mapping[str, Any]) -> None:
    L = d.L
    d.page_break()
    d.heading(t("plan.h.priorities", L), 1)
    prio = tables.get("priorities")
    if prio is None or not len(prio):
        d.para(t("common.missing", L))
        return
    names = _names(tables.get("communities"))
    k = max(p.prioritisation.top_k, 10)
    top = prio.sort_values("rank", kind="stable").head(k)
    d.para(t("plan.priorities_text", L, k=len(top), n=len(prio), top=p.prioritisation.top_k))
    if s.get("fragile_ranking") is not None:
        d.para(t("plan.fragile" if s.get("fragile_ranking") else "plan.robust", L), italic=True)
    rows = [[year(r["rank"], L), names.get(str(r["community_id"]), str(r["community_id"])),
             t("common.missing", L) if _missing(r.get("score")) else f"{float(r['score']):.2f}",
             pct(None if _missing(r.get("p_top_k")) else 100 * float(r["p_top_k"]), L)]
            for _, r in top.iterrows()]
    d.table([t("col.rank", L), t("col.community", L), t("col.score", L), t("col.p_top_k", L)], rows,
            numeric=[True, False, True, True], widths_cm=[2.4, 7.1, 2.5, 4.0])


def _investment(d: _Doc, p: DistrictParams, s: Mapping[str, Any], tables: Mapping[str, Any]) -> None:
    from propilas.stages.charts import summary as charts

    L = d.L
    d.page_break()
    d.heading(t("plan.h.investment", L), 1)
    sentences = money_sentences(s, L, p.base_year + 1, p.horizon_year)
    for sentence in sentences or [t("plan.money_short", L, invest=money(s.get("investment_total_pen"), L),
                                    gap=money(s.get("funding_gap_pen"), L))]:
        d.rich(sentence)
    for service in ("water", "sanitation"):
        y = s.get(f"{service}_target_year")
        name = t(f"summary.service.{service}", L)
        d.para(t("plan.target_year", L, service=name, year=y) if not _missing(y)
               else t("plan.target_not_met", L, service=name, horizon=p.horizon_year))
    cby = tables.get("cost_by_year")
    if cby is not None and len(cby):
        d.chart("investment", lambda: charts.investment_chart(cby, p, s))
        d.heading(t("plan.investment_table", L), 2)
        cy = cby.copy()
        cy["year"] = pd.to_numeric(cy["year"], errors="coerce").astype(int)
        spent = cy.pivot_table(index="year", columns="source", values="spent_pen", aggfunc="sum")
        env = cy.groupby("year")["envelope_pen"].sum()
        sources = [x for x in p.budget.sources if x in spent.columns]
        header = [t("col.year", L)] + [label("source", x, L).capitalize() for x in sources] + \
                 [t("plan.col.total", L), t("plan.col.envelope", L)]
        rows = []
        for yr, r in spent.iterrows():
            vals = [r[x] for x in sources]
            rows.append([str(yr)] + [soles(v, L) for v in vals] + [soles(sum(v for v in vals if not _missing(v)), L),
                                                                   soles(env.get(yr), L)])
        tot = [spent[x].sum() for x in sources]
        rows.append([t("money.total", L)] + [soles(v, L) for v in tot] + [soles(sum(tot), L), soles(env.sum(), L)])
        n = len(header)
        d.table(header, rows, numeric=[False] + [True] * (n - 1), widths_cm=[2.2] + [13.8 / (n - 1)] * (n - 1))
    plan = tables.get("investment_plan")
    if plan is not None and len(plan):
        d.heading(t("plan.unfunded_title", L, horizon=p.horizon_year), 2)
        un = plan[(plan["status"].astype(str) == "unfunded") & (plan["intervention"].astype(str) != "atm")]
        if un.empty:
            d.para(t("plan.unfunded_none", L))
        else:
            names = _names(tables.get("communities"))
            rows = [[names.get(str(r["community_id"]), t("common.missing", L) if _missing(r["community_id"])
                               else str(r["community_id"])),
                     label("intervention", r["intervention"], L), label("service", r["service"], L),
                     money(r["cost_pen"], L)] for _, r in un.iterrows()]
            d.table([t("col.community", L), t("col.intervention", L), t("col.service", L), t("col.cost_pen", L)],
                    rows, numeric=[False, False, False, True], widths_cm=[4.5, 6.5, 2.5, 2.5])


def _sheets(d: _Doc, p: DistrictParams, tables: Mapping[str, Any]) -> None:
    L = d.L
    d.page_break()
    d.heading(t("plan.h.sheets", L), 1)
    sheets = tables.get("project_sheets")
    years = p.budget.sheet_years
    if sheets is None or not len(sheets):
        d.para(t("plan.sheets_none", L, years=years))
        return
    d.para(t("plan.sheets_text", L, years=years, n=len(sheets)))
    for _, r in sheets.iterrows():
        d.heading(t("plan.sheet_title", L, no=year(r["sheet_no"], L), intervention=label("intervention", r["intervention"], L),
                    community=r.get("community_name") or t("common.missing", L), year=year(r["year"], L)), 3)
        rows = [[t("plan.sheet.service", L), label("service", r.get("service"), L)],
                [t("plan.sheet.beneficiaries", L), persons(r.get("beneficiaries"), L)],
                [t("plan.sheet.cost", L), money(r.get("cost_pen"), L)]]
        for src in p.budget.sources:
            col = f"cost_{src}_pen"
            if col in sheets.columns and not _missing(r.get(col)) and float(r[col]) > 0:
                rows.append([t("plan.sheet.source", L, source=label("source", src, L)), money(r[col], L)])
        rows.append([t("plan.sheet.rank", L), year(r.get("priority_rank"), L)])
        if not _missing(r.get("gap_indicator")):
            rows.append([t("plan.sheet.gap", L, service=label("service", r["gap_indicator"], L)),
                         f"{pct(r.get('gap_indicator_base_pct'), L)} → {pct(r.get('gap_indicator_after_pct'), L)}"])
        d.table([t("col.metric", L), t("col.value", L)], rows, numeric=[False, True], widths_cm=[8.0, 8.0],
                style="Table Grid", keep_together=True)


def _commitments(d: _Doc, p: DistrictParams, tables: Mapping[str, Any]) -> None:
    L = d.L
    d.page_break()
    d.heading(t("plan.h.commitments", L), 1)
    com = tables.get("commitments")
    if com is None or not len(com):
        d.para(t("common.missing", L))
        return
    roles = com[com["item"].astype(str) == "role"]
    if len(roles):
        d.heading(t("plan.roles", L), 2)
        d.table([t("col.actor", L), t("plan.col.role", L)],
                [[label("actor", r["actor"], L), str(r["detail"])] for _, r in roles.iterrows()],
                widths_cm=[4.5, 11.5])
    rest = com[com["item"].astype(str) != "role"]
    atm = rest[rest["item"].astype(str) == "atm_budget"]
    rows = []
    for _, r in rest.iterrows():
        if str(r["item"]) == "atm_budget":
            continue
        rows.append([label("actor", r["actor"], L), str(r["detail"]),
                     "" if _missing(r.get("amount_pen")) else money(r["amount_pen"], L),
                     "" if _missing(r.get("year")) else year(r["year"], L)])
    if len(atm):
        amounts = pd.to_numeric(atm["amount_pen"], errors="coerce")
        yrs = pd.to_numeric(atm["year"], errors="coerce")
        if amounts.nunique(dropna=False) == 1:  # one line for the same budget every year
            rows.insert(0, [label("actor", atm["actor"].iloc[0], L),
                            t("plan.atm_budget_years", L, first=int(yrs.min()), last=int(yrs.max()),
                              amount=money(amounts.iloc[0], L)),
                            money(amounts.sum(), L), f"{int(yrs.min())}–{int(yrs.max())}"])
        else:
            for _, r in atm.iterrows():
                rows.insert(0, [label("actor", r["actor"], L), str(r["detail"]), money(r["amount_pen"], L),
                                year(r["year"], L)])
    d.heading(t("plan.commitments", L), 2)
    d.table([t("col.actor", L), t("col.detail", L), t("col.amount_pen", L), t("col.year", L)], rows,
            numeric=[False, False, True, True], widths_cm=[3.5, 8.3, 2.4, 1.8])


def _monitoring(d: _Doc, p: DistrictParams, tables: Mapping[str, Any]) -> None:
    L = d.L
    d.page_break()
    d.heading(t("plan.h.monitoring", L), 1)
    d.para(t("plan.monitoring_text", L, base=p.base_year, district=p.district,
             green=f"{100 * p.monitoring.green:.0f}", amber=f"{100 * p.monitoring.amber:.0f}"))
    mon = tables.get("monitoring")
    if mon is None or not len(mon):
        d.para(t("common.missing", L))
        return
    mon = mon.copy()
    mon["year"] = pd.to_numeric(mon["year"], errors="coerce")
    span = p.horizon_year - p.base_year
    years = sorted({p.base_year + 1, p.base_year + max(1, span // 3), p.base_year + max(1, 2 * span // 3),
                    p.horizon_year})
    header = [t("col.indicator", L), t("plan.col.baseline", L, year=p.base_year)] + \
             [t("plan.col.target_year", L, year=y) for y in years]
    rows = []
    for ind, g in mon.groupby("indicator", sort=False):
        g = g.set_index("year")
        is_money = str(ind).endswith("_pen")
        is_index = str(ind) == "mean_sustainability_index"

        def fmt(v: Any) -> str:
            if _missing(v):
                return t("common.missing", L)
            return soles(v, L) if is_money else (f"{float(v):.2f}" if is_index else f"{float(v):.1f}")
        base = g["actual"].get(p.base_year) if p.base_year in g.index else None
        rows.append([label("indicator", ind, L), fmt(base)] + [fmt(g["target"].get(y)) for y in years])
    n = len(header)
    d.table(header, rows, numeric=[False] + [True] * (n - 1), widths_cm=[5.0] + [11.0 / (n - 1)] * (n - 1))


def _sources(d: _Doc, p: DistrictParams, s: Mapping[str, Any], tables: Mapping[str, Any]) -> None:
    from propilas.method.sources import illustrative_from_summary

    L = d.L
    d.heading(t("plan.h.sources", L), 1)
    srcs = [x if x != "illustrative" else t("plan.source_illustrative", L) for x in (s.get("data_sources") or [])]
    d.para(t("plan.sources_rows", L, sources="; ".join(srcs) or t("common.missing", L),
             pct=pct(s.get("illustrative_rows_pct"), L).replace(" %", "")))
    parts = illustrative_from_summary(s, p).parts(L)
    d.para(t("plan.sources_illustrative", L, parts=parts) if parts else t("plan.sources_none", L), bold=bool(parts))
    census = ", ".join(f"{y}: {persons(v, L)}" for y, v in sorted(p.census.items()))
    d.para(t("plan.sources_population", L, censuses=census, share=f"{100 * p.rural_share:.0f}"))
    for note in (p.data_note, p.rural_share_note):
        if note:
            d.para(note, italic=True, size=9)
    d.para(t("plan.sources_boundaries", L))
    d.para(t("plan.sources_tables", L, district=p.district))


def _approval(d: _Doc, p: DistrictParams) -> None:
    L = d.L
    d.page_break()
    d.heading(t("plan.h.approval", L), 1)
    d.para(t("plan.approval_text", L))
    for _ in range(3):
        d.para("")
    d.para("______________________________", align="center")
    d.para(t("plan.signature", L, name=p.name), align="center")
