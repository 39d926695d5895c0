"""Shared parts of the interactive lessons (see `propilas.run.lessons`): lesson strings,
running the stage `compute` functions in memory, validated parameter overrides, and the display
helpers the lesson notebooks use.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from matplotlib.figure import Figure

from propilas.core.labels import t as _labels_t
from propilas.core.params import DistrictParams, deep_merge
from propilas.core.registry import STAGES, Stage

# Stage ids the lessons run in-process: profile .. prioritisation (stage 5 is recomputed per
# slider move by `plan_with_envelope`).
LESSON_STAGES: tuple[str, ...] = ("00", "01", "02", "03", "04")


def text(key: str, language: str, **fmt: Any) -> str:
    """Lesson strings live in text/lessons.yaml with every other report string."""
    s = _labels_t("lesson." + key, language)
    return s.format(**fmt) if fmt else s


# ---------------------------------------------------------------------------- running stages
def _stage_module(stage: Stage):
    return importlib.import_module(f"propilas.stages.{stage.slug}")


def run_stages(tables: dict[str, Any], params: DistrictParams, stage_ids: tuple[str, ...]) -> dict[str, Any]:
    """Run the stages `stage_ids` (registry order) on `tables`, returning a new dict with their
    outputs added. Each stage receives only what the registry says it reads, as in a run."""
    out = dict(tables)
    for st in STAGES:
        if st.id not in stage_ids:
            continue
        inputs = {k: out[k] for k in st.table_inputs + st.data_inputs if k in out}
        if st.id == "00" and "validation" in out:
            inputs["validation"] = out["validation"]
        result = _stage_module(st).compute(inputs, params)
        missing = [w for w in st.writes if w not in result]
        if missing:
            raise RuntimeError(f"stage {st.name} did not produce {missing}")
        out.update(result)
    return out


def district_tables(district: str, params_dir: str | Path | None = None, data_dir: str | Path | None = None,
                    language: str | None = None,
                    stages: tuple[str, ...] = LESSON_STAGES) -> tuple[DistrictParams, dict[str, Any]]:
    """(params, tables) of a district after stages 00..04, computed in memory from its inputs.

    Invalid inputs stop here with the validation messages: a lesson on bad data would teach
    wrong numbers. `language` ('es'|'en') overrides the district's report language. A folder
    left None is the project's (core/paths.notebook_root), so a lesson runs from anywhere.
    """
    from propilas.core.paths import notebook_root
    from propilas.inputs.validation import load_inputs

    if params_dir is None or data_dir is None:
        root = notebook_root()
        params_dir = root / "params" if params_dir is None else params_dir
        data_dir = root / "data" if data_dir is None else data_dir

    found = load_inputs(district, params_dir, data_dir)
    found.language = language or (found.params.language if found.params is not None else found.language)
    found.raise_if_errors()
    params = found.params
    if language:
        params = params.model_copy(update={"language": language})
    tables: dict[str, Any] = dict(found.tables)
    tables["validation"] = found.report()
    return params, run_stages(tables, params, stages)


def with_overrides(params: DistrictParams, overrides: Mapping[str, Any]) -> DistrictParams:
    """A validated copy of `params` with `overrides` deep-merged (same checks as a params file)."""
    data = deep_merge(params.model_dump(mode="python"), dict(overrides))
    return DistrictParams.model_validate(data)


def chart_source(params: DistrictParams, tables: Mapping[str, Any]) -> str:
    """The source line of the district report (credits SIASAR when its rows are used)."""
    from propilas.method.sources import chart_source as _cs

    return _cs(params.name, params.language, tables.get("communities"), tables.get("water_systems"))


# ---------------------------------------------------------------------------- display (notebooks)
def fmt_number(x: Any, decimals: int = 0, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    v = 100 * float(x) if pct else float(x)
    return f"{v:,.{decimals}f}" + (" %" if pct else "")


def html_table(df: pd.DataFrame) -> str:
    import html as _html

    head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_html.escape(str(v))}</td>" for v in r) + "</tr>"
                   for r in df.itertuples(index=False))
    return f'<table class="propilas-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def figure_image(fig: Figure):
    """A chart as an embedded PNG (the same rendering as the stage reports)."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return Image(data=buf.getvalue(), format="png")


def displayer(out: Any | None):
    """display() into the cell, or, for a widget callback, into the ipywidgets Output `out`.

    Why not `with out:`: that capture context makes the headless executor (nbclient) emulate
    the widget, which was seen to stall papermill runs for minutes; setting the Output's
    `outputs` state is a plain widget-state update and renders the same in JupyterLab.
    """
    if out is None:
        from IPython.display import display

        return display
    out.outputs = ()
    return out.append_display_data
