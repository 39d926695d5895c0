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
# # Etapa 4 — Priorización de comunidades
#
# **Pregunta de la etapa.** ¿En qué orden se atiende a las comunidades, con un criterio que los participantes puedan
# defender? (Las intervenciones de cada comunidad y su costo se eligen antes, con las reglas de la etapa 5: el
# ranking no cambia los costos.)
#
# **Fórmulas.** Siete criterios $k$ (brecha de agua, brecha de saneamiento, déficit de sostenibilidad $4 - \overline{IS}$,
# pobreza, beneficiarios, costo por beneficiario invertido, disposición) se llevan a la escala 0–1 por mín–máx:
#
# $$x_{c,k} = \frac{v_{c,k} - \min_k v}{\max_k v - \min_k v} \qquad \big(\text{costo: } 1 - x\big)$$
#
# $$\text{puntaje}_c = \sum_k w_k\, x_{c,k}, \qquad \sum_k w_k = 1$$
#
# El puesto 1 es el mayor puntaje (empates: mayor brecha, luego código). Robustez: 1 000 juegos de pesos de una
# Dirichlet con $\alpha = 50\,w$; para cada comunidad $p_{\text{top }k}$ = veces entre las $k$ primeras; el ranking es
# **frágil** si una de las $k$ primeras tiene $p_{\text{top }k} < 0.8$ o la mediana de Spearman es $< 0.9$.
# Un criterio desconocido toma un valor de respaldo (nunca 0) y se señala. Manual: `methodology/04_prioritisation.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 4 — Prioritisation of communities
#
# **The stage's question.** In what order are communities served, by a rule participants can defend? (Each
# community's interventions and their cost are chosen before, by stage 5's rules: the ranking does not change costs.)
#
# **Formulas.** Seven criteria $k$ (water gap, sanitation gap, sustainability deficit $4 - \overline{IS}$, poverty,
# beneficiaries, cost per beneficiary inverted, readiness) are put on a 0–1 scale by min–max:
#
# $$x_{c,k} = \frac{v_{c,k} - \min_k v}{\max_k v - \min_k v} \qquad \big(\text{cost: } 1 - x\big)$$
#
# $$\text{score}_c = \sum_k w_k\, x_{c,k}, \qquad \sum_k w_k = 1$$
#
# Rank 1 is the highest score (ties: larger gap, then code). Robustness: 1,000 weight sets from a Dirichlet with
# $\alpha = 50\,w$; for each community $p_{\text{top }k}$ = how often it is among the first $k$; the ranking is
# **fragile** when a top-$k$ community has $p_{\text{top }k} < 0.8$ or the median Spearman is $< 0.9$.
# An unknown criterion takes a fallback (never 0) and is flagged. Handbook: `methodology/04_prioritisation.md`.
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

ctx = StageContext.open("04", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.prioritisation.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.prioritisation.intro", draws=p.prioritisation.draws, k=p.prioritisation.top_k)

# %%
from propilas.method.prioritisation import fallback_labels, fallback_text
from propilas.stages.charts import prioritisation as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
rob = result["robustness"].set_index("metric")["value"]
key = "nb.prioritisation.fragile" if rob["fragile"] >= 1 else "nb.prioritisation.robust"
ctx.narrate(key, rho=rob["median_spearman"], k=int(rob["top_k"]), pmin=rob["min_p_top_k_in_base_top_k"])

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
ctx.show_figure(charts.priority_chart(result["priorities"], result["sensitivity"], result["robustness"],
                                      p.prioritisation.top_k, ctx.lang, source, communities=inputs["communities"],
                                      illustrative=ctx.illustrative))
crit = {}
for c in ctx.criteria:
    crit[c] = f"criterion.{c}"
    if c == "beneficiaries":  # the distinct count, then its per-service columns
        crit.update({f"beneficiaries_{s}": f"priority.beneficiaries_{s}" for s in ("water", "sanitation")})
shown = ctx.with_names(result["priorities"].sort_values("rank"), inputs["communities"])
shown["fallbacks"] = [fallback_labels(v, ctx.lang) for v in shown["fallbacks"]]
ctx.show_table(shown, columns={"rank": "col.rank", "community": "col.community", "score": "col.score",
                               "p_top_k": "col.p_top_k", **crit, "fallbacks": "priority.fallbacks_col"},
               decimals=2)
ctx.narrate("priority.beneficiaries_note", horizon=p.horizon_year)
ctx.narrate_text(fallback_text(result["priorities"], p, ctx.lang,
                               names=dict(zip(inputs["communities"]["community_id"], inputs["communities"]["name"]))))

# %%
ctx.heading("nb.prioritisation.interventions", level=3)
ctx.show_table(ctx.with_names(result["interventions"], inputs["communities"]),
               columns={"community": "col.community", "system_id": "col.system_id",
                        "intervention": "col.intervention", "quantity": "col.quantity_units", "unit": "col.unit",
                        "unit_cost_pen": "col.unit_cost_pen", "cost_pen": "col.cost_pen",
                        "beneficiaries": "col.beneficiaries"},
               codes={"intervention": "intervention", "unit": "unit"}, decimals=0, max_rows=80)

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **El veredicto robusto/frágil** y $p_{top\,k}$ de las primeras comunidades: si es frágil, el taller acuerda
#   explícitamente el orden de esas comunidades.
# - **La columna de respaldos**: una comunidad con muchos valores de respaldo puede quedar arriba; pida sus datos.
# - **La tabla de intervenciones**: qué necesita cada comunidad y cuánto cuesta, antes de cualquier ranking.
#
# ### Errores frecuentes
# - Creer que los pesos cambian qué obras necesita una comunidad o su costo: solo cambian el **orden**.
# - Tratar un dato desconocido como 0.
# - Discutir diferencias de puntaje en el tercer decimal.
# - Olvidar que el costo por beneficiario está invertido (más barato = más prioridad).
#
# **Pruebe:** la lección `notebooks/lessons/weights.ipynb` mueve los pesos con deslizadores.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **The robust/fragile verdict** and the first communities' $p_{top\,k}$: when fragile, the workshop agrees the
#   order of those communities explicitly.
# - **The fallbacks column**: a community with many fallbacks can sit high; ask for its data.
# - **The interventions table**: what each community needs and what it costs, before any ranking.
#
# ### Common mistakes
# - Believing the weights change which works a community needs or their cost: they only change the **order**.
# - Treating an unknown value as 0.
# - Arguing over score differences in the third decimal.
# - Forgetting that cost per beneficiary is inverted (cheaper = more priority).
#
# **Try:** the lesson `notebooks/lessons/weights.ipynb` moves the weights with sliders.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **El puntaje de una comunidad.** Con sus criterios en escala 0–1 y los pesos, calcule su puntaje.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **One community's score.** From its criteria on the 0–1 scale and the weights, compute its score.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
