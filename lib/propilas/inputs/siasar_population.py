"""Community populations for a SIASAR district (`propilas new --from-siasar --population FILE`).

SIASAR counts the people and households each water system serves, not a community's population,
so a SIASAR community's water access cannot be computed (`ladders.served_only`). A population file
(CSV or Excel: community id or name, population, households, source — e.g. the INEI directory of
populated centres or a survey) gives the communities it names a real population; their water
access is then computed:

- population and households come from the file, `population_basis` becomes 'community' and the
  row's `source` says both origins ('SIASAR 2015; <file source>');
- piped households = min(households, Σ households connected of its SIASAR systems); the other
  households are not connected to any SIASAR system and their source was not surveyed: they are
  counted below basic (hh_water_unprotected), a lower bound of access, flagged in the district's
  data-quality table ('assumed_below_basic') so the consultant can correct it in communities.csv;
- a community the file does not name keeps its served population and access not computed; a file
  row that matches no SIASAR community is reported, not added (no water data for it).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from propilas.core.errors import PropilasError
from propilas.core.schemas import SERVED_BASIS
from propilas.inputs.siasar import _fold, slug

ALIASES: dict[str, tuple[str, ...]] = {
    "community_id": ("community_id", "id", "codigo", "code"),
    "name": ("name", "community", "nombre", "comunidad", "centro_poblado", "centro poblado"),
    "population": ("population", "poblacion", "personas", "habitantes"),
    "households": ("households", "hogares", "viviendas"),
    "source": ("source", "fuente"),
}


class PopulationFileError(PropilasError):
    """The population file cannot be read or does not say what is needed."""


def read_population_file(path: Path) -> pd.DataFrame:
    """community_id, name, population, households, source (text), row (the spreadsheet row)."""
    path = Path(path)
    if not path.exists():
        raise PopulationFileError(f"--population {path}: file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            raw = pd.read_excel(path, dtype=str)
        elif path.suffix.lower() == ".csv":
            raw = None
            for enc in ("utf-8-sig", "cp1252"):
                try:
                    raw = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding=enc)
                    break
                except UnicodeDecodeError:
                    continue
            if raw is None:
                raise PopulationFileError(f"--population {path}: not UTF-8 nor cp1252 text")
        else:
            raise PopulationFileError(f"--population {path}: expected a .csv or .xlsx file")
    except PopulationFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's
        raise PopulationFileError(f"--population {path}: cannot be read ({type(exc).__name__}: {exc})") from None
    folded = {_fold(str(c)).strip(): c for c in raw.columns}
    cols: dict[str, str] = {}
    for key, names in ALIASES.items():
        for n in names:
            if n in folded:
                cols[key] = folded[n]
                break
    if "community_id" not in cols and "name" not in cols:
        raise PopulationFileError(f"{path.name}: needs a column community_id or name (found {list(raw.columns)})")
    for need in ("population", "households"):
        if need not in cols:
            raise PopulationFileError(f"{path.name}: column {need!r} missing (found {list(raw.columns)}); "
                                      "expected community_id or name, population, households, source")
    out = pd.DataFrame({k: raw[c] if c in raw else None for k, c in cols.items()})
    out["row"] = np.arange(2, len(raw) + 2)
    problems = []
    for key in ("population", "households"):
        text = out[key].fillna("").astype(str).str.strip().str.replace(",", ".", regex=False)
        num = pd.to_numeric(text, errors="coerce")
        bad = num.isna() | (num < 1) | (num % 1 != 0)
        for r, v in zip(out.loc[bad, "row"], out.loc[bad, key]):
            problems.append(f"row {r}, column {cols[key]!r}: value {v!r}: expected a whole number >= 1")
        out[key] = num
    hh_gt = out["households"] > out["population"]
    for r, h, p in zip(out.loc[hh_gt, "row"], out.loc[hh_gt, "households"], out.loc[hh_gt, "population"]):
        problems.append(f"row {r}: households {h:g} > population {p:g}: check both figures")
    if problems:
        raise PopulationFileError(f"{path.name}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:30]))
    if "source" not in out:
        out["source"] = None
    out["source"] = [s if isinstance(s, str) and s.strip() else path.name for s in out["source"]]
    return out


def apply_population_file(communities: pd.DataFrame, water_systems: pd.DataFrame, pop: pd.DataFrame,
                          ) -> tuple[pd.DataFrame, list[dict]]:
    """Communities with the file's populations (see module doc) and the data-quality records."""
    comm = communities.copy()
    by_id = {str(c): i for i, c in zip(comm.index, comm["community_id"])}
    by_name = {_fold(str(n)).strip(): i for i, n in zip(comm.index, comm["name"])}
    conn = water_systems.groupby("community_id")["households_connected"].sum(min_count=1)
    records: list[dict] = []
    matched: set[int] = set()
    for _, r in pop.iterrows():
        i = None
        if isinstance(r.get("community_id"), str) and r["community_id"].strip() in by_id:
            i = by_id[r["community_id"].strip()]
        elif isinstance(r.get("name"), str):
            key = _fold(r["name"]).strip()
            i = by_name.get(key, by_id.get(slug(r["name"])))
        label = r.get("community_id") if isinstance(r.get("community_id"), str) else r.get("name")
        if i is None:
            close = difflib.get_close_matches(_fold(str(label)), list(by_name), n=3, cutoff=0.75)
            records.append({"record": f"row {int(r['row'])}", "community_id": None, "field": "name", "value": str(label),
                            "problem": "not_in_siasar", "action": "not_added",
                            "detail": ("did you mean " + ", ".join(close) + "?") if close else ""})
            continue
        if i in matched:
            raise PopulationFileError(f"row {int(r['row'])}: community {label!r} appears twice in the population file")
        matched.add(i)
        cid = comm.at[i, "community_id"]
        pop_n, hh = int(r["population"]), int(r["households"])
        c = conn.get(cid, np.nan)
        piped = hh if pd.isna(c) else int(min(hh, int(round(float(c)))))
        if not pd.isna(c) and float(c) > hh:
            records.append({"record": cid, "community_id": cid, "field": "households", "value": str(hh),
                            "problem": "connected_gt_households", "action": "piped_capped",
                            "detail": f"SIASAR systems connect {float(c):g} households; the file gives {hh}"})
        rest = hh - piped
        comm.at[i, "population"] = pop_n
        comm.at[i, "households"] = hh
        comm.at[i, "hh_water_piped_premises"] = piped
        for col in ("hh_water_public_tap", "hh_water_protected_source", "hh_water_surface"):
            comm.at[i, col] = 0
        comm.at[i, "hh_water_unprotected"] = rest
        comm.at[i, "population_basis"] = "community"
        comm.at[i, "source"] = f"{comm.at[i, 'source']}; {r['source']}"
        if rest:
            records.append({"record": cid, "community_id": cid, "field": "hh_water_unprotected", "value": str(rest),
                            "problem": "source_not_surveyed", "action": "assumed_below_basic",
                            "detail": f"{rest} of {hh} households are not connected to a SIASAR system"})
    if not matched:
        raise PopulationFileError("the population file names none of the district's SIASAR communities "
                                  f"({', '.join(sorted(map(str, comm['community_id'])))[:400]}); match them by "
                                  "community_id or name")
    for i in comm.index:
        if i not in matched and str(comm.at[i, "population_basis"]) == SERVED_BASIS:
            cid = comm.at[i, "community_id"]
            records.append({"record": cid, "community_id": cid, "field": "population", "value": "",
                            "problem": "not_in_population_file", "action": "access_not_computed", "detail": ""})
    return comm, records
