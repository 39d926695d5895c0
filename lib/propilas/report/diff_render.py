"""Rendering a diff of two runs (from `propilas.report.diff.diff_runs`) as plain text or HTML."""

from __future__ import annotations

import html
import json
import math
from typing import Any

from propilas.core.labels import t as _labels_t
from propilas.report.diff import has_differences


def _t(key: str, language: str, **fmt: Any) -> str:
    return _labels_t("diff." + key, language, **fmt)


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if math.isnan(v):
            return "—"
        return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,d}" if abs(v) >= 10_000 else str(v)  # years and counts read as written
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _delta(v: float | None) -> str:
    if v is None:
        return "—"
    return ("+" if v > 0 else "") + (f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}")


def _code(c: Any) -> str:
    if isinstance(c, dict):
        return f"{c.get('commit', '?')}{' (dirty)' if c.get('dirty') else ''}"
    return _fmt(c)


def render_diff(d: dict[str, Any], language: str = "es") -> str:
    """Plain text for a terminal or a review comment."""
    L = language
    ra, rb = d["run_a"], d["run_b"]
    out = [_t("title", L, district=d["district"]),
           f"A: {ra['path']}  run {ra['run_id']}  {ra['started_utc'] or ''}  {_t('code', L)} {_code(ra['code_version'])}",
           f"B: {rb['path']}  run {rb['run_id']}  {rb['started_utc'] or ''}  {_t('code', L)} {_code(rb['code_version'])}",
           ""]

    def section(title: str, lines: list[str]) -> None:
        out.append(f"== {title}")
        out.extend(lines if lines else [f"  {_t('none', L)}"])
        out.append("")

    section(_t("inputs", L), [f"  {_t(r['status'], L):9s} {r['path']}" for r in d["inputs"]])
    section(_t("params", L), [f"  {r['key']}: {_fmt(r['old'])} → {_fmt(r['new'])}" for r in d["params"]])
    changed = [h for h in d["headline"] if h["changed"]]
    section(_t("headline", L), [f"  {h['key']}: {_fmt(h['old'])} → {_fmt(h['new'])} ({_delta(h['delta'])})"
                                for h in changed])
    if d["summary_other"]:
        section(_t("other", L), [f"  {o['key']}: {_fmt(o['old'])} → {_fmt(o['new'])}" for o in d["summary_other"]])
    r = d.get("ranking")
    if r is not None:
        lines = []
        if r["entered"]:
            lines.append(f"  {_t('entered', L, k=r['top_k'])}: {', '.join(r['entered'])}")
        if r["left"]:
            lines.append(f"  {_t('left', L, k=r['top_k'])}: {', '.join(r['left'])}")
        if r["changed"]:
            lines.append(f"  {_t('rank_changed', L)}:")
            lines += [f"    {c['community_id']}: {_fmt(c['rank_a'])} → {_fmt(c['rank_b'])} ({_delta(c['delta'])})"
                      for c in r["changed"]]
        if r["only_a"]:
            lines.append(f"  {_t('only_a', L)}: {', '.join(r['only_a'])}")
        if r["only_b"]:
            lines.append(f"  {_t('only_b', L)}: {', '.join(r['only_b'])}")
        section(_t("ranking", L), lines)
    section(_t("tables", L), [f"  {_t(x['status'], L):9s} {x['path']}" for x in d.get("tables", [])])
    if d["notes"]:
        section(_t("notes", L), [f"  - {n}" for n in d["notes"]])
    if not has_differences(d):
        out.append(_t("same", L))
    return "\n".join(out).rstrip() + "\n"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    e = html.escape
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def diff_html_section(d: dict[str, Any], language: str = "es") -> str:
    """One district's differences as an HTML <section> (see `diff_html` for a whole page)."""
    L, e = language, html.escape
    none = f"<p class='none'>{e(_t('none', L))}</p>"
    ra, rb = d["run_a"], d["run_b"]
    parts = [f"<section id='{e(d['district'])}'><h2>{e(_t('title', L, district=d['district']))}</h2>",
             _table(["", "run", "UTC", _t("code", L), _t("status", L)],
                    [["A", ra["run_id"] or "", ra["started_utc"] or "", _code(ra["code_version"]), ra["status"] or ""],
                     ["B", rb["run_id"] or "", rb["started_utc"] or "", _code(rb["code_version"]), rb["status"] or ""]])]
    parts.append(f"<h3>{e(_t('inputs', L))}</h3>")
    parts.append(_table([_t("file", L), _t("status", L)], [[r["path"], _t(r["status"], L)] for r in d["inputs"]])
                 if d["inputs"] else none)
    parts.append(f"<h3>{e(_t('params', L))}</h3>")
    parts.append(_table([_t("key", L), "A", "B"], [[r["key"], _fmt(r["old"]), _fmt(r["new"])] for r in d["params"]])
                 if d["params"] else none)
    parts.append(f"<h3>{e(_t('headline', L))}</h3>")
    rows = [[h["key"], _fmt(h["old"]), _fmt(h["new"]), _delta(h["delta"])] for h in d["headline"]]
    parts.append(_table([_t("key", L), "A", "B", _t("delta", L)], rows) if rows else none)
    if d["summary_other"]:
        parts.append(f"<h3>{e(_t('other', L))}</h3>")
        parts.append(_table([_t("key", L), "A", "B"],
                            [[o["key"], _fmt(o["old"]), _fmt(o["new"])] for o in d["summary_other"]]))
    r = d.get("ranking")
    if r is not None:
        parts.append(f"<h3>{e(_t('ranking', L))}</h3><ul>")
        parts.append(f"<li>{e(_t('entered', L, k=r['top_k']))}: {e(', '.join(r['entered']) or '—')}</li>")
        parts.append(f"<li>{e(_t('left', L, k=r['top_k']))}: {e(', '.join(r['left']) or '—')}</li>")
        if r["only_a"]:
            parts.append(f"<li>{e(_t('only_a', L))}: {e(', '.join(r['only_a']))}</li>")
        if r["only_b"]:
            parts.append(f"<li>{e(_t('only_b', L))}: {e(', '.join(r['only_b']))}</li>")
        parts.append("</ul>")
        parts.append(_table([_t("community", L), f"{_t('rank', L)} A", f"{_t('rank', L)} B", _t("delta", L)],
                            [[c["community_id"], _fmt(c["rank_a"]), _fmt(c["rank_b"]), _delta(c["delta"])]
                             for c in r["changed"]]) if r["changed"] else none)
    parts.append(f"<h3>{e(_t('tables', L))}</h3>")
    parts.append(_table([_t("file", L), _t("status", L)], [[x["path"], _t(x["status"], L)] for x in d["tables"]])
                 if d.get("tables") else none)
    if d["notes"]:
        parts.append(f"<h3>{e(_t('notes', L))}</h3><ul>" + "".join(f"<li>{e(n)}</li>" for n in d["notes"]) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def diff_html(diffs: dict[str, Any] | list[dict[str, Any]], language: str = "es") -> str:
    """A self-contained HTML page for one diff (dict from `diff_runs`) or several (list)."""
    items = [diffs] if isinstance(diffs, dict) else list(diffs)
    title = "PROPILAS · diff"
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;"
             "text-align:left;font-size:.92em}th{background:#eef}.none{color:#777}")
    body = "\n".join(diff_html_section(d, language) for d in items)
    return (f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{style}</style></head><body><h1>{title}</h1>\n{body}\n</body></html>\n")
