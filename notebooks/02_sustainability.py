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
# # Etapa 2 — Sostenibilidad de los sistemas de agua
#
# **Pregunta de la etapa.** Un sistema que existe no es un servicio que dura: ¿en qué estado está cada sistema de
# agua, quién lo gestiona y quién lo opera y mantiene?
#
# **Fórmula (índice PROPILAS).** Cada componente se califica de 1 a 4 como promedio de sus subvariables conocidas:
# E estado del sistema (infraestructura, cobertura, continuidad, cantidad, calidad), G gestión (JASS reconocida,
# consejo activo, cuota cobrada, recaudación) y O operación y mantenimiento (plan, operador capacitado, cloración,
# limpiezas del reservorio).
#
# $$IS = \frac{2\,E + G + O}{4}$$
#
# Clases, sin redondear: **A** sostenible si $IS > 3.50$; **B** en proceso de deterioro si $IS > 2.50$;
# **C** en grave deterioro si $IS > 1.50$; si no **D** colapsado. Por ejemplo la continuidad vale 4 con ≥ 20 h/día,
# 3 con ≥ 12, 2 con ≥ 6 y si no 1; la cobertura $\min(1, \sum hh^{\text{conectados}} / hh)$ vale 4 con ≥ 0.9.
# Un componente cuenta solo con al menos `sustainability.min_subvariables` subvariables conocidas (E además la
# infraestructura); sin E el sistema queda **sin clasificar** y recibe una visita de diagnóstico, no obras.
# Pesos, tramos y cortes están en `params/defaults.yaml` (`sustainability`). Manual: `methodology/02_sustainability.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 2 — Sustainability of water systems
#
# **The stage's question.** A system that exists is not a service that lasts: what state is each water system in,
# who manages it, and who operates and maintains it?
#
# **Formula (PROPILAS index).** Each component is scored 1 to 4 as the mean of its known sub-variables:
# E state of the system (infrastructure, coverage, continuity, quantity, quality), G management (JASS recognised,
# board active, fee charged, fee collection) and O operation and maintenance (plan, trained operator, chlorination,
# reservoir cleanings).
#
# $$IS = \frac{2\,E + G + O}{4}$$
#
# Classes, without rounding: **A** sustainable if $IS > 3.50$; **B** in process of deterioration if $IS > 2.50$;
# **C** in grave deterioration if $IS > 1.50$; else **D** collapsed. For instance continuity scores 4 with ≥ 20 h/day,
# 3 with ≥ 12, 2 with ≥ 6, else 1; coverage $\min(1, \sum hh^{\text{connected}} / hh)$ scores 4 at ≥ 0.9.
# A component counts only with at least `sustainability.min_subvariables` known sub-variables (E also needs the
# infrastructure); without E the system is **unclassified** and gets a diagnosis visit, not works.
# Weights, bands and cut-offs are in `params/defaults.yaml` (`sustainability`). Handbook: `methodology/02_sustainability.md`.
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

ctx = StageContext.open("02", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.sustainability.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.sustainability.intro", a=p.sustainability.class_cutoffs["A"], b=p.sustainability.class_cutoffs["B"], c=p.sustainability.class_cutoffs["C"])

# %%
from propilas.stages.charts import sustainability as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
table = result["sustainability"]
counts = result["sustainability_by_class"].set_index("class")["systems"]
mean = table["index"].mean()
ctx.narrate("nb.sustainability.headline", n=len(table), A=counts.get("A", 0), B=counts.get("B", 0),
            C=counts.get("C", 0), D=counts.get("D", 0), U=counts.get("unclassified", 0),
            partial=int(table["partial"].sum()), mean=None if mean != mean else f"{mean:.2f}",
            reasons={"mean": "reason.no_classified_system"})
ctx.narrate("nb.sustainability.partial_note", k=p.sustainability.min_subvariables)
if counts.get("unclassified", 0):
    ctx.narrate("nb.sustainability.unclassified", n=int(counts.get("unclassified", 0)),
                k=p.sustainability.min_subvariables, cost=p.unit_costs.diagnosis_visit_per_system)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %%
source = ctx.source_note(inputs["communities"], inputs["water_systems"])
ctx.show_figure(charts.index_chart(table, ctx.lang, source, water_systems=inputs["water_systems"],
                                   illustrative=ctx.illustrative, max_systems=p.report.max_communities_in_charts))
ctx.show_figure(charts.class_count_chart(result["sustainability_by_class"], ctx.lang, source,
                                         illustrative=ctx.illustrative))
from propilas.stages.charts import maps

ctx.show_figure(maps.class_map(ctx.boundary(), table, inputs["water_systems"], p.name, ctx.lang, source))

# %% [markdown] tags=["trainer", "lang-es"]
# **La tabla** muestra cada subpuntaje. Las observaciones (`flags`) listan lo que faltaba (dejado fuera del
# promedio de su componente) — la lista de tareas del consultor para la próxima encuesta.

# %% [markdown] tags=["trainer", "lang-en"]
# **The table** shows each sub-score. `flags` lists what was missing (left out of its component's
# mean) — a consultant's to-do list for the next survey.

# %%
ctx.show_table(table, columns={"system_id": "col.system_id", "community_id": "col.community_id",
               "infrastructure": "col.infrastructure", "coverage": "col.coverage", "continuity": "col.continuity",
               "quantity": "col.quantity", "quality": "col.quality", "E": "col.E", "G": "col.G", "O": "col.O",
               "index": "col.index", "class": "col.class", "partial": "col.partial", "flags": "col.flags"},
               codes={"class": "class", "partial": "bool"}, decimals=2)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **Cuántos sistemas hay en cada clase** y cuáles son C o D: son candidatos a rehabilitación o reconstrucción
#   (según su infraestructura, etapa 5).
# - **Índices parciales** (marcados en cada tabla y gráfico): falta un componente; los registros SIASAR no traen G ni O.
# - **Sistemas sin clasificar**: no hay evidencia suficiente; primero una visita de diagnóstico.
# - **La columna `flags`**: la lista de tareas del consultor para la próxima encuesta.
#
# ### Errores frecuentes
# - Redondear el índice antes de clasificar: 3.50 es B, no A.
# - Leer un índice parcial como completo.
# - Clasificar un sistema con una o dos respuestas.
# - Poner 0 o 1 a una subvariable desconocida: se deja fuera del promedio de su componente.
#
# **Pruebe:** la lección `notebooks/lessons/sustainability.ipynb` mueve las subvariables de un sistema y muestra
# en vivo su clase y su intervención; o cambie un tramo en `params/defaults.yaml` y vuelva a ejecutar.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **How many systems are in each class**, and which are C or D: candidates for rehabilitation or reconstruction
#   (depending on their infrastructure, stage 5).
# - **Partial indices** (marked in every table and chart): a component is missing; SIASAR records carry no G or O.
# - **Unclassified systems**: not enough evidence; first a diagnosis visit.
# - **The `flags` column**: the consultant's to-do list for the next survey.
#
# ### Common mistakes
# - Rounding the index before classifying: 3.50 is B, not A.
# - Reading a partial index as complete.
# - Classifying a system on one or two answers.
# - Giving an unknown sub-variable 0 or 1: it is left out of its component's mean.
#
# **Try:** the lesson `notebooks/lessons/sustainability.ipynb` moves the sub-variables of one system and shows its
# class and intervention live; or change a band in `params/defaults.yaml` and run again.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **Calcular el índice de un sistema a mano.** Con las subvariables de un sistema, calcule E, G, O y el índice.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **Compute one system's index by hand.** From a system's sub-variables, compute E, G, O and the index.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
