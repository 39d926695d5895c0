"""Validation of a district's inputs: every problem at once, in a report a consultant can act on.

Structure and types are checked while reading (tableio), value rules by pandera schemas built
from `schemas.py`, and rules across rows and tables here. Errors block the run; warnings are
shown in the profile report.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from propilas.core import schemas
from propilas.core.errors import DataError, ParamsError, UnreadableFileError
from propilas.core.params import DistrictParams, check_district_id, load_params
from propilas.inputs.tableio import (
    Problem,
    canonical,
    check_header,
    find_input,
    problems_frame,
    read_csv_strings,
    read_xlsx_strings,
    type_table,
)

TABLES = ("communities", "water_systems")
# Persons per household outside this range is possible but rare in rural Peru (INEI 2017: ~3.5-4.5).
PPH_PLAUSIBLE = (2.0, 10.0)


@dataclass
class Inputs:
    """A district's validated inputs: canonical tables, follow-up rounds and what was found."""

    district: str
    params: DistrictParams | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rounds: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    def raise_if_errors(self) -> None:
        if self.errors:
            lines = [str(p) for p in self.errors[:50]]
            more = len(self.errors) - 50
            if more > 0:
                lines.append(f"... and {more} more")
            raise DataError(f"district {self.district!r}: {len(self.errors)} input error(s):\n" + "\n".join(lines),
                            self.errors)


def _pandera_schema(table: str):
    import pandera.pandas as pa

    cols = {}
    for c in schemas.columns(table):
        checks = []
        if c.min is not None and c.max is not None:
            checks.append(pa.Check.in_range(c.min, c.max, error=f"must be between {c.min:g} and {c.max:g}"))
        elif c.min is not None:
            checks.append(pa.Check.ge(c.min, error=f"must be >= {c.min:g}"))
        if c.kind == "id" and c.name == schemas.ID_COLUMN[table]:
            unique = True
        else:
            unique = False
        cols[c.name] = pa.Column(nullable=True, checks=checks, unique=unique, required=False, coerce=False)
    return pa.DataFrameSchema(cols, strict=False)


def _schema_problems(df: pd.DataFrame, table: str, file: str, sheet: str | None,
                     raw: pd.DataFrame | None = None) -> list[Problem]:
    import pandera.errors as pe

    try:
        _pandera_schema(table).validate(df, lazy=True)
        return []
    except pe.SchemaErrors as err:
        fc = err.failure_cases
    out: list[Problem] = []
    for _, r in fc.iterrows():
        check = str(r.get("check"))
        col = r.get("column")
        idx = r.get("index")
        row = int(idx) if pd.notna(idx) else None
        rule = "duplicate id: each id must appear once" if "unique" in check or "duplicate" in check else check
        value = r.get("failure_case")
        if raw is not None and row is not None and not pd.isna(col) and col in raw.columns and row in raw.index:
            value = raw.at[row, col]  # as the consultant typed it, not as parsed
        out.append(Problem("error", file, row, None if pd.isna(col) else str(col), value, rule,
                           sheet))
    return out


def read_table(path: Path, table: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One input file to a canonical table (rows keep spreadsheet numbers as index) and its problems."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        raw, meta, problems = read_xlsx_strings(path, table)
    elif path.suffix.lower() == ".csv":
        raw, meta = read_csv_strings(path)
        problems = []
    else:
        raise UnreadableFileError(f"{path}: unsupported file type {path.suffix!r}; use .csv or .xlsx")
    sheet = meta.get("sheet") or None
    problems += check_header(raw, table, path.name, sheet)
    if any(p.row == 1 for p in problems):
        return pd.DataFrame(), problems
    typed, type_problems = type_table(raw, table, path.name, meta)
    problems += type_problems
    if typed.empty and not type_problems and table == "communities":
        problems.append(Problem("error", path.name, None, None, None, "the table has a header but no rows", sheet))
    problems += _schema_problems(typed, table, path.name, sheet, raw)
    return typed, problems


def _row_rules(comm: pd.DataFrame, sys: pd.DataFrame, files: dict[str, str], params: DistrictParams | None,
               sheets: dict[str, str | None]) -> list[Problem]:
    """Rules across columns and tables (ids, sums, plausibility)."""
    out: list[Problem] = []
    cf, sf = files.get("communities", "communities"), files.get("water_systems", "water_systems")
    cs, ss = sheets.get("communities"), sheets.get("water_systems")
    if not comm.empty:
        for row, r in comm.iterrows():
            pop, hh = r["population"], r["households"]
            if pd.notna(pop) and pd.notna(hh) and hh > pop:
                out.append(Problem("error", cf, int(row), "households", int(hh),
                                   f"more households than persons (population {int(pop)})", cs))
            elif pd.notna(pop) and pd.notna(hh) and hh > 0 and not PPH_PLAUSIBLE[0] <= pop / hh <= PPH_PLAUSIBLE[1]:
                out.append(Problem("warning", cf, int(row), "population", int(pop),
                                   f"{pop / hh:.2f} persons per household (households {int(hh)}): outside "
                                   f"{PPH_PLAUSIBLE[0]:g}-{PPH_PLAUSIBLE[1]:g}; check both figures", cs))
            for group, cols in (("water", schemas.WATER_COUNT_COLUMNS), ("sanitation", schemas.SANITATION_COUNT_COLUMNS)):
                vals = [r[c] for c in cols if c in comm.columns]
                known = [v for v in vals if pd.notna(v)]
                if group == "sanitation" and not known:
                    continue  # sanitation not surveyed (e.g. SIASAR rows): ladder not computed
                if len(known) != len(vals):
                    out.append(Problem("error", cf, int(row), ",".join(cols), "",
                                       f"{group} counts are partly empty: fill all of them or none", cs))
                elif pd.notna(hh) and sum(known) != hh:
                    out.append(Problem("error", cf, int(row), ",".join(cols), int(sum(known)),
                                       f"{group} household counts must sum to households ({int(hh)})", cs))
            sm = r.get("hh_san_safely_managed")
            if pd.notna(sm) and pd.notna(r["hh_san_improved_private"]) and sm > r["hh_san_improved_private"]:
                out.append(Problem("error", cf, int(row), "hh_san_safely_managed", int(sm),
                                   "safely managed cannot exceed improved private households", cs))
            piped_nonpiped = [r[c] for c in schemas.WATER_COUNT_COLUMNS[1:3]]
            if pd.isna(r["water_round_trip_min"]) and any(pd.notna(v) and v > 0 for v in piped_nonpiped):
                out.append(Problem("warning", cf, int(row), "water_round_trip_min", "",
                                   "empty: public-tap and protected-source households cannot be put on a rung", cs))
    if len(comm) >= 5:
        total = comm["population"].sum()
        for row, r in comm.iterrows():
            if pd.notna(r["population"]) and total > 0 and r["population"] > 0.5 * total:
                out.append(Problem("warning", cf, int(row), "population", int(r["population"]),
                                   f"one community holds {100 * r['population'] / total:.0f} % of the plan's "
                                   "population: check it is a rural community and not the district or a typo", cs))
    if not sys.empty:
        known_comm = set(comm["community_id"]) if not comm.empty else set()
        this_year = _dt.date.today().year
        pop_by_comm = dict(zip(comm["community_id"], comm["population"])) if not comm.empty else {}
        for row, r in sys.iterrows():
            cid = r["community_id"]
            if cid is not None and known_comm and cid not in known_comm:
                out.append(Problem("error", sf, int(row), "community_id", cid,
                                   "community id not found in communities", ss))
            yb = r["year_built"]
            if pd.notna(yb) and yb > this_year:
                out.append(Problem("error", sf, int(row), "year_built", int(yb),
                                   f"year in the future (after {this_year})", ss))
            served, cpop = r["population_served"], pop_by_comm.get(cid)
            if pd.notna(served) and cpop is not None and served > cpop + 1e-6:
                out.append(Problem("warning", sf, int(row), "population_served", served,
                                   f"more than the community's population ({int(cpop)})", ss))
            if r["chlorination"] is False and pd.notna(r["residual_chlorine_mg_l"]) and r["residual_chlorine_mg_l"] > 0:
                out.append(Problem("warning", sf, int(row), "residual_chlorine_mg_l", r["residual_chlorine_mg_l"],
                                   "residual chlorine measured but chlorination is 'no'", ss))
        if not comm.empty:
            hh = dict(zip(comm["community_id"], comm["households"]))
            conn = sys.groupby("community_id")["households_connected"].sum(min_count=1)
            for cid, n in conn.items():
                if pd.notna(n) and cid in hh and n > hh[cid]:
                    out.append(Problem("warning", sf, None, "households_connected", int(n),
                                       f"community {cid}: systems connect more households than it has ({int(hh[cid])})",
                                       ss))
    if params is not None and not comm.empty:
        from propilas.method.population import rural_share_check

        msg = rural_share_check(canonical(comm, "communities"), params)
        if msg:
            out.append(Problem("warning", cf, None, "population", int(comm["population"].sum()), msg, cs))
    return out


def check_tables(communities: pd.DataFrame, water_systems: pd.DataFrame, params: DistrictParams | None,
                 files: dict[str, str] | None = None) -> list[Problem]:
    """Value and cross-table rules on canonical tables already in memory (e.g. built from SIASAR),
    the same as `load_inputs` applies after reading files; rows numbered as in a CSV (header = 1)."""
    comm = communities.set_axis(range(2, len(communities) + 2))
    ws = water_systems.set_axis(range(2, len(water_systems) + 2))
    files = files or {"communities": "communities.csv", "water_systems": "water_systems.csv"}
    problems = _schema_problems(comm, "communities", files["communities"], None)
    problems += _schema_problems(ws, "water_systems", files["water_systems"], None)
    return problems + _row_rules(comm, ws, files, params, {})


def _load_folder(folder: Path, params: DistrictParams | None, label: str = "") -> tuple[dict[str, pd.DataFrame], list[Problem], list[Path]]:
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    sheets: dict[str, str | None] = {}
    paths: list[Path] = []
    for table in TABLES:
        try:
            path = find_input(folder, table)
        except DataError as e:
            problems.append(Problem("error", f"{label}{table}", None, None, None, str(e)))
            continue
        paths.append(path)
        files[table] = f"{label}{path.name}"
        try:
            df, probs = read_table(path, table)
        except UnreadableFileError as e:
            problems.append(Problem("error", f"{label}{path.name}", None, None, None, str(e)))
            continue
        for p in probs:
            p.file = f"{label}{p.file}"
            sheets[table] = p.sheet
        problems += probs
        tables[table] = df
    if len(tables) == len(TABLES) and not any(p.row == 1 for p in problems):
        problems += _row_rules(tables["communities"], tables["water_systems"], files, params, sheets)
    return tables, problems, paths


def _params_warnings(params: DistrictParams, path: Path) -> list[Problem]:
    """Placeholders left by `propilas new` (census of 1, ubigeo 000000, TODO text) are flagged."""
    out = []
    for year, pop in params.census_known.items():
        if pop < 50:
            out.append(Problem("warning", str(path), None, f"census.{year}", pop,
                               "looks like a placeholder: enter the INEI census population"))
    if params.ubigeo == "000000":
        out.append(Problem("warning", str(path), None, "ubigeo", params.ubigeo,
                           "placeholder: enter the district's 6-digit INEI ubigeo"))
    if "TODO" in params.name or (params.workshop and "TODO" in params.workshop.vision):
        out.append(Problem("warning", str(path), None, "workshop", "TODO", "fill the TODO placeholders"))
    return out


def _outside(path: Path, base: Path) -> str | None:
    """A data folder (or a file in it) that resolves outside its parent is refused: a symlink must
    not make a run read, or later write beside, files elsewhere on the machine."""
    base_r = base.resolve()
    targets = [path] + (sorted(path.rglob("*")) if path.is_dir() and not path.is_symlink() else [])
    for p in targets:
        if not p.resolve().is_relative_to(base_r):
            return (f"{p} resolves to {p.resolve()}, outside the data folder {base_r}; copy the files into "
                    "the project instead of linking them")
    return None


def load_inputs(district: str, params_dir: Path | str = "params", data_dir: Path | str = "data") -> Inputs:
    """Read and check everything a district run needs; never raises for data problems (see .errors)."""
    check_district_id(district)
    inputs = Inputs(district=district, params=None)
    params_file = Path(params_dir) / f"{district}.yaml"
    try:
        inputs.params = load_params(district, params_dir)
    except ParamsError as e:
        inputs.problems.append(Problem("error", str(params_file), None, None, None, str(e)))
    inputs.files.append(params_file)
    if inputs.params is not None:
        inputs.problems += _params_warnings(inputs.params, params_file)
    folder = Path(data_dir) / district
    outside = _outside(folder, Path(data_dir))
    if outside:
        inputs.problems.append(Problem("error", str(folder), None, None, None, outside))
        return inputs
    if not folder.is_dir():
        inputs.problems.append(Problem("error", str(folder), None, None, None,
                                       f"no data folder for {district!r}; create {folder}/ with communities and "
                                       "water_systems tables (`propilas new` scaffolds them)"))
        return inputs
    tables, problems, paths = _load_folder(folder, inputs.params)
    inputs.problems += problems
    inputs.files += paths
    inputs.tables = {k: canonical(v, k) for k, v in tables.items() if not v.empty or k == "water_systems"}
    rounds_dir = folder / "rounds"
    if rounds_dir.is_dir():
        for sub in sorted(p for p in rounds_dir.iterdir() if p.is_dir()):
            label = f"rounds/{sub.name}/"
            if not sub.name.isdigit():
                inputs.problems.append(Problem("warning", label, None, None, sub.name,
                                               "round folder is not a year; ignored"))
                continue
            year = int(sub.name)
            outside = _outside(sub, folder)
            if outside:
                inputs.problems.append(Problem("error", label, None, None, None, outside))
                continue
            p = inputs.params
            if p is not None and not (p.base_year < year <= p.horizon_year):
                inputs.problems.append(Problem("warning", label, None, None, year,
                                               f"round year outside {p.base_year + 1}-{p.horizon_year}; ignored"))
                continue
            rt, rprobs, rpaths = _load_folder(sub, None, label)
            inputs.problems += rprobs
            inputs.files += rpaths
            if not any(pr.severity == "error" for pr in rprobs):
                inputs.rounds[year] = {k: canonical(v, k) for k, v in rt.items()}
    return inputs
