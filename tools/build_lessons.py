"""Write the interactive lessons (notebooks/lessons/*.ipynb) from the cells below, without outputs.

The lessons are for training sessions: a trainer projects the notebook, participants move the
sliders and discuss. All computing is in `propilas.run.lessons` (the same stage functions as the
district reports, run in memory: no `outputs/` folder is needed). Cells stay thin: widgets,
one call, display. Each lesson ends with a static call of its update function with the
district's own values, so a headless run (papermill, HTML export) still shows a table and a chart.

Edit here, run `python tools/build_lessons.py`, commit both.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks" / "lessons"

PARAMETERS = '''# Parameters (papermill may inject others). To study another district, set `district` to any
# file name in params/ (e.g. "lajas", "san_juan") and run all cells (Run > Run All Cells).
district = "tacabamba"
params_dir = "../../params"
data_dir = "../../data"
out_dir = "../../outputs"  # not needed: the lesson computes every table in memory
language = None  # "es" or "en" overrides the district's report language'''

LOAD = '''import ipywidgets as widgets
from IPython.display import Markdown, display

from propilas.core.markup import literal
from propilas.run import lessons

params, tables = lessons.district_tables(district, params_dir, data_dir, language=language)
from propilas.core.labels import t

display(Markdown(t("lesson.district_line", params.language, name=literal(params.name), ubigeo=params.ubigeo,
                   province=literal(params.province), department=literal(params.department),
                   communities=len(tables["communities"]), systems=len(tables["water_systems"]),
                   base_year=params.base_year, horizon_year=params.horizon_year)))'''


def md(text: str) -> list[nbformat.NotebookNode]:
    """A text cell in both languages: two cells tagged `lang-es` / `lang-en` (Spanish from
    tools/lesson_notes_es.py; a text without one stops the build). The HTML export keeps the report
    language's cell (report/htmlexport.py)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from lesson_notes_es import ES

    en = text.strip()
    if en not in ES:
        raise SystemExit(f"lesson text without a Spanish version in tools/lesson_notes_es.py:\n{en[:200]}")
    return [nbformat.v4.new_markdown_cell(ES[en].strip(), metadata={"tags": ["lang-es"]}),
            nbformat.v4.new_markdown_cell(en, metadata={"tags": ["lang-en"]})]


def code(src: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(src.strip(), metadata={"tags": tags} if tags else {})


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "propilas", "display_name": "Python (propilas)", "language": "python"},
        "language_info": {"name": "python"},
    }
    nb.cells = [c for cell in cells for c in (cell if isinstance(cell, list) else [cell])]
    return nb


WEIGHTS = notebook([
    md("""
# Lesson — Who comes first? The weights of the prioritisation

**For the trainer.** This lesson goes with stage 4 (`notebooks/04_prioritisation.ipynb`, handbook page
`methodology/04_prioritisation.md`). It takes about 30 minutes with a group of municipal staff, ATM and JASS
representatives.

**The idea.** The plan ranks communities by seven criteria — water gap, sanitation gap, sustainability deficit,
poverty, people who benefit, cost per beneficiary (cheaper = more priority) and readiness (a JASS exists and the
community has committed a counterpart). Each criterion is put on a 0–1 scale (min–max), multiplied by its
weight, and added: **score = Σ weight × criterion**. Rank 1 is the highest score.

The workshop agrees on the weights. Nobody can defend the third decimal of a weight, so the method also asks:
*if the weights were a little different, would the top of the list change?* It draws 1,000 weight sets around
the agreed ones and counts, for each community, how often it stays among the first *k*
(**p_top_k**), and how similar each re-ranking is to the agreed one (median **Spearman** correlation). The
ranking is called **fragile** when a top-*k* community stays there in fewer than 80 % of the draws, or the median
Spearman is below 0.9 (both thresholds are parameters).
"""),
    code(PARAMETERS, ["parameters"]),
    code(LOAD),
    md("""
## 1. Move the weights

Each slider is the importance of one criterion. You do not need to make them add up to 1: the lesson divides each
by their total (the table shows the weights actually used, next to the district's agreed weights). Putting a
slider at 0 removes the criterion.

**Suggested exercise.**
1. Start with the district's weights and note the first five communities.
2. Put *poverty* at 1 and everything else at 0: the ranking now simply follows the poverty rate. Is that fair to a
   community whose system has collapsed?
3. Give the two gaps most of the weight: which communities climb? Which fall (▼ in the chart)?
4. Look at the verdict line: does the top of the list survive small changes of *your* weights?
"""),
    code('''from propilas.core.labels import t
from propilas.core.params import CRITERIA

sliders = {c: widgets.FloatSlider(value=round(params.prioritisation.weights[c], 3), min=0.0, max=1.0, step=0.01,
                                  description=t(f"criterion.{c}", params.language),
                                  style={"description_width": "320px"}, layout=widgets.Layout(width="620px"),
                                  continuous_update=False)
           for c in CRITERIA}


out = widgets.Output()


def update(change=None):
    lessons.show_ranking(tables, params, {c: s.value for c, s in sliders.items()}, out=out)


for s in sliders.values():
    s.observe(update, names="value")
update()
display(widgets.VBox(list(sliders.values())), out)'''),
    md("""
## 2. What to discuss

- **Robust or fragile?** When the verdict says *fragile*, the order among the first communities depends on fine
  details of the weights: the workshop should agree the order of those communities explicitly (for example by a
  second criterion such as readiness), not leave it to the third decimal.
- **Cost per beneficiary** is *inverted*: a cheaper intervention per person gives more priority. A community with
  nobody to benefit has no value for this criterion (it earns no priority for it and is flagged).
- **Unknown is never 0.** A community whose input is unknown (no poverty rate, no sanitation survey, no JASS or
  counterpart record) is left out of that criterion's scale and takes a fallback: poverty, the district's rate;
  the others, 0.5 (the middle of the scale, `prioritisation.unknown_fallback`). The `fallbacks` column and the
  stage-4 report say which. A community with many fallbacks can sit high: ask for its data before funding it.
- **Beneficiaries** are distinct people (never more than the community's population at the horizon): per service
  the sum of its works, capped; in total the larger service — *at least* that many people.
- **Ties** are broken by the larger total gap (water + sanitation people), then by community code.
- The weights do not change *which* interventions each community needs or what they cost (those come from fixed
  rules before any ranking); they only change the **order** in which the investment plan funds them.

## 3. Snapshot with the district's weights

The cell below shows the result with the district's agreed weights (it is what the printed/HTML version of this
lesson shows, where sliders cannot move).
"""),
    code('''result = lessons.show_ranking(tables, params, dict(params.prioritisation.weights))'''),
])

BUDGET = notebook([
    md("""
# Lesson — How much money, how soon? The budget envelope and the targets

**For the trainer.** This lesson goes with stage 5 (`notebooks/05_investment_plan.ipynb`, handbook page
`methodology/05_investment_plan.md`). About 30 minutes. It is useful before the participatory-budget workshop
(*presupuesto participativo*), when the municipality decides how much it can put on the table each year.

**The idea.** Every year from the year after the base year to the horizon, the plan has a pooled *envelope* of
money (municipal, regional and national sources). The municipality pays its water and sanitation technical unit
(**ATM**) first; then communities are served in priority order: an intervention is funded only if what is left
of that year's envelope covers its **whole** cost (no splitting, no carry-over of unspent money). People count
as served from the year **after** funding. The chart follows basic-or-better coverage (% of the population)
year by year against the target.

The district's envelopes are **illustrative** (see `methodology/illustrative.md`): the point of the lesson is
to see how the year each target is met moves with the money and with the level of ambition.
"""),
    code(PARAMETERS, ["parameters"]),
    code(LOAD),
    md("""
## 1. Change the money and the ambition

- **Envelope ×**: multiplies every source of every year's envelope (1 = the district's envelope).
- **Sanitation target**: basic-or-better sanitation at the horizon (default 80 %). The water target stays at
  100 % (SDG 6.1). A new sanitation target changes each community's sanitation gap, which is a prioritisation
  criterion, so the lesson also recomputes the gaps and the ranking before scheduling.

The faint lines are the district's own plan, the solid lines this scenario; the dotted vertical line marks the
year a target is met.

**Suggested exercise.**
1. Halve the envelope (0.5): which target is delayed, by how many years? What is the funding gap at the horizon?
2. Double it (2): is the water target met earlier? Why does coverage sometimes *fall* slightly in a year with
   no new works? (Population grows; served people do not decrease.)
3. Set the sanitation target to 100 %: what would it cost to reach it, and is it met by the horizon?
"""),
    code('''reference = lessons.plan_with_envelope(tables, params)  # the district's own plan, drawn faint

multiplier = widgets.FloatSlider(value=1.0, min=0.25, max=4.0, step=0.25,
                                 description=t("lesson.envelope_slider", params.language),
                                 continuous_update=False, readout_format=".2f")
options = sorted({0.5, 0.6, 0.7, 0.8, 0.9, 1.0, round(params.targets.sanitation, 2)})
sanitation_target = widgets.Dropdown(options=[(f"{100 * v:.0f} %", v) for v in options],
                                     value=round(params.targets.sanitation, 2),
                                     description=t("lesson.sanitation_slider", params.language))


out = widgets.Output()


def update(change=None):
    lessons.show_plan(tables, params, multiplier.value, sanitation_target.value, reference=reference, out=out)


multiplier.observe(update, names="value")
sanitation_target.observe(update, names="value")
update()
display(widgets.HBox([multiplier, sanitation_target]), out)'''),
    md("""
## 2. The rule and the best plan for the same money

The rule of stage 5 is simple to check by hand, but it does not look for the best. Stage 5 also computes the
**best plan the budget can buy**: the works, and the year of each, that give the most **people-years of
service** (people who gain a water or sanitation rung × years of service up to the horizon) with the same
envelopes, sources and ATM years (`methodology/05_investment_plan.md`). The table and chart below run both for
several envelope multiples (at the district's sanitation target): the people-years of each plan, the difference
("what the simple rule leaves on the table") and the year each target is met under each plan.

**Suggested exercise.**
1. At which envelope does the rule leave the most on the table? Look at the works that differ on the stage-5
   page: is it a large top-ranked work that blocks the money, or money left idle at the end of a year?
2. Does the best plan always meet the targets earlier? (No: it maximises people-years, not a target year.)
3. With much more money, why do both plans come together again? (Everything fits early under both.)
"""),
    code('''sweep = lessons.show_sweep(tables, params)'''),
    md("""
## 3. What to discuss

- **Whole items only.** Money left at the end of a year is lost to the plan when no remaining item fits whole.
  A large item (a new system) can wait years while smaller ones pass ahead of it. This is why a larger envelope
  *usually*, but not by a law of arithmetic, brings targets forward: with more money, a large top-priority item
  can take the place of two smaller ones in the same year.
- **The ATM comes first.** If the envelope cannot pay the ATM in a year, that year's ATM is unfunded and appears in
  the funding gap: a plan without its technical unit is not sustainable.
- **Funding gap** = the cost of every item still unfunded at the horizon: what the district must seek from other
  sources (regional government, national programmes such as the PNSR, cooperation).

## 4. Snapshot with the district's values

The cell below shows the district's own envelope and target (what the printed/HTML version of this lesson shows).
"""),
    code('''result = lessons.show_plan(tables, params, 1.0, params.targets.sanitation, reference=reference)'''),
])

LESSONS: dict[str, nbformat.NotebookNode] = {"weights.ipynb": WEIGHTS, "budget.ipynb": BUDGET}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in LESSONS.items():
        nbformat.validate(nb)
        nbformat.write(nb, OUT / name)
        print("wrote", (OUT / name).relative_to(ROOT))


if __name__ == "__main__":
    main()
