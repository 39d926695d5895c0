"""Stage 4: multi-criteria prioritisation of communities and its sensitivity to the weights.

Why min–max and a Dirichlet sensitivity: the workshop agrees on weights, but nobody can defend
the third decimal of a weight. Min–max puts criteria with different units (people, soles per
person, rates) on 0–1 so a weight means the same for each; drawing weights around the agreed
ones (Dirichlet with α = concentration × w) shows whether the top of the list is robust or an
artefact of the exact weights. Ranking ties are broken by the larger total gap (water +
sanitation people), then by community_id, so the order is deterministic.

Unknown is never 0 (METHOD stage 4, revised): a community whose input to a criterion is unknown
is left out of that criterion's min–max and takes a documented fallback on the 0–1 scale —
poverty: the district's poverty rate (params `poverty_pct`) placed on the scale of the
communities with their own rate; every other criterion (and poverty without a usable district
rate): `prioritisation.unknown_fallback` (0.5, the middle of the scale: neither favoured nor
penalised). Its raw value stays empty and the `fallbacks` column names the fallback.

Beneficiaries are distinct people (METHOD stage 4, revised): per service, min(P_horizon, Σ
beneficiaries of the community's items of that service); without household data the overlap of
water and sanitation beneficiaries is unknown, so the distinct count is the larger of the two —
"at least this many distinct people" (exact when the people lacking sanitation are among those
lacking water, or the reverse), never more than the horizon population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from propilas.core.params import CRITERIA, DistrictParams
# the fallbacks in words live beside this module; imported here too, where callers import them from
from propilas.method.priority_fallbacks import (FALLBACK_DISTRICT_RATE, FALLBACK_NEUTRAL,  # noqa: F401
                                                fallback_counts, fallback_labels, fallback_notes, fallback_text)

# Criteria where a lower raw value means more priority (normalised as (max − x)/(max − min)).
INVERTED: frozenset[str] = frozenset({"cost_per_beneficiary"})
# METHOD stage 4: a community without any water system has a sustainability deficit of 1.
NO_SYSTEM_DEFICIT: float = 1.0
# Scores equal to this many decimals are ties (sums of floats differ in the last bits).
SCORE_DECIMALS: int = 12

PRIORITY_BASE_COLUMNS: list[str] = ["community_id", "score", "rank", "p_top_k"]
# Services whose items move people up a rung (management items — JASS strengthening — move nobody).
BENEFICIARY_SERVICES: tuple[str, ...] = ("water", "sanitation")
# Column of the raw criteria holding a community's fallback on the normalised scale (NaN: none).
FALLBACK_SUFFIX: str = "_fallback"
# Flag `choose_interventions` puts on every item of a community with an unclassified system.
UNCLASSIFIED_FLAG: str = "unclassified_system:"
SENSITIVITY_COLUMNS: list[str] = ["community_id", "base_rank", "p_top_k", "median_rank",
                                  "rank_p05", "rank_p95"]


def _yes01(s: pd.Series) -> pd.Series:
    return pd.Series([np.nan if v is None or pd.isna(v) else float(bool(v)) for v in s],
                     index=s.index, dtype=float)


def _min_max(x: pd.Series, lo: float, hi: float, inverted: bool) -> pd.Series:
    """Position of x on the scale [lo, hi], oriented so that higher = more priority."""
    return (hi - x) / (hi - lo) if inverted else (x - lo) / (hi - lo)


def _scale(x: pd.Series) -> tuple[float, float] | None:
    """(min, max) of the known values, or None when they give no scale (none, or all equal)."""
    lo, hi = x.min(skipna=True), x.max(skipna=True)
    return None if pd.isna(lo) or hi - lo <= 0 else (float(lo), float(hi))


def beneficiaries_by_service(interventions: pd.DataFrame, population_horizon: pd.Series,
                             ids: pd.Index, unknown: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per community (index ids): `beneficiaries_<service>` = min(P_horizon, Σ beneficiaries of
    its items of that service) — 0 when it has none; NaN when one of them is unknown or
    `unknown[service]` is True for the community (who lacks the service, or which works it needs,
    is not known) — and `beneficiaries` = the larger of the services (distinct people: at least
    this many; NaN when a service is unknown, since max(known, unknown) is unknown). Without a
    horizon population the sums are not capped."""
    out = pd.DataFrame(index=ids)
    cap = population_horizon.reindex(ids).astype(float)
    service = (interventions["service"] if "service" in interventions.columns
               else pd.Series(BENEFICIARY_SERVICES[0], index=interventions.index))
    for svc in BENEFICIARY_SERVICES:
        it = interventions.loc[service == svc]
        total = it.groupby("community_id")["beneficiaries"].sum().reindex(ids).fillna(0.0)
        unk = it["beneficiaries"].isna().groupby(it["community_id"]).any().reindex(ids)
        unk = unk.fillna(False).astype(bool)
        if unknown is not None and svc in unknown.columns:
            unk = unk | unknown[svc].reindex(ids).fillna(False).astype(bool)
        total = total.astype(float).where(~unk)
        out[f"beneficiaries_{svc}"] = np.fmin(total, cap.where(cap.notna(), np.inf)).where(total.notna())
    cols = [f"beneficiaries_{svc}" for svc in BENEFICIARY_SERVICES]
    out["beneficiaries"] = out[cols].max(axis=1, skipna=False)
    return out


def criteria(communities: pd.DataFrame, sustainability: pd.DataFrame, gaps: pd.DataFrame,
             interventions: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """Raw criterion values per community (index community_id), plus `beneficiaries_water`,
    `beneficiaries_sanitation`, `total_gap`, `flags`, `fallbacks` and, per criterion,
    `<criterion>_fallback` (the normalised value of a community whose input is unknown; NaN when
    its value is known).

    - water_gap, sanitation_gap: `gap` of the gaps table (people); NaN when it cannot be computed
      (no survey, no population) → fallback `unknown_fallback`;
    - sustainability_deficit: max index score (4) − mean IS of the community's systems with an
      index; NO_SYSTEM_DEFICIT when it has no system; NaN when none has an index → fallback;
    - poverty: poverty_rate; NaN → fallback: the district rate `poverty_pct`/100 placed on the
      scale of the communities with their own rate, clipped to 0–1 (`poverty:district_rate`); the
      `unknown_fallback` when the district rate is unknown or the known rates give no scale;
    - beneficiaries: distinct people who gain a rung (see `beneficiaries_by_service`); NaN when an
      item's beneficiaries are unknown → fallback;
    - cost_per_beneficiary: Σ cost / beneficiaries; NaN with fallback when a cost or a
      beneficiary count is unknown; NaN without fallback (normalised 0, flagged) when nobody
      benefits — not an unknown: the community has nothing that serves anyone;
    - readiness: mean of jass_exists and counterpart_committed as 1/0 over the known ones
      (flagged when one is unknown; NaN → fallback when both are).
    """
    ids = pd.Index(communities["community_id"].astype(object), name="community_id")
    c = communities.set_index("community_id").reindex(ids)
    flags: dict[str, list[str]] = {cid: [] for cid in ids}
    out = pd.DataFrame(index=ids)

    g = gaps.groupby(["community_id", "service"])["gap"].sum(min_count=1).unstack("service")
    for svc in BENEFICIARY_SERVICES:
        out[f"{svc}_gap"] = (g[svc].reindex(ids).astype(float) if svc in g.columns
                             else pd.Series(np.nan, index=ids))

    top = float(max(params.sustainability.state_scores.values()))
    sus = sustainability[["community_id", "index"]] if len(sustainability) else pd.DataFrame(
        columns=["community_id", "index"])
    n_sys = sus.groupby("community_id").size().reindex(ids).fillna(0)
    mean_is = sus.groupby("community_id")["index"].mean().reindex(ids).astype(float)
    deficit = top - mean_is
    deficit[n_sys == 0] = NO_SYSTEM_DEFICIT
    out["sustainability_deficit"] = deficit

    out["poverty"] = c["poverty_rate"].astype(float)

    items = interventions
    p_hor = (gaps.groupby("community_id")["population_horizon"].max()
             if "population_horizon" in gaps.columns else pd.Series(dtype=float))
    # who gains is unknown where the service's gap cannot be computed (no survey, no population)
    # and, for water, where a system is unclassified: its works wait for the diagnosis visit
    unclassified = items.get("flags", pd.Series(dtype=object)).fillna("").astype(str).str.contains(
        UNCLASSIFIED_FLAG, regex=False)
    unknown_svc = pd.DataFrame({svc: out[f"{svc}_gap"].isna() for svc in BENEFICIARY_SERVICES})
    unknown_svc["water"] |= unclassified.groupby(items["community_id"]).any().reindex(ids).fillna(
        False).astype(bool)
    ben = beneficiaries_by_service(items, p_hor, ids, unknown_svc)
    cost = items.groupby("community_id")["cost_pen"].sum(min_count=1).reindex(ids)
    cost_unknown = items["cost_pen"].isna().groupby(items["community_id"]).any().reindex(ids)
    cost_unknown = cost_unknown.fillna(False).astype(bool)
    for svc in BENEFICIARY_SERVICES:
        out[f"beneficiaries_{svc}"] = ben[f"beneficiaries_{svc}"].astype(float)
    out["beneficiaries"] = ben["beneficiaries"].astype(float)
    unknown = cost_unknown | out["beneficiaries"].isna()
    cpb = cost / out["beneficiaries"]
    cpb[(out["beneficiaries"].fillna(0) <= 0) | unknown] = np.nan
    out["cost_per_beneficiary"] = cpb.astype(float)

    j, k = _yes01(c["jass_exists"]), _yes01(c["counterpart_committed"])
    out["readiness"] = pd.concat([j, k], axis=1).mean(axis=1, skipna=True)

    # fallbacks: every unknown input except "nobody benefits" (cost per beneficiary undefined)
    neutral = float(params.prioritisation.unknown_fallback)
    # per community in plain arrays (tens of communities: indexing a frame cell by cell costs more)
    n_ids = len(ids)
    vals = {crit: out[crit].to_numpy(dtype=float) for crit in CRITERIA}
    fb = {crit: np.full(n_ids, np.nan) for crit in CRITERIA}
    codes: list[list[str]] = [[] for _ in range(n_ids)]
    unknown_a = unknown.to_numpy(dtype=bool)
    pov_scale = _scale(out["poverty"])
    rate = None if params.poverty_pct is None else float(params.poverty_pct) / 100.0
    pov_fb = None
    if rate is not None and pov_scale is not None:
        lo, hi = pov_scale
        pov_fb = min(1.0, max(0.0, float(_min_max(pd.Series([rate]), lo, hi, False).iloc[0])))
    for i in range(n_ids):
        for crit in CRITERIA:
            if not np.isnan(vals[crit][i]):
                continue
            if crit == "cost_per_beneficiary" and not unknown_a[i]:
                continue
            if crit == "poverty" and pov_fb is not None:
                fb[crit][i] = pov_fb
                codes[i].append(f"{crit}:{FALLBACK_DISTRICT_RATE}")
            else:
                fb[crit][i] = neutral
                codes[i].append(f"{crit}:{FALLBACK_NEUTRAL}")

    n_sys_a, mean_is_a = n_sys.to_numpy(dtype=float), mean_is.to_numpy(dtype=float)
    j_a, k_a = j.to_numpy(dtype=float), k.to_numpy(dtype=float)
    readiness_a = out["readiness"].to_numpy(dtype=float)
    cpb_a = out["cost_per_beneficiary"].to_numpy(dtype=float)
    for i, cid in enumerate(ids):
        f = flags[cid]
        if n_sys_a[i] > 0 and np.isnan(mean_is_a[i]):
            f.append("sustainability_deficit:no_index")
        if unknown_a[i]:
            f.append("beneficiaries_or_cost:unknown")
        if np.isnan(cpb_a[i]) and not unknown_a[i]:
            f.append("cost_per_beneficiary:no_beneficiaries")
        if np.isnan(j_a[i]) or np.isnan(k_a[i]):
            f.append("readiness:" + ("unknown" if np.isnan(readiness_a[i]) else "partial"))
        if pd.isna(p_hor.get(cid, np.nan)):
            f.append("beneficiaries:no_horizon_population")
        for crit in CRITERIA:
            if np.isnan(vals[crit][i]):
                f.append(f"nan_criterion:{crit}")
    # tie-break: the known gaps (NaN only when neither gap is known)
    out["total_gap"] = out[["water_gap", "sanitation_gap"]].sum(axis=1, min_count=1)
    out["flags"] = ["; ".join(dict.fromkeys(flags[cid])) for cid in ids]
    out["fallbacks"] = ["; ".join(c) for c in codes]
    for crit in CRITERIA:
        out[crit + FALLBACK_SUFFIX] = fb[crit]
    return out


def normalise(raw: pd.DataFrame, unknown_fallback: float | None = None) -> pd.DataFrame:
    """Min–max to 0–1 oriented so higher = more priority; 0 where all values are equal.

    A community with a fallback for a criterion (`<criterion>_fallback` not NaN, see `criteria`)
    is left out of that criterion's min–max and takes its fallback. When the known values of
    such a criterion are all equal (no scale), the criterion cannot tell the communities apart:
    the known ones take `unknown_fallback` too (given), so neither group is favoured. A NaN value
    without a fallback gets 0: it earns no priority (only cost per beneficiary of a community
    nobody benefits from, flagged in the raw table)."""
    cols: dict[str, np.ndarray] = {}
    for crit in CRITERIA:  # plain arrays: the same float operations as the Series ones, without their overhead
        x = raw[crit].to_numpy(dtype=float)
        fb = (raw[crit + FALLBACK_SUFFIX].to_numpy(dtype=float) if crit + FALLBACK_SUFFIX in raw.columns
              else np.full(len(x), np.nan))
        left_out = ~np.isnan(fb)
        known = x[~left_out & ~np.isnan(x)]
        scale = None
        if len(known):
            lo, hi = known.min(), known.max()
            scale = None if hi - lo <= 0 else (float(lo), float(hi))
        if scale is None:
            level = unknown_fallback if left_out.any() and unknown_fallback is not None else 0.0
            n = np.where(np.isnan(x), np.nan, float(level))
        else:
            lo, hi = scale
            n = (hi - x) / (hi - lo) if crit in INVERTED else (x - lo) / (hi - lo)
        n = np.where(left_out, fb, n)
        n = np.where(np.isnan(n), 0.0, n)
        cols[crit] = np.where(n < 0.0, 0.0, np.where(n > 1.0, 1.0, n))   # Series.clip(0, 1)
    return pd.DataFrame(cols, index=raw.index, columns=list(CRITERIA))


def tie_positions(community_ids: pd.Index, tiebreak: pd.Series | None) -> np.ndarray:
    """Position of each community in the tie order: larger tiebreak first, then id ascending."""
    ids = [str(x) for x in community_ids]
    tb = (pd.Series(0.0, index=community_ids) if tiebreak is None
          else tiebreak.reindex(community_ids).astype(float).fillna(-np.inf))
    order = sorted(range(len(ids)), key=lambda i: (-tb.iloc[i], ids[i]))
    pos = np.empty(len(ids), dtype=np.int64)
    pos[np.asarray(order, dtype=np.int64)] = np.arange(len(ids))
    return pos


def rank_matrix(scores: np.ndarray, tie_pos: np.ndarray) -> np.ndarray:
    """Ranks 1..N for each row of `scores` (draws × communities): higher score first, ties by
    tie_pos. Vectorised: columns are put in tie order, then a stable sort by −score."""
    scores = np.atleast_2d(scores)
    perm = np.argsort(tie_pos, kind="stable")
    s = -np.round(scores[:, perm], SCORE_DECIMALS)
    order = np.argsort(s, axis=1, kind="stable")
    ranks_p = np.empty_like(order)
    np.put_along_axis(ranks_p, order, np.arange(1, order.shape[1] + 1)[None, :].repeat(
        order.shape[0], axis=0), axis=1)
    ranks = np.empty_like(ranks_p)
    ranks[:, perm] = ranks_p
    return ranks


def weight_vector(params: DistrictParams) -> np.ndarray:
    w = params.prioritisation.weights
    return np.array([float(w[c]) for c in CRITERIA])


def priorities(communities: pd.DataFrame, sustainability: pd.DataFrame, gaps: pd.DataFrame,
               interventions: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """The `priorities` table: score = Σ w·x_norm, rank 1 = highest (ties: larger total gap,
    then community_id); p_top_k is NaN here and filled by `sensitivity`."""
    raw = criteria(communities, sustainability, gaps, interventions, params)
    norm = normalise(raw, params.prioritisation.unknown_fallback)
    score = norm[list(CRITERIA)].to_numpy() @ weight_vector(params)
    ranks = rank_matrix(score[None, :], tie_positions(raw.index, raw["total_gap"]))[0]
    out = pd.DataFrame({"community_id": raw.index.astype(object), "score": score,
                        "rank": ranks.astype("int64"), "p_top_k": np.nan})
    for crit in CRITERIA:
        out[crit] = raw[crit].to_numpy()
        out[crit + "_norm"] = norm[crit].to_numpy()
        if crit == "beneficiaries":
            for svc in BENEFICIARY_SERVICES:
                out[f"beneficiaries_{svc}"] = raw[f"beneficiaries_{svc}"].to_numpy()
    out["total_gap"] = raw["total_gap"].to_numpy()
    out["flags"] = raw["flags"].to_numpy()
    out["fallbacks"] = raw["fallbacks"].to_numpy()
    out["community_id"] = out["community_id"].astype(object)
    for col in ("flags", "fallbacks"):
        out[col] = out[col].astype(object)
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


def norm_matrix(prio: pd.DataFrame) -> pd.DataFrame:
    """criteria_norm (index community_id, columns CRITERIA) from a priorities table."""
    m = prio.set_index("community_id")[[c + "_norm" for c in CRITERIA]]
    m.columns = list(CRITERIA)
    return m


def spearman_vs_base(ranks: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row of `ranks` with `base`. Ranks are permutations of
    1..N (ties already broken), so ρ = 1 − 6 Σd² / (N(N²−1)) exactly; NaN when N < 2."""
    n = ranks.shape[1]
    if n < 2:
        return np.full(ranks.shape[0], np.nan)
    d2 = ((ranks - base[None, :]) ** 2).sum(axis=1)
    return 1.0 - 6.0 * d2 / (n * (n * n - 1))


SENSITIVITY_BLOCK_CELLS = 2_000_000  # memory bound of one block of draws × communities (not a method value)


def sensitivity(criteria_norm: pd.DataFrame, params: DistrictParams,
                tiebreak: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weight sensitivity: `(sensitivity, robustness)` tables.

    draws = params.prioritisation.draws weight vectors from Dirichlet(α = concentration × w) over
    the criteria with w > 0 (w = 0 stays 0), generator numpy default_rng(seed). Each draw
    re-ranks the communities (same tie rule as the base ranking, given `tiebreak` = total gap).
    Fragile when a base top-k community is in the top k in fewer than fragile_p_top_k of the
    draws, or the median Spearman correlation with the base ranking < fragile_spearman.
    """
    pp = params.prioritisation
    x = criteria_norm[list(CRITERIA)].to_numpy(dtype=float)
    ids = criteria_norm.index
    n = len(ids)
    w = weight_vector(params)
    tie = tie_positions(ids, tiebreak)
    base = rank_matrix((x @ w)[None, :], tie)[0]

    rng = np.random.default_rng(pp.seed)
    active = w > 0
    draws = np.zeros((pp.draws, len(w)))
    if active.sum() == 1:
        draws[:, active] = 1.0
    else:
        draws[:, active] = rng.dirichlet(pp.concentration * w[active], size=pp.draws)
    # Ranks of all draws at once (vectorised), computed in blocks of draws so the temporaries stay
    # about SENSITIVITY_BLOCK_CELLS cells whatever the district's size; kept as int32.
    ranks = np.zeros((pp.draws, n), dtype=np.int32)
    if n:
        step = max(1, SENSITIVITY_BLOCK_CELLS // n)
        for i in range(0, pp.draws, step):
            ranks[i:i + step] = rank_matrix(draws[i:i + step] @ x.T, tie)

    k = min(pp.top_k, n)
    p_top = (ranks <= k).mean(axis=0) if n else np.array([])
    pct = np.percentile(ranks, [5, 50, 95], axis=0) if n else np.zeros((3, 0))
    sens = pd.DataFrame({"community_id": pd.Index(ids).astype(object), "base_rank": base,
                         "p_top_k": p_top, "median_rank": pct[1], "rank_p05": pct[0],
                         "rank_p95": pct[2]}, columns=SENSITIVITY_COLUMNS)
    sens["community_id"] = sens["community_id"].astype(object)
    sens = sens.sort_values("base_rank", kind="stable").reset_index(drop=True)

    rho = spearman_vs_base(ranks, base)
    med_rho = float(np.median(rho)) if n >= 2 else float("nan")
    in_top = base <= k
    min_p = float(p_top[in_top].min()) if in_top.any() else float("nan")
    fragile = (not np.isnan(min_p) and min_p < pp.fragile_p_top_k) or (
        not np.isnan(med_rho) and med_rho < pp.fragile_spearman)
    robust = pd.DataFrame({
        "metric": ["median_spearman", "min_p_top_k_in_base_top_k", "fragile", "draws", "top_k"],
        "value": [med_rho, min_p, float(int(fragile)), float(pp.draws), float(k)],
    })
    robust["metric"] = robust["metric"].astype(object)
    return sens, robust
