"""National scale: every district of the SIASAR exports, planned in memory, compared side by side.

Why in memory: the notebook runner pays for a kernel, papermill and an HTML export per stage
(seconds per district), which is right for a district's report set but makes the 860 districts
SIASAR covers a matter of hours. A regional government or a programme deciding where to look
first needs the headline figures of all of them, not 7,740 notebooks. So this module builds
each district exactly as `propilas new --from-siasar` would (same inventory, same parameters,
see `scaffold_siasar.siasar_params_dict`) and runs every stage's `compute` in registry order in one
process, feeding each stage exactly the tables the registry says it reads - which is what the
notebooks do through tables/*.csv. The figures are therefore the notebook run's figures
(tests/test_national.py checks it on a committed district), only without the documents.

Memory stays flat: a worker keeps a district's tables only while it computes them and returns
its summary.json plus a few roll-up numbers. A district whose SIASAR records give no community
with population and households, or whose computation raises, is recorded as failed with the
reason; it never stops the others.

The comparison page and CSV are written by `report/national_report.py`; the command
`propilas national` is `cli/national.py`.

What the national figures are NOT: SIASAR surveys water systems, not communities or sanitation.
Each community's population is the population its systems serve, so water access is NOT computed
(null, left out of rankings: never 100 % by construction), sanitation is not computed, the census
is a placeholder (zero growth: every district is a draft) and every sustainability index is partial
(state of the system only: management and O&M are not in SIASAR). Published rows with more
households than persons are kept, their households imputed (district median persons/household),
so only districts with no plannable community are refused. The report says so on its first screen
and counts how many districts have which data.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from propilas.core.errors import PropilasError, StageError
from propilas.core.params import DistrictParams
from propilas.core.registry import STAGES
from propilas.method.comparison import CLASS_KEYS, RANKS, comparison_table
from propilas.method.money import SERVICES
from propilas.report.national_report import (FAILED, FAILURE_INPUTS, FAILURE_NO_INVENTORY, FAILURE_PARAMS,
                                             NEED_RANK, OK)

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------------------------------------
# one district, in memory
# ---------------------------------------------------------------------------------------------

def _empty_validation() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object)
                         for c in ("severity", "file", "sheet", "row", "column", "value", "rule")})


def compute_district(communities: pd.DataFrame, water_systems: pd.DataFrame, params: DistrictParams, *,
                     rounds: Mapping[int, Mapping[str, pd.DataFrame]] | None = None,
                     validation: pd.DataFrame | None = None,
                     data_quality: pd.DataFrame | None = None) -> dict[str, Any]:
    """Every stage's `compute` in registry order; returns every table (and summary.json) by name.

    Stage 00 gets the canonical input tables and the validation report (empty when the inputs
    were not read from files); every later stage gets exactly its registry `reads` from the
    tables accumulated so far, as the notebooks do, so a stage cannot see more here than in its
    notebook. A failure raises StageError naming the stage (the caller records it).
    """
    tables: dict[str, Any] = {}
    for st in STAGES:
        module = importlib.import_module(f"propilas.stages.{st.slug}")
        if st.id == STAGES[0].id:
            inputs: dict[str, Any] = {"communities": communities, "water_systems": water_systems,
                                      "validation": _empty_validation() if validation is None else validation,
                                      "data_quality": data_quality}
        else:
            inputs = {name: tables[name] for name in st.table_inputs}
        if "rounds" in st.data_inputs:
            inputs["rounds"] = dict(rounds or {})
        try:
            results = module.compute(inputs, params)
        except Exception as exc:  # noqa: BLE001 - reported with the stage that raised
            first = (str(exc).strip().splitlines() or [""])[0]
            raise StageError(f"stage {st.name}: {type(exc).__name__}: {first}"[:500]) from exc
        missing = [w for w in st.writes if w not in results]
        if missing:
            raise StageError(f"stage {st.name}: did not produce {missing}")
        tables.update({w: results[w] for w in st.writes})
    return tables


def water_known_population(water_ladder: pd.DataFrame) -> float:
    """Population of the communities whose water access is computed (the denominator of the
    district's %): SIASAR communities whose population is only the people served are left out;
    NaN when none is computed."""
    from propilas.method.ladders import computed_communities

    ok = water_ladder[water_ladder["community_id"].isin(computed_communities(water_ladder, "water"))]
    pop = ok.drop_duplicates("community_id")["community_population"].astype(float)
    return float(pop.sum()) if len(pop) else float("nan")


def water_basic_or_better_population(ladder_district: pd.DataFrame) -> float:
    """People on the safely managed or basic water rung (the numerator of the district's %)."""
    w = ladder_district[(ladder_district["service"] == "water")
                        & ladder_district["rung"].isin(["safely_managed", "basic"])]
    pop = pd.to_numeric(w["population"], errors="coerce")
    return float(pop.sum()) if pop.notna().any() else float("nan")


def check_inputs(communities: pd.DataFrame, water_systems: pd.DataFrame, params: DistrictParams | None
                 ) -> list[Any]:
    """The problems `propilas validate` would report for these tables written as CSV (same range,
    id and cross-table rules; rows numbered as in the CSV: header = 1, first record = 2).

    A district the notebook run would refuse (an input error) must not get figures here either:
    e.g. SIASAR records with more households than persons, or an altitude of 36,678 m.
    """
    from propilas.inputs.validation import check_tables

    return check_tables(communities, water_systems, params)


# ---------------------------------------------------------------------------------------------
# districts of the SIASAR exports
# ---------------------------------------------------------------------------------------------

def district_id(division: str) -> str:
    """A district id from a SIASAR division: 'CAJAMARCA,CHOTA,TACABAMBA' → 'cajamarca_chota_tacabamba'.

    Department and province are kept: district names repeat across Peru (e.g. several 'San Juan').
    """
    from propilas.inputs.siasar import slug

    return slug(division)[:64].strip("_-") or "district"


@dataclass
class _State:
    """What every worker needs, loaded once (inherited by forked workers, rebuilt when spawned)."""

    key: tuple
    divisions: pd.DataFrame  # siasar.divisions() + column `district_id`
    groups: dict[str, pd.DataFrame]  # division → its SIASAR system rows
    defaults: dict[str, Any]
    language: str
    validate: bool = True
    pph_median: float | None = None  # national persons/household of valid rows (imputation fallback)


_STATE: _State | None = None


def _load_state(root: Path, files: tuple[str, ...] | None, language: str) -> _State:
    from propilas.core.params import load_defaults
    from propilas.inputs.siasar import default_files, divisions, load_siasar_cached

    key = (str(root), files, language)
    global _STATE
    if _STATE is not None and _STATE.key == key:
        return _STATE
    df = load_siasar_cached(list(files) if files else default_files(root))
    divs = divisions(df)
    ids = [district_id(d) for d in divs["division"]]
    seen: dict[str, int] = {}
    unique = []
    for i in ids:  # never two districts with one id (and so one output row)
        seen[i] = seen.get(i, 0) + 1
        unique.append(i if seen[i] == 1 else f"{i[:60]}_{seen[i]}")
    divs = divs.assign(district_id=unique)
    groups = {str(k): g for k, g in df.groupby("division", sort=False)}
    from propilas.inputs.siasar_canonical import national_pph_median

    _STATE = _State(key, divs, groups, load_defaults(root / "params"), language,
                    pph_median=national_pph_median(df))
    return _STATE


def national_divisions(root: Path | None = None, files: Iterable[Path] | None = None) -> pd.DataFrame:
    """Every district (division) of the SIASAR exports with its id: division, department, province,
    district, systems, district_id."""
    from propilas.core.paths import repo_root as project_root

    root = Path(root) if root else project_root()
    fkey = tuple(str(Path(f).resolve()) for f in files) if files else None
    return _load_state(root, fkey, "es").divisions.copy()


def district_from_siasar(division_row: Mapping[str, Any], division_rows: pd.DataFrame, defaults: dict[str, Any],
                         language: str = "es", pph_fallback: float | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame, DistrictParams]:
    """(communities, water_systems, params) of one SIASAR district, as `propilas new --from-siasar`
    would write them (same inventory function, same parameter text), without files."""
    from propilas.core.params import params_from_dict
    from propilas.inputs.scaffold_siasar import siasar_params_dict
    from propilas.inputs.siasar_canonical import district_inventory

    division = str(division_row["division"])
    comm, ws = district_inventory(division_rows, division, pph_fallback=pph_fallback)
    if comm.empty:
        raise _NoInventory(f"SIASAR gives no community with population and households for its "
                           f"{int(division_row['systems'])} system(s)")
    did = str(division_row.get("district_id") or district_id(division))
    data = siasar_params_dict(did, division_row, division_rows, comm, ws, defaults, language=language)
    try:
        params = params_from_dict(data, origin=f"SIASAR parameters of {division}")
    except PropilasError as exc:
        raise _BadParams(str(exc)) from exc
    return comm, ws, params


class _NoInventory(PropilasError):
    pass


class _BadParams(PropilasError):
    pass


class _InputErrors(PropilasError):
    pass


def _summary_row(summary: Mapping[str, Any], tables: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(summary)
    row["water_basic_or_better_population"] = water_basic_or_better_population(tables["ladder_district"])
    row["water_known_population"] = water_known_population(tables["water_ladder"])
    dq = tables.get("data_quality")
    row["households_imputed"] = int((dq["action"] == "households_imputed").sum()) if dq is not None and len(dq) else 0
    return row


def _run_division(i: int) -> dict[str, Any]:
    """One district: returns its summary fields (or its failure) plus identity; never raises."""
    st = _STATE
    assert st is not None, "national worker state not loaded"
    drow = st.divisions.iloc[i]
    ident = {"district": str(drow["district_id"]), "division": str(drow["division"]),
             "department": str(drow["department"]).title(), "province": str(drow["province"]).title(),
             "name": str(drow["district"]).title(), "siasar_systems": int(drow["systems"])}
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 860 districts × pandas notices would bury the progress line
            comm, ws, params = district_from_siasar(drow, st.groups[ident["division"]], st.defaults, st.language,
                                                    pph_fallback=st.pph_median)
            # the importer's notes travel in attrs, which pandas deep-copies on every operation of every
            # frame derived from these tables; the notebook run reads them from CSV, without attrs
            data_quality = comm.attrs.get("data_quality")
            comm.attrs = {}
            ws.attrs = {}
            validation = None
            if st.validate:
                from propilas.core.labels import t
                from propilas.inputs.tableio import problems_frame

                problems = check_inputs(comm, ws, params)
                errors = [p for p in problems if p.severity == "error"]
                if errors:
                    raise _InputErrors(t("val.national_inputs", st.language, n=len(errors),
                                         first=errors[0].text(st.language)))
                validation = problems_frame(problems, st.language)
            tables = compute_district(comm, ws, params, validation=validation,
                                      data_quality=data_quality)
        row = _summary_row(tables["summary.json"], tables)
        del tables
        row.update(ident, status=OK, reason="", failure_kind="")
        row["name"] = params.name
    except _NoInventory as exc:
        row = dict(ident, status=FAILED, reason=str(exc), failure_kind=FAILURE_NO_INVENTORY)
    except _InputErrors as exc:
        row = dict(ident, status=FAILED, reason=str(exc)[:500], failure_kind=FAILURE_INPUTS)
    except _BadParams as exc:
        row = dict(ident, status=FAILED, reason=str(exc).splitlines()[0][:500], failure_kind=FAILURE_PARAMS)
    except StageError as exc:
        msg = str(exc)
        row = dict(ident, status=FAILED, reason=msg, failure_kind=": ".join(msg.split(": ")[:2]))
    except Exception as exc:  # noqa: BLE001 - a bug in one district must not stop the country
        row = dict(ident, status=FAILED, reason=f"{type(exc).__name__}: {exc}"[:500],
                   failure_kind=type(exc).__name__)
    row["seconds"] = round(time.perf_counter() - t0, 4)
    return row


def _init_worker(root: str, files: tuple[str, ...] | None, language: str, validate: bool) -> None:
    _load_state(Path(root), files, language).validate = validate


def national_tables(divisions: list[str] | None = None, language: str = "es", workers: int = 1, *,
                    root: Path | str | None = None, files: Iterable[Path] | None = None,
                    limit: int | None = None, progress: Progress | None = None, validate: bool = True
                    ) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Plan every SIASAR district in memory; returns (comparison, per_district).

    `divisions`: 'DEPARTMENT,PROVINCE,DISTRICT' strings (accents/case ignored); None = all of them
    (860 in the shipped exports), in department/province/district order; `limit` keeps the first N.
    `comparison`: `comparison.comparison_table` of every district (failed ones too, with empty
    figures) plus division, department, province, status, reason, failure_kind, siasar_systems,
    water_basic_or_better_population, seconds, and `need_rank` (see `need_ranking`).
    `per_district`: district id → its small record (identity, status, reason, seconds).
    `workers` > 1 runs districts in that many processes (fork where available).
    `validate`: apply the input rules of `propilas validate` (default) and fail a district with
    input errors, as the notebook run would; False plans it anyway (for exploring the data only).
    """
    from propilas.core.paths import repo_root as project_root
    from propilas.inputs.siasar import normalise_division

    root_p = Path(root).resolve() if root else project_root()
    fkey = tuple(str(Path(f).resolve()) for f in files) if files else None
    state = _load_state(root_p, fkey, language)
    state.validate = validate
    divs = state.divisions
    if divisions is not None:
        norm = divs["division"].map(normalise_division)
        want = [normalise_division(d) for d in divisions]
        unknown = [d for d, w in zip(divisions, want) if w not in set(norm)]
        if unknown:
            raise PropilasError(f"SIASAR has no division(s) {unknown} (expected 'DEPARTMENT,PROVINCE,DISTRICT')")
        pos = {w: i for i, w in enumerate(norm)}
        index = [pos[w] for w in dict.fromkeys(want)]
    else:
        index = list(range(len(divs)))
    if limit is not None:
        index = index[: max(0, int(limit))]
    rows: list[dict[str, Any]] = []
    total = len(index)
    if workers <= 1 or total <= 1:
        for n, i in enumerate(index, 1):
            rows.append(_run_division(i))
            if progress:
                progress(n, total)
    else:
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        chunk = max(1, min(16, total // (workers * 8) or 1))
        with ctx.Pool(workers, initializer=_init_worker, initargs=(str(root_p), fkey, language, validate)) as pool:
            for n, row in enumerate(pool.imap_unordered(_run_division, index, chunksize=chunk), 1):
                rows.append(row)
                if progress:
                    progress(n, total)
    order = {i: k for k, i in enumerate(index)}
    pos_of = dict(zip(divs["district_id"], range(len(divs))))
    rows.sort(key=lambda r: order[pos_of[r["district"]]])
    comparison = _whole_numbers(need_ranking(comparison_table(rows)))
    keep = ("district", "division", "department", "province", "name", "siasar_systems", "status", "reason",
            "failure_kind", "seconds")
    per_district = {r["district"]: {k: r.get(k) for k in keep} for r in rows}
    return comparison, per_district


_WHOLE = ("population_base", "population_horizon", "systems", "partial_indices", "communities", "base_year",
          "horizon_year", "water_target_year", "sanitation_target_year", "unfunded_items", "project_sheets",
          "sheet_years", "siasar_systems", "jass_to_recognise", "water_gap_people", "sanitation_gap_people",
          "unpriced_items", "atm_unfunded_years", *(f"{s}_unpriced_items" for s in SERVICES),
          *(f"systems_{k}" for k in CLASS_KEYS))


def _whole_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Counts, people and years as nullable integers, so failed rows (empty) do not turn 7229 into 7229.0."""
    out = df.copy()
    for c in _WHOLE:
        if c in out.columns:
            x = pd.to_numeric(out[c], errors="coerce")
            if ((x.dropna() % 1) == 0).all():
                out[c] = x.astype("Int64")
    return out


# ---------------------------------------------------------------------------------------------
# need
# ---------------------------------------------------------------------------------------------

def need_ranking(comparison: pd.DataFrame) -> pd.DataFrame:
    """Add `need_score` (mean of the need ranks a district has, see comparison.RANKS: rank 1 = most
    need) and `need_rank` (1 = most in need; ties share the best rank). A rank that is the same
    for every district (e.g. water basic-or-better, 100 % by construction in SIASAR-only data)
    does not change the order; a district with no rank at all has no need rank. A figure that is
    not computed (e.g. water access of SIASAR-only districts, whose populations are the people
    served) has no rank, so need is ranked on what is known: sustainability (state, and
    management and O&M where surveyed) and the known gaps (funding gap per person)."""
    out = comparison.copy()
    if out.empty:
        out["need_score"] = pd.Series(dtype=float)
        out[NEED_RANK] = pd.Series(dtype="Int64")
        return out
    ranks = out[[c for c in RANKS if c in out.columns]].apply(pd.to_numeric, errors="coerce").astype(float)
    out["need_score"] = ranks.mean(axis=1, skipna=True)
    out[NEED_RANK] = out["need_score"].rank(method="min", ascending=True, na_option="keep").astype("Int64")
    return out
