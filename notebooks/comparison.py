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

# %% [markdown] tags=["trainer", "lang-es"]
# # Comparación entre distritos (notas para el capacitador)
# Se ejecuta una vez por corrida sobre los distritos que completaron todas las etapas. Cada cifra viene del
# `summary.json` de cada distrito, así que es el mismo número que muestra el informe del distrito.

# %% [markdown] tags=["trainer", "lang-en"]
# # Comparison across districts (trainer notes)
# Run once per batch over the districts that completed every stage. Every figure comes from each district's
# `summary.json`, so it is the same number the district report shows.

# %% tags=["parameters"]
# Parameters (injected by `propilas run`).
districts = ["tacabamba", "lajas"]
out_dir = None  # None: <project>/outputs; a hand run (no run_id) writes to outputs/_manual/
run_id = None
language = "es"

# %%
from propilas.report.comparison_report import ComparisonContext

cmp = ComparisonContext(districts, out_dir, language, run_id)
cmp.heading("nb.comparison.title", level=1)
cmp.narrate("nb.comparison.intro", n=len(districts))
table = cmp.compute_and_write()
cmp.show_overview(table)

# %%
cmp.show_charts(table)

# %%
cmp.show_provenance()
