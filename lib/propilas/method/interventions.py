"""Stage 4/5: choose and price each community's candidate interventions.

One function, `choose_interventions`, applies the rules of METHOD stage 5 independently of any
ranking: stage 4 uses the costs and beneficiaries as criteria, stage 5 schedules the items.
Every threshold and unit cost comes from params.

Definitions (per item; pph = persons per household of the community; U = households below
basic water at base, i.e. the limited + unimproved + surface rungs, all non-piped;
P = piped-on-premises households; AB = Σ households_connected of the community's class A/B
systems; conn_s = households_connected of system s):

- beneficiaries: people who gain a rung *in the plan's served measure* (the measure of the gap
  indicator, see `gaps.compute_gaps`), or whose failing/unsafe service is put right:
  * new_system: the unserved persons at base (population_base − served_base of the water gap);
  * reconstruction / rehabilitation: pph × conn_s (every user of the failing system gets a
    working service back);
  * extension: pph × min(quantity, U) — new connections first reach households below basic;
    households already on a basic tap gain piped water but no rung, so they are not counted;
  * improvement: pph × conn_s (chlorination and operator training move users towards the
    safely managed rung);
  * sanitation_units: pph × quantity (each household moves from limited/unimproved/open to basic);
  * jass_strengthening, diagnosis_visit: 0 (they protect the current service or find out what it
    needs; nobody changes rung).
- served_gain: people added to basic-or-better of the item's `service`, computed for the item
  alone from the base situation (so the items of one community add up without double counting):
  * new_system: = beneficiaries (the whole water gap of a community without a system);
  * reconstruction / rehabilitation of s: pph × [min(P, AB + conn_s) − min(P, AB)], the piped
    households of s that the gap measure did not count as served;
  * extension: pph × min(quantity, U) (disjoint from the above: those are piped, U is not);
  * sanitation_units: pph × quantity;
  * improvement of a class C/D system whose infrastructure is sound (see `works_for`): the same
    gain as the works it replaces, pph × [min(P, AB + conn_s) − min(P, AB)] — the gap counts a
    C/D system as not served, and once its chlorination, operator and JASS are put right it is;
  * improvement of a class A/B system, jass_strengthening, diagnosis_visit: 0.

Design population (`interventions.design_population`, default `horizon`): works that add
users are sized for the community at the horizon year, as rural systems are designed for the
population at the end of their design period (see methodology/05_investment_plan.md). With
growth factor g = max(1, P_c(horizon) / P_c(base)): new_system quantity = max(unserved at base,
water gap at the horizon); extension quantity = households × g − Σ connected and its gain also
counts the households added by growth; sanitation_units quantity = households below basic +
households × (g − 1). With `base`, the base-year figures above are used unchanged (growth is
then never served and a 100 % target cannot be met while population grows).

A system with class 'unclassified' (E missing: insufficient evidence, METHOD stage 2) gets no
state-based item (reconstruction, rehabilitation, improvement) but a `diagnosis_visit` (one per
system, `unit_costs.diagnosis_visit_per_system`, service water, nobody gains a rung) and may
still get JASS strengthening from its G score; the items of its community carry the flag
`unclassified_system:<id>` and the system ids are listed in
`result.attrs['unclassified_systems']`. A value needed for a quantity that is missing gives no
guess: the item is kept with quantity and cost NaN and a `missing:` flag (the scheduler never
funds an unpriced item), except extension, which needs the community coverage and is skipped
(flagged on the other items) when any connection count is missing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from propilas.method.gaps import SANITATION_RUNGS, WATER_RUNGS, WORKING_CLASSES, ladder_households
from propilas.core.params import DistrictParams

INTERVENTION_COLUMNS: list[str] = [
    "item_id", "community_id", "system_id", "intervention", "service", "quantity", "unit",
    "unit_cost_pen", "cost_pen", "beneficiaries", "served_gain", "one_off", "flags",
]

_UNIT_COST_KEY: dict[str, str] = {
    "new_system": "new_system_per_person",
    "reconstruction": "reconstruction_per_household",
    "rehabilitation": "rehabilitation_per_household",
    "extension": "extension_per_household",
    "improvement": "improvement_per_system",
    "sanitation_units": "sanitation_unit_per_household",
    "jass_strengthening": "jass_strengthening_per_system",
    "diagnosis_visit": "diagnosis_visit_per_system",
}
_UNIT: dict[str, str] = {
    "new_system": "person", "reconstruction": "household", "rehabilitation": "household",
    "extension": "household", "improvement": "system", "sanitation_units": "household",
    "jass_strengthening": "system", "diagnosis_visit": "system",
}
_SERVICE: dict[str, str] = {
    "new_system": "water", "reconstruction": "water", "rehabilitation": "water",
    "extension": "water", "improvement": "water", "sanitation_units": "sanitation",
    "jass_strengthening": "management",
    # a technical visit to the water system (state of its components, flows, chlorine) that
    # decides which water works it needs: charged to water, like the works it replaces
    "diagnosis_visit": "water",
}


def works_for(cls: str, infrastructure: float, params: DistrictParams) -> str:
    """What a class C/D system gets: the works follow its infrastructure score, not its class.

    infrastructure ≤ `reconstruction_max_infrastructure` (1.5) → reconstruction;
    ≤ `rehabilitation_max_infrastructure` (2.5) → rehabilitation; above → improvement (its class
    then comes from quality, management or O&M; JASS strengthening follows G as for any system).
    So a C system whose infrastructure has collapsed is reconstructed and a D system with a
    repairable infrastructure is rehabilitated. An unknown score (only in tables not written by
    stage 2, where E needs infrastructure) falls back to the class: D reconstruction, C
    rehabilitation, flagged `infrastructure_unknown:class_rule`.
    """
    ip = params.interventions
    if infrastructure is None or math.isnan(infrastructure):
        return "reconstruction" if cls == "D" else "rehabilitation"
    if infrastructure <= ip.reconstruction_max_infrastructure:
        return "reconstruction"
    if infrastructure <= ip.rehabilitation_max_infrastructure:
        return "rehabilitation"
    return "improvement"


def item_id(community_id: str, intervention: str, system_id: str | None = None) -> str:
    """Deterministic id '<community>-<intervention>[-<system>]' (stable across runs)."""
    return f"{community_id}-{intervention}" + (f"-{system_id}" if system_id else "")


def _true(x: Any) -> bool:
    return x is not None and not pd.isna(x) and bool(x)


def _num(x: Any) -> float:
    return float("nan") if x is None or pd.isna(x) else float(x)


def choose_interventions(communities: pd.DataFrame, water_systems: pd.DataFrame,
                         sustainability: pd.DataFrame, water_ladder: pd.DataFrame,
                         sanitation_ladder: pd.DataFrame, gaps: pd.DataFrame,
                         params: DistrictParams) -> pd.DataFrame:
    """The `interventions` table: every candidate item, chosen and priced (see module doc).

    Rules (thresholds in params.interventions):
    - new_system: community without any water system and basic-or-better water share
      (safely_managed + basic households / households) < new_system_max_water_share;
      quantity = unserved persons at base; cost per person.
    - works of a class C/D system follow its infrastructure score, not its class (`works_for`):
      ≤ reconstruction_max_infrastructure → reconstruction, ≤ rehabilitation_max_infrastructure
      → rehabilitation (quantity = its households_connected; cost per household), above →
      improvement (one per system, flagged `works_not_needed:infrastructure_sound`).
    - improvement: class B system, or quality score < improvement_max_quality, and not C/D
      (their works include it); one per system.
    - diagnosis_visit: unclassified system (insufficient evidence); one per system.
    - extension: community with systems and coverage = min(1, Σ connected / households) <
      extension_max_coverage; quantity = households − Σ connected; per household.
    - sanitation_units: households below basic sanitation (limited + unimproved + open rungs);
      per household.
    - jass_strengthening: G ≤ jass_strengthening_max_g; one per system.
    """
    ip, uc = params.interventions, params.unit_costs
    ids = list(communities["community_id"].astype(object))
    c = communities.set_index("community_id")
    wl = ladder_households(water_ladder, WATER_RUNGS).reindex(ids)
    sl = ladder_households(sanitation_ladder, SANITATION_RUNGS).reindex(ids)
    gw = gaps[gaps["service"] == "water"].set_index("community_id")

    sus_cols = ["system_id", "class", "quality", "G", "partial", "infrastructure"]
    sus = sustainability[[k for k in sus_cols if k in sustainability.columns]]
    ws = water_systems[["system_id", "community_id", "households_connected"]].merge(
        sus, on="system_id", how="left")
    ws = ws.sort_values("system_id", kind="stable")

    rows: list[dict[str, Any]] = []
    unclassified: list[str] = []

    def add(cid: str, code: str, quantity: float, beneficiaries: float, served_gain: float,
            system_id: str | None = None, flags: list[str] | None = None) -> None:
        unit_cost = float(getattr(uc, _UNIT_COST_KEY[code]))
        rows.append({
            "item_id": item_id(cid, code, system_id), "community_id": cid, "system_id": system_id,
            "intervention": code, "service": _SERVICE[code], "quantity": quantity,
            "unit": _UNIT[code], "unit_cost_pen": unit_cost, "cost_pen": quantity * unit_cost,
            "beneficiaries": beneficiaries, "served_gain": served_gain, "one_off": True,
            "_flags": list(flags or []),
        })

    horizon_design = ip.design_population == "horizon"
    for cid in ids:
        first_row = len(rows)
        community_flags: list[str] = []
        hh = float(c.at[cid, "households"])
        growth = 1.0
        if horizon_design and {"population_base", "population_horizon"} <= set(gw.columns):
            p_base, p_hor = _num(gw["population_base"].get(cid)), _num(gw["population_horizon"].get(cid))
            if not (math.isnan(p_base) or math.isnan(p_hor)) and p_base > 0:
                growth = max(1.0, p_hor / p_base)
        new_hh = math.ceil(hh * growth - 1e-9) - hh  # households added by growth by the horizon
        pph = float(c.at[cid, "population"]) / hh
        piped = float(c.at[cid, "hh_water_piped_premises"])
        w = wl.loc[cid]
        below_basic = _num(w["limited"]) + _num(w["unimproved"]) + _num(w["surface"])
        bob_hh = _num(w["safely_managed"]) + _num(w["basic"])
        systems = ws[ws["community_id"] == cid]

        # --- new system -------------------------------------------------------------------
        if systems.empty:
            share = bob_hh / hh
            if math.isnan(share):
                community_flags.append("missing:water_ladder")
            elif share < ip.new_system_max_water_share:
                unserved = _num(gw["population_base"].get(cid)) - _num(gw["served_base"].get(cid))
                if horizon_design and not math.isnan(unserved) and "gap" in gw.columns:
                    unserved = max(unserved, _num(gw["gap"].get(cid)))
                flags = [] if not math.isnan(unserved) else ["missing:water_gap"]
                if math.isnan(unserved) or unserved > 0:
                    add(cid, "new_system", unserved, unserved, unserved, flags=flags)

        # --- system works -----------------------------------------------------------------
        conn_known = systems["households_connected"].astype(float)
        ab = float(conn_known[systems["class"].isin(WORKING_CLASSES)].sum())
        for _, s in systems.iterrows():
            sid = str(s["system_id"])
            cls = s.get("class")
            conn = _num(s["households_connected"])
            sflags = ["partial_index:" + sid] if _true(s.get("partial")) else []
            if cls not in ("A", "B", "C", "D"):
                # insufficient evidence for a class: find out first, never buy works blind
                unclassified.append(sid)
                community_flags.append(f"unclassified_system:{sid}")
                add(cid, "diagnosis_visit", 1.0, 0.0, 0.0, sid, sflags)
            elif cls in ("C", "D"):
                infra = _num(s.get("infrastructure"))
                code = works_for(str(cls), infra, params)
                wflags = sflags + (["infrastructure_unknown:class_rule"] if math.isnan(infra) else [])
                gain = np.nan if math.isnan(conn) else pph * (min(piped, ab + conn) - min(piped, ab))
                if code == "improvement":
                    # sound infrastructure: the class comes from quality, management or O&M; the
                    # improvement puts the system right and carries what works would have served
                    wflags = wflags + ["works_not_needed:infrastructure_sound"]
                    if math.isnan(conn):
                        wflags.append("missing:households_connected")
                    add(cid, code, 1.0, pph * conn, gain, sid, wflags)
                elif math.isnan(conn):
                    add(cid, code, np.nan, np.nan, np.nan, sid, wflags + ["missing:households_connected"])
                else:
                    add(cid, code, conn, pph * conn, gain, sid, wflags)
            else:
                quality = _num(s.get("quality"))
                if cls == "B" or (not math.isnan(quality) and quality < ip.improvement_max_quality):
                    ben = pph * conn
                    f = sflags + (["missing:households_connected"] if math.isnan(conn) else [])
                    add(cid, "improvement", 1.0, ben, 0.0, sid, f)
            g = _num(s.get("G"))
            if not math.isnan(g) and g <= ip.jass_strengthening_max_g:
                add(cid, "jass_strengthening", 1.0, 0.0, 0.0, sid, sflags)

        # --- extension --------------------------------------------------------------------
        if not systems.empty:
            if conn_known.isna().any():
                community_flags.append("extension_not_assessed:missing_households_connected")
            else:
                total = float(conn_known.sum())
                coverage = min(1.0, total / hh)
                if coverage < ip.extension_max_coverage:
                    q = hh + new_hh - total
                    gain = pph * min(q, below_basic + new_hh) if not math.isnan(below_basic) else np.nan
                    add(cid, "extension", q, gain, gain,
                        flags=[] if not math.isnan(gain) else ["missing:water_ladder"])

        # --- sanitation units -------------------------------------------------------------
        sr = sl.loc[cid]
        below = _num(sr["limited"]) + _num(sr["unimproved"]) + _num(sr["open"])
        if math.isnan(below):
            community_flags.append("missing:sanitation_ladder")
        elif below + new_hh > 0:
            add(cid, "sanitation_units", below + new_hh, pph * (below + new_hh), pph * (below + new_hh))

        for r in rows[first_row:]:
            r["_flags"].extend(community_flags)

    out = pd.DataFrame(rows, columns=INTERVENTION_COLUMNS[:-1] + ["_flags"])
    out["flags"] = ["; ".join(dict.fromkeys(f)) for f in out["_flags"]]
    out = out.drop(columns="_flags")
    order = {code: i for i, code in enumerate(ip.order)}
    out["_o"] = out["intervention"].map(order)
    out = out.sort_values(["community_id", "_o", "item_id"], kind="stable").drop(columns="_o")
    out = out.reset_index(drop=True)
    for col in ("item_id", "community_id", "system_id", "intervention", "service", "unit", "flags"):
        out[col] = pd.Series([None if v is None or pd.isna(v) else str(v) for v in out[col]],
                             index=out.index, dtype=object)
    for col in ("quantity", "unit_cost_pen", "cost_pen", "beneficiaries", "served_gain"):
        out[col] = out[col].astype(float)
    out["one_off"] = out["one_off"].astype(bool)
    out.attrs["unclassified_systems"] = sorted(set(unclassified))
    return out
