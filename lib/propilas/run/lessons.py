"""Interactive lessons (notebooks/lessons/): the library calls behind the sliders.

Why a module and not notebook code: a lesson must show exactly the numbers the district report
shows. So the lessons run the same stage `compute` functions in the same order as a district
run (in memory, no `outputs/` needed), and change one parameter at a time — the prioritisation
weights, the budget envelope, the sanitation target — through a validated copy of the district
parameters, never by patching tables. Notebook cells only build widgets and display what these
functions return.

The code is split by lesson: `lessons_common` (running stages, overrides, display helpers),
`lessons_weights` (the weights lesson), `lessons_budget` (the budget lesson) and
`lessons_sustainability` (the sustainability lesson). This module
gathers their public names, so notebooks keep `from propilas.run import lessons`.
"""

from __future__ import annotations

from propilas.run.lessons_budget import (
    TARGET_DEPENDENT,
    SWEEP_MULTIPLIERS,
    PlanResult,
    envelope_sweep,
    plan_summary_table,
    plan_with_envelope,
    rule_and_optimum,
    scaled_envelope_overrides,
    show_plan,
    show_sweep,
    sweep_chart,
    sweep_table,
    trajectory_chart,
    year_or_never,
)
from propilas.run.lessons_common import (
    LESSON_STAGES,
    chart_source,
    district_tables,
    run_stages,
    text,
    with_overrides,
)
from propilas.run.lessons_sustainability import (
    SystemResult,
    describe_part,
    evaluate,
    nearest_option,
    scores_of,
    show_system,
    slider_options,
    sustainability_app,
    system_choices,
)
from propilas.run.lessons_weights import (
    RankingResult,
    normalise_weights,
    ranking_chart,
    ranking_table,
    ranking_with_weights,
    show_ranking,
    weights_table,
)

__all__ = [
    "LESSON_STAGES",
    "TARGET_DEPENDENT",
    "PlanResult",
    "RankingResult",
    "chart_source",
    "district_tables",
    "normalise_weights",
    "plan_summary_table",
    "plan_with_envelope",
    "ranking_chart",
    "ranking_table",
    "ranking_with_weights",
    "run_stages",
    "scaled_envelope_overrides",
    "show_plan",
    "show_ranking",
    "text",
    "trajectory_chart",
    "weights_table",
    "with_overrides",
    "year_or_never",
    "SWEEP_MULTIPLIERS",
    "SystemResult",
    "describe_part",
    "evaluate",
    "nearest_option",
    "scores_of",
    "show_system",
    "slider_options",
    "sustainability_app",
    "system_choices",
    "envelope_sweep",
    "rule_and_optimum",
    "show_sweep",
    "sweep_chart",
    "sweep_table",
]
