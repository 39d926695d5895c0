"""Stage 5: served population per community and year, for any plan of one district.

capacity_c(t) = served_base_c + Σ served_gain of c's items funded in a year < t (a multi-year work
after its last tranche), served_c(t) = min(P_c(t), capacity_c(t)) — the rule of
`scheduling.trajectory`, which sums it, and of `optimum.people_years`, which weighs it.

Why a model object: stage 5 measures three plans of the same district (the rule's, the optimum,
and no works at all) with the same populations, served bases and items, and used to rebuild the
communities × years matrices eight times per district. `ServedModel` builds the plan-independent
part (population pivot, served bases, items) once and the matrices of each plan once (kept by the
plan object's identity: a plan must not be changed while the model is in use; the stage builds
one model per district and drops it when its compute returns).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams

SERVICES: tuple[str, ...] = ("water", "sanitation")


class ServedModel:
    """One district's served-population model (module doc). `matrices(plan)` gives
    (years, pop, [(service, communities, P_c(t), capacity_c(t), served_c(t))]) as
    `scheduling._served_matrices` always did; `builds` counts the matrices actually computed."""

    def __init__(self, population: pd.DataFrame, gaps: pd.DataFrame, interventions: pd.DataFrame,
                 params: DistrictParams):
        self.params = params
        self.years = list(params.years)
        years = self.years
        self.pop = population.pivot_table(index="community_id", columns="year", values="population",
                                          aggfunc="sum").reindex(columns=years).astype(float)
        self.items = interventions[["item_id", "community_id", "service", "served_gain"]].copy()
        self.bases = []
        for service in SERVICES:
            g = gaps[gaps["service"] == service].set_index("community_id")["served_base"].astype(float)
            base_all = g.reindex(self.pop.index)
            communities = base_all.index[base_all.notna()]
            base = base_all.reindex(communities).to_numpy(dtype=float)
            p_c = self.pop.loc[communities].to_numpy(dtype=float)          # communities × years
            self.bases.append((service, communities, base, p_c))
        self._memo: dict[int, tuple[Any, Any]] = {}
        self._without = None
        self.builds = 0

    def matrices(self, investment_plan: pd.DataFrame):
        hit = self._memo.get(id(investment_plan))
        if hit is not None and hit[0] is investment_plan:
            return hit[1]
        out = self._build(investment_plan)
        self._memo[id(investment_plan)] = (investment_plan, out)   # the reference keeps the id unique
        return out

    def without_works(self):
        """The matrices with no works funded (the base every plan's people-years are counted from)."""
        if self._without is None:
            self.builds += 1
            out = []
            for service, communities, base, p_c in self.bases:
                capacity = base[:, None] + np.zeros_like(p_c)
                out.append((service, communities, p_c, capacity, np.minimum(p_c, capacity)))
            self._without = (self.years, self.pop, out)
        return self._without

    def _build(self, investment_plan: pd.DataFrame):
        self.builds += 1
        years = self.years
        funded = investment_plan[(investment_plan["status"] == "funded")
                                 & investment_plan["year"].notna()
                                 & (investment_plan["intervention"] != "atm")]
        # an item's effect counts after its LAST tranche (multi-year works, issue 16; one year otherwise)
        fyear = funded.groupby("item_id")["year"].max()
        items = self.items.copy()
        items["funded_year"] = items["item_id"].map(fyear)
        items = items[items["funded_year"].notna()].reset_index(drop=True)
        # an item funded in year f counts from f + 1: column of the first year > f
        items["_col"] = np.searchsorted(np.asarray(years, dtype=float),
                                        items["funded_year"].to_numpy(dtype=float), side="right")
        out = []
        for service, communities, base, p_c in self.bases:
            its = items[(items["service"] == service) & items["community_id"].isin(communities)
                        & (items["_col"] < len(years))]
            gain = np.zeros_like(p_c)
            if len(its):
                # each item once for every year it counts in, then ONE groupby: per community and year the
                # same sum, over the same items in the same order, as a groupby year by year would give
                ex = its.loc[its.index.repeat(len(years) - its["_col"].to_numpy(dtype=int)),
                             ["community_id", "served_gain", "_col"]]
                ex["_j"] = ex["_col"].to_numpy() + ex.groupby(level=0).cumcount().to_numpy()
                summed = ex.groupby(["community_id", "_j"], sort=False)["served_gain"].sum()
                gain[pd.Index(communities).get_indexer(summed.index.get_level_values(0)),
                     summed.index.get_level_values(1).to_numpy(dtype=int)] = summed.to_numpy(dtype=float)
            capacity = base[:, None] + gain                            # never decreasing (gains ≥ 0)
            served_c = np.minimum(p_c, capacity)                       # NaN where P_c(t) is unknown
            out.append((service, communities, p_c, capacity, served_c))
        return years, self.pop, out

    def people_years(self, plan: pd.DataFrame) -> float:
        """Σ weight(service) × (served_c(t) with the plan − with no works), NaN skipped: the figures of
        `served_by_community` subtracted row by row, in the same order, so the same float."""
        _y, _p, with_plan = self.matrices(plan)
        _y, _p, without = self.without_works()
        weights = self.params.optimum.service_weights
        gains, ws = [], []
        for (service, _c, _pc, _cap, served), (_s, _c0, _pc0, _cap0, served0) in zip(with_plan, without):
            gains.append((served - served0).ravel())
            w = weights.get(service)
            ws.append(np.full(served.size, 0.0 if w is None or w != w else float(w)))
        gain = np.concatenate(gains) if gains else np.zeros(0)
        w_all = np.concatenate(ws) if ws else np.zeros(0)
        return float(np.nansum(gain * w_all))


def served_frame(per_service, years) -> pd.DataFrame:
    """`community_id, service, year, population, capacity, population_served` from the matrices."""
    frames = []
    for service, communities, p_c, capacity, served_c in per_service:
        n = len(communities)
        frames.append(pd.DataFrame({"community_id": np.repeat(np.asarray(communities, dtype=object), len(years)),
                                    "service": service, "year": np.tile(np.asarray(years, dtype="int64"), n),
                                    "population": p_c.ravel(), "capacity": capacity.ravel(),
                                    "population_served": served_c.ravel()}))
    return pd.concat(frames, ignore_index=True)
