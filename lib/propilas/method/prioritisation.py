"""Stage 4: multi-criteria prioritisation of communities and its sensitivity to the weights.

Why min–max and a Dirichlet sensitivity: the workshop agrees on weights, but nobody can defend
the third decimal of a weight. Min–max puts criteria with different units (people, soles per
person, rates) on 0–1 so a weight means the same for each; drawing weights around the agreed
ones (Dirichlet with α = concentration × w) shows whether the top of the list is robust or an
artefact of the exact weights. Ranking ties are broken by the larger total gap (water +
sanitation people), then by community_id, so the order is deterministic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from propilas.core.params import CRITERIA, DistrictParams

# Criteria where a lower raw value means more priority (normalised as (max − x)/(max − min)).
INVERTED: frozenset[str] = frozenset({"cost_per_beneficiary"})
# METHOD stage 4: a community without any water system has a sustainability deficit of 1.
NO_SYSTEM_DEFICIT: float = 1.0
# Scores equal to this many decimals are ties (sums of floats differ in the last bits).
SCORE_DECIMALS: int = 12

PRIORITY_BASE_COLUMNS: list[str] = ["community_id", "score", "rank", "p_top_k"]
SENSITIVITY_COLUMNS: list[str] = ["community_id", "base_rank", "p_top_k", "median_rank",
                                  "rank_p05", "rank_p95"]


def _yes01(s: pd.Series) -> pd.Series:
    return pd.Series([np.nan if v is None or pd.isna(v) else float(bool(v)) for v in s],
                     index=s.index, dtype=float)


def criteria(communities: pd.DataFrame, sustainability: pd.DataFrame, gaps: pd.DataFrame,
             interventions: pd.DataFrame, params: DistrictParams) -> pd.DataFrame:
    """Raw criterion values per community (index community_id), plus `total_gap` and `flags`.

    - water_gap, sanitation_gap: `gap` of the gaps table (people);
    - sustainability_deficit: max index score (4) − mean IS of the community's systems with an
      index; NO_SYSTEM_DEFICIT when it has no system; NaN (flagged) when none has an index;
    - poverty: poverty_rate (NaN flagged);
    - beneficiaries: Σ beneficiaries of its candidate items (0 when it has none);
    - cost_per_beneficiary: Σ cost / Σ beneficiaries; NaN (flagged) when nobody benefits or a
      cost is unknown;
    - readiness: mean of jass_exists and counterpart_committed as 1/0 over the known ones
      (flagged when one is unknown, NaN when both are).
    """
    ids = pd.Index(communities["community_id"].astype(object), name="community_id")
    c = communities.set_index("community_id").reindex(ids)
    flags: dict[str, list[str]] = {cid: [] for cid in ids}
    out = pd.DataFrame(index=ids)

    g = gaps.pivot_table(index="community_id", columns="service", values="gap", aggfunc="sum",
                         dropna=False)
    out["water_gap"] = g["water"].reindex(ids).astype(float) if "water" in g else np.nan
    out["sanitation_gap"] = (g["sanitation"].reindex(ids).astype(float)
                             if "sanitation" in g else np.nan)

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
    ben = items.groupby("community_id")["beneficiaries"].sum(min_count=1).reindex(ids)
    cost = items.groupby("community_id")["cost_pen"].sum(min_count=1).reindex(ids)
    u = items[["beneficiaries", "cost_pen"]].isna().any(axis=1)
    unknown = u.groupby(items["community_id"]).any().reindex(ids).fillna(False).astype(bool)
    out["beneficiaries"] = ben.fillna(0.0).astype(float)
    cpb = cost / ben
    cpb[(ben.fillna(0) <= 0) | unknown] = np.nan
    out["cost_per_beneficiary"] = cpb.astype(float)

    j, k = _yes01(c["jass_exists"]), _yes01(c["counterpart_committed"])
    out["readiness"] = pd.concat([j, k], axis=1).mean(axis=1, skipna=True)

    for cid in ids:
        if n_sys[cid] > 0 and np.isnan(mean_is[cid]):
            flags[cid].append("sustainability_deficit:no_index")
        if unknown[cid]:
            flags[cid].append("beneficiaries_or_cost:unknown")
        if np.isnan(out.at[cid, "cost_per_beneficiary"]) and not unknown[cid]:
            flags[cid].append("cost_per_beneficiary:no_beneficiaries")
        if np.isnan(j[cid]) or np.isnan(k[cid]):
            flags[cid].append("readiness:" + ("unknown" if np.isnan(out.at[cid, "readiness"])
                                               else "partial"))
        for crit in CRITERIA:
            if np.isnan(out.at[cid, crit]):
                flags[cid].append(f"nan_criterion:{crit}")
    out["total_gap"] = out["water_gap"].fillna(0) + out["sanitation_gap"].fillna(0)
    out["flags"] = ["; ".join(dict.fromkeys(flags[cid])) for cid in ids]
    return out


def normalise(raw: pd.DataFrame) -> pd.DataFrame:
    """Min–max to 0–1 oriented so higher = more priority; 0 where all values are equal;
    a NaN value gets 0 (it earns no priority; the raw table flags it)."""
    out = pd.DataFrame(index=raw.index)
    for crit in CRITERIA:
        x = raw[crit].astype(float)
        lo, hi = x.min(skipna=True), x.max(skipna=True)
        if pd.isna(lo) or hi - lo <= 0:
            n = pd.Series(0.0, index=x.index)
        elif crit in INVERTED:
            n = (hi - x) / (hi - lo)
        else:
            n = (x - lo) / (hi - lo)
        out[crit] = n.fillna(0.0).clip(0.0, 1.0)
    return out


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
    norm = normalise(raw)
    score = norm[list(CRITERIA)].to_numpy() @ weight_vector(params)
    ranks = rank_matrix(score[None, :], tie_positions(raw.index, raw["total_gap"]))[0]
    out = pd.DataFrame({"community_id": raw.index.astype(object), "score": score,
                        "rank": ranks.astype("int64"), "p_top_k": np.nan})
    for crit in CRITERIA:
        out[crit] = raw[crit].to_numpy()
        out[crit + "_norm"] = norm[crit].to_numpy()
    out["total_gap"] = raw["total_gap"].to_numpy()
    out["flags"] = raw["flags"].to_numpy()
    out["community_id"] = out["community_id"].astype(object)
    out["flags"] = out["flags"].astype(object)
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
    ranks = rank_matrix(draws @ x.T, tie) if n else np.zeros((pp.draws, 0), dtype=int)

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
