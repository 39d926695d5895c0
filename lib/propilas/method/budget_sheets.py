"""Stage 6: participatory-budget project sheets and the municipality's commitments.

The participatory budget (Ley 28056, mod. Ley 29298) is where the plan turns into money: each
year the municipality takes projects to the community workshops. A *project sheet* is the
one-page form for one funded investment of the first `budget.sheet_years` programming years,
stating who benefits, what it costs, who pays which part (co-financing by source), where it
stands in the priority ranking and which Invierte.pe gap indicator ("brecha") it closes and by
how many percentage points, so the workshop can check the plan's arithmetic.

The *commitments* are what the municipality must do for the plan to work at all: staff and fund
the ATM, recognise the JASS by resolution, approve the plan by ordinance, and the role of each
actor. Their text comes from `text/method_6_9.yaml` in the report language.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from propilas.core.labels import catalogue, t
from propilas.core.params import DistrictParams

SHEET_COLUMNS_HEAD: tuple[str, ...] = (
    "sheet_no", "year", "item_id", "community_id", "community_name", "intervention", "service",
    "beneficiaries", "cost_pen",
)
SHEET_COLUMNS_TAIL: tuple[str, ...] = (
    "priority_rank", "gap_indicator", "gap_indicator_base_pct", "gap_closed_pp",
    "gap_indicator_after_pct",
)
COMMITMENT_COLUMNS: tuple[str, ...] = ("item", "actor", "detail", "amount_pen", "year")
ACTORS: tuple[str, ...] = ("municipality", "atm", "jass", "health_post", "oversight_committee")
GAP_SERVICES: tuple[str, ...] = ("water", "sanitation")
ATM = "atm"


def source_column(source: str) -> str:
    """Column holding the part of a sheet's cost charged to `source` (soles)."""
    return f"cost_{source}_pen"


def sheet_columns(params: DistrictParams) -> list[str]:
    return [*SHEET_COLUMNS_HEAD, *(source_column(s) for s in params.budget.sources), *SHEET_COLUMNS_TAIL]


def sheet_years(params: DistrictParams) -> list[int]:
    """Programming years covered by sheets: base+1 … base+sheet_years (never past the horizon)."""
    last = min(params.base_year + params.budget.sheet_years, params.horizon_year)
    return list(range(params.base_year + 1, last + 1))


def intervention_label(code: str, language: str) -> str:
    """Label of an intervention code: the shared catalogue's if another module defines it,
    else this module's own (`budget.intervention.<code>`), else the code itself."""
    for key in (f"intervention.{code}", f"budget.intervention.{code}"):
        if key in catalogue():
            return t(key, language)
    return str(code)


def source_label(code: str, language: str) -> str:
    for key in (f"source.{code}", f"budget.source.{code}"):
        if key in catalogue():
            return t(key, language)
    return str(code)


def _funded_items(investment_plan: pd.DataFrame) -> pd.DataFrame:
    plan = investment_plan
    funded = plan["status"].astype(str).eq("funded") & plan["year"].notna()
    return plan.loc[funded & plan["intervention"].astype(str).ne(ATM)]


def project_sheets(investment_plan: pd.DataFrame, priorities: pd.DataFrame, gaps: pd.DataFrame,
                   communities: pd.DataFrame, params: DistrictParams,
                   interventions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One sheet per funded (non-ATM) item scheduled in the first `budget.sheet_years` years.

    The investment plan has one row per item × source charged; a sheet sums them into the item's
    cost and keeps each source's part in `cost_<source>_pen` (0 where that source pays nothing:
    a real zero, the plan charged nothing to it). The gap indicator an item closes is that of its
    service (water or sanitation; 'management' items close none, so those columns are empty):
    gap_closed_pp = 100 × served_gain / population_base of the community (the Invierte.pe
    indicator is a share of the base-year population), with served_gain from the plan when it
    carries it, else from `interventions` (stage 4, by item_id) when given, else the item's
    beneficiaries (which over-state the gap closed by items that move people up a rung inside
    basic-or-better, e.g. an improvement: pass `interventions` when the plan lacks served_gain). gap_indicator_after_pct is the community's
    indicator after this sheet and every earlier sheet of the same community and service
    (sheet order), floored at 0 because a share without service cannot be negative.
    Sheets are numbered by year, then priority rank, then intervention order, then item id.
    """
    cols = sheet_columns(params)
    years = sheet_years(params)
    items = _funded_items(investment_plan)
    items = items.loc[items["year"].isin(years)]
    if items.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in _TEXT_COLS else float) for c in cols})

    has_gain = "served_gain" in items.columns
    gain_of: dict[str, float] = {}
    if not has_gain and interventions is not None and "served_gain" in interventions.columns:
        gain_of = dict(zip(interventions["item_id"].astype(str), interventions["served_gain"]))
    order = {code: i for i, code in enumerate(params.interventions.order)}
    names = dict(zip(communities["community_id"].astype(str), communities["name"].astype(str)))
    rank_of = dict(zip(priorities["community_id"].astype(str), priorities["rank"]))
    gap_rows = {(str(r.community_id), str(r.service)): r for r in gaps.itertuples(index=False)}

    records = []
    for item_id, grp in items.groupby("item_id", sort=False):
        first = grp.iloc[0]
        cid = str(first["community_id"])
        rec: dict[str, object] = {
            "year": int(first["year"]),
            "item_id": str(item_id),
            "community_id": cid,
            "community_name": names.get(cid),
            "intervention": str(first["intervention"]),
            "service": str(first["service"]),
            "beneficiaries": float(first["beneficiaries"]),
            "cost_pen": float(grp["cost_pen"].sum()),
        }
        by_source = grp.groupby(grp["source"].astype(str))["cost_pen"].sum()
        for s in params.budget.sources:
            rec[source_column(s)] = float(by_source.get(s, 0.0))
        rank = first["rank"] if "rank" in grp.columns and pd.notna(first.get("rank")) else rank_of.get(cid)
        rec["priority_rank"] = float(rank) if rank is not None and pd.notna(rank) else np.nan
        gain = first["served_gain"] if has_gain else gain_of.get(str(item_id), np.nan)
        if pd.isna(gain):
            gain = first["beneficiaries"]
        rec["gain_"] = float(gain) if pd.notna(gain) else np.nan
        records.append(rec)

    df = pd.DataFrame.from_records(records)
    df["order_"] = df["intervention"].map(order).fillna(len(order))
    df["rank_"] = df["priority_rank"].fillna(math.inf)
    df = df.sort_values(["year", "rank_", "order_", "item_id"], kind="mergesort").reset_index(drop=True)
    df["sheet_no"] = np.arange(1, len(df) + 1)

    ind, base, closed, after = [], [], [], []
    closed_so_far: dict[tuple[str, str], float] = {}
    for r in df.itertuples(index=False):
        key = (r.community_id, r.service)
        g = gap_rows.get(key) if r.service in GAP_SERVICES else None
        if r.service not in GAP_SERVICES:
            ind.append(None); base.append(np.nan); closed.append(np.nan); after.append(np.nan)
            continue
        ind.append(r.service)
        if g is None:
            base.append(np.nan); closed.append(np.nan); after.append(np.nan)
            continue
        b = float(g.gap_indicator_pct)
        pop = float(g.population_base)
        pp = 100.0 * r.gain_ / pop if pop > 0 and not math.isnan(r.gain_) else np.nan
        closed_so_far[key] = closed_so_far.get(key, 0.0) + (0.0 if math.isnan(pp) else pp)
        base.append(b)
        closed.append(pp)
        # round away float noise (40 - 30 - 10 = 1.8e-15 is 0 points)
        after.append(max(0.0, round(b - closed_so_far[key], 9)) if not (math.isnan(b) or math.isnan(pp)) else np.nan)
    df["gap_indicator"] = pd.Series(ind, dtype=object)
    df["gap_indicator_base_pct"] = base
    df["gap_closed_pp"] = closed
    df["gap_indicator_after_pct"] = after
    df["sheet_no"] = df["sheet_no"].astype("int64")
    df["year"] = df["year"].astype("int64")
    return df[cols]


_TEXT_COLS = frozenset({"item_id", "community_id", "community_name", "intervention", "service", "gap_indicator"})


def _money(x: float, language: str = "en") -> str:
    from propilas.core.numbers import fmt_int

    return fmt_int(x, language) or ""


def unrecognised_jass(sustainability: pd.DataFrame, params: DistrictParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Systems whose JASS is not recognised by municipal resolution, and those with the status unknown.

    Stage 2's table carries the sub-score `g_jass_recognised` (yes/no scores from params);
    a raw `jass_recognised` column is used instead when present. Unknown stays unknown: those
    systems are listed separately for verification, never assumed either way.
    """
    s = sustainability
    if "jass_recognised" in s.columns:
        v = s["jass_recognised"].astype("boolean")
        no, unknown = v.eq(False).fillna(False), v.isna()
    elif "g_jass_recognised" in s.columns:
        g = pd.to_numeric(s["g_jass_recognised"], errors="coerce")
        no, unknown = g.eq(params.sustainability.yes_no["no"]), g.isna()
    else:
        return s.iloc[0:0], s
    return s.loc[no.astype(bool)], s.loc[unknown.astype(bool)]


def commitments(investment_plan: pd.DataFrame, sustainability: pd.DataFrame, communities: pd.DataFrame,
                params: DistrictParams) -> pd.DataFrame:
    """The municipal commitments the plan depends on, one row each (item, actor, detail, amount_pen, year).

    - `atm_staff`: create or keep the ATM with staff (year base+1);
    - `atm_budget`: one row per programming year with the ATM budget — the ATM rows the
      investment plan funded that year, else `unit_costs.atm_per_year` (what must be budgeted);
    - `jass_recognition`: one row per system whose JASS is not recognised (municipal resolution
      in year base+1); `jass_verify` for systems whose status is unknown;
    - `ordinance`: the council ordinance approving the plan (year base+1);
    - `role`: one row per actor (municipality, ATM, JASS, health post, oversight committee).
    """
    lang = params.language
    first_year = params.base_year + 1
    names = dict(zip(communities["community_id"].astype(str), communities["name"].astype(str)))
    rows: list[dict[str, object]] = []

    def add(item: str, actor: str, detail: str, amount: float = np.nan, year: float = np.nan) -> None:
        rows.append({"item": item, "actor": actor, "detail": detail, "amount_pen": amount, "year": year})

    add("atm_staff", "municipality", t("budget.commit.atm_staff", lang), year=first_year)
    plan = investment_plan
    atm = plan.loc[plan["intervention"].astype(str).eq(ATM) & plan["status"].astype(str).eq("funded")
                   & plan["year"].notna()]
    atm_by_year = atm.groupby(atm["year"].astype(int))["cost_pen"].sum()
    for y in range(first_year, params.horizon_year + 1):
        amount = float(atm_by_year[y]) if y in atm_by_year.index else float(params.unit_costs.atm_per_year)
        add("atm_budget", "municipality", t("budget.commit.atm_budget", lang, year=y, amount=_money(amount, lang)),
            amount=amount, year=y)

    no, unknown = unrecognised_jass(sustainability, params)
    for r in no.itertuples(index=False):
        cid = str(r.community_id)
        add("jass_recognition", "municipality",
            t("budget.commit.jass_recognition", lang, system=r.system_id, community=names.get(cid, cid)),
            year=first_year)
    for r in unknown.itertuples(index=False):
        cid = str(r.community_id)
        add("jass_verify", "atm",
            t("budget.commit.jass_verify", lang, system=r.system_id, community=names.get(cid, cid)),
            year=first_year)

    add("ordinance", "municipality",
        t("budget.commit.ordinance", lang, base=params.base_year, horizon=params.horizon_year), year=first_year)
    for actor in ACTORS:
        add("role", actor, t(f"actor.{actor}.role", lang))
    out = pd.DataFrame.from_records(rows, columns=list(COMMITMENT_COLUMNS))
    out["amount_pen"] = out["amount_pen"].astype(float)
    out["year"] = out["year"].astype(float)
    return out
