"""The national choropleth of need (national.html): every district polygon coloured by its need
rank quintile, department outlines on top. The comparison rows are matched to polygons by ubigeo,
else by department, province and district name (inputs/boundaries.match_ubigeo)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

from propilas.core.labels import t


def need_map(comparison: pd.DataFrame, language: str, data_dir: Path | str | None = None):
    """The figure, or None when the boundaries are not there or no district matches a polygon."""
    from propilas.inputs.boundaries import departments, districts, match_ubigeo
    from propilas.stages.charts.maps import need_choropleth

    feats = districts(data_dir)
    if not feats or comparison is None or comparison.empty or "need_rank" not in comparison.columns:
        return None
    keys = match_ubigeo(comparison, data_dir)
    need = pd.to_numeric(comparison["need_rank"], errors="coerce").astype("float64")  # NA (Int64) -> NaN
    ranks = {k: float(r) for k, r in zip(keys, need) if k is not None and pd.notna(r)}
    if not ranks:
        return None
    source = t("national.chart_source", language)
    return need_choropleth([(f.key, f.geometry) for f in feats], ranks, [d.geometry for d in departments(data_dir)],
                           language, source, t("map.need_title", language))


def need_map_html(comparison: pd.DataFrame, language: str, data_dir: Path | str | None = None) -> str:
    """`<img>` of the need map with its alt text, as embedded PNG (the page works offline); '' without one."""
    import matplotlib.pyplot as plt

    fig = need_map(comparison, language, data_dir)
    if fig is None:
        return ""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img class='propilas-map' alt='{html.escape(fig.propilas_alt, quote=True)}' src='data:image/png;base64,{data}'>"
