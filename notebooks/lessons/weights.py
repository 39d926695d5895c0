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

# %% [markdown] tags=["lang-es"]
# # Lección — ¿Quién va primero? Los pesos de la priorización
#
# **Para el capacitador.** Esta lección acompaña a la etapa 4 (`notebooks/04_prioritisation.ipynb`, página del
# manual `methodology/04_prioritisation.md`). Toma unos 30 minutos con un grupo de personal municipal, de la ATM y
# representantes de las JASS.
#
# **La idea.** El plan ordena las comunidades por siete criterios — brecha de agua, brecha de saneamiento, déficit
# de sostenibilidad, pobreza, personas que se benefician, costo por beneficiario (más barato = más prioridad) y
# disposición (existe una JASS y la comunidad comprometió una contrapartida). Cada criterio se lleva a una escala
# de 0 a 1 (mín–máx), se multiplica por su peso y se suma: **puntaje = Σ peso × criterio**. La prioridad 1 es el
# puntaje más alto.
#
# El taller acuerda los pesos. Nadie puede defender el tercer decimal de un peso, así que el método también
# pregunta: *si los pesos fueran un poco distintos, ¿cambiaría el inicio de la lista?* Sortea 1 000 juegos de pesos
# alrededor de los acordados y cuenta, para cada comunidad, cuántas veces sigue entre las primeras *k*
# (**p_top_k**), y cuánto se parece cada nuevo orden al acordado (correlación de **Spearman** mediana). El ranking
# se llama **frágil** cuando una comunidad de las primeras *k* se mantiene allí en menos del 80 % de los sorteos, o
# la Spearman mediana es menor que 0.9 (ambos umbrales son parámetros).

# %% [markdown] tags=["lang-en"]
# # Lesson — Who comes first? The weights of the prioritisation
#
# **For the trainer.** This lesson goes with stage 4 (`notebooks/04_prioritisation.ipynb`, handbook page
# `methodology/04_prioritisation.md`). It takes about 30 minutes with a group of municipal staff, ATM and JASS
# representatives.
#
# **The idea.** The plan ranks communities by seven criteria — water gap, sanitation gap, sustainability deficit,
# poverty, people who benefit, cost per beneficiary (cheaper = more priority) and readiness (a JASS exists and the
# community has committed a counterpart). Each criterion is put on a 0–1 scale (min–max), multiplied by its
# weight, and added: **score = Σ weight × criterion**. Rank 1 is the highest score.
#
# The workshop agrees on the weights. Nobody can defend the third decimal of a weight, so the method also asks:
# *if the weights were a little different, would the top of the list change?* It draws 1,000 weight sets around
# the agreed ones and counts, for each community, how often it stays among the first *k*
# (**p_top_k**), and how similar each re-ranking is to the agreed one (median **Spearman** correlation). The
# ranking is called **fragile** when a top-*k* community stays there in fewer than 80 % of the draws, or the median
# Spearman is below 0.9 (both thresholds are parameters).

# %% tags=["parameters"]
# Parameters (papermill may inject others). To study another district, set `district` to any
# file name in params/ (e.g. "lajas", "utco") and run all cells (Run > Run All Cells).
district = "tacabamba"
params_dir = None  # None: <project>/params (the project is found from the installed propilas, not the cwd)
data_dir = None  # None: <project>/data
out_dir = None  # not needed: the lesson computes every table in memory and writes nothing
language = None  # "es" or "en" overrides the district's report language

# %%
import ipywidgets as widgets
from IPython.display import Markdown, display

from propilas.core.markup import literal
from propilas.run import lessons

params, tables = lessons.district_tables(district, params_dir, data_dir, language=language)
from propilas.core.labels import t

display(Markdown(t("lesson.district_line", params.language, name=literal(params.name), ubigeo=params.ubigeo,
                   province=literal(params.province), department=literal(params.department),
                   communities=len(tables["communities"]), systems=len(tables["water_systems"]),
                   base_year=params.base_year, horizon_year=params.horizon_year)))

# %% [markdown] tags=["lang-es"]
# ## 1. Mueva los pesos
#
# Cada deslizador es la importancia de un criterio. No hace falta que sumen 1: la lección divide cada uno entre su
# total (la tabla muestra los pesos realmente usados junto a los pesos acordados por el distrito). Poner un
# deslizador en 0 quita el criterio.
#
# **Ejercicio sugerido.**
# 1. Empiece con los pesos del distrito y anote las cinco primeras comunidades.
# 2. Ponga *pobreza* en 1 y todo lo demás en 0: el ranking ahora sigue simplemente la tasa de pobreza. ¿Es justo
#    para una comunidad cuyo sistema colapsó?
# 3. Dé a las dos brechas la mayor parte del peso: ¿qué comunidades suben? ¿Cuáles bajan (▼ en el gráfico)?
# 4. Mire la línea del veredicto: ¿el inicio de la lista resiste pequeños cambios de *sus* pesos?

# %% [markdown] tags=["lang-en"]
# ## 1. Move the weights
#
# Each slider is the importance of one criterion. You do not need to make them add up to 1: the lesson divides each
# by their total (the table shows the weights actually used, next to the district's agreed weights). Putting a
# slider at 0 removes the criterion.
#
# **Suggested exercise.**
# 1. Start with the district's weights and note the first five communities.
# 2. Put *poverty* at 1 and everything else at 0: the ranking now simply follows the poverty rate. Is that fair to a
#    community whose system has collapsed?
# 3. Give the two gaps most of the weight: which communities climb? Which fall (▼ in the chart)?
# 4. Look at the verdict line: does the top of the list survive small changes of *your* weights?

# %%
from propilas.core.labels import t
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
display(widgets.VBox(list(sliders.values())), out)

# %% [markdown] tags=["lang-es"]
# ## 2. Qué discutir
#
# - **¿Robusto o frágil?** Cuando el veredicto dice *frágil*, el orden entre las primeras comunidades depende de
#   detalles finos de los pesos: el taller debe acordar explícitamente el orden de esas comunidades (por ejemplo con
#   un segundo criterio como la disposición), no dejarlo al tercer decimal.
# - **El costo por beneficiario** está *invertido*: una intervención más barata por persona da más prioridad. Una
#   comunidad sin nadie que se beneficie no tiene valor para este criterio (no gana prioridad por él y se marca).
# - **Lo desconocido nunca es 0.** Una comunidad cuyo dato se desconoce (sin tasa de pobreza, sin encuesta de
#   saneamiento, sin registro de JASS o de contrapartida) queda fuera de la escala de ese criterio y toma un valor
#   de reemplazo: pobreza, la tasa del distrito; los demás, 0.5 (el medio de la escala,
#   `prioritisation.unknown_fallback`). La columna `fallbacks` y el informe de la etapa 4 dicen cuáles. Una
#   comunidad con muchos reemplazos puede quedar alta: pida sus datos antes de financiarla.
# - **Los beneficiarios** son personas distintas (nunca más que la población de la comunidad al horizonte): por
#   servicio, la suma de sus obras, con ese tope; en total, el servicio mayor — *al menos* esa cantidad de personas.
# - **Los empates** se resuelven por la mayor brecha total (personas de agua + saneamiento), luego por el código de
#   la comunidad.
# - Los pesos no cambian *qué* intervenciones necesita cada comunidad ni cuánto cuestan (eso sale de reglas fijas
#   antes de cualquier ranking); solo cambian el **orden** en que el plan de inversiones las financia.
#
# ## 3. Foto con los pesos del distrito
#
# La celda siguiente muestra el resultado con los pesos acordados por el distrito (es lo que muestra la versión
# impresa/HTML de esta lección, donde los deslizadores no se mueven).

# %% [markdown] tags=["lang-en"]
# ## 2. What to discuss
#
# - **Robust or fragile?** When the verdict says *fragile*, the order among the first communities depends on fine
#   details of the weights: the workshop should agree the order of those communities explicitly (for example by a
#   second criterion such as readiness), not leave it to the third decimal.
# - **Cost per beneficiary** is *inverted*: a cheaper intervention per person gives more priority. A community with
#   nobody to benefit has no value for this criterion (it earns no priority for it and is flagged).
# - **Unknown is never 0.** A community whose input is unknown (no poverty rate, no sanitation survey, no JASS or
#   counterpart record) is left out of that criterion's scale and takes a fallback: poverty, the district's rate;
#   the others, 0.5 (the middle of the scale, `prioritisation.unknown_fallback`). The `fallbacks` column and the
#   stage-4 report say which. A community with many fallbacks can sit high: ask for its data before funding it.
# - **Beneficiaries** are distinct people (never more than the community's population at the horizon): per service
#   the sum of its works, capped; in total the larger service — *at least* that many people.
# - **Ties** are broken by the larger total gap (water + sanitation people), then by community code.
# - The weights do not change *which* interventions each community needs or what they cost (those come from fixed
#   rules before any ranking); they only change the **order** in which the investment plan funds them.
#
# ## 3. Snapshot with the district's weights
#
# The cell below shows the result with the district's agreed weights (it is what the printed/HTML version of this
# lesson shows, where sliders cannot move).

# %%
result = lessons.show_ranking(tables, params, dict(params.prioritisation.weights))
