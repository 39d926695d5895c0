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
# # Etapa 5 — Plan de inversiones
#
# **Pregunta de la etapa.** ¿Qué puede pagar el distrito, cuándo, y qué queda sin financiar?
#
# **La regla (se puede verificar a mano).** Cada año $y$ de $b+1$ al horizonte, con el sobre $E_y$ (suma de fuentes):
#
# 1. primero la ATM: $R = E_y - \text{ATM}$;
# 2. luego, en orden de prioridad (puesto, luego tipo de intervención), se financia un ítem solo si cabe **entero**:
#    si $\text{costo} \le R$ entonces $R \leftarrow R - \text{costo}$; si no, se prueba el siguiente;
# 3. sin fraccionar y sin trasladar lo que sobra al año siguiente. Las fuentes se cargan en el orden de los parámetros.
#
# Las personas cuentan como servidas desde el año siguiente al financiamiento; la cobertura del año $y$ es
#
# $$\text{cob}(y) = 100 \times \frac{\sum_c \min\big(P_c(y),\ \text{cap}_c(y)\big)}{\sum_c P_c(y)}$$
#
# y el año en que se cumple una meta es el primero desde el cual la cobertura ya no baja de la meta. Dinero:
# $\text{costo del plan} = \text{inversión programada} + \text{brecha de financiamiento}$ (la ATM aparte).
# Manual: `methodology/05_investment_plan.md`.
#
# > **Ejecutarla a mano.** Elija el distrito en la celda de parámetros (`district`: cualquier archivo de `params/`)
# > y ejecute todo (*Run > Run All Cells*). Las carpetas salen del proyecto, no de la carpeta actual. Sin `run_id`
# > (una ejecución a mano), las tablas de la etapa se escriben en la carpeta de borrador
# > `outputs/_manual/<distrito>/`, nunca en el informe del runner; las tablas de etapas anteriores se toman del
# > runner si coinciden con estos parámetros, y si no se calculan en memoria desde los datos de entrada.

# %% [markdown] tags=["lesson", "lang-en"]
# # Stage 5 — Investment plan
#
# **The stage's question.** What can the district afford, when, and what is left unfunded?
#
# **The rule (checkable by hand).** Each year $y$ from $b+1$ to the horizon, with the envelope $E_y$ (sum of sources):
#
# 1. the ATM first: $R = E_y - \text{ATM}$;
# 2. then, in priority order (rank, then intervention type), an item is funded only if it fits **whole**:
#    if $\text{cost} \le R$ then $R \leftarrow R - \text{cost}$; otherwise the next one is tried;
# 3. no splitting and no carry-over of what is left to the next year. Sources are charged in the order of the parameters.
#
# People count as served from the year after funding; coverage in year $y$ is
#
# $$\text{cov}(y) = 100 \times \frac{\sum_c \min\big(P_c(y),\ \text{cap}_c(y)\big)}{\sum_c P_c(y)}$$
#
# and the year a target is met is the first from which coverage no longer drops below the target. Money:
# $\text{plan cost} = \text{programmed investment} + \text{funding gap}$ (the ATM apart).
# Handbook: `methodology/05_investment_plan.md`.
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

ctx = StageContext.open("05", district, params_data=params_data, params_dir=params_dir, data_dir=data_dir,
                        out_dir=out_dir, run_id=run_id, language=language)
p = ctx.params
ctx.heading("nb.investment.title", level=1)
ctx.narrate("nb.district_line", name=p.name, ubigeo=p.ubigeo, province=p.province, department=p.department,
            base_year=p.base_year, horizon_year=p.horizon_year)
ctx.narrate("nb.investment.intro", first=p.base_year + 1, horizon_year=p.horizon_year)

# %%
from propilas.method.money import money_figures, money_sentences, money_table
from propilas.stages.charts import investment as charts

inputs = ctx.inputs()
result = ctx.compute(inputs)
ctx.write(result)
ty = result["target_years"].set_index("service")
plan = result["investment_plan"]
money = money_figures(plan)  # the one definition of each money figure (stage 8 and summary.json use it too)
ctx.narrate_text(" ".join(ctx.mark(x, ("rows", "unit_costs", "envelope"))
                          for x in money_sentences(money, ctx.lang, p.base_year + 1, p.horizon_year)))
for service, row in ty[ty["target_pct"].notna()].iterrows():
    name = ctx.t(f"service.{service}")
    if row["year_met"] == row["year_met"]:
        ctx.narrate("nb.investment.target_met", service=name, target=row["target_pct"], year=int(row["year_met"]))
    else:
        ctx.narrate("nb.investment.target_missed", service=name, target=row["target_pct"],
                    horizon_year=p.horizon_year, cov=row["coverage_horizon_pct"],
                    reasons={"cov": f"reason.{service}_coverage_unknown"})

# %% [markdown] tags=["lesson", "lang-es"]
# ### Ejemplo resuelto
# La fórmula de arriba, con los números de una comunidad o sistema real de este distrito (elegido por una regla que vale para cualquier distrito; los números los calcula la biblioteca, no se escriben a mano).

# %% [markdown] tags=["lesson", "lang-en"]
# ### Worked example
# The formula above, with the numbers of one real community or system of this district (chosen by a rule that works for any district; the numbers are computed by the library, not typed).

# %% tags=["lesson"]
ctx.worked_example()

# %%
source = ctx.source_note()
ctx.show_figure(charts.investment_by_year(result["cost_by_year"], p.budget.sources, ctx.lang, source,
                                         illustrative=ctx.illustrative))
ctx.show_figure(charts.coverage_trajectory(result["trajectory"], result["target_years"], ctx.lang, source,
                                          illustrative=ctx.illustrative))
covered = result["trajectory"].groupby("service")["population_covered_pct"].first()
for service, pct in covered.items():
    if pct == pct and pct < 99.95:
        ctx.narrate("nb.diagnosis.coverage_note", service=ctx.t(f"service.{service}").lower(), pct=pct)

# %%
ctx.heading("money.table_heading", level=3)
ctx.show_table(money_table(money, ctx.lang), columns={"service": "col.service", "plan_cost_pen": "col.plan_cost_pen",
               "investment_total_pen": "col.investment_total_pen", "funding_gap_pen": "col.funding_gap_pen",
               "unpriced_items": "col.unpriced_items"}, codes={"service": "service"}, decimals=0)
ctx.show_table(ctx.with_names(plan, inputs["communities"]),
               columns={"year": "col.year", "community": "col.community", "system_id": "col.system_id",
                        "intervention": "col.intervention", "source": "col.source", "cost_pen": "col.cost_pen",
                        "beneficiaries": "col.beneficiaries", "rank": "col.rank", "status": "col.status"},
               codes={"intervention": "intervention", "source": "source", "status": "status"}, decimals=0,
               max_rows=120)

# %%
from propilas.stages.optimum_text import show_optimum

show_optimum(ctx, result, inputs["communities"])

# %% [markdown] tags=["lesson", "lang-es"]
# ### Qué mirar en los resultados
# - **El año en que se cumple cada meta**, o la brecha de financiamiento si no se cumple.
# - **Ítems sin financiar**: casi siempre obras grandes que esperan años mientras pasan otras más chicas.
# - **La regla frente al mejor plan** para el mismo dinero (personas-año de servicio): cuánto deja la regla en la mesa.
#
# ### Errores frecuentes
# - Fraccionar un ítem entre años, o trasladar el dinero sobrante: la regla no lo hace.
# - Sumar la ATM a la inversión programada.
# - Esperar que la cobertura nunca baje: la población crece y las personas servidas no disminuyen.
#
# **Pruebe:** la lección `notebooks/lessons/budget.ipynb` mueve el sobre y la meta de saneamiento.

# %% [markdown] tags=["lesson", "lang-en"]
# ### What to look at in the results
# - **The year each target is met**, or the funding gap when it is not.
# - **Unfunded items**: almost always large works that wait years while smaller ones pass ahead.
# - **The rule against the best plan** for the same money (people-years of service): what the rule leaves on the table.
#
# ### Common mistakes
# - Splitting an item across years, or carrying left-over money over: the rule does neither.
# - Adding the ATM to the programmed investment.
# - Expecting coverage never to fall: population grows while people served do not decrease.
#
# **Try:** the lesson `notebooks/lessons/budget.ipynb` moves the envelope and the sanitation target.

# %% [markdown] tags=["exercise", "lang-es"]
# ## Ejercicio para el taller
# Resuélvalo con papel y calculadora a partir de los datos que muestra la celda siguiente; luego escriba la respuesta
# en la celda de respuesta (`answer = ...`) y ejecútela: la biblioteca dice si es correcta y por qué.
# (En el informe del runner estas celdas no aparecen.)
#
# **El primer ítem que el presupuesto no alcanza.** Siga la regla en el primer año del plan.

# %% [markdown] tags=["exercise", "lang-en"]
# ## Workshop exercise
# Solve it with paper and a calculator from the data the next cell shows; then write the answer in the answer cell
# (`answer = ...`) and run it: the library says whether it is right and why.
# (These cells are not part of the runner's report.)
#
# **The first item the budget cannot fund.** Follow the rule in the plan's first year.

# %% tags=["exercise"]
ctx.show_exercise()

# %% tags=["exercise"]
# Your answer / Su respuesta: replace None, then run this cell (Shift+Enter).
answer = None
ctx.check(answer)

# %%
ctx.show_provenance()
