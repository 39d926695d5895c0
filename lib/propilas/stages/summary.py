"""Stage 08 — district summary: summary.json (headline figures) and the citizen summary."""

from __future__ import annotations

from typing import Any

import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.summary import build_summary, citizen_summary


def compute(inputs: dict[str, pd.DataFrame], params: DistrictParams) -> dict[str, Any]:
    """{'summary.json': dict, 'citizen_summary': DataFrame(sentence)}.

    Optional inputs used when present: robustness (fragile_ranking), water_systems (data sources,
    illustrative share), cost_by_year.
    """
    summary = build_summary(inputs, params)
    if summary.get("draft"):
        # a draft must not reach an oversight committee as a plan: no citizen summary, one sentence why
        from propilas.core.drafts import placeholder_labels
        from propilas.core.labels import t

        items = "; ".join(placeholder_labels(summary["placeholders"], params.language))
        sentences = [t("draft.citizen_withheld", params.language, items=items)]
    else:
        sentences = citizen_summary(inputs, params, summary=summary)
    return {"summary.json": summary, "citizen_summary": pd.DataFrame({"sentence": sentences}, dtype=object)}
