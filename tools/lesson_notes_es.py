"""Spanish versions of the lessons' text cells (issue 13 §2: lessons in both languages).

tools/build_lessons.py writes each text cell twice, tagged `lang-es` and `lang-en`; a cell whose English
text has no entry here stops the build, so the two languages cannot drift. Keys are the English texts as
written in build_lessons.py (stripped).
"""

ES: dict[str, str] = {
    """# Lesson — Who comes first? The weights of the prioritisation

**For the trainer.** This lesson goes with stage 4 (`notebooks/04_prioritisation.ipynb`, handbook page
`methodology/04_prioritisation.md`). It takes about 30 minutes with a group of municipal staff, ATM and JASS
representatives.

**The idea.** The plan ranks communities by seven criteria — water gap, sanitation gap, sustainability deficit,
poverty, people who benefit, cost per beneficiary (cheaper = more priority) and readiness (a JASS exists and the
community has committed a counterpart). Each criterion is put on a 0–1 scale (min–max), multiplied by its
weight, and added: **score = Σ weight × criterion**. Rank 1 is the highest score.

The workshop agrees on the weights. Nobody can defend the third decimal of a weight, so the method also asks:
*if the weights were a little different, would the top of the list change?* It draws 1,000 weight sets around
the agreed ones and counts, for each community, how often it stays among the first *k*
(**p_top_k**), and how similar each re-ranking is to the agreed one (median **Spearman** correlation). The
ranking is called **fragile** when a top-*k* community stays there in fewer than 80 % of the draws, or the median
Spearman is below 0.9 (both thresholds are parameters).""":
    """# Lección — ¿Quién va primero? Los pesos de la priorización

**Para el capacitador.** Esta lección acompaña a la etapa 4 (`notebooks/04_prioritisation.ipynb`, página del
manual `methodology/04_prioritisation.md`). Toma unos 30 minutos con un grupo de personal municipal, de la ATM y
representantes de las JASS.

**La idea.** El plan ordena las comunidades por siete criterios — brecha de agua, brecha de saneamiento, déficit
de sostenibilidad, pobreza, personas que se benefician, costo por beneficiario (más barato = más prioridad) y
disposición (existe una JASS y la comunidad comprometió una contrapartida). Cada criterio se lleva a una escala
de 0 a 1 (mín–máx), se multiplica por su peso y se suma: **puntaje = Σ peso × criterio**. La prioridad 1 es el
puntaje más alto.

El taller acuerda los pesos. Nadie puede defender el tercer decimal de un peso, así que el método también
pregunta: *si los pesos fueran un poco distintos, ¿cambiaría el inicio de la lista?* Sortea 1 000 juegos de pesos
alrededor de los acordados y cuenta, para cada comunidad, cuántas veces sigue entre las primeras *k*
(**p_top_k**), y cuánto se parece cada nuevo orden al acordado (correlación de **Spearman** mediana). El ranking
se llama **frágil** cuando una comunidad de las primeras *k* se mantiene allí en menos del 80 % de los sorteos, o
la Spearman mediana es menor que 0.9 (ambos umbrales son parámetros).""",

    """## 1. Move the weights

Each slider is the importance of one criterion. You do not need to make them add up to 1: the lesson divides each
by their total (the table shows the weights actually used, next to the district's agreed weights). Putting a
slider at 0 removes the criterion.

**Suggested exercise.**
1. Start with the district's weights and note the first five communities.
2. Put *poverty* at 1 and everything else at 0: the ranking now simply follows the poverty rate. Is that fair to a
   community whose system has collapsed?
3. Give the two gaps most of the weight: which communities climb? Which fall (▼ in the chart)?
4. Look at the verdict line: does the top of the list survive small changes of *your* weights?""":
    """## 1. Mueva los pesos

Cada deslizador es la importancia de un criterio. No hace falta que sumen 1: la lección divide cada uno entre su
total (la tabla muestra los pesos realmente usados junto a los pesos acordados por el distrito). Poner un
deslizador en 0 quita el criterio.

**Ejercicio sugerido.**
1. Empiece con los pesos del distrito y anote las cinco primeras comunidades.
2. Ponga *pobreza* en 1 y todo lo demás en 0: el ranking ahora sigue simplemente la tasa de pobreza. ¿Es justo
   para una comunidad cuyo sistema colapsó?
3. Dé a las dos brechas la mayor parte del peso: ¿qué comunidades suben? ¿Cuáles bajan (▼ en el gráfico)?
4. Mire la línea del veredicto: ¿el inicio de la lista resiste pequeños cambios de *sus* pesos?""",

    """## 2. What to discuss

- **Robust or fragile?** When the verdict says *fragile*, the order among the first communities depends on fine
  details of the weights: the workshop should agree the order of those communities explicitly (for example by a
  second criterion such as readiness), not leave it to the third decimal.
- **Cost per beneficiary** is *inverted*: a cheaper intervention per person gives more priority. A community with
  nobody to benefit has no value for this criterion (it earns no priority for it and is flagged).
- **Unknown is never 0.** A community whose input is unknown (no poverty rate, no sanitation survey, no JASS or
  counterpart record) is left out of that criterion's scale and takes a fallback: poverty, the district's rate;
  the others, 0.5 (the middle of the scale, `prioritisation.unknown_fallback`). The `fallbacks` column and the
  stage-4 report say which. A community with many fallbacks can sit high: ask for its data before funding it.
- **Beneficiaries** are distinct people (never more than the community's population at the horizon): per service
  the sum of its works, capped; in total the larger service — *at least* that many people.
- **Ties** are broken by the larger total gap (water + sanitation people), then by community code.
- The weights do not change *which* interventions each community needs or what they cost (those come from fixed
  rules before any ranking); they only change the **order** in which the investment plan funds them.

## 3. Snapshot with the district's weights

The cell below shows the result with the district's agreed weights (it is what the printed/HTML version of this
lesson shows, where sliders cannot move).""":
    """## 2. Qué discutir

- **¿Robusto o frágil?** Cuando el veredicto dice *frágil*, el orden entre las primeras comunidades depende de
  detalles finos de los pesos: el taller debe acordar explícitamente el orden de esas comunidades (por ejemplo con
  un segundo criterio como la disposición), no dejarlo al tercer decimal.
- **El costo por beneficiario** está *invertido*: una intervención más barata por persona da más prioridad. Una
  comunidad sin nadie que se beneficie no tiene valor para este criterio (no gana prioridad por él y se marca).
- **Lo desconocido nunca es 0.** Una comunidad cuyo dato se desconoce (sin tasa de pobreza, sin encuesta de
  saneamiento, sin registro de JASS o de contrapartida) queda fuera de la escala de ese criterio y toma un valor
  de reemplazo: pobreza, la tasa del distrito; los demás, 0.5 (el medio de la escala,
  `prioritisation.unknown_fallback`). La columna `fallbacks` y el informe de la etapa 4 dicen cuáles. Una
  comunidad con muchos reemplazos puede quedar alta: pida sus datos antes de financiarla.
- **Los beneficiarios** son personas distintas (nunca más que la población de la comunidad al horizonte): por
  servicio, la suma de sus obras, con ese tope; en total, el servicio mayor — *al menos* esa cantidad de personas.
- **Los empates** se resuelven por la mayor brecha total (personas de agua + saneamiento), luego por el código de
  la comunidad.
- Los pesos no cambian *qué* intervenciones necesita cada comunidad ni cuánto cuestan (eso sale de reglas fijas
  antes de cualquier ranking); solo cambian el **orden** en que el plan de inversiones las financia.

## 3. Foto con los pesos del distrito

La celda siguiente muestra el resultado con los pesos acordados por el distrito (es lo que muestra la versión
impresa/HTML de esta lección, donde los deslizadores no se mueven).""",

    """# Lesson — How much money, how soon? The budget envelope and the targets

**For the trainer.** This lesson goes with stage 5 (`notebooks/05_investment_plan.ipynb`, handbook page
`methodology/05_investment_plan.md`). About 30 minutes. It is useful before the participatory-budget workshop
(*presupuesto participativo*), when the municipality decides how much it can put on the table each year.

**The idea.** Every year from the year after the base year to the horizon, the plan has a pooled *envelope* of
money (municipal, regional and national sources). The municipality pays its water and sanitation technical unit
(**ATM**) first; then communities are served in priority order: an intervention is funded only if what is left
of that year's envelope covers its **whole** cost (no splitting, no carry-over of unspent money). People count
as served from the year **after** funding. The chart follows basic-or-better coverage (% of the population)
year by year against the target.

The district's envelopes are **illustrative** (see `methodology/illustrative.md`): the point of the lesson is
to see how the year each target is met moves with the money and with the level of ambition.""":
    """# Lección — ¿Cuánto dinero, qué tan pronto? El techo presupuestal y las metas

**Para el capacitador.** Esta lección acompaña a la etapa 5 (`notebooks/05_investment_plan.ipynb`, página del
manual `methodology/05_investment_plan.md`). Unos 30 minutos. Es útil antes del taller del presupuesto
participativo, cuando la municipalidad decide cuánto puede poner sobre la mesa cada año.

**La idea.** Cada año, desde el siguiente al año base hasta el horizonte, el plan tiene un *techo* común de
dinero (fuentes municipal, regional y nacional). La municipalidad paga primero su área técnica de agua y
saneamiento (**ATM**); luego se atiende a las comunidades en orden de prioridad: una intervención se financia
solo si lo que queda del techo de ese año cubre su costo **completo** (sin dividir, sin arrastrar el dinero no
gastado). Las personas cuentan como servidas desde el año **siguiente** al financiamiento. El gráfico sigue la
cobertura básica o mejor (% de la población) año a año frente a la meta.

Los techos del distrito son **ilustrativos** (vea `methodology/illustrative.md`): lo que importa en la lección
es ver cómo se mueve el año en que se alcanza cada meta con el dinero y con el nivel de ambición.""",

    """## 1. Change the money and the ambition

- **Envelope ×**: multiplies every source of every year's envelope (1 = the district's envelope).
- **Sanitation target**: basic-or-better sanitation at the horizon (default 80 %). The water target stays at
  100 % (SDG 6.1). A new sanitation target changes each community's sanitation gap, which is a prioritisation
  criterion, so the lesson also recomputes the gaps and the ranking before scheduling.

The faint lines are the district's own plan, the solid lines this scenario; the dotted vertical line marks the
year a target is met.

**Suggested exercise.**
1. Halve the envelope (0.5): which target is delayed, by how many years? What is the funding gap at the horizon?
2. Double it (2): is the water target met earlier? Why does coverage sometimes *fall* slightly in a year with
   no new works? (Population grows; served people do not decrease.)
3. Set the sanitation target to 100 %: what would it cost to reach it, and is it met by the horizon?""":
    """## 1. Cambie el dinero y la ambición

- **Techo ×**: multiplica cada fuente del techo de cada año (1 = el techo del distrito).
- **Meta de saneamiento**: saneamiento básico o mejor al horizonte (por defecto 80 %). La meta de agua se queda
  en 100 % (ODS 6.1). Una nueva meta de saneamiento cambia la brecha de saneamiento de cada comunidad, que es un
  criterio de priorización, así que la lección también recalcula las brechas y el ranking antes de programar.

Las líneas tenues son el plan del propio distrito, las continuas este escenario; la línea vertical punteada
marca el año en que se alcanza una meta.

**Ejercicio sugerido.**
1. Reduzca el techo a la mitad (0.5): ¿qué meta se retrasa, cuántos años? ¿Cuál es la brecha de financiamiento
   al horizonte?
2. Duplíquelo (2): ¿se alcanza antes la meta de agua? ¿Por qué la cobertura a veces *baja* un poco en un año sin
   obras nuevas? (La población crece; las personas servidas no disminuyen.)
3. Ponga la meta de saneamiento en 100 %: ¿cuánto costaría alcanzarla, y se alcanza al horizonte?""",

    """## 3. What to discuss

- **Whole items only.** Money left at the end of a year is lost to the plan when no remaining item fits whole.
  A large item (a new system) can wait years while smaller ones pass ahead of it. This is why a larger envelope
  *usually*, but not by a law of arithmetic, brings targets forward: with more money, a large top-priority item
  can take the place of two smaller ones in the same year.
- **The ATM comes first.** If the envelope cannot pay the ATM in a year, that year's ATM is unfunded and appears in
  the funding gap: a plan without its technical unit is not sustainable.
- **Funding gap** = the cost of every item still unfunded at the horizon: what the district must seek from other
  sources (regional government, national programmes such as the PNSR, cooperation).

## 4. Snapshot with the district's values

The cell below shows the district's own envelope and target (what the printed/HTML version of this lesson shows).""":
    """## 3. Qué discutir

- **Solo partidas enteras.** El dinero que queda al final de un año se pierde para el plan cuando ninguna partida
  restante cabe entera. Una partida grande (un sistema nuevo) puede esperar años mientras otras más pequeñas pasan
  delante. Por eso un techo mayor *normalmente*, pero no por una ley aritmética, adelanta las metas: con más
  dinero, una partida grande de alta prioridad puede tomar el lugar de dos más pequeñas en el mismo año.
- **La ATM va primero.** Si el techo no alcanza para pagar la ATM en un año, la ATM de ese año queda sin
  financiar y aparece en la brecha de financiamiento: un plan sin su área técnica no es sostenible.
- **Brecha de financiamiento** = el costo de todas las partidas que siguen sin financiar al horizonte: lo que el
  distrito debe buscar en otras fuentes (gobierno regional, programas nacionales como el PNSR, cooperación).

## 4. Foto con los valores del distrito

La celda siguiente muestra el techo y la meta del propio distrito (lo que muestra la versión impresa/HTML de
esta lección).""",


    # issue 16: the rule and the best plan for the same money (budget lesson)
    """## 2. The rule and the best plan for the same money

The rule of stage 5 is simple to check by hand, but it does not look for the best. Stage 5 also computes the
**best plan the budget can buy**: the works, and the year of each, that give the most **people-years of
service** (people who gain a water or sanitation rung × years of service up to the horizon) with the same
envelopes, sources and ATM years (`methodology/05_investment_plan.md`). The table and chart below run both for
several envelope multiples (at the district's sanitation target): the people-years of each plan, the difference
("what the simple rule leaves on the table") and the year each target is met under each plan.

**Suggested exercise.**
1. At which envelope does the rule leave the most on the table? Look at the works that differ on the stage-5
   page: is it a large top-ranked work that blocks the money, or money left idle at the end of a year?
2. Does the best plan always meet the targets earlier? (No: it maximises people-years, not a target year.)
3. With much more money, why do both plans come together again? (Everything fits early under both.)""":
    """## 2. La regla y el mejor plan con el mismo dinero

La regla de la etapa 5 se revisa fácilmente a mano, pero no busca lo mejor. La etapa 5 también calcula el
**mejor plan que el presupuesto puede comprar**: las obras, y el año de cada una, que dan la mayor cantidad de
**personas-año de servicio** (personas que suben un peldaño de agua o saneamiento × años de servicio hasta el
horizonte) con los mismos techos, fuentes y años de ATM (`methodology/05_investment_plan.md`). La tabla y el
gráfico siguientes calculan ambos para varios múltiplos del techo (con la meta de saneamiento del distrito): las
personas-año de cada plan, la diferencia («lo que la regla simple deja sobre la mesa») y el año en que se
alcanza cada meta con cada plan.

**Ejercicio sugerido.**
1. ¿Con qué techo deja la regla más sobre la mesa? Mire las obras que difieren en la página de la etapa 5: ¿es
   una obra grande de alta prioridad que bloquea el dinero, o dinero ocioso al final de un año?
2. ¿El mejor plan alcanza siempre antes las metas? (No: maximiza personas-año, no un año de meta.)
3. Con mucho más dinero, ¿por qué los dos planes vuelven a coincidir? (Todo cabe temprano en ambos.)""",

}
