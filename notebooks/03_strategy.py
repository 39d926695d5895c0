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
# # Etapa 3 — Estrategia: objetivos, metas y brechas
#
# **Pregunta de la etapa.** ¿Cuántas personas faltan servir en cada comunidad para llegar a las metas del
# horizonte (ODS 6.1: agua básica universal al 2030; saneamiento `targets.sanitation`)?
#
# **Fórmulas.** Personas servidas en el año base $b$ (agua): los hogares con fuente no por red básica o mejor, más los
# hogares por red, pero solo hasta lo que conectan los sistemas en clase A o B:
#
# $$S_c = pph_c \Big[hh^{\text{no red}}_{c,\text{básico+}} + \min\Big(hh^{\text{red}}_c,\ \sum_{s \in c,\ A/B} hh^{\text{conectados}}_s\Big)\Big]$$
#
# La brecha al horizonte $h$ con la meta $T$ y el indicador de brecha (estilo Invierte.pe):
#
# $$\text{brecha}_c = \max\big(0,\ T \cdot P_c(h) - S_c\big) \qquad I_c = 100 \times \frac{P_c(b) - S_c}{P_c(b)}$$
#
# Lo mismo para saneamiento con los hogares básico o mejor. Los totales del distrito son sumas de personas.
# Manual: `methodology/03_strategy.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 3 — Strategy: objectives, targets and gaps
#
# **The stage's question.** How many people still have to be served in each community to reach the horizon
# targets (SDG 6.1: universal basic water by 2030; sanitation `targets.sanitation`)?
#
# **Formulas.** People served at the base year $b$ (water): households with a non-piped basic-or-better source, plus
# piped households, but only up to what systems in class A or B connect:
#
# $$S_c = pph_c \Big[hh^{\text{non-piped}}_{c,\text{basic+}} + \min\Big(hh^{\text{piped}}_c,\ \sum_{s \in c,\ A/B} hh^{\text{connected}}_s\Big)\Big]$$
#
# The gap at the horizon $h$ with target $T$, and the gap indicator (Invierte.pe style):
#
# $$\text{gap}_c = \max\big(0,\ T \cdot P_c(h) - S_c\big) \qquad I_c = 100 \times \frac{P_c(b) - S_c}{P_c(b)}$$
#
# The same for sanitation with basic-or-better households. District totals are sums of people.
# Handbook: `methodology/03_strategy.md`.
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

ctx = StageContext.open("03", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.strategy.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.strategy.intro")

# %%
from propilas.stages.charts import strategy as charts
from propilas.stages.strategy_text import show_workshop

inputs = ctx.inputs()
show_workshop(ctx)
result = ctx.compute(inputs)
ctx.write(result)
ind = result["gap_indicators"].set_index("service")
ctx.narrate("nb.strategy.headline", wgap=ind.loc["water", "gap"], sgap=ind.loc["sanitation", "gap"],
            wind=ind.loc["water", "gap_indicator_pct"], sind=ind.loc["sanitation", "gap_indicator_pct"],
            base_year=p.base_year, horizon_year=p.horizon_year,
            reasons={"sgap": "reason.sanitation_not_surveyed", "sind": "reason.sanitation_not_surveyed"})
for service, pct in ind["population_covered_pct"].items():
    if pct == pct and pct < 99.95:
        ctx.narrate("nb.diagnosis.coverage_note", service=ctx.t(f"service.{service}").lower(), pct=pct)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %%
ctx.show_table(result["targets"], columns={"indicator": "col.indicator", "base_pct": "col.base_pct",
               "target_pct": "col.target_pct", "target_year": "col.target_year"}, codes={"indicator": "indicator"},
               rests_on=("rows",))
ctx.show_table(result["gap_indicators"], columns={"service": "col.service", "population_base": "col.population_base",
               "served_base": "col.served_base", "without_service": "col.without_service",
               "gap_indicator_pct": "col.gap_indicator_pct", "population_horizon": "col.population_horizon",
               "gap": "col.gap"}, codes={"service": "service"}, decimals=0, rests_on=("rows",))

# %% [markdown] tags=["trainer", "lang-es"]
# **Brechas por comunidad.** El gráfico muestra las personas que faltan por servir al horizonte; la tabla
# agrega el indicador de brecha de Invierte.pe. Discuta: ¿están las mayores brechas donde están las comunidades
# más pobres?

# %% [markdown] tags=["trainer", "lang-en"]
# **Gaps by community.** The chart shows people still to be served at the horizon; the table adds the
# Invierte.pe gap indicator. Discuss: are the biggest gaps where the poorest communities are?

# %%
source = ctx.source_note(inputs["communities"], inputs["water_systems"])
ctx.show_figure(charts.gap_by_community(result["gaps"], p.horizon_year, ctx.lang, source,
                                        communities=inputs["communities"], illustrative=ctx.illustrative))
ctx.show_table(ctx.with_names(result["gaps"], inputs["communities"]),
               columns={"community": "col.community", "service": "col.service",
               "population_base": "col.population_base", "served_base": "col.served_base",
               "population_horizon": "col.population_horizon", "gap": "col.gap",
               "gap_indicator_pct": "col.gap_indicator_pct"}, codes={"service": "service"}, decimals=0)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **Las brechas más grandes**: ¿coinciden con las comunidades más pobres?
# - **El indicador de brecha frente al diagnóstico**: el agua servida cuenta solo sistemas A/B, por eso el indicador
#   puede ser mayor que la proporción sin acceso básico de la etapa 1.
# - **La visión, los objetivos y el FODA** del taller: ¿las metas los reflejan?
#
# ### Errores frecuentes
# - Contar como servidas a personas de un sistema C/D (colapsado o en grave deterioro).
# - Aplicar la meta a la población del año base en vez de la del horizonte.
# - Brechas negativas: si ya se supera la meta, la brecha es 0.
# - Sumar indicadores (%) de comunidades en vez de personas.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **The largest gaps**: do they fall on the poorest communities?
# - **The gap indicator against the diagnosis**: water served counts only A/B systems, so the indicator can be larger
#   than the share without basic access of stage 1.
# - **The workshop's vision, objectives and SWOT**: do the targets reflect them?
#
# ### Common mistakes
# - Counting people on a C/D system (collapsed or in grave deterioration) as served.
# - Applying the target to the base-year population instead of the horizon's.
# - Negative gaps: when the target is already exceeded, the gap is 0.
# - Adding communities' indicators (%) instead of people.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **La brecha de una comunidad.** Con su población al horizonte, sus personas servidas y la meta, calcule su brecha de agua.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **One community's gap.** From its horizon population, its people served and the target, compute its water gap.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
