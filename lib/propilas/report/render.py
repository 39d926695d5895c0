"""How tables, charts and the provenance block are shown on a page (stage notebooks, comparison, national).

Everything shown is HTML-escaped: community names come from hand-typed spreadsheets.
"""

from __future__ import annotations

import html
import json
from typing import Any, Mapping

import pandas as pd

from propilas.core import labels


def show_figure(fig) -> None:
    """Embed a chart as PNG (the report is one self-contained file); None (e.g. no coordinates) shows nothing."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    if fig is None:
        return
    from propilas.stages.charts.common import plain_text

    plain_text(fig)  # names are plain text: a '$…$' name is never mathtext (stages/charts/common.py)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    alt = getattr(fig, "propilas_alt", None)  # maps describe themselves (stages/charts/maps.py)
    if alt:
        import base64
        import html as _html

        from IPython.display import HTML

        data = base64.b64encode(buf.getvalue()).decode("ascii")
        display(HTML(f'<img class="propilas-map" alt="{_html.escape(alt)}" src="data:image/png;base64,{data}">'))
        return
    display(Image(data=buf.getvalue(), format="png"))


def _is_year_or_rank(name: str) -> bool:
    low = name.lower().strip()
    return (low.startswith(("year", "año", "rank", "priorid", "priority", "sheet", "ficha"))
            or low.endswith(("year", "rank")) or "_year" in low or "_rank" in low)


def _formatters(df: pd.DataFrame, decimals: int) -> dict[str, Any]:
    """Whole numbers without decimals, others with `decimals`; thousands separated."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        vals = pd.to_numeric(s, errors="coerce").dropna()
        whole = bool(len(vals)) and bool((vals == vals.round()).all())
        if whole and _is_year_or_rank(str(col)):
            out[col] = lambda x: f"{x:.0f}"
        else:
            out[col] = (lambda x: f"{x:,.0f}") if whole else (lambda x, d=decimals: f"{x:,.{d}f}")
    return out


def table_html(df: pd.DataFrame, language: str, columns: Mapping[str, str] | None = None,
               codes: Mapping[str, str] | None = None, decimals: int = 1, max_rows: int = 60,
               percent: list[str] | None = None) -> str:
    """Fractions listed in `percent` are shown as percentages (files keep fractions 0-1)."""
    shown = labels.relabel(df, dict(codes or {}), language)
    for col in percent or []:
        if col in shown.columns:
            shown[col] = pd.to_numeric(shown[col], errors="coerce") * 100
    if columns:
        shown = shown[[c for c in columns if c in shown.columns]]
        shown = shown.rename(columns={c: labels.t(k, language) for c, k in columns.items()})
    for col in shown.columns:
        if shown[col].dtype == object:
            shown[col] = ["—" if v is None or (isinstance(v, float) and v != v) else v for v in shown[col]]
    more = len(shown) - max_rows
    shown = shown.head(max_rows)
    fmt = _formatters(shown, decimals)
    missing = labels.t("common.missing", language)
    e = html.escape
    head = "".join(f"<th class='{'num' if c in fmt else 'txt'}'>{e(str(c))}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for c, v in zip(shown.columns, rec):
            if c in fmt:
                text = missing if v is None or pd.isna(v) else fmt[c](v)
                cells.append(f"<td class='num'>{e(text)}</td>")
            else:
                text = missing if v is None or (isinstance(v, float) and v != v) else str(v)
                cells.append(f"<td class='txt'>{e(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = (f"<table class='propilas-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    if more > 0:
        body += f"<p><em>{html.escape(labels.t('common.more_rows', language, n=more))}</em></p>"
    return body


def provenance_html(prov: dict[str, Any], language: str) -> str:
    e = html.escape
    cv = prov["code_version"]
    dirty = labels.t("provenance.dirty", language) if cv.get("dirty") else labels.t("provenance.clean", language)
    rows = [
        (labels.t("provenance.run", language), f"{prov['run_id']} · {prov['time_utc']}"),
        (labels.t("provenance.code", language), f"{cv['commit']} ({dirty})"),
        (labels.t("provenance.packages", language), ", ".join(f"{k} {v}" for k, v in prov["packages"].items())),
    ]
    table = "".join(f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    files = "".join(f"<tr><td><code>{e(f)}</code></td><td><code>{e(h)}</code></td></tr>"
                    for f, h in prov["input_sha256"].items())
    params = e(json.dumps(prov["parameters"], indent=1, ensure_ascii=False))
    return (f"<details class='provenance'><summary><strong>{e(labels.t('provenance.title', language))}</strong>"
            f"</summary><table>{table}</table><p>{e(labels.t('provenance.inputs', language))}</p>"
            f"<table>{files}</table><p>{e(labels.t('provenance.params', language))}</p>"
            f"<pre style='max-height:20em;overflow:auto'>{params}</pre></details>")
