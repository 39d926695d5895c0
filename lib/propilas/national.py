"""National scale: every district of the SIASAR exports, planned in memory, compared side by side.

Why in memory: the notebook runner pays for a kernel, papermill and an HTML export per stage
(seconds per district), which is right for a district's report set but makes the 860 districts
SIASAR covers a matter of hours. A regional government or a programme deciding where to look
first needs the headline figures of all of them, not 7,740 notebooks. So this module builds
each district exactly as `propilas new --from-siasar` would (same inventory, same parameters,
see `scaffold.siasar_params_dict`) and runs every stage's `compute` in registry order in one
process, feeding each stage exactly the tables the registry says it reads - which is what the
notebooks do through tables/*.csv. The figures are therefore the notebook run's figures
(tests/test_national.py checks it on a committed district), only without the documents.

Memory stays flat: a worker keeps a district's tables only while it computes them and returns
its summary.json plus a few roll-up numbers. A district whose SIASAR records give no community
with population and households, or whose computation raises, is recorded as failed with the
reason; it never stops the others.

What the national figures are NOT: SIASAR surveys water systems, not communities or sanitation.
Each community's population is the population its systems serve (so water "basic or better" is
high by construction), sanitation is not computed, the census is a placeholder (zero growth) and
every sustainability index is partial (state of the system only: management and O&M are not in
SIASAR). The report says so on its first screen.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import html
import importlib
import io
import math
import multiprocessing as mp
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from .comparison import CLASS_KEYS, RANKS, comparison_table
from .errors import PropilasError, StageError
from .params import DistrictParams
from .registry import STAGES

OK, FAILED = "ok", "failed"
NEED_RANK = "need_rank"
NEED_TOP = 20
FAILURE_NO_INVENTORY = "no_inventory"
FAILURE_PARAMS = "params"
FAILURE_INPUTS = "input_errors"
Progress = Callable[[int, int], None]


# ---------------------------------------------------------------------------------------------
# one district, in memory
# ---------------------------------------------------------------------------------------------

def _empty_validation() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object)
                         for c in ("severity", "file", "sheet", "row", "column", "value", "rule")})


def compute_district(communities: pd.DataFrame, water_systems: pd.DataFrame, params: DistrictParams, *,
                     rounds: Mapping[int, Mapping[str, pd.DataFrame]] | None = None,
                     validation: pd.DataFrame | None = None) -> dict[str, Any]:
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
                                      "validation": _empty_validation() if validation is None else validation}
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
    from .validation import check_tables

    return check_tables(communities, water_systems, params)


# ---------------------------------------------------------------------------------------------
# districts of the SIASAR exports
# ---------------------------------------------------------------------------------------------

def district_id(division: str) -> str:
    """A district id from a SIASAR division: 'CAJAMARCA,CHOTA,TACABAMBA' → 'cajamarca_chota_tacabamba'.

    Department and province are kept: district names repeat across Peru (e.g. several 'San Juan').
    """
    from .siasar import slug

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


_STATE: _State | None = None


def _load_state(root: Path, files: tuple[str, ...] | None, language: str) -> _State:
    from .params import load_defaults
    from .siasar import default_files, divisions, load_siasar_cached

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
    _STATE = _State(key, divs, groups, load_defaults(root / "params"), language)
    return _STATE


def national_divisions(root: Path | None = None, files: Iterable[Path] | None = None) -> pd.DataFrame:
    """Every district (division) of the SIASAR exports with its id: division, department, province,
    district, systems, district_id."""
    from .siasar import project_root

    root = Path(root) if root else project_root()
    fkey = tuple(str(Path(f).resolve()) for f in files) if files else None
    return _load_state(root, fkey, "es").divisions.copy()


def district_from_siasar(division_row: Mapping[str, Any], division_rows: pd.DataFrame, defaults: dict[str, Any],
                         language: str = "es") -> tuple[pd.DataFrame, pd.DataFrame, DistrictParams]:
    """(communities, water_systems, params) of one SIASAR district, as `propilas new --from-siasar`
    would write them (same inventory function, same parameter text), without files."""
    from .params import params_from_dict
    from .scaffold import siasar_params_dict
    from .siasar import district_inventory

    division = str(division_row["division"])
    comm, ws = district_inventory(division_rows, division)
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
            comm, ws, params = district_from_siasar(drow, st.groups[ident["division"]], st.defaults, st.language)
            validation = None
            if st.validate:
                from .tableio import problems_frame

                problems = check_inputs(comm, ws, params)
                errors = [p for p in problems if p.severity == "error"]
                if errors:
                    raise _InputErrors(f"{len(errors)} input error(s) as `propilas validate` reports them; "
                                       f"first: {errors[0]}")
                validation = problems_frame(problems)
            tables = compute_district(comm, ws, params, validation=validation)
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
    from .siasar import normalise_division, project_root

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
# roll-ups and need
# ---------------------------------------------------------------------------------------------

def need_ranking(comparison: pd.DataFrame) -> pd.DataFrame:
    """Add `need_score` (mean of the need ranks a district has, see comparison.RANKS: rank 1 = most
    need) and `need_rank` (1 = most in need; ties share the best rank). A rank that is the same
    for every district (e.g. water basic-or-better, 100 % by construction in SIASAR-only data)
    does not change the order; a district with no rank at all has no need rank."""
    out = comparison.copy()
    if out.empty:
        out["need_score"] = pd.Series(dtype=float)
        out[NEED_RANK] = pd.Series(dtype="Int64")
        return out
    ranks = out[[c for c in RANKS if c in out.columns]].apply(pd.to_numeric, errors="coerce").astype(float)
    out["need_score"] = ranks.mean(axis=1, skipna=True)
    out[NEED_RANK] = out["need_score"].rank(method="min", ascending=True, na_option="keep").astype("Int64")
    return out


def rollup(comparison: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Totals per group (e.g. ['department'] or ['department', 'province']) over completed districts.

    systems_* are counts of systems by class; partial_share_pct = partial indices / systems;
    population_base is the population the districts' communities hold at the base year (for
    SIASAR-only districts: the population their systems serve); water_basic_or_better_pct is
    population-weighted: Σ people on a basic-or-better rung / Σ population_base × 100.
    `districts` counts every district of the group, `failed` those that could not be planned.
    """
    df = comparison.copy()
    for c in ["systems", "partial_indices", "population_base", "water_basic_or_better_population"] + \
             [f"systems_{k}" for k in CLASS_KEYS]:
        df[c] = pd.to_numeric(df[c], errors="coerce") if c in df.columns else np.nan
    df["_ok"] = (df["status"] == OK).astype(int) if "status" in df.columns else 1
    df["_failed"] = 1 - df["_ok"]
    agg = {"districts": ("_ok", "size"), "completed": ("_ok", "sum"), "failed": ("_failed", "sum"),
           "systems": ("systems", "sum"),
           **{f"systems_{k}": (f"systems_{k}", "sum") for k in CLASS_KEYS},
           "partial_indices": ("partial_indices", "sum"), "population_base": ("population_base", "sum"),
           "_served": ("water_basic_or_better_population", "sum")}
    g = df.groupby(by, dropna=False, sort=True).agg(**agg).reset_index()
    total = {k: ("sum" if k not in by else None) for k in g.columns}
    tot = {c: g[c].sum() for c, how in total.items() if how}
    g["partial_share_pct"] = _pct(g["partial_indices"], g["systems"])
    g["water_basic_or_better_pct"] = _pct(g["_served"], g["population_base"])
    tot_row = {c: (tot.get(c) if c not in by else "") for c in g.columns}
    tot_row[by[0]] = "TOTAL"
    tot_row["partial_share_pct"] = _pct(pd.Series([tot["partial_indices"]]), pd.Series([tot["systems"]])).iloc[0]
    tot_row["water_basic_or_better_pct"] = _pct(pd.Series([tot["_served"]]),
                                                pd.Series([tot["population_base"]])).iloc[0]
    g = pd.concat([g, pd.DataFrame([tot_row])], ignore_index=True)
    ints = ["districts", "completed", "failed", "systems", "partial_indices", "population_base"] + \
           [f"systems_{k}" for k in CLASS_KEYS]
    for c in ints:
        g[c] = pd.to_numeric(g[c]).round().astype("Int64")
    return g.drop(columns=["_served"])


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return (100.0 * num / den.where(den > 0)).round(1)


def failures_table(per_district: Mapping[str, Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """The failed districts: district, division, failure_kind, reason."""
    cols = ["district", "division", "department", "province", "siasar_systems", "failure_kind", "reason"]
    df = per_district if isinstance(per_district, pd.DataFrame) else pd.DataFrame(list(per_district.values()))
    if df.empty or "status" not in df.columns:
        return pd.DataFrame(columns=cols)
    df = df[df["status"] == FAILED]
    return df[[c for c in cols if c in df.columns]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------

def _t(key: str, language: str, **fmt: Any) -> str:
    from .labels import t

    return t(key, language, **fmt)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _source(language: str) -> str:
    return _t("national.chart_source", language)


def chart_classes_by_department(dept: pd.DataFrame, language: str):
    """Stacked bars: systems by sustainability class in each department (partial indices: E only)."""
    from .charts.common import COLOURS, finish, new_figure
    from .labels import label

    d = dept[dept["department"] != "TOTAL"].copy()
    if d.empty:
        return None
    d = d.sort_values("systems", ascending=True)
    fig, ax = new_figure(9, max(3.5, 0.3 * len(d) + 1.5))
    left = np.zeros(len(d))
    for k in CLASS_KEYS:
        v = pd.to_numeric(d[f"systems_{k}"], errors="coerce").fillna(0).to_numpy(dtype=float)
        ax.barh(d["department"].astype(str), v, left=left, color=COLOURS[k], label=label("class", k, language))
        left += v
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return finish(fig, _t("national.chart_classes", language), _source(language),
                  xlabel=_t("national.axis_systems", language))


def chart_index_histogram(comparison: pd.DataFrame, cutoffs: Mapping[str, float], language: str):
    """Districts by mean sustainability index, with the class cut-offs of params."""
    from .charts.common import COLOURS, finish, new_figure

    v = pd.to_numeric(comparison.get("mean_sustainability_index"), errors="coerce").dropna()
    if v.empty:
        return None
    fig, ax = new_figure(8, 4)
    ax.hist(v, bins=np.arange(1.0, 4.01, 0.125), color="#607d8b", edgecolor="white")
    for k, x in cutoffs.items():
        ax.axvline(x, color=COLOURS.get(k, "#333333"), linestyle="--", linewidth=1)
        ax.text(x, 1.0, f" {k} >", color=COLOURS.get(k, "#333333"), fontsize=8, va="bottom",
                transform=ax.get_xaxis_transform())
    return finish(fig, _t("national.chart_index", language), _source(language),
                  xlabel=_t("national.axis_index", language), ylabel=_t("national.axis_districts", language))


def _table(df: pd.DataFrame, columns: Mapping[str, str], language: str, decimals: int = 1,
           max_rows: int = 400) -> str:
    from .context import table_html

    return table_html(df, language, columns=dict(columns), decimals=decimals, max_rows=max_rows)


_ROLLUP_COLUMNS = {
    "districts": "national.col.districts", "completed": "national.col.completed", "failed": "national.col.failed",
    "systems": "national.col.systems",
    **{f"systems_{k}": f"national.col.class_{k}" for k in CLASS_KEYS},
    "partial_share_pct": "national.col.partial_share_pct", "population_base": "national.col.population_served",
    "water_basic_or_better_pct": "national.col.water_bob_pct",
}


def write_national_report(out_dir: Path | str, comparison: pd.DataFrame,
                          failures: pd.DataFrame | Mapping[str, Mapping[str, Any]], language: str = "es", *,
                          seconds: float | None = None, workers: int | None = None) -> dict[str, Path]:
    """out_dir/national_comparison.csv (every district, every figure) and out_dir/national.html:
    one self-contained page (charts embedded as PNG, every text HTML-escaped) with department and
    province roll-ups, the districts most in need, the failures and why, the SIASAR attribution and
    the warning that SIASAR-only indices are partial."""
    from .params import load_defaults
    from .siasar import ATTRIBUTION, project_root
    from .tableio import atomic_write_csv, atomic_write_text

    e = html.escape
    L = language
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / "national_comparison.csv", out / "national.html"
    fails = failures_table(failures)
    atomic_write_csv(comparison, csv_path)

    done = comparison[comparison["status"] == OK] if "status" in comparison.columns else comparison
    dept = rollup(comparison, ["department"])
    prov = rollup(comparison, ["department", "province"])
    try:
        cutoffs = load_defaults(project_root() / "params")["sustainability"]["class_cutoffs"]
    except Exception:  # noqa: BLE001 - the chart then goes without cut-off lines
        cutoffs = {}
    charts = [c for c in (chart_classes_by_department(dept, L), chart_index_histogram(done, cutoffs, L))
              if c is not None]

    need_cols = {"need_rank": "national.col.need_rank", "name": "col.district",
                 "department": "national.col.department", "province": "national.col.province",
                 "population_base": "national.col.population_served", "systems": "national.col.systems",
                 "systems_D": "national.col.class_D", "systems_C": "national.col.class_C",
                 "mean_sustainability_index": "national.col.mean_index",
                 "water_basic_or_better_pct": "national.col.water_bob_pct",
                 "funding_gap_per_person_pen": "national.col.gap_per_person",
                 "rank_sustainability": "national.col.rank_sustainability",
                 "rank_funding_gap": "national.col.rank_funding_gap"}
    need = done.dropna(subset=[NEED_RANK]) if NEED_RANK in done.columns else done.iloc[0:0]
    need = need.sort_values([NEED_RANK, "district"], kind="mergesort").head(NEED_TOP)

    kinds = (fails.groupby("failure_kind").agg(districts=("district", "size"), example=("reason", "first"))
             .reset_index().sort_values("districts", ascending=False) if not fails.empty else
             pd.DataFrame(columns=["failure_kind", "districts", "example"]))
    kinds["failure_kind"] = [_t(f"national.kind.{k}", L) if k in (FAILURE_NO_INVENTORY, FAILURE_PARAMS, FAILURE_INPUTS)
                             else k
                             for k in kinds["failure_kind"]]

    n_all, n_ok, n_fail = len(comparison), len(done), len(fails)
    when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    timing = ""
    if seconds is not None:
        timing = e(_t("national.timing", L, seconds=f"{seconds:.1f}", workers=workers or 1))
    body: list[str] = [
        f"<h1>{e(_t('national.title', L))}</h1>",
        f"<p>{e(_t('national.intro', L, total=n_all, ok=n_ok, failed=n_fail))} {timing}</p>",
        f"<div class='warn'><p><strong>{e(_t('national.partial_title', L))}</strong></p>"
        f"<p>{e(_t('national.partial_note', L))}</p></div>",
        f"<h2>{e(_t('national.dept_title', L))}</h2>",
        f"<p>{e(_t('national.rollup_note', L))}</p>",
        _table(dept, {"department": "national.col.department", **_ROLLUP_COLUMNS}, L),
    ]
    body += [f"<img alt='{e(_t('national.chart_alt', L))}' src='{_png(fig)}'>" for fig in charts[:1]]
    body += [
        f"<h2>{e(_t('national.prov_title', L))}</h2>",
        f"<details><summary>{e(_t('national.prov_summary', L, n=max(0, len(prov) - 1)))}</summary>",
        _table(prov, {"department": "national.col.department", "province": "national.col.province",
                      **_ROLLUP_COLUMNS}, L, max_rows=1000),
        "</details>",
        f"<h2>{e(_t('national.need_title', L, n=min(NEED_TOP, len(need))))}</h2>",
        f"<p>{e(_t('national.need_note', L))}</p>",
        _table(need, need_cols, L, decimals=2),
    ]
    body += [f"<img alt='{e(_t('national.chart_alt', L))}' src='{_png(fig)}'>" for fig in charts[1:]]
    body += [f"<h2>{e(_t('national.fail_title', L, n=n_fail))}</h2>"]
    if n_fail:
        body += [f"<p>{e(_t('national.fail_note', L))}</p>",
                 _table(kinds, {"failure_kind": "national.col.failure_kind", "districts": "national.col.districts",
                                "example": "national.col.example"}, L),
                 f"<details><summary>{e(_t('national.fail_list', L, n=n_fail))}</summary>",
                 _table(fails, {"division": "national.col.division", "siasar_systems": "national.col.siasar_systems",
                                "reason": "national.col.reason"}, L, max_rows=2000),
                 "</details>"]
    else:
        body += [f"<p>{e(_t('national.fail_none', L))}</p>"]
    body += [
        f"<h2>{e(_t('national.files_title', L))}</h2>",
        f"<p>{e(_t('national.files_note', L, csv=csv_path.name))}</p>",
        f"<footer><p>{e(_t('common.source_siasar', L))}. {e(ATTRIBUTION)}.</p>"
        f"<p>{e(_t('national.generated', L, when=when))}</p></footer>",
    ]
    page = f"""<!DOCTYPE html>
<html lang="{e(L)}"><head><meta charset="utf-8"><title>{e(_t('national.title', L))}</title>
<style>
body{{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}
table{{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}}
th,td{{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right}}
th:first-child,td:first-child{{text-align:left}}
.warn{{background:#fff8e1;border-left:4px solid #ffa000;padding:.3em 1em;margin:1em 0}}
img{{max-width:100%;display:block;margin:1em 0}}
footer{{font-size:.8em;color:#555;border-top:1px solid #ccc;margin-top:2em}}
</style></head><body>
{chr(10).join(body)}
</body></html>
"""
    atomic_write_text(page, html_path)
    return {"csv": csv_path, "html": html_path}


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def _progress_printer(enabled: bool) -> Progress | None:
    if not enabled:
        return None
    t0 = time.perf_counter()

    def show(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            el = time.perf_counter() - t0
            sys.stderr.write(f"\r{done}/{total} districts, {el:.0f} s")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def cmd_national(args: argparse.Namespace) -> int:
    from .cli import project_root

    root = project_root()
    out = Path(args.out) if args.out else root / "outputs" / "national"
    workers = args.workers or max(1, os.cpu_count() or 1)
    t0 = time.perf_counter()
    comparison, per_district = national_tables(None, args.language, workers, root=root, limit=args.limit,
                                               progress=_progress_printer(not args.quiet and sys.stderr.isatty()))
    seconds = time.perf_counter() - t0
    paths = write_national_report(out, comparison, per_district, args.language, seconds=seconds, workers=workers)
    fails = failures_table(per_district)
    es = args.language == "es"
    n_ok = len(comparison) - len(fails)
    print((f"{len(comparison)} distritos: {n_ok} completos, {len(fails)} fallidos, {seconds:.1f} s "
           f"({workers} proceso(s))") if es else
          (f"{len(comparison)} districts: {n_ok} completed, {len(fails)} failed, {seconds:.1f} s "
           f"({workers} worker(s))"))
    if len(fails):
        for kind, n in fails["failure_kind"].value_counts().items():
            print(f"  {n:4d} × {kind}")
    print(f"{paths['csv']}\n{paths['html']}")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `propilas national` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "national", help="plan every SIASAR district in memory and compare them (CSV + one HTML page)",
        description="Every district of the SIASAR exports (data/siasar-peru/), built as `propilas new "
                    "--from-siasar` would and planned in memory with the same stage computations as the "
                    "notebooks; writes national_comparison.csv and national.html. No notebooks are run.")
    p.add_argument("--out", type=Path, help="output folder (default: outputs/national/)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: CPU cores)")
    p.add_argument("--language", choices=("es", "en"), default="es", help="report language (default es)")
    p.add_argument("--limit", type=int, default=None,
                   help="only the first N districts (department/province/district order), for a quick look")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=cmd_national)
    return p


def main(argv: list[str] | None = None) -> int:
    """`python -m propilas.national [--out DIR] ...`: the same as `propilas national` (before it is wired)."""
    parser = argparse.ArgumentParser(prog="propilas")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["national", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args) or 0)
    except PropilasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
