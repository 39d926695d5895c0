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
# # Etapa 0 — Perfil del distrito y control de datos
#
# **Pregunta de la etapa.** ¿A quién sirve el plan, cuántas personas viven hoy y al horizonte en cada comunidad,
# y se puede confiar en el inventario?
#
# **Fórmulas.** La tasa de crecimiento intercensal sale de los dos censos más recientes ($P_1$ en $t_1$, $P_2$ en $t_2$):
#
# $$r = \left(\frac{P_2}{P_1}\right)^{1/(t_2 - t_1)} - 1$$
#
# y cada comunidad $c$ se proyecta desde su población del año base $t_0$ con crecimiento compuesto:
#
# $$P_c(t) = P_c(t_0)\,(1 + r)^{\,t - t_0}$$
#
# Control: la suma de las comunidades se compara con la población rural esperada,
# $\sum_c P_c(t_0)$ frente a $P(t_0) \times$ `rural_share`; una diferencia mayor que `population.rural_share_tolerance`
# es una advertencia. Manual: `methodology/00_profile.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 0 — District profile and data check
#
# **The stage's question.** Whom does the plan serve, how many people live in each community today and at the
# horizon, and can the inventory be trusted?
#
# **Formulas.** The intercensal growth rate comes from the two most recent censuses ($P_1$ in $t_1$, $P_2$ in $t_2$):
#
# $$r = \left(\frac{P_2}{P_1}\right)^{1/(t_2 - t_1)} - 1$$
#
# and each community $c$ is projected from its base-year population at $t_0$ with compound growth:
#
# $$P_c(t) = P_c(t_0)\,(1 + r)^{\,t - t_0}$$
#
# Check: the communities' sum is compared with the expected rural population, $\sum_c P_c(t_0)$ against
# $P(t_0) \times$ `rural_share`; a difference above `population.rural_share_tolerance` is a warning.
# Handbook: `methodology/00_profile.md`.
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

ctx = StageContext.open("00", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.profile.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.profile.intro")

# %%
inputs = ctx.inputs()
report = inputs["validation"]
errors = int((report["severity"] == "error").sum())
if errors:
    ctx.narrate("nb.profile.validation_failed", errors=errors)
elif len(report):
    ctx.narrate("nb.profile.validation_ok", warnings=len(report))
else:
    ctx.narrate("nb.profile.validation_none")
if len(report):  # headers and severity in the report language (issue 13 §2)
    ctx.show_table(report, columns={"severity": "col.severity", "file": "col.file", "sheet": "col.v_sheet",
                   "row": "col.v_row", "column": "col.v_column", "value": "col.v_value", "rule": "col.rule"},
                   codes={"severity": "severity"}, max_rows=200)
ctx.validation.raise_if_errors()  # bad input never produces a report that looks complete

# %% [markdown] tags=["trainer", "lang-es"]
# **¿Qué filas son reales?** Cada fila indica su `source` (fuente). Las filas SIASAR son registros reales de
# encuesta (nunca completados con valores inventados); las filas `illustrative` se generaron para completar el
# ejemplo.

# %% [markdown] tags=["trainer", "lang-en"]
# **Which rows are real?** Every row says its `source`. SIASAR rows are real survey records (never
# completed with invented values); `illustrative` rows were generated to make the example complete.

# %%
from propilas.method.sources import sources_note

ctx.narrate_text(sources_note(inputs["communities"], inputs["water_systems"], ctx.lang))
result = ctx.compute(inputs)
ctx.write(result)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %% [markdown] tags=["trainer", "lang-es"]
# **Población.** La tasa de crecimiento sale de los dos censos más recientes; cada comunidad se proyecta con
# la tasa del distrito a partir de su población del año base.

# %% [markdown] tags=["trainer", "lang-en"]
# **Population.** The growth rate comes from the two most recent censuses; each community is projected
# with the district rate from its base-year population.

# %%
from propilas.stages.charts import diagnosis as charts
from propilas.method.population import district_growth_rate

years = sorted(p.census_known)[-2:]
y1, y2 = years
dp = result["district_population"].set_index("year")
ctx.narrate("nb.profile.growth", y1=y1, y2=y2, p1=p.census_known[y1], p2=p.census_known[y2], dt=y2 - y1,
            r=district_growth_rate(p), pbase=dp.loc[p.base_year, "population_district"],
            phor=dp.loc[p.horizon_year, "population_district"], base_year=p.base_year,
            horizon_year=p.horizon_year, n=len(result["communities"]),
            total=int(result["communities"]["population"].sum()))
source = ctx.source_note(result["communities"], result["water_systems"])
ctx.show_figure(charts.population_projection(result["district_population"], ctx.lang, source,
                                             illustrative=ctx.illustrative))
ctx.show_figure(charts.population_by_community(result["communities"], p.base_year, ctx.lang, source,
                                               illustrative=ctx.illustrative,
                                               max_communities=p.report.max_communities_in_charts))

# %%
ctx.heading("nb.profile.communities", level=2)
ctx.show_table(result["communities"], columns={"community_id": "col.community_id", "name": "col.name",
               "population": "col.population", "households": "col.households", "poverty_rate": "col.poverty_pct",
               "altitude_m": "col.altitude_m", "source": "col.source"}, percent=["poverty_rate"], decimals=0)
ctx.heading("nb.profile.systems", level=3, n=len(result["water_systems"]))
ctx.show_table(result["water_systems"], columns={"system_id": "col.system_id", "community_id": "col.community_id",
               "name": "col.name", "system_type": "col.system_type", "year_built": "col.year_built",
               "households_connected": "col.households_connected", "source": "col.source"},
               codes={"system_type": "system_type"}, decimals=0)

# %% [markdown] tags=["trainer", "lang-es"]
# **Calidad de datos (distritos importados).** Lo que el importador encontró en los registros publicados de
# SIASAR (qué filas, por qué, qué se hizo — p. ej. más hogares que personas: hogares imputados) y, por comunidad,
# los campos que SIASAR no releva y que el consultor debe levantar. Ambos son hojas de tables.xlsx.

# %% [markdown] tags=["trainer", "lang-en"]
# **Data quality (imported districts).** What the importer found in the published SIASAR records (which
# rows, why, what was done — e.g. more households than persons: households imputed) and, per community, the
# fields SIASAR does not survey that the consultant should collect. Both are sheets of tables.xlsx.

# %%
from propilas.method.sources import uses_siasar

dq, checklist = result["data_quality"], result["field_checklist"]
if uses_siasar(result["communities"], result["water_systems"]) or len(dq):
    ctx.heading("nb.profile.data_quality", level=2)
    n_rows = int(result["water_systems"]["source"].astype(str).str.upper().str.startswith("SIASAR").sum())
    n_comm = int(result["communities"]["source"].astype(str).str.upper().str.startswith("SIASAR").sum())
    ctx.narrate("nb.profile.dq_summary" if len(dq) else "nb.profile.dq_none", rows=n_rows, communities=n_comm,
                problems=len(dq))
    if len(dq):
        ctx.show_table(dq, columns={"record": "col.dq_record", "community_id": "col.community_id",
                       "field": "col.dq_field", "value": "col.dq_value", "problem": "col.dq_problem",
                       "action": "col.dq_action", "detail": "col.dq_detail"},
                       codes={"problem": "dq_problem", "action": "dq_action"}, max_rows=200)
    ctx.heading("nb.profile.checklist", level=3)
    ctx.narrate("nb.profile.checklist_note")
    ctx.show_table(checklist, columns={"name": "col.name", **{c: f"col.{c}" for c in checklist.columns
                                                              if c.startswith("check_")}},
                   codes={c: "check" for c in checklist.columns if c.startswith("check_")}, max_rows=200)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **El control de datos**: un error detiene el plan (cada fila dice archivo, fila, columna, valor y qué hacer);
#   las advertencias se leen una por una con el equipo.
# - **La columna `source`**: las filas SIASAR son registros reales; las `illustrative` se generaron para el ejemplo.
# - **El signo de r**: en muchos distritos de Cajamarca la población rural *baja*; la proyección lo refleja.
# - **Suma de comunidades frente a población rural esperada**: una diferencia grande suele ser un caserío que falta.
#
# ### Errores frecuentes
# - Usar los dos censos más antiguos, o crecimiento lineal ($1 + r\,n$) en vez de compuesto ($(1+r)^n$).
# - Confundir hogares con personas (personas por hogar = población / hogares).
# - Rellenar un dato faltante con 0: un dato desconocido queda vacío y se señala, nunca se inventa.
# - Leer las filas ilustrativas como si describieran el distrito real.
#
# **Pregunte al grupo:** ¿están todos los caseríos? ¿Qué filas son reales?

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **The data check**: an error stops the plan (each row gives file, row, column, value and what to do); the
#   warnings are read one by one with the team.
# - **The `source` column**: SIASAR rows are real records; `illustrative` rows were generated for the example.
# - **The sign of r**: in many Cajamarca districts the rural population *falls*; the projection shows it.
# - **Sum of communities against the expected rural population**: a large difference is usually a missing hamlet.
#
# ### Common mistakes
# - Using the two oldest censuses, or linear growth ($1 + r\,n$) instead of compound growth ($(1+r)^n$).
# - Confusing households with persons (persons per household = population / households).
# - Filling a missing value with 0: an unknown value stays empty and is flagged, never invented.
# - Reading illustrative rows as if they described the real district.
#
# **Ask the group:** is every hamlet listed? Which rows are real?

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **Proyectar una comunidad.** Con la tasa del distrito, proyecte la población de una comunidad al año horizonte.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **Project one community.** With the district's rate, project one community's population to the horizon year.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
