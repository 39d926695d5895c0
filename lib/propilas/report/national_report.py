"""The national comparison as files: national_comparison.csv (every district, every figure) and
national.html (one self-contained page: department and province roll-ups, the districts most in
need, the failures and why, the SIASAR attribution and the warning that SIASAR-only indices are
partial). The comparison table itself is computed in memory by `run/national.py`; this module
also defines its status and failure vocabulary, and the roll-ups the page shows.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from propilas.method.comparison import CLASS_KEYS

OK, FAILED = "ok", "failed"
NEED_RANK = "need_rank"
NEED_TOP = 20
FAILURE_NO_INVENTORY = "no_inventory"
FAILURE_PARAMS = "params"
FAILURE_INPUTS = "input_errors"


# ---------------------------------------------------------------------------------------------
# roll-ups and failures
# ---------------------------------------------------------------------------------------------

def rollup(comparison: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Totals per group (e.g. ['department'] or ['department', 'province']) over completed districts.

    systems_* are counts of systems by class; partial_share_pct = partial indices / systems;
    population_base is the population the districts' communities hold at the base year (for
    SIASAR-only districts: the population their systems serve); water_basic_or_better_pct is
    population-weighted over the communities whose water access is computed only: Σ people on a
    basic-or-better rung / Σ water_known_population × 100 — empty (not computed) when no
    community of the group has a known population, never 100 % by construction.
    `districts` counts every district of the group, `failed` those that could not be planned.
    """
    df = comparison.copy()
    for c in ["systems", "partial_indices", "population_base", "water_basic_or_better_population",
              "water_known_population"] + [f"systems_{k}" for k in CLASS_KEYS]:
        df[c] = pd.to_numeric(df[c], errors="coerce") if c in df.columns else np.nan
    df["_ok"] = (df["status"] == OK).astype(int) if "status" in df.columns else 1
    df["_failed"] = 1 - df["_ok"]
    agg = {"districts": ("_ok", "size"), "completed": ("_ok", "sum"), "failed": ("_failed", "sum"),
           "systems": ("systems", "sum"),
           **{f"systems_{k}": (f"systems_{k}", "sum") for k in CLASS_KEYS},
           "partial_indices": ("partial_indices", "sum"), "population_base": ("population_base", "sum"),
           "_served": ("water_basic_or_better_population", "sum"),
           "_known": ("water_known_population", lambda x: x.sum(min_count=1))}
    g = df.groupby(by, dropna=False, sort=True).agg(**agg).reset_index()
    total = {k: ("sum" if k not in by else None) for k in g.columns}
    tot = {c: g[c].sum() for c, how in total.items() if how}
    g["partial_share_pct"] = _pct(g["partial_indices"], g["systems"])
    g["water_basic_or_better_pct"] = _pct(g["_served"], g["_known"])
    tot_row = {c: (tot.get(c) if c not in by else "") for c in g.columns}
    tot_row[by[0]] = "TOTAL"
    tot_row["partial_share_pct"] = _pct(pd.Series([tot["partial_indices"]]), pd.Series([tot["systems"]])).iloc[0]
    tot_row["water_basic_or_better_pct"] = _pct(pd.Series([tot["_served"]]),
                                                pd.Series([g["_known"].sum(min_count=1)])).iloc[0]
    g = pd.concat([g, pd.DataFrame([tot_row])], ignore_index=True)
    ints = ["districts", "completed", "failed", "systems", "partial_indices", "population_base"] + \
           [f"systems_{k}" for k in CLASS_KEYS]
    for c in ints:
        g[c] = pd.to_numeric(g[c]).round().astype("Int64")
    return g.drop(columns=["_served", "_known"])


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return (100.0 * num / den.where(den > 0)).round(1)


def data_availability(comparison: pd.DataFrame) -> pd.DataFrame:
    """How many districts have which data: key (national.data.*) and districts."""
    df = comparison
    ok = df[df["status"] == OK] if "status" in df.columns else df
    num = lambda c: pd.to_numeric(ok[c], errors="coerce") if c in ok.columns else pd.Series(np.nan, index=ok.index)  # noqa: E731
    water = num("water_basic_or_better_pct").notna()
    partial, systems = num("partial_indices"), num("systems")
    draft = ok["draft"].map(lambda v: str(v).lower() in ("true", "1")) if "draft" in ok.columns else pd.Series(False, index=ok.index)
    rows = [("planned", len(ok)), ("refused", len(df) - len(ok)), ("water", int(water.sum())),
            ("water_not", int((~water).sum())), ("sanitation", int(num("sanitation_basic_or_better_pct").notna().sum())),
            ("index", int(num("mean_sustainability_index").notna().sum())),
            ("full_index", int(((systems - partial) > 0).sum())),
            ("imputed", int((num("households_imputed") > 0).sum())), ("draft", int(draft.sum()))]
    return pd.DataFrame(rows, columns=["data", "districts"])


def failures_table(per_district: Mapping[str, Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """The failed districts: district, division, failure_kind, reason."""
    cols = ["district", "division", "department", "province", "siasar_systems", "failure_kind", "reason"]
    df = per_district if isinstance(per_district, pd.DataFrame) else pd.DataFrame(list(per_district.values()))
    if df.empty or "status" not in df.columns:
        return pd.DataFrame(columns=cols)
    df = df[df["status"] == FAILED]
    return df[[c for c in cols if c in df.columns]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# charts and page
# ---------------------------------------------------------------------------------------------

def _t(key: str, language: str, **fmt: Any) -> str:
    from propilas.core.labels import t

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
    from propilas.stages.charts.common import COLOURS, finish, new_figure
    from propilas.core.labels import label

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
    from propilas.stages.charts.common import COLOURS, finish, new_figure

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
    from propilas.report.render import table_html

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
    from propilas.core.params import load_defaults
    from propilas.core.paths import repo_root as project_root
    from propilas.inputs.siasar import ATTRIBUTION
    from propilas.inputs.tableio import atomic_write_csv, atomic_write_text

    e = html.escape
    L = language
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / "national_comparison.csv", out / "national.html"
    fails = failures_table(failures)
    atomic_write_csv(comparison, csv_path)

    done = comparison[comparison["status"] == OK] if "status" in comparison.columns else comparison
    dept = rollup(comparison, ["department"])
    avail = data_availability(comparison)
    avail["data"] = [_t(f"national.data.{k}", L) for k in avail["data"]]
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
        f"<h2>{e(_t('national.data_title', L))}</h2>",
        f"<p>{e(_t('national.data_note', L))}</p>",
        _table(avail, {"data": "national.col.data", "districts": "national.col.districts"}, L, decimals=0),
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
    from propilas.report.national_map import need_map_html  # choropleth of need on real boundaries

    body += [need_map_html(comparison, L)]
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
