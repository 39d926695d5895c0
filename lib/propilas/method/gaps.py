"""Stage 3: targets and gap indicators ("brechas") per community and for the district.

Why this definition of *served*: Invierte.pe programmes investment to close the share of the
rural population without a service. A piped connection only counts as a service when the
system behind it works (class A or B of the PROPILAS sustainability index); households on a
class C/D (or unclassified) system are counted as not served, so rehabilitating a system closes
a gap just as a new system does. Non-piped sources on the basic rung (public tap or protected
source within the round-trip limit) count as served: they are basic-or-better by the JMP.

Inputs are the canonical tables of earlier stages (see methodology/contract.md):
communities, water_systems, population, water_ladder, sanitation_ladder, sustainability.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.ladders import NOT_COMPUTED_POPULATION, served_only

SERVICES: tuple[str, ...] = ("water", "sanitation")
WORKING_CLASSES: frozenset[str] = frozenset({"A", "B"})
WATER_RUNGS: tuple[str, ...] = ("safely_managed", "basic", "limited", "unimproved", "surface")
SANITATION_RUNGS: tuple[str, ...] = ("safely_managed", "basic", "limited", "unimproved", "open")

GAP_COLUMNS: list[str] = [
    "community_id", "service", "population_base", "served_base", "target_pct",
    "population_horizon", "gap", "gap_indicator_pct", "flags",
]
GAP_INDICATOR_COLUMNS: list[str] = [
    "service", "population_base", "served_base", "without_service", "gap_indicator_pct",
    "population_horizon", "gap", "population_covered_pct", "flags",
]
TARGET_COLUMNS: list[str] = ["indicator", "base_pct", "target_pct", "target_year", "flags"]


def ladder_households(ladder: pd.DataFrame, rungs: tuple[str, ...]) -> pd.DataFrame:
    """Long ladder table -> one row per community, one column of households per rung.

    A rung not reported for a community (e.g. sanitation safely_managed not computed) stays NaN.
    """
    # sum(min_count=1): a rung with no known households stays NaN (pivot_table's sum gives 0)
    wide = (ladder.groupby(["community_id", "rung"], sort=False)["households"].sum(min_count=1)
            .unstack("rung"))
    wide = wide.reindex(columns=list(rungs))
    wide.index = wide.index.astype(object)
    wide.columns.name = None
    return wide.astype(float)


def community_population(population: pd.DataFrame, year: int) -> pd.Series:
    """P_c(year) from the stage-0 projection table, indexed by community_id."""
    rows = population[population["year"] == year]
    s = rows.groupby("community_id")["population"].sum(min_count=1).astype(float)
    s.index = s.index.astype(object)
    return s


def persons_per_household(communities: pd.DataFrame) -> pd.Series:
    """pph_c = population / households at the base year (METHOD conventions)."""
    c = communities.set_index("community_id")
    pph = c["population"].astype(float) / c["households"].astype(float)
    pph.index = pph.index.astype(object)
    return pph


def working_connections(water_systems: pd.DataFrame, sustainability: pd.DataFrame) -> pd.DataFrame:
    """Per community: Σ households_connected of class A/B systems, and a flag when an A/B
    system does not report its connections (the sum then covers the known systems only)."""
    ws = water_systems[["system_id", "community_id", "households_connected"]].copy()
    cls = sustainability.set_index("system_id")["class"]
    ws["class"] = ws["system_id"].map(cls)
    ws["working"] = ws["class"].isin(WORKING_CLASSES)
    ab = ws[ws["working"]]
    conn = ab.groupby("community_id")["households_connected"].sum(min_count=0).astype(float)
    missing = ab[ab["households_connected"].isna()].groupby("community_id")["system_id"].apply(
        lambda s: "; ".join(f"missing:households_connected:{x}" for x in sorted(s)))
    out = pd.DataFrame({"ab_connected": conn, "flags": missing})
    out.index = out.index.astype(object)
    return out


def _join_flags(*parts: object) -> str:
    items = [str(p) for p in parts if isinstance(p, str) and p]
    return "; ".join(items)


def compute_gaps(communities: pd.DataFrame, water_systems: pd.DataFrame, population: pd.DataFrame,
                 water_ladder: pd.DataFrame, sanitation_ladder: pd.DataFrame,
                 sustainability: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """The `gaps` table: one row per community and service.

    water served_base = pph × [non-piped basic-or-better households
                               + min(hh_water_piped_premises, Σ households_connected of A/B systems)]
      where non-piped basic-or-better = (safely_managed + basic rung households) − piped households
      (the ladder puts every piped household on safely_managed or basic, so what remains on those
      rungs are public-tap and protected-source households within the round-trip limit).
    sanitation served_base = pph × (safely_managed + basic households); safely_managed is NaN
      when not surveyed and basic then holds every improved private household, so NaN counts 0.
    gap = max(0, target × P_c(horizon) − served_base)
    gap_indicator_pct = 100 × (P_c(base) − served_base) / P_c(base)
    A community whose population_basis is 'served' (SIASAR) has water served_base, gap and
    gap_indicator_pct NaN, flagged 'not_computed:community_population' (its unserved people
    are not counted; see ladders.served_only).
    """
    ids = list(communities["community_id"].astype(object))
    c = communities.set_index("community_id")
    c.index = c.index.astype(object)
    pph = persons_per_household(communities)
    p_base = community_population(population, params.base_year).reindex(ids)
    p_hor = community_population(population, params.horizon_year).reindex(ids)

    wl = ladder_households(water_ladder, WATER_RUNGS).reindex(ids)
    sl = ladder_households(sanitation_ladder, SANITATION_RUNGS).reindex(ids)
    conn = working_connections(water_systems, sustainability).reindex(ids)

    piped = c["hh_water_piped_premises"].astype(float).reindex(ids)
    nonpiped_basic = (wl["safely_managed"] + wl["basic"] - piped).clip(lower=0)
    piped_working = np.minimum(piped, conn["ab_connected"].fillna(0.0))
    water_served = pph.reindex(ids) * (nonpiped_basic + piped_working)

    san_bob = sl["safely_managed"].fillna(0.0) + sl["basic"]
    san_served = pph.reindex(ids) * san_bob

    # population = people its systems serve (SIASAR): who is without water is not counted, so the
    # water served share, gap and indicator are not computed (left out of sums and rankings)
    served_basis = served_only(communities).reindex(ids).fillna(False).astype(bool)
    water_served = water_served.where(~served_basis.to_numpy())

    rows = []
    targets = {"water": params.targets.water, "sanitation": params.targets.sanitation}
    for service, served in (("water", water_served), ("sanitation", san_served)):
        target = targets[service]
        for cid in ids:
            flags = []
            if service == "water":
                flags.append(conn.at[cid, "flags"])
                if bool(served_basis.get(cid, False)):
                    flags.append(NOT_COMPUTED_POPULATION)
                elif pd.isna(wl.at[cid, "basic"]):
                    flags.append("missing:water_ladder")
            elif pd.isna(sl.at[cid, "basic"]):
                flags.append("missing:sanitation_ladder")
            pb, ph, sv = p_base.get(cid, np.nan), p_hor.get(cid, np.nan), served.get(cid, np.nan)
            if pd.isna(pb) or pd.isna(ph):
                flags.append("missing:population")
            gap = max(0.0, target * ph - sv) if not (pd.isna(ph) or pd.isna(sv)) else np.nan
            ind = 100.0 * (pb - sv) / pb if not (pd.isna(pb) or pd.isna(sv)) and pb > 0 else np.nan
            rows.append({
                "community_id": cid, "service": service, "population_base": float(pb),
                "served_base": float(sv), "target_pct": 100.0 * target,
                "population_horizon": float(ph), "gap": float(gap), "gap_indicator_pct": float(ind),
                "flags": _join_flags(*flags),
            })
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    out["community_id"] = out["community_id"].astype(object)
    return out


def gap_indicators(gaps: pd.DataFrame) -> pd.DataFrame:
    """District totals: sums of the community rows (METHOD: "district totals are sums").

    Sums run over the communities whose served population is known (e.g. SIASAR communities
    have no sanitation survey): the others are left out of every column, never counted as
    served or unserved, the row is flagged with how many were left out, and
    `population_covered_pct` says which share of the population the totals cover (as in the
    district ladder). With none known every figure is NaN.
    """
    rows = []
    cols = ["population_base", "served_base", "population_horizon", "gap"]
    for service in SERVICES:
        g = gaps[gaps["service"] == service]
        known = g[g[cols].notna().all(axis=1)]
        n_missing = len(g) - len(known)
        tot = {k: float(known[k].sum(min_count=1)) for k in cols}
        everyone = float(g["population_base"].sum(min_count=1))
        without = tot["population_base"] - tot["served_base"]
        pct = 100.0 * without / tot["population_base"] if tot["population_base"] > 0 else np.nan
        covered = 100.0 * tot["population_base"] / everyone if everyone > 0 and len(known) else np.nan
        rows.append({"service": service, "population_base": tot["population_base"],
                     "served_base": tot["served_base"], "without_service": without,
                     "gap_indicator_pct": pct, "population_horizon": tot["population_horizon"],
                     "gap": tot["gap"], "population_covered_pct": covered,
                     "flags": f"missing_communities:{n_missing}" if n_missing else ""})
    return pd.DataFrame(rows, columns=GAP_INDICATOR_COLUMNS)


def targets_table(indicators: pd.DataFrame, sustainability: pd.DataFrame,
                  params: DistrictParams) -> pd.DataFrame:
    """Targets at the horizon and, before the MDG year only, the MDG view.

    base_pct of water/sanitation is the served share used by the gaps (100 − gap indicator),
    so target, gap and trajectory all measure the same thing. Systems A/B share is over the
    classified systems; unclassified systems cannot be counted either way and are flagged.
    MDG view (only when base_year < targets.mdg_year): halve the unserved share of the base
    year by mdg_year, i.e. target = base + (100 − base) / 2.
    """
    ind = indicators.set_index("service")
    rows = []
    for service, target in (("water", params.targets.water), ("sanitation", params.targets.sanitation)):
        base = 100.0 - float(ind.at[service, "gap_indicator_pct"])
        rows.append({"indicator": f"{service}_basic_or_better", "base_pct": base,
                     "target_pct": 100.0 * target, "target_year": params.horizon_year,
                     "flags": ind.at[service, "flags"]})
    cls = sustainability["class"] if len(sustainability) else pd.Series([], dtype=object)
    classified = cls.isin(["A", "B", "C", "D"])
    n_class = int(classified.sum())
    n_uncl = int(len(cls) - n_class)
    ab = 100.0 * float(cls.isin(list(WORKING_CLASSES)).sum()) / n_class if n_class else np.nan
    flags = [f"unclassified_excluded:{n_uncl}" if n_uncl else ""]
    if "partial" in sustainability.columns and len(sustainability):
        n_part = int(sustainability["partial"].fillna(False).astype(bool).sum())
        if n_part:
            flags.append(f"partial_indices:{n_part}")
    if not n_class:
        flags.append("no_classified_systems")
    rows.append({"indicator": "systems_ab", "base_pct": ab,
                 "target_pct": 100.0 * params.targets.systems_ab,
                 "target_year": params.horizon_year, "flags": _join_flags(*flags)})
    if params.base_year < params.targets.mdg_year:
        for service in SERVICES:
            base = 100.0 - float(ind.at[service, "gap_indicator_pct"])
            rows.append({"indicator": f"{service}_mdg", "base_pct": base,
                         "target_pct": base + (100.0 - base) / 2.0,
                         "target_year": params.targets.mdg_year, "flags": "mdg_view"})
    out = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    out["target_year"] = out["target_year"].astype("int64")
    return out
