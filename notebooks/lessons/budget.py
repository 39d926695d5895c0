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
# # Lección — ¿Cuánto dinero, qué tan pronto? El techo presupuestal y las metas
#
# **Para el capacitador.** Esta lección acompaña a la etapa 5 (`notebooks/05_investment_plan.ipynb`, página del
# manual `methodology/05_investment_plan.md`). Unos 30 minutos. Es útil antes del taller del presupuesto
# participativo, cuando la municipalidad decide cuánto puede poner sobre la mesa cada año.
#
# **La idea.** Cada año, desde el siguiente al año base hasta el horizonte, el plan tiene un *techo* común de
# dinero (fuentes municipal, regional y nacional). La municipalidad paga primero su área técnica de agua y
# saneamiento (**ATM**); luego se atiende a las comunidades en orden de prioridad: una intervención se financia
# solo si lo que queda del techo de ese año cubre su costo **completo** (sin dividir, sin arrastrar el dinero no
# gastado). Las personas cuentan como servidas desde el año **siguiente** al financiamiento. El gráfico sigue la
# cobertura básica o mejor (% de la población) año a año frente a la meta.
#
# Los techos del distrito son **ilustrativos** (vea `methodology/illustrative.md`): lo que importa en la lección
# es ver cómo se mueve el año en que se alcanza cada meta con el dinero y con el nivel de ambición.

# %% [markdown] tags=["lang-en"]
# # Lesson — How much money, how soon? The budget envelope and the targets
#
# **For the trainer.** This lesson goes with stage 5 (`notebooks/05_investment_plan.ipynb`, handbook page
# `methodology/05_investment_plan.md`). About 30 minutes. It is useful before the participatory-budget workshop
# (*presupuesto participativo*), when the municipality decides how much it can put on the table each year.
#
# **The idea.** Every year from the year after the base year to the horizon, the plan has a pooled *envelope* of
# money (municipal, regional and national sources). The municipality pays its water and sanitation technical unit
# (**ATM**) first; then communities are served in priority order: an intervention is funded only if what is left
# of that year's envelope covers its **whole** cost (no splitting, no carry-over of unspent money). People count
# as served from the year **after** funding. The chart follows basic-or-better coverage (% of the population)
# year by year against the target.
#
# The district's envelopes are **illustrative** (see `methodology/illustrative.md`): the point of the lesson is
# to see how the year each target is met moves with the money and with the level of ambition.

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
# ## 1. Cambie el dinero y la ambición
#
# - **Techo ×**: multiplica cada fuente del techo de cada año (1 = el techo del distrito).
# - **Meta de saneamiento**: saneamiento básico o mejor al horizonte (por defecto 80 %). La meta de agua se queda
#   en 100 % (ODS 6.1). Una nueva meta de saneamiento cambia la brecha de saneamiento de cada comunidad, que es un
#   criterio de priorización, así que la lección también recalcula las brechas y el ranking antes de programar.
#
# Las líneas tenues son el plan del propio distrito, las continuas este escenario; la línea vertical punteada
# marca el año en que se alcanza una meta.
#
# **Ejercicio sugerido.**
# 1. Reduzca el techo a la mitad (0.5): ¿qué meta se retrasa, cuántos años? ¿Cuál es la brecha de financiamiento
#    al horizonte?
# 2. Duplíquelo (2): ¿se alcanza antes la meta de agua? ¿Por qué la cobertura a veces *baja* un poco en un año sin
#    obras nuevas? (La población crece; las personas servidas no disminuyen.)
# 3. Ponga la meta de saneamiento en 100 %: ¿cuánto costaría alcanzarla, y se alcanza al horizonte?

# %% [markdown] tags=["lang-en"]
# ## 1. Change the money and the ambition
#
# - **Envelope ×**: multiplies every source of every year's envelope (1 = the district's envelope).
# - **Sanitation target**: basic-or-better sanitation at the horizon (default 80 %). The water target stays at
#   100 % (SDG 6.1). A new sanitation target changes each community's sanitation gap, which is a prioritisation
#   criterion, so the lesson also recomputes the gaps and the ranking before scheduling.
#
# The faint lines are the district's own plan, the solid lines this scenario; the dotted vertical line marks the
# year a target is met.
#
# **Suggested exercise.**
# 1. Halve the envelope (0.5): which target is delayed, by how many years? What is the funding gap at the horizon?
# 2. Double it (2): is the water target met earlier? Why does coverage sometimes *fall* slightly in a year with
#    no new works? (Population grows; served people do not decrease.)
# 3. Set the sanitation target to 100 %: what would it cost to reach it, and is it met by the horizon?

# %%
reference = lessons.plan_with_envelope(tables, params)  # the district's own plan, drawn faint

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
display(widgets.HBox([multiplier, sanitation_target]), out)

# %% [markdown] tags=["lang-es"]
# ## 2. La regla y el mejor plan con el mismo dinero
#
# La regla de la etapa 5 se revisa fácilmente a mano, pero no busca lo mejor. La etapa 5 también calcula el
# **mejor plan que el presupuesto puede comprar**: las obras, y el año de cada una, que dan la mayor cantidad de
# **personas-año de servicio** (personas que suben un peldaño de agua o saneamiento × años de servicio hasta el
# horizonte) con los mismos techos, fuentes y años de ATM (`methodology/05_investment_plan.md`). La tabla y el
# gráfico siguientes calculan ambos para varios múltiplos del techo (con la meta de saneamiento del distrito): las
# personas-año de cada plan, la diferencia («lo que la regla simple deja sobre la mesa») y el año en que se
# alcanza cada meta con cada plan.
#
# **Ejercicio sugerido.**
# 1. ¿Con qué techo deja la regla más sobre la mesa? Mire las obras que difieren en la página de la etapa 5: ¿es
#    una obra grande de alta prioridad que bloquea el dinero, o dinero ocioso al final de un año?
# 2. ¿El mejor plan alcanza siempre antes las metas? (No: maximiza personas-año, no un año de meta.)
# 3. Con mucho más dinero, ¿por qué los dos planes vuelven a coincidir? (Todo cabe temprano en ambos.)

# %% [markdown] tags=["lang-en"]
# ## 2. The rule and the best plan for the same money
#
# The rule of stage 5 is simple to check by hand, but it does not look for the best. Stage 5 also computes the
# **best plan the budget can buy**: the works, and the year of each, that give the most **people-years of
# service** (people who gain a water or sanitation rung × years of service up to the horizon) with the same
# envelopes, sources and ATM years (`methodology/05_investment_plan.md`). The table and chart below run both for
# several envelope multiples (at the district's sanitation target): the people-years of each plan, the difference
# ("what the simple rule leaves on the table") and the year each target is met under each plan.
#
# **Suggested exercise.**
# 1. At which envelope does the rule leave the most on the table? Look at the works that differ on the stage-5
#    page: is it a large top-ranked work that blocks the money, or money left idle at the end of a year?
# 2. Does the best plan always meet the targets earlier? (No: it maximises people-years, not a target year.)
# 3. With much more money, why do both plans come together again? (Everything fits early under both.)

# %%
sweep = lessons.show_sweep(tables, params)

# %% [markdown] tags=["lang-es"]
# ## 3. Qué discutir
#
# - **Solo partidas enteras.** El dinero que queda al final de un año se pierde para el plan cuando ninguna partida
#   restante cabe entera. Una partida grande (un sistema nuevo) puede esperar años mientras otras más pequeñas pasan
#   delante. Por eso un techo mayor *normalmente*, pero no por una ley aritmética, adelanta las metas: con más
#   dinero, una partida grande de alta prioridad puede tomar el lugar de dos más pequeñas en el mismo año.
# - **La ATM va primero.** Si el techo no alcanza para pagar la ATM en un año, la ATM de ese año queda sin
#   financiar y aparece en la brecha de financiamiento: un plan sin su área técnica no es sostenible.
# - **Brecha de financiamiento** = el costo de todas las partidas que siguen sin financiar al horizonte: lo que el
#   distrito debe buscar en otras fuentes (gobierno regional, programas nacionales como el PNSR, cooperación).
#
# ## 4. Foto con los valores del distrito
#
# La celda siguiente muestra el techo y la meta del propio distrito (lo que muestra la versión impresa/HTML de
# esta lección).

# %% [markdown] tags=["lang-en"]
# ## 3. What to discuss
#
# - **Whole items only.** Money left at the end of a year is lost to the plan when no remaining item fits whole.
#   A large item (a new system) can wait years while smaller ones pass ahead of it. This is why a larger envelope
#   *usually*, but not by a law of arithmetic, brings targets forward: with more money, a large top-priority item
#   can take the place of two smaller ones in the same year.
# - **The ATM comes first.** If the envelope cannot pay the ATM in a year, that year's ATM is unfunded and appears in
#   the funding gap: a plan without its technical unit is not sustainable.
# - **Funding gap** = the cost of every item still unfunded at the horizon: what the district must seek from other
#   sources (regional government, national programmes such as the PNSR, cooperation).
#
# ## 4. Snapshot with the district's values
#
# The cell below shows the district's own envelope and target (what the printed/HTML version of this lesson shows).

# %%
result = lessons.show_plan(tables, params, 1.0, params.targets.sanitation, reference=reference)
