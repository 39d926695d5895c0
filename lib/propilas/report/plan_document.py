"""The district plan as an editable Word document: outputs/<district>/plan.docx.

Municipalities approve the plan by ordinance, as a document. This module writes it with
python-docx from what the run already wrote (the district's tables and summary.json, read with
inputs/stage_tables.read_output), in the report language: cover (a BORRADOR band for a draft),
vision and objectives, diagnosis with the key charts (the same chart functions as the notebooks,
PNG at print size, each with alt text), priorities, the investment plan by year and source,
project sheets, commitments, the monitoring framework, data sources and what is illustrative,
and an approval block. Every heading and sentence comes from core/text/plan.yaml (and the shared
labels); money is formatted by method/money.money_text, the one money format of the reports.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from propilas.core.labels import t
from propilas.core.params import load_params
# the parts live beside this module: plan_docx (value formats, the docx building blocks) and
# plan_sections (one function per section of the document)
from propilas.report.plan_docx import _Doc
from propilas.report.plan_sections import (_approval, _commitments, _cover, _diagnosis, _investment, _monitoring,
                                           _priorities, _sheets, _sources, _vision)


# ---------------------------------------------------------------------------------------------- reading

def _read(out_dir: Path, district: str, name: str) -> Any:
    from propilas.inputs.stage_tables import read_output

    try:
        return read_output(out_dir, district, name)
    except Exception:  # noqa: BLE001 - a table a section needs is missing: that section says "sin dato"
        return None


def _kept_charts(out_dir: Path, district: str) -> dict[str, dict]:
    """The print-size charts the summary page (stage 08) kept for this document, by key."""
    import json

    from propilas.core.paths import district_dir
    from propilas.core.registry import STAGES
    from propilas.report.render import kept_print_figures

    try:
        nb = json.loads((district_dir(out_dir, district) / STAGES[-1].notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept_print_figures(nb)


# ---------------------------------------------------------------------------------------------- entry point

TABLES = ("communities", "water_systems", "targets", "sustainability", "priorities", "investment_plan",
          "cost_by_year", "project_sheets", "commitments", "monitoring")


def build_plan_document(out_dir: Path | str, district: str, params_dir: Path | str, data_dir: Path | str,
                        path: Path | str | None = None, language: str | None = None,
                        run_id: str | None = None) -> Path:
    """Write outputs/<district>/plan.docx (or `path`) from the district's tables and summary.json."""
    from propilas.core.paths import district_dir
    from propilas.inputs.boundaries import district_boundary
    from propilas.inputs.tableio import atomic_write_bytes

    out_dir = Path(out_dir)
    p = load_params(district, params_dir)
    L = language or p.language
    if L != p.language:
        p = p.model_copy(update={"language": L})
    s = _read(out_dir, district, "summary.json") or {}
    tables = {name: _read(out_dir, district, name) for name in TABLES}
    d = _Doc(L)
    d.kept = _kept_charts(out_dir, district)
    d.max_rows = p.report.max_rows_per_table
    d.doc.core_properties.title = t("plan.title", L, base=p.base_year, horizon=p.horizon_year) + " — " + p.name
    _cover(d, p, s, run_id)
    _vision(d, p, tables.get("targets"))
    _diagnosis(d, p, s, tables, district_boundary(p.ubigeo, data_dir))
    _priorities(d, p, s, tables)
    _investment(d, p, s, tables)
    _sheets(d, p, tables)
    _commitments(d, p, tables)
    _monitoring(d, p, tables)
    _sources(d, p, s, tables)
    _approval(d, p)
    target = Path(path) if path else district_dir(out_dir, district) / "plan.docx"
    buf = io.BytesIO()
    d.doc.save(buf)
    atomic_write_bytes(buf.getvalue(), target)
    return target
