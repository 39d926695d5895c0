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
# # Etapa 1 — Diagnóstico de los servicios
#
# **Pregunta de la etapa.** ¿En qué peldaño de las escaleras de agua y saneamiento (JMP OMS/UNICEF) está cada
# comunidad, para medir metas y brechas en los mismos términos que el ODS 6?
#
# **Reglas y fórmulas.** Agua por red en la vivienda: al menos básico. Pilón público y fuente protegida: básico si
# el viaje de ida y vuelta es ≤ `water.basic_max_round_trip_min` (30 min), si no limitado. Fuente no protegida: no
# mejorado; agua superficial: superficial. Gestionada de forma segura:
#
# $$hh^{\text{segura}}_c = \min\Big(hh^{\text{red}}_c,\ \sum_{s \in c,\ s\ \text{cumple}} hh^{\text{conectados}}_s\Big)$$
#
# donde un sistema cumple si da ≥ 12 h/día, clora y su cloro residual es ≥ 0.5 mg/l (parámetros `water.*`).
# Con personas por hogar $pph_c = P_c / hh_c$, la proporción distrital de un peldaño es
#
# $$\text{proporción}_{\text{peldaño}} = 100 \times \frac{\sum_c hh_{c,\text{peldaño}}\; pph_c}{\sum_c P_c}$$
#
# Saneamiento: básico (mejorado, privado), limitado (mejorado, compartido), no mejorado, a campo abierto.
# Manual: `methodology/01_diagnosis.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 1 — Diagnosis of services
#
# **The stage's question.** On which rung of the water and sanitation ladders (WHO/UNICEF JMP) is each community,
# so that targets and gaps are measured in the same terms as SDG 6?
#
# **Rules and formulas.** Water piped to the premises: at least basic. Public tap and protected source: basic when
# the round trip is ≤ `water.basic_max_round_trip_min` (30 min), else limited. Unprotected source: unimproved;
# surface water: surface. Safely managed:
#
# $$hh^{\text{safe}}_c = \min\Big(hh^{\text{piped}}_c,\ \sum_{s \in c,\ s\ \text{qualifies}} hh^{\text{connected}}_s\Big)$$
#
# where a system qualifies when it gives ≥ 12 h/day, is chlorinated and its residual chlorine is ≥ 0.5 mg/l
# (parameters `water.*`). With persons per household $pph_c = P_c / hh_c$, the district share of a rung is
#
# $$\text{share}_{\text{rung}} = 100 \times \frac{\sum_c hh_{c,\text{rung}}\; pph_c}{\sum_c P_c}$$
#
# Sanitation: basic (improved, private), limited (improved, shared), unimproved, open defecation.
# Handbook: `methodology/01_diagnosis.md`.
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

ctx = StageContext.open("01", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.diagnosis.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.diagnosis.intro", hours=p.water.safely_managed_min_hours, chlorine=p.water.min_residual_chlorine_mg_l, trip=p.water.basic_max_round_trip_min)

# %%
from propilas.stages.charts import diagnosis as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
ctx.narrate("nb.diagnosis.headline", **ctx.ladder_headline(result["water_ladder"], result["sanitation_ladder"]),
            reasons={"safe": "reason.safely_managed_data", "san": "reason.sanitation_not_surveyed"})
covered = result["ladder_district"].groupby("service")["population_covered_pct"].first()
for service, pct in covered.items():
    if pct < 99.95:
        ctx.narrate("nb.diagnosis.coverage_note", service=ctx.t(f"service.{service}").lower(), pct=pct)
wl = result["water_ladder"]
n_served = wl.loc[wl["flags"].fillna("").str.contains("not_computed:community_population"), "community_id"].nunique()
if n_served:  # population = people served (SIASAR): access not computed, and how to add it
    ctx.narrate("nb.diagnosis.water_not_computed", n=n_served, district=district)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %% [markdown] tags=["trainer", "lang-es"]
# **Cómo leer la escalera.** Cada barra es el 100 % de la población de una comunidad. Los segmentos grises
# rayados son peldaños que no se pudieron calcular con los datos — nunca se muestran como cero.

# %% [markdown] tags=["trainer", "lang-en"]
# **Reading the ladder.** Each bar is 100 % of a community's population. Grey hatched segments are
# rungs that could not be computed from the data — never shown as zero.

# %%
from propilas.stages.charts import maps

source = ctx.source_note(inputs["communities"], inputs["water_systems"])
boundary = ctx.boundary()
for service in ("water", "sanitation"):
    ladder = result[f"{service}_ladder"]
    ctx.show_figure(charts.ladder_chart(ladder, result["ladder_district"], service, ctx.lang, source,
                                        communities=inputs["communities"], illustrative=ctx.illustrative,
                                        max_communities=p.report.max_communities_in_charts))
    ctx.show_figure(maps.rung_map(boundary, inputs["communities"], ladder, service, p.name, ctx.lang, source))

# %%
ctx.heading("nb.diagnosis.district_table", level=3)
ctx.show_table(result["ladder_district"], columns={"service": "col.service", "rung": "col.rung",
               "households": "col.households", "population": "col.population", "share_pct": "col.share_pct"},
               codes={"service": "service", "rung": "rung"}, rests_on=("rows",))
flags = result["system_flags"]
flagged = flags[flags["flags"].fillna("") != ""]
if len(flagged):
    ctx.narrate("nb.diagnosis.flags", n=len(flagged))
    ctx.show_table(flagged, columns={"system_id": "col.system_id", "community_id": "col.community_id",
                   "qualifies_safely_managed": "col.qualifies", "flags": "col.flags"})

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **Los segmentos grises rayados**: peldaños que no se pudieron calcular con los datos; nunca se muestran como 0.
# - **Gestionada de forma segura** casi siempre es baja: sin datos de cloro residual un sistema no cumple.
# - **La tabla de sistemas señalados**: qué dato falta en cada sistema para poder calificarlo.
# - **Comunidades con SIASAR**: su población es la servida; sin población censal el acceso no se calcula.
#
# ### Errores frecuentes
# - Contar un sistema por red como *gestionado de forma segura* sin datos de cloro.
# - Olvidar que una comunidad puede tener varios sistemas: sus conexiones se suman.
# - Sacar proporciones distritales de hogares en vez de personas (hogares × personas por hogar).
# - Leer «no calculado» como 0 %.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **Grey hatched segments**: rungs that could not be computed from the data; never shown as 0.
# - **Safely managed** is almost always low: without residual-chlorine data a system does not qualify.
# - **The table of flagged systems**: which value each system lacks to be assessed.
# - **SIASAR communities**: their population is the population served; without a census population access is not computed.
#
# ### Common mistakes
# - Counting a piped system as *safely managed* without chlorine data.
# - Forgetting that a community can have several systems: their connections add up.
# - District shares of households instead of people (households × persons per household).
# - Reading "not computed" as 0 %.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **Clasificar el acceso al agua.** Decida el peldaño de los hogares de una comunidad que usan pilón o fuente protegida.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **Classify water access.** Decide the rung of a community's households that use a public tap or a protected source.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
