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
# # Lección — ¿Durará el servicio? El índice de sostenibilidad de un sistema
#
# **Para el capacitador.** Esta lección acompaña a la etapa 2 (`notebooks/02_sustainability.ipynb`, página del manual
# `methodology/02_sustainability.md`). Unos 30 minutos con personal de la ATM, operadores y directivos de JASS.
#
# **La idea.** Cada sistema de agua recibe tres notas de 1 a 4: el **estado del sistema** E (infraestructura,
# cobertura, continuidad, cantidad, calidad), la **gestión** G (JASS reconocida, consejo activo, cuota cobrada,
# recaudación) y la **operación y mantenimiento** O (plan de mantenimiento, operador capacitado, cloración, limpiezas
# del reservorio). Cada nota es el promedio de sus subvariables conocidas, y
#
# $$IS = \frac{2\,E + G + O}{4}$$
#
# Clase A si $IS > 3.50$, B si $> 2.50$, C si $> 1.50$, si no D. La clase decide la intervención (etapa 5): un sistema
# C o D recibe obras según su infraestructura (reconstrucción si ≤ 1.5, rehabilitación si ≤ 2.5, si no mejoramiento),
# un B mejoramiento, una gestión G ≤ 2.5 fortalecimiento de la JASS, y un sistema sin evidencia suficiente una
# visita de diagnóstico. Además solo los sistemas A y B cuentan como servicio en la brecha de agua (etapa 3).

# %% [markdown] tags=["lang-en"]
# # Lesson — Will the service last? The sustainability index of one system
#
# **For the trainer.** This lesson goes with stage 2 (`notebooks/02_sustainability.ipynb`, handbook page
# `methodology/02_sustainability.md`). About 30 minutes with ATM staff, operators and JASS board members.
#
# **The idea.** Each water system gets three marks from 1 to 4: the **state of the system** E (infrastructure,
# coverage, continuity, quantity, quality), **management** G (JASS recognised, board active, fee charged, fee
# collection) and **operation and maintenance** O (maintenance plan, trained operator, chlorination, reservoir
# cleanings). Each mark is the mean of its known sub-variables, and
#
# $$IS = \frac{2\,E + G + O}{4}$$
#
# Class A if $IS > 3.50$, B if $> 2.50$, C if $> 1.50$, else D. The class decides the intervention (stage 5): a C or D
# system gets works according to its infrastructure (reconstruction if ≤ 1.5, rehabilitation if ≤ 2.5, else
# improvement), a B system improvement, management G ≤ 2.5 JASS strengthening, and a system without enough evidence
# a diagnosis visit. And only A and B systems count as service in the water gap (stage 3).

# %% tags=["parameters"]
# Parameters (papermill may inject others). To study another district, set `district` to any
# file name in params/ (e.g. "lajas", "utco") and run all cells (Run > Run All Cells).
district = "tacabamba"
params_dir = None  # None: <project>/params (the project is found from the installed propilas, not the cwd)
data_dir = None  # None: <project>/data
out_dir = None  # not needed: the lesson computes every table in memory and writes nothing
language = None  # "es" or "en" overrides the district's report language
system = None  # a system_id, e.g. "ILL001"; None: the first classified system of the district

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
# ## 1. Mueva las subvariables
#
# Elija un sistema (la lista empieza por los clasificados) y mueva sus subvariables: cada deslizador toma solo los
# puntajes que permiten los parámetros del distrito (por ejemplo continuidad 4 con ≥ 20 h/día, 3 con ≥ 12, 2 con ≥ 6,
# si no 1), y la posición **sin dato** deja la subvariable fuera del promedio. El resultado se recalcula con las mismas
# funciones que el informe: componentes, índice, clase, intervenciones del sistema y brecha de agua de su comunidad.
#
# **Ejercicio sugerido.**
# 1. Anote la clase y las intervenciones del sistema con los valores del distrito.
# 2. Suba la **cloración** y la **calidad** a 4: ¿cambia la clase? ¿Desaparece el mejoramiento?
# 3. Baje la **infraestructura** a 1.5: ¿qué obra aparece? ¿Y con 2.5? ¿Y con 2.75?
# 4. Ponga tres subvariables de E en *sin dato*: ¿por qué el sistema queda sin clasificar y recibe una visita de
#    diagnóstico en vez de obras?
# 5. Deje E como estaba y ponga la recaudación en 1: ¿qué pasa con G y con el fortalecimiento de la JASS?

# %% [markdown] tags=["lang-en"]
# ## 1. Move the sub-variables
#
# Choose a system (the list starts with the classified ones) and move its sub-variables: each slider takes only the
# scores the district's parameters allow (for instance continuity 4 with ≥ 20 h/day, 3 with ≥ 12, 2 with ≥ 6, else 1),
# and the position **no data** leaves the sub-variable out of the mean. The result is recomputed with the same
# functions as the report: components, index, class, the system's interventions and its community's water gap.
#
# **Suggested exercise.**
# 1. Note the system's class and interventions with the district's values.
# 2. Raise **chlorination** and **quality** to 4: does the class change? Does the improvement disappear?
# 3. Lower **infrastructure** to 1.5: which works appear? And at 2.5? And at 2.75?
# 4. Put three sub-variables of E on *no data*: why is the system left unclassified, with a diagnosis visit
#    instead of works?
# 5. Leave E as it was and put fee collection at 1: what happens to G and to JASS strengthening?

# %%
display(lessons.sustainability_app(tables, params, system))

# %% [markdown] tags=["lang-es"]
# ## 2. Qué discutir
#
# - **E pesa el doble.** Un sistema con buena gestión pero infraestructura colapsada no es sostenible; al revés, una
#   buena infraestructura sin JASS ni operador se deteriora en pocos años.
# - **Sin redondear.** 3.50 es B, no A: el corte es estricto.
# - **Evidencia antes de una clase.** Un componente cuenta solo con al menos `sustainability.min_subvariables`
#   subvariables conocidas (E además con la infraestructura). Un sistema sin E no se califica: primero se visita.
# - **La obra sigue a la infraestructura, no solo a la clase.** Un C con infraestructura sana recibe mejoramiento y
#   fortalecimiento, no rehabilitación.
# - **Pesos y tramos son parámetros** (`params/defaults.yaml`, `sustainability`): no los confirma un texto primario que
#   tengamos; el distrito puede cambiarlos y debe decir por qué.
#
# ## 3. Foto con los valores del distrito
#
# La celda siguiente muestra el resultado con los valores del distrito (lo que muestra la versión impresa o HTML de esta
# lección, donde los deslizadores no se mueven).

# %% [markdown] tags=["lang-en"]
# ## 2. What to discuss
#
# - **E weighs double.** A well-managed system with a collapsed infrastructure is not sustainable; and a sound
#   infrastructure without a JASS or an operator deteriorates within a few years.
# - **No rounding.** 3.50 is B, not A: the cut-off is strict.
# - **Evidence before a class.** A component counts only with at least `sustainability.min_subvariables` known
#   sub-variables (E also needs the infrastructure). A system without E is not classified: it is visited first.
# - **Works follow the infrastructure, not the class alone.** A C system with a sound infrastructure gets improvement
#   and strengthening, not rehabilitation.
# - **Weights and bands are parameters** (`params/defaults.yaml`, `sustainability`): no primary text we hold confirms
#   them; a district may change them and must say why.
#
# ## 3. Snapshot with the district's values
#
# The cell below shows the result with the district's values (what the printed/HTML version of this lesson shows,
# where sliders cannot move).

# %%
picked = system or lessons.system_choices(tables, params.language)[0][1]
result = lessons.show_system(tables, params, picked, lessons.scores_of(tables, picked))
