"""Issue 16: outputs/<district>/scenarios.html — the base plan and each scenario side by side:
target years, money figures (method/money.py, the one function every page uses), people-years of
the rule and of the best plan, coverage trajectories overlaid (one chart per service), the top-k
priority communities and how they change, spending by source. One column per scenario, the base
first; an unknown figure reads "sin dato"/"no data", never nan or None; every text HTML-escaped.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from propilas.core.labels import label, t
from propilas.core.params import DistrictParams
from propilas.core.paths import district_dir
from propilas.method.money import money_figures, money_text

SERVICES = ("water", "sanitation")


def _read_csv(folder: Path, name: str) -> pd.DataFrame | None:
    """A stage table of a run folder (a district's or a scenario's: same layout), read as the next
    stage would read it; None when absent or unreadable (shown as "no data")."""
    from propilas.inputs.stage_tables import read_output

    if not (folder / "tables" / f"{name}.csv").exists():
        return None
    try:
        return read_output(folder.parent, folder.name, name)
    except Exception:  # noqa: BLE001
        return None


def _known(x: Any) -> bool:
    if x is None:
        return False
    try:
        return not math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def column_data(folder: Path) -> dict[str, Any] | None:
    """What the page shows of one run (a district folder, or a scenario's): None when it did not
    complete (no summary.json)."""
    s = folder / "summary.json"
    if not s.exists():
        return None
    summary = json.loads(s.read_text(encoding="utf-8"))
    plan = _read_csv(folder, "investment_plan")
    return {"summary": summary, "money": money_figures(plan), "plan": plan,
            "trajectory": _read_csv(folder, "trajectory"), "priorities": _read_csv(folder, "priorities"),
            "target_years": _read_csv(folder, "target_years")}


def _year_text(ty: pd.DataFrame | None, service: str, horizon: int, lang: str) -> str:
    """The year a service's target is met; 'not met by <horizon>' when the trajectory is known and
    never reaches it; 'no data' when it cannot be said."""
    if ty is None or ty.empty:
        return t("scen.no_data", lang)
    row = ty[ty["service"].astype(str) == service]
    if row.empty:
        return t("scen.no_data", lang)
    year, cov = row["year_met"].iloc[0], row["coverage_horizon_pct"].iloc[0]
    if _known(year):
        return str(int(float(year)))
    return t("headline.not_met", lang, horizon=horizon) if _known(cov) else t("scen.no_data", lang)


def _num(x: Any, lang: str, fmt: str = "{:,.0f}") -> str:
    from propilas.core.numbers import group

    return group(fmt.format(float(x)), lang) if _known(x) else t("scen.no_data", lang)


def _money(x: Any, lang: str) -> str:
    return money_text(x, lang) if _known(x) else t("scen.no_data", lang)


def _horizon_cov(ty: pd.DataFrame | None, service: str, lang: str) -> str:
    if ty is None or ty.empty:
        return t("scen.no_data", lang)
    row = ty[ty["service"].astype(str) == service]
    return _num(row["coverage_horizon_pct"].iloc[0], lang, "{:.1f}") if not row.empty else t("scen.no_data", lang)


def figures_table(cols: list[tuple[str, dict[str, Any] | None]], params: DistrictParams, lang: str) -> pd.DataFrame:
    """Rows: target years, coverage at the horizon, money figures, unfunded works, people-years;
    one column per run (text cells, unknown as 'no data')."""
    def hz(d):
        return int(d["summary"].get("horizon_year") or params.horizon_year)

    rows: list[tuple[str, Any]] = [
        (t("scen.row.horizon", lang), lambda d: str(hz(d))),
        (t("scen.row.water_year", lang), lambda d: _year_text(d["target_years"], "water", hz(d), lang)),
        (t("scen.row.sanitation_year", lang), lambda d: _year_text(d["target_years"], "sanitation", hz(d), lang)),
        (t("scen.row.water_target", lang), lambda d: _num(d["summary"].get("water_target_pct"), lang, "{:.1f}")),
        (t("scen.row.sanitation_target", lang), lambda d: _num(d["summary"].get("sanitation_target_pct"), lang, "{:.1f}")),
        (t("scen.row.water_horizon", lang), lambda d: _horizon_cov(d["target_years"], "water", lang)),
        (t("scen.row.sanitation_horizon", lang), lambda d: _horizon_cov(d["target_years"], "sanitation", lang)),
        (t("headline.plan_cost", lang), lambda d: _money(d["money"]["plan_cost_pen"], lang)),
        (t("headline.investment", lang), lambda d: _money(d["money"]["investment_total_pen"], lang)),
        (t("headline.funding_gap", lang), lambda d: _money(d["money"]["funding_gap_pen"], lang)),
        (t("scen.row.atm_total", lang), lambda d: _money(d["money"]["atm_total_pen"], lang)),
        (t("scen.row.unfunded_items", lang), lambda d: _num(d["money"]["unfunded_items"], lang)),
        (t("scen.row.people_years_rule", lang), lambda d: _num(d["summary"].get("people_years_rule"), lang)),
        (t("scen.row.people_years_optimum", lang), lambda d: _num(d["summary"].get("people_years_optimum"), lang)),
    ]
    out = {t("scen.col.metric", lang): [r[0] for r in rows]}
    for head, d in cols:
        out[head] = [f(d) if d is not None else "—" for _, f in rows]
    return pd.DataFrame(out)


def ranking_table(cols: list[tuple[str, dict[str, Any] | None]], k: int, names: Mapping[str, str],
                  lang: str) -> pd.DataFrame:
    """Rank 1…k: the community at that rank in each run ('+' when not in the base's top k); last
    row: the base's top-k communities each scenario drops."""
    def top(d):
        if d is None or d["priorities"] is None:
            return None
        p = d["priorities"].copy()
        p["rank"] = pd.to_numeric(p["rank"], errors="coerce")
        return [str(c) for c in p.sort_values(["rank", "community_id"], kind="mergesort")["community_id"].head(k)]
    base = top(cols[0][1]) or []
    out: dict[str, list[str]] = {t("scen.col.rank", lang): [str(i + 1) for i in range(k)] + [t("scen.row.left", lang)]}
    for head, d in cols:
        tk = top(d)
        if tk is None:
            out[head] = [t("scen.no_data", lang)] * (k + 1)
            continue
        cells = [(names.get(c, c) + ("" if c in base else " +")) for c in tk] + [""] * (k - len(tk))
        left = [names.get(c, c) for c in base if c not in tk]
        out[head] = cells + [", ".join(left) if left else t("scen.none", lang)]
    return pd.DataFrame(out)


def sources_table(cols: list[tuple[str, dict[str, Any] | None]], params: DistrictParams, lang: str) -> pd.DataFrame:
    """Funded spending (works and ATM) per source over the plan years, one column per run."""
    sources = list(params.budget.sources)
    for _h, d in cols:
        if d is not None and d["plan"] is not None:
            sources += sorted({str(s) for s in d["plan"]["source"].dropna()} - set(sources))
    out: dict[str, list[str]] = {t("scen.col.source", lang): [label("source", s, lang) for s in sources]
                                 + [t("scen.total", lang)]}
    for head, d in cols:
        if d is None or d["plan"] is None:
            out[head] = [t("scen.no_data", lang)] * (len(sources) + 1)
            continue
        plan = d["plan"]
        funded = plan[plan["status"].astype(str) == "funded"]
        cost = pd.to_numeric(funded["cost_pen"], errors="coerce")
        by = cost.groupby(funded["source"].astype(str)).sum()
        vals = [float(by.get(s, 0.0)) for s in sources]
        out[head] = [money_text(v, lang) for v in vals] + [money_text(sum(vals), lang)]
    return pd.DataFrame(out)


def trajectory_chart(cols: list[tuple[str, dict[str, Any] | None]], service: str, target_pct: float | None,
                     lang: str):
    """Coverage (% basic or better) by year, one line per run, the target dashed."""
    from propilas.stages.charts.common import finish, new_figure

    fig, ax = new_figure(8, 4)
    drawn = 0
    styles = ["-", "--", "-.", ":"]
    for i, (head, d) in enumerate(cols):
        if d is None or d["trajectory"] is None:
            continue
        tr = d["trajectory"]
        tr = tr[tr["service"].astype(str) == service]
        y = pd.to_numeric(tr["coverage_pct"], errors="coerce")
        if y.notna().sum() == 0:
            continue
        ax.plot(pd.to_numeric(tr["year"]), y, linestyle=styles[i % len(styles)], linewidth=2.2 if i == 0 else 1.6,
                label=head, color="#333333" if i == 0 else None)
        drawn += 1
    if target_pct is not None and _known(target_pct):
        ax.axhline(float(target_pct), color="#c62828", linestyle="--", linewidth=1, label=t("scen.chart_target", lang))
    if not drawn:
        import matplotlib.pyplot as plt

        plt.close(fig)
        return None
    ax.set_ylim(0, 105)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    svc = label("service", service, lang)
    return finish(fig, t("scen.chart_title", lang, service=svc), t("scen.chart_source", lang),
                  xlabel=t("scen.axis_year", lang), ylabel=t("scen.axis_coverage", lang),
                  alt=t("scen.chart_alt", lang, service=svc))


def _table_html(df: pd.DataFrame, lang: str) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_scenarios_report(out_dir: Path | str, district: str, params: DistrictParams,
                           scenarios: Mapping[str, DistrictParams], results: Mapping[str, Any] | None = None,
                           path: Path | None = None) -> Path:
    """outputs/<district>/scenarios.html (module doc). `params`: the base's; `scenarios`: name →
    the scenario's parameters (core/scenarios.check_scenarios); `results`: name → stage results
    (a failed scenario's column says why)."""
    from propilas.inputs.tableio import atomic_write_text
    from propilas.report.national_report import _png

    lang = params.language
    e = html.escape
    ddir = district_dir(Path(out_dir), district)
    base = column_data(ddir)
    cols: list[tuple[str, dict[str, Any] | None]] = [(t("scen.base", lang), base)]
    notes: list[str] = []
    for name in scenarios:
        sc = params.scenarios[name]
        head = sc.label[lang] + (" " + t("scen.illustrative", lang) if sc.illustrative else "")
        d = column_data(ddir / "scenarios" / name)
        cols.append((head, d))
        change = ", ".join(_changes(sc.overrides))
        reason = ""
        if d is None and results and name in results:
            bad = [r for r in results[name] if getattr(r, "status", "") == "failed"]
            if bad:
                reason = " — " + t("scen.failed", lang, reason=str(bad[0].reason).splitlines()[0][:300])
        note = sc.note.get(lang, "") if sc.note else ""
        notes.append(f"<li><strong>{e(head)}</strong>: {e(note)} <code>{e(change)}</code>{e(reason)}</li>")
    k = int(params.prioritisation.top_k)
    names = {}
    comm = _read_csv(ddir, "communities")
    if comm is not None and "name" in comm.columns:
        names = {str(c): str(n) for c, n in zip(comm["community_id"], comm["name"])}
    body = [f"<h1>{e(t('scen.title', lang, name=params.name))}</h1>",
            f"<p>{e(t('scen.intro', lang))}</p>"]
    if any(params.scenarios[n].illustrative for n in scenarios):
        body.append(f"<div class='warn'><p>{e(t('scen.illustrative_note', lang))}</p></div>")
    body += [f"<h2>{e(t('scen.changes', lang))}</h2>", "<ul>" + "".join(notes) + "</ul>",
             f"<h2>{e(t('scen.figures_heading', lang))}</h2>", _table_html(figures_table(cols, params, lang), lang),
             f"<h2>{e(t('scen.trajectory_heading', lang))}</h2>"]
    for s in SERVICES:
        target = getattr(params.targets, s, None)
        fig = trajectory_chart(cols, s, None if target is None else 100.0 * float(target), lang)
        if fig is not None:
            svc = label("service", s, lang)
            body.append(f"<img alt='{e(t('scen.chart_alt', lang, service=svc))}' src='{_png(fig)}'>")
        else:
            body.append(f"<p>{e(label('service', s, lang))}: {e(t('scen.no_data', lang))}</p>")
    body += [f"<h2>{e(t('scen.ranking_heading', lang, k=k))}</h2>", f"<p>{e(t('scen.ranking_note', lang, k=k))}</p>",
             _table_html(ranking_table(cols, k, names, lang), lang),
             f"<h2>{e(t('scen.sources_heading', lang, first=params.base_year + 1, horizon=params.horizon_year))}</h2>",
             _table_html(sources_table(cols, params, lang), lang),
             f"<footer><p>{e(t('scen.files', lang, path='scenarios/'))}</p>"
             f"<p>{e(t('scen.generated', lang, when=_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')))}</p>"
             "</footer>"]
    page = f"""<!DOCTYPE html>
<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(t('scen.title', lang, name=params.name))}</title>
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
    target = path or ddir / "scenarios.html"
    atomic_write_text(page, target)
    return target


def _changes(overrides: Mapping[str, Any], prefix: str = "") -> list[str]:
    """'budget.envelope.regional = 360000' lines of a scenario's overrides (what the page lists)."""
    out: list[str] = []
    for k, v in overrides.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out += _changes(v, key + ".")
        else:
            out.append(f"{key} = {v}")
    return out
