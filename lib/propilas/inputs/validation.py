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
from propilas.core.messages import Msg
from propilas.core.params import DistrictParams, check_district_id, load_params
from propilas.inputs.consistency import (  # noqa: F401 (census_problems is also used by the scaffolding)
    _piped_without_system,
    census_problems,
    coordinate_problems,
    district_box,
)
# the checks of the parameters file beside loading it live in params_check
from propilas.inputs.params_check import _max_rows, _params_warnings
from propilas.inputs.schema_check import schema_clean
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
    # issue 13 §2: the language of report() and of the error raise_if_errors raises (the run's
    # report language, set by run/context.py; English when read outside a run)
    language: str = "en"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self, language: str | None = None) -> pd.DataFrame:
        """Every problem as a table, the rule in `language` (default: `self.language`)."""
        return problems_frame(self.problems, language or self.language)

    def error_message(self) -> Msg:
        """The input errors (at most 50, then how many more) as one message in either language."""
        lines: list = [Msg("val.inputs_failed", district=self.district, n=len(self.errors))]
        lines += [ProblemLine(p) for p in self.errors[:50]]
        more = len(self.errors) - 50
        if more > 0:
            lines.append(Msg("val.and_more", n=more))
        return Msg.join("\n", lines)

    def raise_if_errors(self, language: str | None = None) -> None:
        if self.errors:
            raise DataError(self.error_message(), self.errors, language=language or self.language)


class ProblemLine(Msg):
    """A Problem's whole line (severity, where, value, rule) as a message in either language."""

    def __new__(cls, problem: Problem) -> "ProblemLine":
        obj = str.__new__(cls, problem.text("en"))
        obj.key, obj.args, obj.problem = "", {"texts": {}}, problem
        return obj

    def render(self, language: str) -> str:
        return self.problem.text(language)

    def __reduce__(self):
        return (ProblemLine, (self.problem,))


def _pandera_schema(table: str):
    import pandera.pandas as pa

    cols = {}
    for c in schemas.columns(table):
        checks = []
        if c.min is not None and c.max is not None:
            checks.append(pa.Check.in_range(c.min, c.max, error=f"in_range:{c.min:g}:{c.max:g}"))
        elif c.min is not None:
            checks.append(pa.Check.ge(c.min, error=f"ge:{c.min:g}"))
        if c.kind == "id" and c.name == schemas.ID_COLUMN[table]:
            unique = True
        else:
            unique = False
        cols[c.name] = pa.Column(nullable=True, checks=checks, unique=unique, required=False, coerce=False)
    return pa.DataFrameSchema(cols, strict=False)


def _schema_problems(df: pd.DataFrame, table: str, file: str, sheet: str | None,
                     raw: pd.DataFrame | None = None) -> list[Problem]:
    import pandera.errors as pe

    if schema_clean(df, table):
        return []  # nothing pandera would report (checked on plain arrays); it still words any failure
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
        rule = Msg("val.rule.duplicate_id") if "unique" in check or "duplicate" in check else _check_msg(check)
        value = r.get("failure_case")
        if raw is not None and row is not None and not pd.isna(col) and col in raw.columns and row in raw.index:
            value = raw.at[row, col]  # as the consultant typed it, not as parsed
        out.append(Problem("error", file, row, None if pd.isna(col) else str(col), value, rule,
                           sheet))
    return out


def _check_msg(check: str) -> str:
    """The message of a range check named `in_range:<min>:<max>` or `ge:<min>` (_pandera_schema)."""
    kind, _, bounds = check.partition(":")
    if kind == "in_range":
        lo, _, hi = bounds.partition(":")
        return Msg("val.rule.between", min=lo, max=hi)
    if kind == "ge":
        return Msg("val.rule.at_least", min=bounds)
    return check


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
        raise UnreadableFileError(Msg("val.file.unsupported", path=str(path), suffix=repr(path.suffix)))
    sheet = meta.get("sheet") or None
    problems += check_header(raw, table, path.name, sheet)
    if any(p.row == 1 for p in problems):
        return pd.DataFrame(), problems
    typed, type_problems = type_table(raw, table, path.name, meta)
    formula_cells = {(p.row, p.column) for p in problems if p.rule.startswith("formula without a saved value")}
    type_problems = [p for p in type_problems if (p.row, p.column) not in formula_cells]  # said once, above
    problems += type_problems
    if typed.empty and not type_problems and table == "communities":
        problems.append(Problem("error", path.name, None, None, None, Msg("val.rule.header_only"), sheet))
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
                                   Msg("val.rule.households_gt_population_siasar" if siasar
                                       else "val.rule.households_gt_population", population=int(pop)), cs))
            elif (params is not None and pd.notna(pop) and pd.notna(hh) and hh > 0
                  and not params.validation.pph_min <= pop / hh <= params.validation.pph_max):
                # plausibility bounds: validation.pph_min / pph_max (params; without parameters the
                # parameter error is reported and this warning is not given)
                lo, hi = params.validation.pph_min, params.validation.pph_max
                out.append(Problem("warning", cf, int(row), "population", int(pop),
                                   Msg("val.rule.pph", pph=pop / hh, households=int(hh), lo=lo, hi=hi), cs))
            for group, cols in (("water", schemas.WATER_COUNT_COLUMNS), ("sanitation", schemas.SANITATION_COUNT_COLUMNS)):
                vals = [r[c] for c in cols if c in comm.columns]
                known = [v for v in vals if pd.notna(v)]
                if group == "sanitation" and not known:
                    continue  # sanitation not surveyed (e.g. SIASAR rows): ladder not computed
                if len(known) != len(vals):
                    out.append(Problem("error", cf, int(row), ",".join(cols), "",
                                       Msg(f"val.rule.{group}_partly_empty"), cs))
                elif pd.notna(hh) and sum(known) != hh:
                    out.append(Problem("error", cf, int(row), ",".join(cols), int(sum(known)),
                                       Msg(f"val.rule.{group}_sum", households=int(hh)), cs))
            sm = r.get("hh_san_safely_managed")
            if pd.notna(sm) and pd.notna(r["hh_san_improved_private"]) and sm > r["hh_san_improved_private"]:
                out.append(Problem("error", cf, int(row), "hh_san_safely_managed", int(sm),
                                   Msg("val.rule.safely_managed_gt_private"), cs))
            piped_nonpiped = [r[c] for c in schemas.WATER_COUNT_COLUMNS[1:3]]
            if pd.isna(r["water_round_trip_min"]) and any(pd.notna(v) and v > 0 for v in piped_nonpiped):
                out.append(Problem("warning", cf, int(row), "water_round_trip_min", "",
                                   Msg("val.rule.round_trip_empty"), cs))
    if len(comm) >= 5:
        total = comm["population"].sum()
        for row, r in comm.iterrows():
            if pd.notna(r["population"]) and total > 0 and r["population"] > 0.5 * total:
                out.append(Problem("warning", cf, int(row), "population", int(r["population"]),
                                   Msg("val.rule.one_community_share", share=100 * r["population"] / total), cs))
    if not sys.empty:
        known_comm = set(comm["community_id"]) if not comm.empty else set()
        this_year = _dt.date.today().year
        pop_by_comm = dict(zip(comm["community_id"], comm["population"])) if not comm.empty else {}
        for row, r in sys.iterrows():
            cid = r["community_id"]
            if cid is not None and known_comm and cid not in known_comm:
                out.append(Problem("error", sf, int(row), "community_id", cid,
                                   Msg("val.rule.unknown_community"), ss))
            yb = r["year_built"]
            if pd.notna(yb) and yb > this_year:
                out.append(Problem("error", sf, int(row), "year_built", int(yb),
                                   Msg("val.rule.future_year", year=this_year), ss))
            served, cpop = r["population_served"], pop_by_comm.get(cid)
            if pd.notna(served) and cpop is not None and served > cpop + 1e-6:
                out.append(Problem("warning", sf, int(row), "population_served", served,
                                   Msg("val.rule.served_gt_population", population=int(cpop)), ss))
            if r["chlorination"] is False and pd.notna(r["residual_chlorine_mg_l"]) and r["residual_chlorine_mg_l"] > 0:
                out.append(Problem("warning", sf, int(row), "residual_chlorine_mg_l", r["residual_chlorine_mg_l"],
                                   Msg("val.rule.chlorine_without_chlorination"), ss))
        if not comm.empty:
            hh = dict(zip(comm["community_id"], comm["households"]))
            conn = sys.groupby("community_id")["households_connected"].sum(min_count=1)
            for cid, n in conn.items():
                if pd.notna(n) and cid in hh and n > hh[cid]:
                    out.append(Problem("warning", sf, None, "households_connected", int(n),
                                       Msg("val.rule.connected_gt_households", community=cid,
                                           households=int(hh[cid])), ss))
    if params is not None:  # the baseline (a round is checked against baseline and round systems together)
        out += _piped_without_system(comm, sys, cf, sf, cs)
    if params is not None and not comm.empty:
        from propilas.method.population import rural_share_check

        msg = rural_share_check(canonical(comm, "communities"), params, "en")
        if msg:
            es = rural_share_check(canonical(comm, "communities"), params, "es")
            out.append(Problem("warning", cf, None, "population", int(comm["population"].sum()),
                               Msg.texts(es=es, en=msg), cs))
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
            problems.append(Problem("error", f"{label}{table}", None, None, None, e.msg or str(e)))
            continue
        paths.append(path)
        files[table] = f"{label}{path.name}"
        try:
            df, probs = read_table(path, table, max_rows)
        except UnreadableFileError as e:
            problems.append(Problem("error", f"{label}{path.name}", None, None, None, e.msg or str(e)))
            continue
        for p in probs:
            p.file = f"{label}{p.file}"
            sheets[table] = p.sheet
        problems += probs
        tables[table] = df
    if len(tables) == len(TABLES) and not any(p.row == 1 for p in problems):
        problems += _row_rules(tables["communities"], tables["water_systems"], files, params, sheets)
    return tables, problems, paths


def _outside(path: Path, base: Path) -> str | None:
    """A data folder (or a file in it) that resolves outside its parent is refused: a symlink must
    not make a run read, or later write beside, files elsewhere on the machine."""
    base_r = base.resolve()
    targets = [path] + (sorted(path.rglob("*")) if path.is_dir() and not path.is_symlink() else [])
    for p in targets:
        if not p.resolve().is_relative_to(base_r):
            return Msg("val.file.data_outside", path=str(p), target=str(p.resolve()), base=str(base_r))
    return None


def load_inputs(district: str, params_dir: Path | str = "params", data_dir: Path | str = "data") -> Inputs:
    """Read and check everything a district run needs; never raises for data problems (see .errors)."""
    check_district_id(district)
    inputs = Inputs(district=district, params=None)
    params_file = Path(params_dir) / f"{district}.yaml"
    try:
        inputs.params = load_params(district, params_dir)
    except ParamsError as e:
        inputs.problems.append(Problem("error", str(getattr(e, "path", None) or params_file), None, None, None,
                                       e.msg or str(e)))
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
                                       Msg("val.file.no_data_folder", district=repr(district), folder=str(folder))))
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
                                           Msg("val.file.data_quality_unreadable", error=str(e)[:300])))
    rounds_dir = folder / "rounds"
    if rounds_dir.is_dir():
        baseline = set(inputs.tables["communities"]["community_id"]) if "communities" in inputs.tables else set()
        for sub in sorted(p for p in rounds_dir.iterdir() if p.is_dir()):
            label = f"rounds/{sub.name}/"
            if not YEAR_FOLDER.match(sub.name):
                if sub.name.isdigit():  # '02018' would be read as 2018 and replace rounds/2018
                    inputs.problems.append(Problem("error", label, None, None, sub.name,
                                                   Msg("val.rounds.year_digits")))
                else:
                    inputs.problems.append(Problem("warning", label, None, None, sub.name,
                                                   Msg("val.rounds.not_a_year")))
                continue
            year = int(sub.name)
            outside = _outside(sub, folder)
            if outside:
                inputs.problems.append(Problem("error", label, None, None, None, outside))
                continue
            p = inputs.params
            if p is not None and not (p.base_year < year <= p.horizon_year):
                inputs.problems.append(Problem("warning", label, None, None, year,
                                               Msg("val.rounds.outside", first=p.base_year + 1, last=p.horizon_year)))
                continue
            rt, rprobs, rpaths = _load_folder(sub, None, label, max_rows)
            rc = rt.get("communities")
            if baseline and rc is not None and not rc.empty and "community_id" in rc.columns:
                fname = label + next((pth.name for pth in rpaths if pth.stem.lower() == "communities"),
                                     "communities.csv")
                for row, cid in rc["community_id"].items():
                    if cid is not None and cid not in baseline:
                        rprobs.append(Problem("error", fname, int(row), "community_id", cid,
                                              Msg("val.rounds.unknown_community")))
            if rc is not None and not rc.empty and not any(pr.row == 1 for pr in rprobs):
                sysf = label + next((pth.name for pth in rpaths if pth.stem.lower() == "water_systems"),
                                    "water_systems.csv")
                both = pd.concat([df[["community_id"]] for df in (tables.get("water_systems"), rt.get("water_systems"))
                                  if df is not None and not df.empty and "community_id" in df.columns]
                                 or [pd.DataFrame({"community_id": []})])
                rprobs += _piped_without_system(rc, both, fname, sysf, None,
                                                Msg("val.rounds.no_system", file=sysf))
            inputs.problems += rprobs
            inputs.files += rpaths
            if not any(pr.severity == "error" for pr in rprobs):
                inputs.rounds[year] = {k: canonical(v, k) for k, v in rt.items()}
    return inputs
