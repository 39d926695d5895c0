"""JMP service ladders for drinking water and sanitation (METHOD.md stage 1).

Households are placed on rungs from the community survey counts; shares are of population
(households on a rung × the community's persons per household), as the JMP reports them.
A rung that cannot be computed from the inputs is NaN and flagged, never 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from propilas.core.errors import DataError
from propilas.core.params import DistrictParams
from propilas.core.schemas import SANITATION_COUNT_COLUMNS, SERVED_BASIS, WATER_COUNT_COLUMNS

WATER_RUNGS: tuple[str, ...] = ("safely_managed", "basic", "limited", "unimproved", "surface")
SANITATION_RUNGS: tuple[str, ...] = ("safely_managed", "basic", "limited", "unimproved", "open")
BASIC_OR_BETTER: tuple[str, ...] = ("safely_managed", "basic")

LADDER_COLUMNS: tuple[str, ...] = ("community_id", "rung", "households", "population", "share_pct",
                                   "community_population", "flags")


NOT_COMPUTED_POPULATION = "not_computed:community_population"


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def served_only(communities: pd.DataFrame) -> pd.Series:
    """True for communities whose population is only the people their water systems serve
    (`population_basis` = served, e.g. SIASAR imports): their water access cannot be computed,
    because the households no system serves are not counted. Index: community_id."""
    basis = (communities["population_basis"] if "population_basis" in communities.columns
             else pd.Series([None] * len(communities), index=communities.index))
    flag = basis.map(lambda v: isinstance(v, str) and v.strip().lower() == SERVED_BASIS).astype(bool)
    return pd.Series(flag.to_numpy(), index=communities["community_id"].astype(object).to_numpy(), dtype=bool)


def ladder_sum_problems(communities: pd.DataFrame) -> list[dict]:
    """Every community whose water or sanitation counts do not add up to its households.

    Returned (not raised) so validation can list all problems of a file at once. `row` is the
    spreadsheet row (header is row 1, so index + 2). Also reports hh_san_safely_managed larger
    than hh_san_improved_private: JMP safely managed sanitation is a subset of improved private.
    """
    problems: list[dict] = []
    has_sm = "hh_san_safely_managed" in communities.columns
    for pos, (_, c) in enumerate(communities.iterrows()):
        row = pos + 2
        hh = int(c["households"])
        for group, cols in (("hh_water_*", WATER_COUNT_COLUMNS), ("hh_san_*", SANITATION_COUNT_COLUMNS)):
            values = {col: c[col] for col in cols}
            if any(_missing(v) for v in values.values()):
                continue  # missing counts are a schema problem, reported by the schema check
            total = int(sum(int(v) for v in values.values()))
            if total != hh:
                detail = ", ".join(f"{k}={int(v)}" for k, v in values.items())
                problems.append({
                    "row": row, "column": "+".join(cols), "value": total,
                    "rule": f"{group} must sum to households ({hh}); they sum to {total} ({detail})",
                    "community_id": c["community_id"],
                })
        if has_sm and not _missing(c["hh_san_safely_managed"]) and not _missing(c["hh_san_improved_private"]):
            sm, priv = int(c["hh_san_safely_managed"]), int(c["hh_san_improved_private"])
            if sm > priv:
                problems.append({
                    "row": row, "column": "hh_san_safely_managed", "value": sm,
                    "rule": f"hh_san_safely_managed ({sm}) must not exceed hh_san_improved_private ({priv})",
                    "community_id": c["community_id"],
                })
    return problems


def _raise_if_problems(communities: pd.DataFrame) -> None:
    problems = ladder_sum_problems(communities)
    if problems:
        lines = [f"community {p['community_id']} (row {p['row']}): {p['rule']}" for p in problems]
        raise DataError("household counts do not add up:\n  " + "\n  ".join(lines), problems)


def system_qualifies(system: pd.Series, params: DistrictParams) -> tuple[object, list[str]]:
    """Whether a system counts towards safely managed water: (True | False | pd.NA, flags).

    Available when needed (hours ≥ water.safely_managed_min_hours) and free from contamination
    (chlorinated with residual ≥ water.min_residual_chlorine_mg_l). One criterion known to fail
    settles it as False; otherwise a missing variable makes it NA (does not qualify, flagged).
    households_connected is needed to count the households it serves, so it is required too.
    """
    w = params.water
    hours, chlor, resid, hh = (system["hours_per_day"], system["chlorination"],
                               system["residual_chlorine_mg_l"], system["households_connected"])
    fails = ((not _missing(hours) and float(hours) < w.safely_managed_min_hours)
             or (not _missing(chlor) and not bool(chlor))
             or (not _missing(resid) and float(resid) < w.min_residual_chlorine_mg_l))
    if fails:
        return False, []
    missing = [name for name, v in (("hours_per_day", hours), ("chlorination", chlor),
                                    ("residual_chlorine_mg_l", resid),
                                    ("households_connected", hh)) if _missing(v)]
    if missing:
        return pd.NA, [f"missing:{m}" for m in missing]
    return True, []


def system_flags(water_systems: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """system_id, community_id, qualifies_safely_managed (boolean, NA when data missing), flags."""
    quals, flags = [], []
    for _, s in water_systems.iterrows():
        q, f = system_qualifies(s, params)
        quals.append(q)
        flags.append("; ".join(f))
    return pd.DataFrame({
        "system_id": water_systems["system_id"].astype(object).to_numpy(),
        "community_id": water_systems["community_id"].astype(object).to_numpy(),
        "qualifies_safely_managed": pd.array(quals, dtype="boolean"),
        "flags": pd.Series(flags, dtype=object).to_numpy(),
    })


def _rows(cid, rungs, households: dict, population: float, pph: float, flags: str) -> list[dict]:
    out = []
    for rung in rungs:
        hh = households[rung]
        pop = np.nan if _missing(hh) else float(hh) * pph
        out.append({"community_id": cid, "rung": rung, "households": float(hh) if not _missing(hh) else np.nan,
                    "population": pop, "share_pct": np.nan if _missing(pop) else 100.0 * pop / population,
                    "community_population": float(population), "flags": flags})
    return out


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(LADDER_COLUMNS))
    for col in ("households", "population", "share_pct", "community_population"):
        df[col] = df[col].astype(float)
    df["community_id"] = df["community_id"].astype(object)
    df["rung"] = df["rung"].astype(object)
    df["flags"] = df["flags"].astype(object)
    return df


def water_ladder(communities: pd.DataFrame, water_systems: pd.DataFrame,
                 params: DistrictParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Water ladder per community and the per-system qualification flags.

    - safely managed = min(piped on premises, Σ households_connected of the community's
      qualifying systems); the rest of piped on premises is basic;
    - public tap and protected source (rainwater included) are basic when the round trip is
      ≤ water.basic_max_round_trip_min, else limited. When those households exist and the round
      trip is missing, basic and limited are NaN and the community is flagged
      'missing:water_round_trip_min' (which rung they are on cannot be known);
    - unprotected → unimproved; surface → surface;
    - a community whose `population_basis` is 'served' (SIASAR: population = people its systems
      serve) keeps its connected households on safely managed/basic, but limited, unimproved,
      surface and every share_pct are NaN, flagged 'not_computed:community_population': the
      households no system serves are not counted, so its access is not computed (never 100 %).
    Raises DataError when the hh_water_* counts do not sum to households.
    """
    _raise_if_problems(communities)
    flags_df = system_flags(water_systems, params)
    hh_conn = pd.to_numeric(water_systems["households_connected"], errors="coerce").to_numpy(dtype=float)
    qualifying = flags_df["qualifies_safely_managed"].fillna(False).to_numpy(dtype=bool)
    sm_capacity = (pd.Series(np.where(qualifying, hh_conn, 0.0))
                   .groupby(flags_df["community_id"].to_numpy()).sum())
    max_trip = params.water.basic_max_round_trip_min
    served = served_only(communities)
    rows: list[dict] = []
    for _, c in communities.iterrows():
        cid = c["community_id"]
        population, households = float(c["population"]), float(c["households"])
        pph = population / households
        piped = float(c["hh_water_piped_premises"])
        sm = min(piped, float(sm_capacity.get(cid, 0.0)))
        other_improved = float(c["hh_water_public_tap"]) + float(c["hh_water_protected_source"])
        trip = c["water_round_trip_min"]
        flags = []
        if bool(served.get(cid, False)):
            # population = people its systems serve: the connected households are known (on safely
            # managed / basic), the households no system serves are not counted, so the rungs below
            # basic and every share are unknown (never 0 %, never 100 % by construction)
            hh = {"safely_managed": sm, "basic": piped - sm, "limited": np.nan, "unimproved": np.nan,
                  "surface": np.nan}
            part = _rows(cid, WATER_RUNGS, hh, population, pph, NOT_COMPUTED_POPULATION)
            for r in part:
                r["share_pct"] = np.nan
            rows += part
            continue
        if other_improved == 0:
            basic, limited = piped - sm, 0.0
        elif _missing(trip):
            basic, limited = np.nan, np.nan
            flags.append("missing:water_round_trip_min")
        elif float(trip) <= max_trip:
            basic, limited = piped - sm + other_improved, 0.0
        else:
            basic, limited = piped - sm, other_improved
        hh = {"safely_managed": sm, "basic": basic, "limited": limited,
              "unimproved": float(c["hh_water_unprotected"]), "surface": float(c["hh_water_surface"])}
        rows += _rows(cid, WATER_RUNGS, hh, population, pph, "; ".join(flags))
    return _frame(rows), flags_df


def sanitation_ladder(communities: pd.DataFrame) -> pd.DataFrame:
    """Sanitation ladder per community.

    safely managed only where hh_san_safely_managed is given (a subset of improved private);
    elsewhere it is NaN ('not computed', flagged 'not_computed:safely_managed') and basic holds
    all improved-private households. Shared improved → limited; unimproved; open defecation.
    Raises DataError when the hh_san_* counts do not sum to households.
    """
    _raise_if_problems(communities)
    has_sm = "hh_san_safely_managed" in communities.columns
    rows: list[dict] = []
    for _, c in communities.iterrows():
        population, households = float(c["population"]), float(c["households"])
        pph = population / households
        private = float(c["hh_san_improved_private"])
        sm = c["hh_san_safely_managed"] if has_sm else np.nan
        flags = []
        if _missing(sm):
            sm, basic = np.nan, private
            flags.append("not_computed:safely_managed")
        else:
            sm = float(sm)
            basic = private - sm
        hh = {"safely_managed": sm, "basic": basic, "limited": float(c["hh_san_improved_shared"]),
              "unimproved": float(c["hh_san_unimproved"]), "open": float(c["hh_san_open"])}
        rows += _rows(c["community_id"], SANITATION_RUNGS, hh, population, pph, "; ".join(flags))
    return _frame(rows)


def computed_communities(ladder: pd.DataFrame, service: str) -> pd.Index:
    """Communities whose ladder could be computed: every rung known (sanitation's optional
    safely_managed rung excepted, since `basic` then holds all improved private households)."""
    required = [r for r in (WATER_RUNGS if service == "water" else SANITATION_RUNGS)
                if not (service == "sanitation" and r == "safely_managed")]
    part = ladder[ladder["rung"].isin(required)]
    # per community in order of first appearance (a groupby without sort), in plain Python: a few rows each
    known: dict[Any, bool] = {}
    for cid, ok in zip(part["community_id"].tolist(), part["population"].notna().tolist()):
        if cid is None or (isinstance(cid, float) and cid != cid):
            continue  # a groupby drops missing keys
        known[cid] = known.get(cid, True) and ok
    return pd.Index([c for c, ok in known.items() if ok], dtype=object, name="community_id")


def district_ladder(water: pd.DataFrame, sanitation: pd.DataFrame) -> pd.DataFrame:
    """ladder_district: service, rung, households, population, share_pct, population_covered_pct.

    Sums run over the communities whose ladder could be computed (e.g. SIASAR communities have
    no sanitation survey); `population_covered_pct` says what share of the communities'
    population that is, so a figure over part of the district is never read as the whole. A
    rung unknown in one of those communities (sanitation safely managed without its optional
    column) stays NaN. Shares are of the covered population.
    """
    rows = []
    for service, ladder, rungs in (("water", water, WATER_RUNGS), ("sanitation", sanitation, SANITATION_RUNGS)):
        everyone = float(ladder.drop_duplicates("community_id")["community_population"].sum())
        ok = ladder[ladder["community_id"].isin(computed_communities(ladder, service))]
        total = float(ok.drop_duplicates("community_id")["community_population"].sum())
        covered = 100.0 * total / everyone if everyone > 0 else np.nan
        for rung in rungs:
            part = ok[ok["rung"] == rung]
            if part.empty:
                hh = pop = np.nan
            else:
                hh = float(part["households"].sum(min_count=1)) if part["households"].notna().all() else np.nan
                pop = float(part["population"].sum()) if part["population"].notna().all() else np.nan
            share = 100.0 * pop / total if total > 0 and not np.isnan(pop) else np.nan
            rows.append({"service": service, "rung": rung, "households": hh, "population": pop,
                         "share_pct": share, "population_covered_pct": covered})
    df = pd.DataFrame(rows, columns=["service", "rung", "households", "population", "share_pct",
                                     "population_covered_pct"])
    for col in ("households", "population", "share_pct", "population_covered_pct"):
        df[col] = df[col].astype(float)
    return df


def basic_or_better_households(ladder: pd.DataFrame) -> pd.Series:
    """Households at basic or better per community (index community_id).

    Safely managed NaN while basic is known means 'not separated from basic' (sanitation without
    hh_san_safely_managed), so it adds nothing; basic NaN (unknown round trip) gives NaN.
    """
    return _basic_or_better(ladder, "households")


def basic_or_better_population(ladder: pd.DataFrame) -> pd.Series:
    """Population at basic or better per community (index community_id); NaN when not computable."""
    return _basic_or_better(ladder, "population")


def _basic_or_better(ladder: pd.DataFrame, column: str) -> pd.Series:
    wide = ladder.pivot(index="community_id", columns="rung", values=column)
    order = list(dict.fromkeys(ladder["community_id"]))
    wide = wide.reindex(order)
    sm = wide["safely_managed"] if "safely_managed" in wide else pd.Series(np.nan, index=wide.index)
    out = wide["basic"] + sm.fillna(0.0)
    out.name = f"basic_or_better_{column}"
    return out.astype(float)
