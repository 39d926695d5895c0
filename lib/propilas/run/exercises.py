"""Workshop exercises of the stage notebooks, and the checks of their answers (issue 14 §4).

Each stage notebook ends with an exercise on the district being run: a cell shows the data
(`show_exercise(ctx)`: one system's sub-scores, a community's round trip, the first plan year's
items...), the participant writes `answer = ...` in the next cell and runs it; `check(answer, ctx)`
says right or wrong and why, in the report language (text/teaching.yaml). The data and the
expected answer come from the tables the stage has just computed (`ctx.loaded`, `ctx.result`),
chosen by the rules of stages/worked.py, taking another community or system than the worked
example where the district has one.

An answer left as `None` (the notebook's default, and what `propilas run` executes) gets "write
your answer here", never an error, so the runner's report is not touched by the exercise.

`check_<stage slug>(answer, ctx)` is the check of one stage; `ctx` is any object with `params`,
`lang`, `loaded` (the stage's inputs) and `result` (what the stage computed).
"""

from __future__ import annotations

from typing import Any, Callable

from propilas.run.exercises_common import Exercise, Verdict, as_number, plain  # noqa: F401 (public names)
from propilas.run.exercises_plan import (
    check_investment_plan,
    check_monitoring,
    check_participatory_budget,
    check_prioritisation,
    check_summary,
    exercise_investment_plan,
    exercise_monitoring,
    exercise_participatory_budget,
    exercise_prioritisation,
    exercise_summary,
)
from propilas.run.exercises_state import (
    check_diagnosis,
    check_profile,
    check_strategy,
    check_sustainability,
    exercise_diagnosis,
    exercise_profile,
    exercise_strategy,
    exercise_sustainability,
)

EXERCISES: dict[str, tuple[Callable[[Any], Exercise], Callable[[Any, Any], Verdict]]] = {
    "profile": (exercise_profile, check_profile),
    "diagnosis": (exercise_diagnosis, check_diagnosis),
    "sustainability": (exercise_sustainability, check_sustainability),
    "strategy": (exercise_strategy, check_strategy),
    "prioritisation": (exercise_prioritisation, check_prioritisation),
    "investment_plan": (exercise_investment_plan, check_investment_plan),
    "participatory_budget": (exercise_participatory_budget, check_participatory_budget),
    "monitoring": (exercise_monitoring, check_monitoring),
    "summary": (exercise_summary, check_summary),
}


def exercise(ctx: Any) -> Exercise:
    return EXERCISES[ctx.stage.slug][0](ctx)


def check(answer: Any, ctx: Any) -> Verdict:
    return EXERCISES[ctx.stage.slug][1](answer, ctx)
