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
# # Etapa 8 — Resumen distrital
#
# **Pregunta de la etapa.** ¿Qué tiene que saber el alcalde en una página, y qué puede exigir el comité de
# vigilancia? `summary.json` alimenta la comparación entre distritos.
#
# **Fórmulas.** Cada cifra del resumen sale de la misma función que la etapa que la calcula; el dinero, de una sola
# definición:
#
# $$\text{costo del plan} = \text{inversión programada} + \text{brecha de financiamiento}$$
#
# donde el costo del plan es el de todos los ítems con precio salvo la ATM, la inversión programada la parte financiada
# y la brecha la parte sin financiar al horizonte. La ATM (gasto anual de funcionamiento) se informa aparte.
# Manual: `methodology/08_summary.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 8 — District summary
#
# **The stage's question.** What does the mayor need to know on one page, and what can the oversight committee hold
# the municipality to? `summary.json` feeds the cross-district comparison.
#
# **Formulas.** Every figure of the summary comes from the same function as the stage that computes it; money from
# one definition:
#
# $$\text{plan cost} = \text{programmed investment} + \text{funding gap}$$
#
# where plan cost is every priced item except the ATM, programmed investment the funded part and the funding gap
# the part still unfunded at the horizon. The ATM (a yearly running cost) is reported apart.
# Handbook: `methodology/08_summary.md`.
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

ctx = StageContext.open("08", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.summary.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.summary.intro")

# %%
from propilas.stages.charts import summary as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
s = result["summary.json"]
ctx.heading("nb.summary.headline", level=2)
ctx.show_headline(s, inputs["communities"])
ctx.show_figure(charts.coverage_chart(s, p), print_key="coverage")
ctx.show_figure(charts.systems_by_class_chart(s, p), print_key="systems_by_class")
ctx.show_figure(charts.investment_chart(inputs["cost_by_year"], p, s), print_key="investment")

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %%
from propilas.stages.charts import maps

ctx.show_figure(maps.plan_map(ctx.boundary(), inputs["communities"], inputs["water_systems"],
                              inputs["sustainability"], inputs["priorities"], p.prioritisation.top_k, p.name,
                              ctx.lang, ctx.source_note(inputs["communities"], inputs["water_systems"])),
                 print_key="plan_map")

# %%
ctx.heading("nb.summary.citizen", level=2)
ctx.narrate_text("\n".join(f"- {ctx.escape(x)}" for x in result["citizen_summary"]["sentence"]))

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **Las cifras principales**: ¿coinciden con las de cada etapa? (Deben: es la misma función.)
# - **El resumen ciudadano**: ¿lo entiende alguien del comité de vigilancia sin explicación?
# - **El mapa del plan**: dónde están las primeras comunidades y los sistemas C/D.
#
# ### Errores frecuentes
# - Sumar la ATM a la inversión.
# - Citar la proporción con acceso básico (JMP, etapa 1) como «personas servidas» (etapa 3: solo sistemas A/B).
# - Redondear cifras y luego sumarlas: las cifras del resumen ya cuadran.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **The headline figures**: do they match each stage's? (They must: it is the same function.)
# - **The citizen summary**: can someone of the oversight committee follow it without explanation?
# - **The plan map**: where the first communities and the C/D systems are.
#
# ### Common mistakes
# - Adding the ATM to the investment.
# - Quoting the basic-access share (JMP, stage 1) as "people served" (stage 3: A/B systems only).
# - Rounding figures and then adding them: the summary's figures already add up.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **La pregunta del alcalde.** Qué parte del costo del plan queda sin financiar.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **The mayor's question.** What part of the plan's cost is left unfunded.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
