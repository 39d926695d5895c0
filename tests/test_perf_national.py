"""Issue 15 (T5, `propilas national`): work a district's computation does once, not many times.

Behaviour only (no timing): the benchmarks measure the time (benchmarks/bench_runs.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import ROOT
from propilas.core.params import load_params
from propilas.method import served as served_mod
from propilas.method.optimum import people_years
from propilas.method.scheduling import served_by_community, trajectory
from propilas.run import national


@pytest.fixture(scope="module")
def santo_tomas():
    from propilas.inputs.validation import load_inputs

    found = load_inputs("santo_tomas", ROOT / "params", ROOT / "data")
    params = load_params("santo_tomas", ROOT / "params")
    tables = national.compute_district(found.tables["communities"], found.tables["water_systems"], params)
    return tables, params


def test_stage5_builds_each_plans_served_matrices_once(santo_tomas, monkeypatch):
    """Stage 5 measures three plans (the rule's, the optimum, no works): the communities × years
    matrices of each are built once, not once per trajectory / people-years call (8 before)."""
    from propilas.core.registry import stage
    from propilas.stages import investment_plan

    tables, params = santo_tomas
    builds = []
    real_init = served_mod.ServedModel.__init__

    def counting_init(self, *a, **k):
        builds.append(self)
        real_init(self, *a, **k)

    monkeypatch.setattr(served_mod.ServedModel, "__init__", counting_init)
    inputs = {name: tables[name] for name in stage("05").table_inputs}
    out = investment_plan.compute(inputs, params)
    assert len(builds) == 1, "one served-population model per district"
    assert builds[0].builds <= 4  # rule, optimum (or the rule's copy), no works
    for name in ("trajectory", "optimum_comparison"):
        pd.testing.assert_frame_equal(out[name], tables[name])


def test_shared_model_gives_the_figures_of_a_fresh_one(santo_tomas):
    tables, params = santo_tomas
    pop, gaps, items, plan = (tables[k] for k in ("population", "gaps", "interventions", "investment_plan"))
    model = served_mod.ServedModel(pop, gaps, items, params)
    pd.testing.assert_frame_equal(trajectory(pop, gaps, plan, items, params, served=model),
                                  trajectory(pop, gaps, plan, items, params))
    pd.testing.assert_frame_equal(served_by_community(pop, gaps, plan, items, params, served=model),
                                  served_by_community(pop, gaps, plan, items, params))
    # people-years as the difference of the two served frames, weighted (its definition)
    w = served_by_community(pop, gaps, plan, items, params)
    none = plan.iloc[0:0]
    w0 = served_by_community(pop, gaps, none, items, params)
    weights = w["service"].map(params.optimum.service_weights).fillna(0.0).to_numpy(dtype=float)
    expected = float(np.nansum((w["population_served"] - w0["population_served"]).to_numpy(dtype=float) * weights))
    assert people_years(plan, pop, gaps, items, params, served=model) == expected
    assert people_years(plan, pop, gaps, items, params) == expected
    before = model.builds
    model.matrices(plan)
    assert model.builds == before, "a plan's matrices are kept while the model lives"


@pytest.mark.parametrize("rows, clean", [
    ([{}, {"community_id": "c2"}], True),
    ([{}, {"community_id": "c2", "altitude_m": float("nan")}], True),
    ([{}, {"community_id": "c1"}], False),                       # repeated id
    ([{}, {"community_id": "c2", "altitude_m": 36678.0}], False),  # out of range
    ([{}, {"community_id": "c2", "poverty_rate": -0.1}], False),
])
def test_schema_fast_path_agrees_with_pandera(rows, clean, monkeypatch):
    """A table the plain-array check finds clean is one pandera finds nothing in; any other goes to
    pandera, so `propilas validate` and `national` report the same problems (validated once, fast)."""
    from helpers import communities
    from propilas.inputs import validation
    from propilas.inputs.schema_check import schema_clean

    df = communities(*rows)
    df.index = range(2, 2 + len(df))
    assert schema_clean(df, "communities") is clean
    fast = validation._schema_problems(df, "communities", "communities.csv", None)
    monkeypatch.setattr(validation, "schema_clean", lambda *a: False)
    slow = validation._schema_problems(df, "communities", "communities.csv", None)
    assert [p.__dict__ for p in fast] == [p.__dict__ for p in slow]
    assert bool(slow) is not clean
