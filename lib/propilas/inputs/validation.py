"""Validation of a district's inputs: every problem at once, in a report a consultant can act on.

Structure and types are checked while reading (tableio), value rules by pandera schemas built
from `schemas.py`, and rules across rows and tables here. Errors block the run; warnings are
shown in the profile report.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from propilas.core import schemas
from propilas.core.errors import DataError, ParamsError, UnreadableFileError
from propilas.core.params import DistrictParams, check_district_id, load_params
from propilas.inputs.consistency import (  # noqa: F401 (census_problems is also used by the scaffolding)
    PLACEHOLDER_CENSUS,
    _piped_without_system,
    census_problems,
    coordinate_problems,
    district_box,
)
from propilas.inputs.rawfiles import find_input, read_csv_strings, read_xlsx_strings
from propilas.inputs.tableio import (
    Problem,
    canonical,
    check_header,
    problems_frame,
    type_table,
)

TABLES = ("communities", "water_systems")
DATA_QUALITY_FILE = "data_quality.csv"  # the importer's record of problem rows (issue 11)
YEAR_FOLDER = re.compile(r"^\d{4}$")


@dataclass
class Inputs:
    """A district's validated inputs: canonical tables, follow-up rounds and what was found."""

    district: str
    params: DistrictParams | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rounds: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # issue 11: the importer's data-quality table (data/<d>/data_quality.csv), None when absent
    data_quality: pd.DataFrame | None = None

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


def read_table(path: Path, table: str, max_rows: int | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """One input file to a canonical table (rows keep spreadsheet numbers as index) and its problems.
    A file of more than `max_rows` data rows is refused before it is parsed (inputs.max_rows)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        raw, meta, problems = read_xlsx_strings(path, table, max_rows)
    elif path.suffix.lower() == ".csv":
        raw, meta = read_csv_strings(path, max_rows)
        problems = []
    else:
        raise UnreadableFileError(f"{path}: unsupported file type {path.suffix!r}; use .csv or .xlsx")
    sheet = meta.get("sheet") or None
    problems += check_header(raw, table, path.name, sheet)
    if any(p.row == 1 for p in problems):
        return pd.DataFrame(), problems
    typed, type_problems = type_table(raw, table, path.name, meta)
    formula_cells = {(p.row, p.column) for p in problems if p.rule.startswith("formula without a saved value")}
    type_problems = [p for p in type_problems if (p.row, p.column) not in formula_cells]  # said once, above
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
                siasar = str(r.get("source") or "").upper().startswith("SIASAR")
                out.append(Problem("error", cf, int(row), "households", int(hh),
                                   f"more households than persons (population {int(pop)})"
                                   + ("; a SIASAR record: re-import it (`propilas new ... --from-siasar --force`) "
                                      "to keep it with its households imputed" if siasar else ""), cs))
            elif (params is not None and pd.notna(pop) and pd.notna(hh) and hh > 0
                  and not params.validation.pph_min <= pop / hh <= params.validation.pph_max):
                # plausibility bounds: validation.pph_min / pph_max (params; without parameters the
                # parameter error is reported and this warning is not given)
                lo, hi = params.validation.pph_min, params.validation.pph_max
                out.append(Problem("warning", cf, int(row), "population", int(pop),
                                   f"{pop / hh:.2f} persons per household (households {int(hh)}): outside "
                                   f"{lo:g}-{hi:g} (validation.pph_min/pph_max in params); check both figures", cs))
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
    if params is not None:  # the baseline (a round is checked against baseline and round systems together)
        out += _piped_without_system(comm, sys, cf, sf, cs)
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


def _load_folder(folder: Path, params: DistrictParams | None, label: str = "", max_rows: int | None = None
                 ) -> tuple[dict[str, pd.DataFrame], list[Problem], list[Path]]:
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
            df, probs = read_table(path, table, max_rows)
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


def _max_rows(params: DistrictParams | None, params_dir: Path) -> int:
    """inputs.max_rows of the district, or of defaults.yaml when the district's params do not load."""
    if params is not None:
        return params.inputs.max_rows
    from propilas.core.params import InputParams, load_defaults

    try:
        return InputParams.model_validate(load_defaults(params_dir)["inputs"]).max_rows
    except Exception:  # defaults unreadable too: that error is already reported; keep the schema bound
        return int(next(m.le for m in InputParams.model_fields["max_rows"].metadata if hasattr(m, "le")))


def _params_warnings(params: DistrictParams, path: Path) -> list[Problem]:
    """Placeholders left by `propilas new` (census of 1, ubigeo 000000, TODO text) are flagged."""
    out = [Problem("warning", n["file"], None, n["key"], n["value"], n["rule"]) for n in params.load_notes]
    for year, pop in params.census_known.items():
        if pop < PLACEHOLDER_CENSUS:
            out.append(Problem("warning", str(path), None, f"census.{year}", pop,
                               "looks like a placeholder: enter the INEI census population"))
    if params.ubigeo == "000000":
        out.append(Problem("warning", str(path), None, "ubigeo", params.ubigeo,
                           "placeholder: enter the district's 6-digit INEI ubigeo"))
    if "TODO" in params.name or (params.workshop and "TODO" in params.workshop.vision):
        out.append(Problem("warning", str(path), None, "workshop", "TODO", "fill the TODO placeholders"))
    # issue 11: the ubigeo must be the district the names say (district reference table)
    from propilas.inputs.reference import ReferenceError, names_problem

    try:
        why = names_problem(params.ubigeo, params.name, params.department, params.province)
    except ReferenceError:
        why = None  # no reference table in this project: nothing to check against
    if why:
        out.append(Problem("error", str(path), None, "ubigeo", params.ubigeo, why))
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
        inputs.problems.append(Problem("error", str(getattr(e, "path", None) or params_file), None, None, None, str(e)))
    inputs.files.append(params_file)
    if inputs.params is not None:
        inputs.problems += _params_warnings(inputs.params, params_file)
        inputs.problems += census_problems(inputs.params, params_file)
    max_rows = _max_rows(inputs.params, Path(params_dir))
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
    tables, problems, paths = _load_folder(folder, inputs.params, max_rows=max_rows)
    inputs.problems += problems
    inputs.files += paths
    if inputs.params is not None and not any(p.row == 1 for p in problems):
        names = {pth.stem.lower(): pth.name for pth in paths}
        inputs.problems += coordinate_problems(tables, inputs.params, data_dir, names)
    inputs.tables = {k: canonical(v, k) for k, v in tables.items() if not v.empty or k == "water_systems"}
    dq_path = folder / DATA_QUALITY_FILE
    if dq_path.is_file():  # written by `propilas new --from-siasar`: shown in stage 00, never validated as input
        try:
            inputs.data_quality = pd.read_csv(dq_path, dtype=str, keep_default_na=False).replace("", None)
            inputs.files.append(dq_path)
        except (OSError, ValueError, UnicodeDecodeError) as e:
            inputs.problems.append(Problem("warning", dq_path.name, None, None, None,
                                           f"data-quality table not readable ({e}); re-import to rewrite it"))
    rounds_dir = folder / "rounds"
    if rounds_dir.is_dir():
        baseline = set(inputs.tables["communities"]["community_id"]) if "communities" in inputs.tables else set()
        for sub in sorted(p for p in rounds_dir.iterdir() if p.is_dir()):
            label = f"rounds/{sub.name}/"
            if not YEAR_FOLDER.match(sub.name):
                if sub.name.isdigit():  # '02018' would be read as 2018 and replace rounds/2018
                    inputs.problems.append(Problem("error", label, None, None, sub.name,
                                                   "a round folder is named by its 4-digit year, e.g. "
                                                   "rounds/2018; rename the folder"))
                else:
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
            rt, rprobs, rpaths = _load_folder(sub, None, label, max_rows)
            rc = rt.get("communities")
            if baseline and rc is not None and not rc.empty and "community_id" in rc.columns:
                fname = label + next((pth.name for pth in rpaths if pth.stem.lower() == "communities"),
                                     "communities.csv")
                for row, cid in rc["community_id"].items():
                    if cid is not None and cid not in baseline:
                        rprobs.append(Problem("error", fname, int(row), "community_id", cid,
                                              "community id not in the baseline communities table: a round "
                                              "follows the baseline's communities (fix the id, or add the "
                                              "community to the baseline)"))
            if rc is not None and not rc.empty and not any(pr.row == 1 for pr in rprobs):
                sysf = label + next((pth.name for pth in rpaths if pth.stem.lower() == "water_systems"),
                                    "water_systems.csv")
                both = pd.concat([df[["community_id"]] for df in (tables.get("water_systems"), rt.get("water_systems"))
                                  if df is not None and not df.empty and "community_id" in df.columns]
                                 or [pd.DataFrame({"community_id": []})])
                rprobs += _piped_without_system(rc, both, fname, sysf, None,
                                                f"no system serves it, neither in {sysf} nor in the baseline's "
                                                "water_systems")
            inputs.problems += rprobs
            inputs.files += rpaths
            if not any(pr.severity == "error" for pr in rprobs):
                inputs.rounds[year] = {k: canonical(v, k) for k, v in rt.items()}
    return inputs
