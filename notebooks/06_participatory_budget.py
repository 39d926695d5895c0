# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python (propilas)
#     language: python
#     name: propilas
# ---

# %% [markdown] tags=["lesson", "lang-es"]
# # Etapa 6 — Presupuesto participativo y plan institucional
#
# **Pregunta de la etapa.** ¿Qué lleva la municipalidad al taller del presupuesto participativo, quién pone cada sol,
# y qué compromisos aprueba el concejo?
#
# **Fórmulas.** Una ficha de proyecto por inversión de los primeros `budget.sheet_years` años. El costo de una
# ficha se reparte entre las fuentes en el orden de los parámetros (la primera se usa primero):
#
# $$\text{costo} = \sum_{f \in \text{fuentes}} \text{costo}_f$$
#
# y la brecha que cierra, en puntos porcentuales del indicador de brecha de su comunidad:
#
# $$\Delta I = I_{\text{antes}} - I_{\text{después}}$$
#
# Los compromisos: personal y presupuesto anual de la ATM, JASS por reconocer por resolución, la ordenanza que
# aprueba el plan y el papel de cada actor. Manual: `methodology/06_participatory_budget.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 6 — Participatory budget and institutional plan
#
# **The stage's question.** What does the municipality take to the participatory-budget workshop, who pays each
# sol, and which commitments does the council approve?
#
# **Formulas.** One project sheet per investment of the first `budget.sheet_years` years. A sheet's cost is split
# among the sources in the order of the parameters (the first is used first):
#
# $$\text{cost} = \sum_{f \in \text{sources}} \text{cost}_f$$
#
# and the gap it closes, in percentage points of its community's gap indicator:
#
# $$\Delta I = I_{\text{before}} - I_{\text{after}}$$
#
# The commitments: ATM staff and yearly budget, JASS to recognise by resolution, the ordinance approving the plan
# and each actor's role. Handbook: `methodology/06_participatory_budget.md`.
#
# > **Running it by hand.** Choose the district in the parameters cell (`district`: any file of `params/`) and run
# > everything (*Run > Run All Cells*). Folders are found from the project, not from the current folder. Without a
# > `run_id` (a hand run) the stage's tables are written to the scratch folder `outputs/_manual/<district>/`,
# > never into the runner's report set; tables of earlier stages are the runner's when they match these
# > parameters, else they are computed in memory from the input data.

# %% tags=["parameters"]
# Parameters. `propilas run` injects them. By hand: set `district` to any file name in params/
# (e.g. "lajas", "utco") and run all cells (Run > Run All Cells).
district = "tacabamba"
params_data = None  # injected by the runner: the district's parameters as plain data
params_dir = None  # None: <project>/params (the project is found from the installed propilas, not the cwd)
data_dir = None  # None: <project>/data
out_dir = None  # None: <project>/outputs; a hand run writes to <out_dir>/_manual/<district>/
run_id = None  # injected by the runner (None: a hand run)
language = None  # "es" or "en" overrides the district's report language

# %%
from propilas.run.context import StageContext

ctx = StageContext.open("06", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.budget.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.budget.intro", years=p.budget.sheet_years)

# %%
from propilas.stages.charts import budget as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
sheets = result["project_sheets"]
ctx.heading("nb.budget.sheets", level=2, n=len(sheets))
if len(sheets):
    ctx.show_figure(charts.sheets_cost_chart(sheets, p, illustrative=ctx.illustrative))
ctx.show_table(sheets, columns={"sheet_no": "col.sheet_no", "year": "col.year", "community_name": "col.community",
               "intervention": "col.intervention", "beneficiaries": "col.beneficiaries", "cost_pen": "col.cost_pen",
               **{f"cost_{s}_pen": f"source.{s}" for s in p.budget.sources},
               "priority_rank": "col.priority_rank", "gap_closed_pp": "col.gap_closed_pp"},
               codes={"intervention": "intervention"}, decimals=0)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %%
ctx.heading("nb.budget.commitments", level=2)
ctx.show_table(result["commitments"], columns={"item": "col.item", "actor": "col.actor", "detail": "col.detail",
               "amount_pen": "col.amount_pen", "year": "col.year"}, decimals=0)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **Cuánto pone cada nivel de gobierno** en cada ficha: el cofinanciamiento es una solicitud, no un hecho.
# - **Los puntos de brecha que cierra cada ficha**: argumento para el taller.
# - **Los compromisos**: ¿quién en la municipalidad firma cada uno?
#
# ### Errores frecuentes
# - Presentar como asegurado el aporte regional o nacional.
# - Olvidar el presupuesto anual de la ATM entre los compromisos.
# - Llevar al taller una ficha sin costo conocido.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **How much each level of government pays** on each sheet: co-financing is a request, not a fact.
# - **The gap points each sheet closes**: an argument for the workshop.
# - **The commitments**: who in the municipality signs each one?
#
# ### Common mistakes
# - Presenting the regional or national contribution as secured.
# - Forgetting the ATM's yearly budget among the commitments.
# - Taking a sheet without a known cost to the workshop.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **Quién paga.** Calcule qué parte del costo de una ficha pone la primera fuente.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **Who pays.** Compute what part of a sheet's cost the first source pays.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
