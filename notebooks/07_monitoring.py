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
# # Etapa 7 — Seguimiento
#
# **Pregunta de la etapa.** ¿Va el distrito según lo planificado? Cada ronda de seguimiento
# (`data/<distrito>/rounds/<año>/`, los mismos archivos que el inventario base) se califica con la misma biblioteca
# que la línea de base.
#
# **Fórmulas.** Para cada indicador (agua básica o mejor, segura, saneamiento, sistemas A/B, IS medio, inversión
# acumulada) y año, la meta anual sale de la trayectoria de la etapa 5:
#
# $$\text{razón} = \frac{\text{medido}}{\text{meta}}$$
#
# Semáforo: **verde** si razón ≥ `monitoring.green` (0.95), **ámbar** si ≥ `monitoring.amber` (0.80), si no **rojo**;
# una meta de 0 no aplica. Manual: `methodology/07_monitoring.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 7 — Monitoring
#
# **The stage's question.** Is the district on track? Each follow-up round (`data/<district>/rounds/<year>/`, the same
# files as the base inventory) is scored with the same library as the baseline.
#
# **Formulas.** For each indicator (water basic or better, safely managed, sanitation, A/B systems, mean IS,
# cumulative investment) and year, the annual target comes from stage 5's trajectory:
#
# $$\text{ratio} = \frac{\text{measured}}{\text{target}}$$
#
# Light: **green** if ratio ≥ `monitoring.green` (0.95), **amber** if ≥ `monitoring.amber` (0.80), else **red**;
# a target of 0 is not applicable. Handbook: `methodology/07_monitoring.md`.
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

ctx = StageContext.open("07", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.monitoring.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.monitoring.intro", base_year=p.base_year, green=p.monitoring.green, amber=p.monitoring.amber)

# %%
from propilas.stages.charts import monitoring as charts

inputs = ctx.inputs()
rounds = sorted(inputs["rounds"])
if rounds:
    ctx.narrate("nb.monitoring.rounds", years=", ".join(map(str, rounds)))
else:
    ctx.narrate("nb.monitoring.no_rounds")
result = ctx.compute(inputs)
ctx.write(result)
ctx.show_figure(charts.monitoring_chart(result["monitoring"], p, illustrative=ctx.illustrative))

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %%
mon = result["monitoring"]
shown = mon[mon["actual"].notna() | (mon["year"] == p.base_year) | (mon["year"] == p.horizon_year)]
shown = shown.assign(target_reason=shown["target_reason"].fillna(""))  # a reason only where a target is missing
ctx.show_table(shown, columns={"indicator": "col.indicator", "year": "col.year", "target": "col.target",
               "actual": "col.actual", "ratio": "col.ratio", "light": "col.light",
               "target_reason": "col.target_reason"},
               codes={"indicator": "indicator", "light": "light", "target_reason": "target_reason"}, decimals=2,
               max_rows=120, rests_on=("rows", "unit_costs", "envelope"))

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **Qué rondas hay**: sin rondas solo está la línea de base (medido = meta en el año base).
# - **Los semáforos ámbar y rojo**, y si se repiten de un año a otro.
# - **Metas faltantes** (con su motivo): nunca se inventa una meta.
#
# ### Errores frecuentes
# - Comparar lo medido con la meta del horizonte en vez de la meta de ese año.
# - Calificar una ronda con otras reglas que la línea de base.
# - Leer un año sin ronda como rojo: es «sin dato».

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **Which rounds exist**: without rounds there is only the baseline (measured = target at the base year).
# - **Amber and red lights**, and whether they repeat from year to year.
# - **Missing targets** (with their reason): a target is never invented.
#
# ### Common mistakes
# - Comparing the measured value with the horizon target instead of that year's target.
# - Scoring a round with other rules than the baseline.
# - Reading a year without a round as red: it is "no data".

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **El semáforo.** Con un valor medido y la meta del año, decida el color.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **The light.** From a measured value and the year's target, decide the colour.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
