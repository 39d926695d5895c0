"""Stage 7: monitoring — baseline, annual targets, actuals from follow-up rounds, traffic lights.

The plan is only useful if the municipality and the oversight committee can see each year
whether it is on track. Each indicator gets a baseline (base year), a target for every year
(water and sanitation from the stage-5 trajectory, i.e. what the funded schedule should
achieve; systems in class A/B on a straight line to the horizon goal; cumulative investment
from the planned spending) and, where a follow-up inventory exists, an actual value computed
with the same stage-1/2 library as the baseline so the two are comparable.
ratio = actual / target; green ≥ `monitoring.green`, amber ≥ `monitoring.amber`, red below.
A target of 0 cannot be judged: light 'not_applicable'. A target without a value is unknown, not
"not applicable": light 'no_target' with its reason in `target_reason` (the method sets no target for
the indicator, no baseline to draw the line from, or no trajectory value that year). No actual: light
empty.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pandas as pd

from propilas.core.labels import t
from propilas.core.params import DistrictParams

INDICATORS: tuple[str, ...] = (
    "water_served_pct",
    "water_basic_or_better_pct",
    "water_safely_managed_pct",
    "sanitation_basic_or_better_pct",
    "systems_ab_pct",
    "mean_sustainability_index",
    "cumulative_investment_pen",
)
UNITS: dict[str, str] = {
    "water_served_pct": "% population",
    "water_basic_or_better_pct": "% population",
    "water_safely_managed_pct": "% population",
    "sanitation_basic_or_better_pct": "% population",
    "systems_ab_pct": "% systems",
    "mean_sustainability_index": "index 1-4",
    "cumulative_investment_pen": "PEN",
}
COLUMNS: tuple[str, ...] = ("indicator", "year", "target", "actual", "ratio", "light", "unit", "target_reason")
LIGHTS: tuple[str, ...] = ("green", "amber", "red", "not_applicable", "no_target")
# Indicators the method gives no target (reported for information): their missing target's reason.
NO_TARGET_IN_METHOD: tuple[str, ...] = ("water_basic_or_better_pct", "water_safely_managed_pct",
                                        "mean_sustainability_index")
BOB_RUNGS: tuple[str, ...] = ("safely_managed", "basic")
AB_CLASSES: tuple[str, ...] = ("A", "B")
CLASSIFIED: tuple[str, ...] = ("A", "B", "C", "D")

RoundFn = Callable[[pd.DataFrame, pd.DataFrame], Mapping[str, float]]


def _share(ladder: pd.DataFrame, rungs: tuple[str, ...]) -> float:
    """100 × population on `rungs` / population on every rung (NaN rung populations left out).

    Sanitation's safely_managed rung is NaN where not surveyed and `basic` then holds every
    improved private household, so leaving NaN out counts each person exactly once.
    """
    if "community_id" in ladder.columns and "rung" in ladder.columns:
        from propilas.method.ladders import computed_communities

        service = "sanitation" if "open" in set(ladder["rung"].astype(str)) else "water"
        ladder = ladder[ladder["community_id"].isin(computed_communities(ladder, service))]
    pop = pd.to_numeric(ladder["population"], errors="coerce")
    total = pop.sum(min_count=1)
    if pd.isna(total) or total <= 0:
        return np.nan
    part = pop[ladder["rung"].astype(str).isin(rungs)]
    if part.isna().all():
        return np.nan
    return float(100.0 * part.sum() / total)


def water_safely_managed_share(water_ladder: pd.DataFrame) -> float:
    pop = pd.to_numeric(water_ladder["population"], errors="coerce")
    sm = pop[water_ladder["rung"].astype(str).eq("safely_managed")]
    if sm.empty or sm.isna().any():
        return np.nan  # not computed for some community: a district share would be invented
    return _share(water_ladder, ("safely_managed",))


def systems_ab_share(sustainability: pd.DataFrame) -> float:
    """100 × systems in class A or B / classified systems (A–D).

    Unclassified systems (no state of the system, E missing) are left out of the denominator:
    their class is unknown, not bad; they are counted and flagged in the summary instead.
    """
    cls = sustainability["class"].astype(str) if len(sustainability) else pd.Series([], dtype=object)
    classified = cls.isin(CLASSIFIED)
    if classified.sum() == 0:
        return np.nan
    return float(100.0 * cls.isin(AB_CLASSES).sum() / classified.sum())


def mean_index(sustainability: pd.DataFrame) -> float:
    """Mean IS of the systems with an index (partial indices included, as they are classified)."""
    idx = pd.to_numeric(sustainability["index"], errors="coerce") if len(sustainability) else pd.Series([], dtype=float)
    return float(idx.mean()) if idx.notna().any() else np.nan


def indicators_from_tables(water_ladder: pd.DataFrame, sanitation_ladder: pd.DataFrame,
                           sustainability: pd.DataFrame) -> dict[str, float]:
    """The status indicators (all but cumulative investment) from stage-1/2 tables.

    Works on per-community ladders or on the district ladder (same columns `rung`, `population`;
    pass ladder_district filtered by service).
    """
    return {
        "water_basic_or_better_pct": _share(water_ladder, BOB_RUNGS),
        "water_safely_managed_pct": water_safely_managed_share(water_ladder),
        "sanitation_basic_or_better_pct": _share(sanitation_ladder, BOB_RUNGS),
        "systems_ab_pct": systems_ab_share(sustainability),
        "mean_sustainability_index": mean_index(sustainability),
    }


def light(ratio: float, target: float, params: DistrictParams) -> str | None:
    """Traffic light of one value: 'no_target' when the target is missing (unknown), 'not_applicable'
    when it is 0 (nothing to reach), None without an actual."""
    if target is None or pd.isna(target):
        return "no_target"
    if target == 0:
        return "not_applicable"
    if ratio is None or pd.isna(ratio):
        return None
    if ratio >= params.monitoring.green:
        return "green"
    if ratio >= params.monitoring.amber:
        return "amber"
    return "red"


def target_reason(indicator: str, target: float | None) -> str | None:
    """Why a target is missing (a code, labelled `target_reason.<code>`); None when there is one."""
    if target is not None and not pd.isna(target):
        return None
    if indicator in NO_TARGET_IN_METHOD:
        return "method_sets_none"
    if indicator == "systems_ab_pct":
        return "no_baseline"
    return "no_trajectory"


def annual_targets(baseline: Mapping[str, float], trajectory: pd.DataFrame, cost_by_year: pd.DataFrame,
                   params: DistrictParams) -> dict[str, dict[int, float]]:
    """Target of every indicator for every year base … horizon.

    - water served (the plan's measure, stage 3: basic-or-better counting piped households only
      on class A/B systems) and sanitation basic-or-better: the trajectory's coverage_pct (what
      the funded schedule yields; a year absent from the trajectory has no target). The JMP
      water basic-or-better share counts every piped household whatever its system's state, so
      it is reported without a target: comparing it with the plan's trajectory would mix two
      definitions;
    - systems A/B: linear from the baseline to `targets.systems_ab` × 100 at the horizon; when
      the baseline already meets the goal the target is the goal every year (keep, not fall);
    - cumulative investment: Σ spent_pen of all sources for years ≤ y (0 at the base year:
      programming starts at base+1);
    - safely managed water and mean IS: no target in the method → NaN.
    """
    years = params.years
    base, horizon = params.base_year, params.horizon_year
    out: dict[str, dict[int, float]] = {k: {y: np.nan for y in years} for k in INDICATORS}
    tr = trajectory.copy()
    tr["year"] = tr["year"].astype(int)
    for service, indicator in (("water", "water_served_pct"), ("sanitation", "sanitation_basic_or_better_pct")):
        sub = tr.loc[tr["service"].astype(str).eq(service)].set_index("year")["coverage_pct"]
        for y in years:
            if y in sub.index:
                out[indicator][y] = float(sub.loc[y])
    b0 = baseline.get("systems_ab_pct", np.nan)
    goal = 100.0 * params.targets.systems_ab
    if b0 is not None and not pd.isna(b0):
        for y in years:
            out["systems_ab_pct"][y] = goal if b0 >= goal else b0 + (goal - b0) * (y - base) / (horizon - base)
    spent = cost_by_year.groupby(cost_by_year["year"].astype(int))["spent_pen"].sum()
    running = 0.0
    for y in years:
        if y > base and y in spent.index:
            running += float(spent.loc[y])
        out["cumulative_investment_pen"][y] = running
    return out


def monitoring_table(water_ladder: pd.DataFrame, sanitation_ladder: pd.DataFrame, sustainability: pd.DataFrame,
                     trajectory: pd.DataFrame, cost_by_year: pd.DataFrame,
                     rounds: Mapping[int, Mapping[str, pd.DataFrame]], params: DistrictParams,
                     compute_round: RoundFn | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Monitoring table (indicator × year base … horizon) and the warnings raised.

    Baseline actuals at base_year come from the base tables (cumulative investment 0). Each round
    `rounds[year] = {'communities': …, 'water_systems': …}` with base+1 ≤ year ≤ horizon gives the
    actuals of that year through `compute_round(communities, water_systems)` (injected so this
    module does not depend on how stages 1–2 are run); other years are ignored with a warning.
    A round gives no spending data, so cumulative investment has no actual unless compute_round
    returns one.
    """
    warnings: list[str] = []
    baseline = indicators_from_tables(water_ladder, sanitation_ladder, sustainability)
    baseline["cumulative_investment_pen"] = 0.0
    base_water = trajectory[(trajectory["service"].astype(str) == "water")
                            & (trajectory["year"].astype(int) == params.base_year)]["coverage_pct"]
    baseline["water_served_pct"] = float(base_water.iloc[0]) if len(base_water) else np.nan
    targets = annual_targets(baseline, trajectory, cost_by_year, params)
    actuals: dict[int, Mapping[str, float]] = {params.base_year: baseline}
    first, last = params.base_year + 1, params.horizon_year
    for year in sorted(rounds):
        if not (first <= int(year) <= last):
            warnings.append(t("monitoring.round_ignored", params.language, year=year, first=first, last=last))
            continue
        if compute_round is None:
            raise ValueError("rounds given but no compute_round function to compute their indicators")
        tables = rounds[year]
        actuals[int(year)] = dict(compute_round(tables["communities"], tables["water_systems"]))

    rows = []
    for ind in INDICATORS:
        for y in params.years:
            target = targets[ind][y]
            actual = actuals.get(y, {}).get(ind, np.nan)
            actual = np.nan if actual is None else float(actual)
            ratio = actual / target if not (pd.isna(target) or target == 0 or pd.isna(actual)) else np.nan
            rows.append({"indicator": ind, "year": y, "target": target, "actual": actual, "ratio": ratio,
                         "light": light(ratio, target, params), "unit": UNITS[ind],
                         "target_reason": target_reason(ind, target)})
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    df["year"] = df["year"].astype("int64")
    df["light"] = pd.Series([r["light"] for r in rows], dtype=object)  # None stays None (no str inference)
    df["target_reason"] = pd.Series([r["target_reason"] for r in rows], dtype=object)
    for c in ("target", "actual", "ratio"):
        df[c] = df[c].astype(float)
    return df, warnings


def latest_lights(monitoring: pd.DataFrame) -> pd.DataFrame:
    """The most recent measured year of each indicator (for the report's headline lights)."""
    m = monitoring.loc[monitoring["actual"].notna()]
    if m.empty:
        return m
    return m.sort_values("year").groupby("indicator", sort=False).tail(1).reset_index(drop=True)
