"""Spanish versions of the trainer notes of the stage notebooks (issue 13 §2: trainer notes in both
languages). tools/build_notebooks.py writes each note twice, tagged `lang-es` and `lang-en`; a
note whose English text has no entry here stops the build, so the two languages cannot drift.

Keys are the English notes as written in build_notebooks.py / extra_notebooks.py (stripped).
"""

ES: dict[str, str] = {
    """# Stage 0 — District profile and data check (trainer notes)
**Purpose.** Know the district before planning: which rural communities the plan covers, how many people
live there now and at the horizon, and whether the inventory can be trusted.
**Steps.** (1) read and validate the inventory — every problem is listed at once with file, row, column and
value; (2) project population with the intercensal rate r = (P2/P1)^(1/(t2−t1)) − 1; (3) compare the sum of
communities with P(base) × rural share. **Ask participants:** is every caserío listed? Which rows are real?""":
    """# Etapa 0 — Perfil del distrito y control de datos (notas para el capacitador)
**Propósito.** Conocer el distrito antes de planificar: qué comunidades rurales cubre el plan, cuántas personas
viven allí hoy y al horizonte, y si el inventario es confiable.
**Pasos.** (1) leer y validar el inventario — todos los problemas se listan a la vez con archivo, fila, columna y
valor; (2) proyectar la población con la tasa intercensal r = (P2/P1)^(1/(t2−t1)) − 1; (3) comparar la suma de
las comunidades con P(base) × proporción rural. **Pregunte a los participantes:** ¿están todos los caseríos?
¿Qué filas son reales?""",

    """**Which rows are real?** Every row says its `source`. SIASAR rows are real survey records (never
completed with invented values); `illustrative` rows were generated to make the example complete.""":
    """**¿Qué filas son reales?** Cada fila indica su `source` (fuente). Las filas SIASAR son registros reales de
encuesta (nunca completados con valores inventados); las filas `illustrative` se generaron para completar el
ejemplo.""",

    """**Population.** The growth rate comes from the two most recent censuses; each community is projected
with the district rate from its base-year population.""":
    """**Población.** La tasa de crecimiento sale de los dos censos más recientes; cada comunidad se proyecta con
la tasa del distrito a partir de su población del año base.""",

    """**Data quality (imported districts).** What the importer found in the published SIASAR records (which
rows, why, what was done — e.g. more households than persons: households imputed) and, per community, the
fields SIASAR does not survey that the consultant should collect. Both are sheets of tables.xlsx.""":
    """**Calidad de datos (distritos importados).** Lo que el importador encontró en los registros publicados de
SIASAR (qué filas, por qué, qué se hizo — p. ej. más hogares que personas: hogares imputados) y, por comunidad,
los campos que SIASAR no releva y que el consultor debe levantar. Ambos son hojas de tables.xlsx.""",

    """# Stage 1 — Diagnosis of services (trainer notes)
**Purpose.** Measure where each community stands on the WHO/UNICEF JMP ladders, so targets and gaps
are expressed in the same terms as SDG 6. **Common mistakes:** counting a piped system as safely managed
without chlorine data; forgetting that a community can have several systems (their connections add up);
shares of households instead of population (we use population: households × persons per household).""":
    """# Etapa 1 — Diagnóstico de los servicios (notas para el capacitador)
**Propósito.** Medir dónde está cada comunidad en las escaleras JMP de OMS/UNICEF, para que metas y brechas se
expresen en los mismos términos que el ODS 6. **Errores frecuentes:** contar un sistema por red como gestionado
de forma segura sin datos de cloro; olvidar que una comunidad puede tener varios sistemas (sus conexiones se
suman); usar proporciones de hogares en vez de población (usamos población: hogares × personas por hogar).""",

    """**Reading the ladder.** Each bar is 100 % of a community's population. Grey hatched segments are
rungs that could not be computed from the data — never shown as zero.""":
    """**Cómo leer la escalera.** Cada barra es el 100 % de la población de una comunidad. Los segmentos grises
rayados son peldaños que no se pudieron calcular con los datos — nunca se muestran como cero.""",

    """# Stage 2 — Sustainability of water systems (trainer notes)
**Purpose.** A system that exists is not a service that lasts. The PROPILAS index scores the state of
each system (E, weight 2), its management (G) and its operation and maintenance (O), 1–4 each.
**Try:** change a sub-variable in `params/defaults.yaml` (e.g. the continuity bands) and re-run to see
which systems change class. **Common mistakes:** rounding the index before classifying (3.50 is B, not A);
reading a partial index as complete; classifying a system on one or two answers (a component needs at least
`sustainability.min_subvariables` known sub-variables, E also the infrastructure: otherwise the system is
unclassified and gets a diagnosis visit, not works).""":
    """# Etapa 2 — Sostenibilidad de los sistemas de agua (notas para el capacitador)
**Propósito.** Un sistema que existe no es un servicio que dura. El índice PROPILAS califica el estado de cada
sistema (E, peso 2), su gestión (G) y su operación y mantenimiento (O), de 1 a 4 cada uno.
**Pruebe:** cambie una subvariable en `params/defaults.yaml` (p. ej. los tramos de continuidad) y vuelva a
ejecutar para ver qué sistemas cambian de clase. **Errores frecuentes:** redondear el índice antes de
clasificar (3.50 es B, no A); leer un índice parcial como completo; clasificar un sistema con una o dos
respuestas (un componente necesita al menos `sustainability.min_subvariables` subvariables conocidas, E además
la infraestructura: si no, el sistema queda sin clasificar y recibe una visita de diagnóstico, no obras).""",

    """**The table** shows each sub-score. `flags` lists what was missing (left out of its component's
mean) — a consultant's to-do list for the next survey.""":
    """**La tabla** muestra cada subpuntaje. Las observaciones (`flags`) listan lo que faltaba (dejado fuera del
promedio de su componente) — la lista de tareas del consultor para la próxima encuesta.""",

    """# Stage 3 — Strategy: objectives, targets and gaps (trainer notes)
**Purpose.** Turn the workshop's vision into numbers: targets at the horizon year (SDG 6.1: universal
basic water by 2030) and the gap per community. **Formula.** served = pph × [non-piped basic-or-better
households + min(piped households, households connected to class A/B systems)]; gap = max(0, target ×
P(horizon) − served); gap indicator = 100 × (P(base) − served) / P(base). **Common mistake:** counting
people on a collapsed (class C/D) system as served.""":
    """# Etapa 3 — Estrategia: objetivos, metas y brechas (notas para el capacitador)
**Propósito.** Convertir la visión del taller en números: metas al año horizonte (ODS 6.1: agua básica
universal al 2030) y la brecha por comunidad. **Fórmula.** servidos = pph × [hogares con fuente no entubada
básica o mejor + mín(hogares con red, hogares conectados a sistemas clase A/B)]; brecha = máx(0, meta ×
P(horizonte) − servidos); indicador de brecha = 100 × (P(base) − servidos) / P(base). **Error frecuente:**
contar como servidas a las personas de un sistema colapsado (clase C/D).""",

    """**Gaps by community.** The chart shows people still to be served at the horizon; the table adds the
Invierte.pe gap indicator. Discuss: are the biggest gaps where the poorest communities are?""":
    """**Brechas por comunidad.** El gráfico muestra las personas que faltan por servir al horizonte; la tabla
agrega el indicador de brecha de Invierte.pe. Discuta: ¿están las mayores brechas donde están las comunidades
más pobres?""",

    """# Stage 4 — Prioritisation (trainer notes)
**Purpose.** Decide an order among communities that participants can defend. Interventions are chosen
and priced by one rule set (stage 5's rules) before any ranking, so the ranking cannot bias the costs.
**Robustness.** 1,000 weight sets drawn around the agreed weights show how stable the ranking is; the
lesson `notebooks/lessons/weights.ipynb` lets participants move the weights themselves.""":
    """# Etapa 4 — Priorización (notas para el capacitador)
**Propósito.** Decidir un orden entre comunidades que los participantes puedan defender. Las intervenciones se
eligen y costean con un solo conjunto de reglas (las de la etapa 5) antes de cualquier ranking, para que el
ranking no sesgue los costos. **Robustez.** 1 000 juegos de pesos sorteados alrededor de los pesos acordados
muestran qué tan estable es el ranking; la lección `notebooks/lessons/weights.ipynb` deja que los
participantes muevan los pesos ellos mismos.""",

    """# Stage 5 — Investment plan (trainer notes)
**Purpose.** Show what the district can afford, when, and what is left unfunded. The scheduling rule is
deliberately simple so participants can check it by hand: ATM first, then priority order, whole items
only, no carry-over. **Try:** the lesson `notebooks/lessons/budget.ipynb` moves the envelope and shows
the target year move.""":
    """# Etapa 5 — Plan de inversiones (notas para el capacitador)
**Propósito.** Mostrar qué puede financiar el distrito, cuándo, y qué queda sin financiar. La regla de
programación es deliberadamente simple para que los participantes la verifiquen a mano: primero la ATM, luego
el orden de prioridad, solo partidas enteras, sin arrastre de saldos. **Pruebe:** la lección
`notebooks/lessons/budget.ipynb` mueve el techo presupuestal y muestra cómo se mueve el año de la meta.""",

    """# Stage 6 — Participatory budget and institutional plan (trainer notes)
**Purpose.** The plan becomes municipal money through the participatory budget. Each project sheet is
what the municipality takes to the participatory-budget workshop; the commitments are what the council
approves by ordinance. **Ask:** who in the municipality signs each commitment?""":
    """# Etapa 6 — Presupuesto participativo y plan institucional (notas para el capacitador)
**Propósito.** El plan se vuelve dinero municipal a través del presupuesto participativo. Cada ficha de
proyecto es lo que la municipalidad lleva al taller del presupuesto participativo; los compromisos son lo que
el concejo aprueba por ordenanza. **Pregunte:** ¿quién en la municipalidad firma cada compromiso?""",

    """# Stage 7 — Monitoring (trainer notes)
**Purpose.** A plan is only as good as its follow-up. Each follow-up round (`data/<district>/rounds/<year>/`,
same files as the base inventory) is scored with exactly the same library as the baseline.""":
    """# Etapa 7 — Seguimiento (notas para el capacitador)
**Propósito.** Un plan vale lo que vale su seguimiento. Cada ronda de seguimiento
(`data/<distrito>/rounds/<año>/`, los mismos archivos que el inventario base) se califica exactamente con la
misma biblioteca que la línea de base.""",

    """# Stage 8 — District summary (trainer notes)
**Purpose.** One page a mayor reads, and a plain-language summary the public-service oversight committee
(comité de vigilancia) can hold the municipality to. `summary.json` feeds the cross-district comparison.""":
    """# Etapa 8 — Resumen distrital (notas para el capacitador)
**Propósito.** Una página que el alcalde lee, y un resumen en lenguaje sencillo con el que el comité de
vigilancia puede exigir cuentas a la municipalidad. `summary.json` alimenta la comparación entre distritos.""",

    """# Comparison across districts (trainer notes)
Run once per batch over the districts that completed every stage. Every figure comes from each district's
`summary.json`, so it is the same number the district report shows.""":
    """# Comparación entre distritos (notas para el capacitador)
Se ejecuta una vez por corrida sobre los distritos que completaron todas las etapas. Cada cifra viene del
`summary.json` de cada distrito, así que es el mismo número que muestra el informe del distrito.""",
}
