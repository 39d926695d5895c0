"""Write illustrative follow-up rounds (data/<district>/rounds/<year>/) for two pilot districts.

A follow-up round is the same inventory surveyed again. These rounds are ILLUSTRATIVE: they
take the base inventory and apply plausible, deterministic changes (some households move up
the water and sanitation ladders, a share of systems is repaired or starts chlorinating) so the
monitoring report can show actuals, deviations and traffic lights. Every row says
`source: illustrative`. Re-running the script rewrites the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from propilas.core.schemas import STATES  # noqa: E402
from propilas.inputs.tableio import write_canonical_csv  # noqa: E402
from propilas.inputs.validation import load_inputs  # noqa: E402

ROUNDS = {"tacabamba": [2018, 2021], "lajas": [2019]}
UPGRADE = {2018: 0.25, 2019: 0.30, 2021: 0.45}  # share of households below basic that moved up


def _move(df: pd.DataFrame, src: str, dst: str, share: float) -> None:
    n = np.floor(df[src].astype(float) * share)
    df[dst] = df[dst] + n
    df[src] = df[src] - n


def follow_up(communities: pd.DataFrame, systems: pd.DataFrame, year: int, base_year: int):
    share = UPGRADE[year]
    c = communities.copy()
    # Households move up to a piped connection only where a water system exists (validation refuses
    # piped households in a community no system serves); elsewhere to a protected source.
    served = c["community_id"].isin(set(systems["community_id"].dropna()))
    for col in ("hh_water_surface", "hh_water_unprotected"):
        n = np.floor(c[col].astype(float) * share)
        c.loc[served, "hh_water_piped_premises"] += n[served]
        c.loc[~served, "hh_water_protected_source"] += n[~served]
        c[col] = c[col] - n
    san_known = c["hh_san_open"].notna()
    for col in ("hh_san_open", "hh_san_unimproved"):
        moved = np.floor(c.loc[san_known, col] * share)
        c.loc[san_known, "hh_san_improved_private"] += moved
        c.loc[san_known, col] -= moved
    c["source"] = "illustrative"
    s = systems.copy()
    step = max(1, round(1 / share))
    better = {"B": "A", "C": "B", "D": "C"}
    for i, idx in enumerate(s.index):
        if i % step == 0:
            for col in ("state_catchment", "state_conduction", "state_reservoir", "state_distribution"):
                v = s.at[idx, col]
                if v in better:
                    s.at[idx, col] = better[v]
            s.at[idx, "chlorination"] = True
            if pd.isna(s.at[idx, "residual_chlorine_mg_l"]) or s.at[idx, "residual_chlorine_mg_l"] < 0.5:
                s.at[idx, "residual_chlorine_mg_l"] = 0.6
    s["source"] = "illustrative"
    assert set(s["state_catchment"].dropna()) <= set(STATES)
    return c, s


def main() -> int:
    for district, years in ROUNDS.items():
        found = load_inputs(district, ROOT / "params", ROOT / "data")
        bad = [str(pr) for pr in found.errors if not pr.file.startswith("rounds/")]  # rounds are rewritten here
        if bad:
            raise SystemExit("\n".join(bad))
        for year in years:
            c, s = follow_up(found.tables["communities"], found.tables["water_systems"], year, found.params.base_year)
            out = ROOT / "data" / district / "rounds" / str(year)
            write_canonical_csv(c, out / "communities.csv")
            write_canonical_csv(s, out / "water_systems.csv")
            print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
