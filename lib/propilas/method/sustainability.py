"""The PROPILAS sustainability index of rural water systems (METHOD.md stage 2).

IS = (2·E + G + O)/4 with E the state of the system (infrastructure, coverage, continuity,
quantity, quality), G management and O operation & maintenance, each scored 1–4. Every score,
weight and cut-off comes from `params.sustainability` (they are not confirmed by a primary text
we hold, so a district can change them). A missing sub-variable is left out of its
component's mean and flagged. Evidence before a class (METHOD stage 2, revised): a component
counts only when at least `sustainability.min_subvariables` of its sub-variables are known, and E
also needs the infrastructure sub-variable; otherwise the component is missing (flagged
`insufficient_evidence:<K>` when some of it was known). The index is computed over the
components present with renormalised weights (`partial`); without E the system is unclassified
("insufficient data") and gets a diagnosis visit in stage 4, never works.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams
from propilas.core.schemas import STATE_COLUMNS

CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "unclassified")
E_PARTS: tuple[str, ...] = ("infrastructure", "coverage", "continuity", "quantity", "quality")
G_PARTS: tuple[str, ...] = ("g_jass_recognised", "g_board_active", "g_fee_charged", "g_fee_collection")
O_PARTS: tuple[str, ...] = ("o_maintenance_plan", "o_trained_operator", "o_chlorination", "o_cleanings")
# sub-score -> input column whose absence is flagged
_SOURCE: dict[str, str] = {
    "continuity": "hours_per_day", "quantity": "dry_season", "quality": "chlorination",
    "g_jass_recognised": "jass_recognised", "g_board_active": "jass_board_active",
    "g_fee_charged": "fee_charged", "g_fee_collection": "fee_collection_rate",
    "o_maintenance_plan": "maintenance_plan", "o_trained_operator": "trained_operator",
    "o_chlorination": "chlorination", "o_cleanings": "reservoir_cleanings_per_year",
}
TABLE_COLUMNS: tuple[str, ...] = (
    "system_id", "community_id", "infrastructure", "coverage", "continuity", "quantity", "quality",
    "E", "G", "O", "index", "class", "partial", "flags", *G_PARTS, *O_PARTS, "coverage_ratio",
)


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _mean(values: list[float]) -> float:
    present = [v for v in values if not np.isnan(v)]
    return float(np.mean(present)) if present else np.nan


def classify(index: float, params: DistrictParams) -> str:
    """A if IS > cut-off A, B if > cut-off B, C if > cut-off C, else D; NaN → unclassified.

    Strict '>' and no rounding: 3.50 is B and 3.5001 is A, as the method states the cut-offs.
    """
    return class_with_cutoffs(index, params.sustainability.class_cutoffs)


def class_with_cutoffs(index: float, cutoffs) -> str:
    """`classify` with the cut-offs given (a mapping A, B, C → IS), e.g. a district's own cut-offs
    read back from its summary.json by the comparison; NaN → unclassified."""
    if _missing(index):
        return "unclassified"
    for cls in ("A", "B", "C"):
        if index > cutoffs[cls]:
            return cls
    return "D"


def combine(components: dict[str, float], params: DistrictParams) -> tuple[float, bool]:
    """IS over the components present with their weights renormalised: (index, partial).

    With E missing there is no state of the system to judge, so the index is NaN.
    """
    w = params.sustainability.weights
    partial = any(np.isnan(components[k]) for k in ("E", "G", "O"))
    if np.isnan(components["E"]):
        return np.nan, partial
    present = [k for k in ("E", "G", "O") if not np.isnan(components[k])]
    num = sum(w[k] * components[k] for k in present)
    den = sum(w[k] for k in present)
    return float(num / den), partial


def community_coverage(communities: pd.DataFrame, water_systems: pd.DataFrame) -> pd.Series:
    """min(1, Σ households_connected of the community's systems / households), by community_id.

    NaN when any system of the community lacks households_connected: summing only the known
    ones would understate coverage and is an invention. Communities without systems are absent.
    """
    hh = communities.set_index("community_id")["households"].astype(float)
    out = {}
    for cid, group in water_systems.groupby("community_id", sort=False):
        conn = pd.to_numeric(group["households_connected"], errors="coerce")
        if conn.isna().any() or cid not in hh.index:
            out[cid] = np.nan
        else:
            out[cid] = min(1.0, float(conn.sum()) / float(hh[cid]))
    return pd.Series(out, dtype=float, name="coverage_ratio")


def quality_category(chlorination, residual, params: DistrictParams) -> str | None:
    """chlorinated_ok | chlorinated_low_or_unmeasured | not_chlorinated | None (unknown)."""
    if _missing(chlorination):
        return None
    if not bool(chlorination):
        return "not_chlorinated"
    if not _missing(residual) and float(residual) >= params.water.min_residual_chlorine_mg_l:
        return "chlorinated_ok"
    return "chlorinated_low_or_unmeasured"


def evidence_sufficient(component: str, known: int, infrastructure_known: bool,
                        params: DistrictParams) -> bool:
    """True when a component has enough known sub-variables to be scored.

    At least `sustainability.min_subvariables` known (default 2), and for E the infrastructure
    sub-variable among them: coverage and chlorination alone cannot say a system is sound.
    """
    if known < params.sustainability.min_subvariables or known == 0:
        return False
    return infrastructure_known if component == "E" else True


def system_scores(system: pd.Series, coverage_ratio: float, params: DistrictParams) -> dict:
    """Every sub-score, component, index, class and flags of one system."""
    sp = params.sustainability
    flags: list[str] = []
    s: dict[str, float] = {}

    def yes_no(v) -> float:
        return np.nan if _missing(v) else float(sp.yes_no["yes" if bool(v) else "no"])

    def band(bands, v) -> float:
        return np.nan if _missing(v) else float(bands.score(float(v)))

    # infrastructure: mean of the component states present; no treatment unit is not a penalty
    states = []
    for col in STATE_COLUMNS:
        v = system.get(col)
        if _missing(v) or v == "":
            if col != "state_treatment":
                flags.append(f"missing:{col}")
            continue
        states.append(float(sp.state_scores[str(v)]))
    s["infrastructure"] = float(np.mean(states)) if states else np.nan
    s["coverage"] = band(sp.coverage, coverage_ratio)
    if np.isnan(s["coverage"]):
        flags.append("missing:households_connected")
    s["continuity"] = band(sp.continuity, system["hours_per_day"])
    dry = system["dry_season"]
    s["quantity"] = np.nan if _missing(dry) or dry == "" else float(sp.quantity[str(dry)])
    q = quality_category(system["chlorination"], system["residual_chlorine_mg_l"], params)
    s["quality"] = np.nan if q is None else float(sp.quality[q])

    s["g_jass_recognised"] = yes_no(system["jass_recognised"])
    s["g_board_active"] = yes_no(system["jass_board_active"])
    s["g_fee_charged"] = yes_no(system["fee_charged"])
    s["g_fee_collection"] = band(sp.fee_collection, system["fee_collection_rate"])
    s["o_maintenance_plan"] = yes_no(system["maintenance_plan"])
    s["o_trained_operator"] = yes_no(system["trained_operator"])
    s["o_chlorination"] = yes_no(system["chlorination"])
    s["o_cleanings"] = band(sp.cleanings, system["reservoir_cleanings_per_year"])

    for key, col in _SOURCE.items():
        flag = f"missing:{col}"
        if np.isnan(s[key]) and flag not in flags:
            flags.append(flag)

    scored = index_from_scores(s, params)
    flags += scored.pop("flags")
    return {**s, **scored, "flags": "; ".join(flags), "coverage_ratio": coverage_ratio}


def index_from_scores(s: dict, params: DistrictParams) -> dict:
    """E, G, O, index, class and partial from the sub-scores `s` (E_PARTS, G_PARTS, O_PARTS; NaN =
    unknown), with the evidence rule; `flags` lists what the components lacked. `system_scores`
    uses it after scoring the inputs, and the sustainability lesson with scores set by sliders."""
    flags: list[str] = []
    comps = {}
    for k, parts in (("E", E_PARTS), ("G", G_PARTS), ("O", O_PARTS)):
        known = sum(not np.isnan(s[p]) for p in parts)
        enough = evidence_sufficient(k, known, not np.isnan(s["infrastructure"]), params)
        comps[k] = _mean([s[p] for p in parts]) if enough else np.nan
        if known and not enough:
            flags.append(f"insufficient_evidence:{k}")
        if np.isnan(comps[k]):
            flags.append(f"missing_component:{k}")
    index, partial = combine(comps, params)
    if partial and not np.isnan(index):
        flags.append("partial_index")
    return {**comps, "index": index, "class": classify(index, params), "partial": partial, "flags": flags}


def sustainability_table(communities: pd.DataFrame, water_systems: pd.DataFrame,
                         params: DistrictParams) -> pd.DataFrame:
    """One row per water system with every sub-score, E, G, O, the index, class, partial, flags."""
    coverage = community_coverage(communities, water_systems)
    rows = []
    for _, sys in water_systems.iterrows():
        cid = sys["community_id"]
        ratio = float(coverage.get(cid, np.nan))
        rows.append({"system_id": sys["system_id"], "community_id": cid,
                     **system_scores(sys, ratio, params)})
    df = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    for col in TABLE_COLUMNS:
        if col in ("system_id", "community_id", "class", "flags"):
            df[col] = df[col].astype(object)
        elif col == "partial":
            df[col] = df[col].astype(bool)
        else:
            df[col] = df[col].astype(float)
    return df


def class_counts(table: pd.DataFrame) -> pd.DataFrame:
    """sustainability_by_class: class, systems, partial_systems for A, B, C, D, unclassified
    (every class listed, zeros included, so counts add up to the number of systems)."""
    rows = []
    for cls in CLASSES:
        part = table[table["class"] == cls]
        rows.append({"class": cls, "systems": int(len(part)),
                     "partial_systems": int(part["partial"].astype(bool).sum())})
    df = pd.DataFrame(rows, columns=["class", "systems", "partial_systems"])
    df["systems"] = df["systems"].astype("int64")
    df["partial_systems"] = df["partial_systems"].astype("int64")
    return df
