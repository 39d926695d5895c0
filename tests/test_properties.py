"""End-to-end properties over whole inventories (in-process, no notebooks).

The unit property tests (test_ladders, test_sustainability, test_scheduling) check each step on
hand-built frames. What they cannot catch is a step receiving something the previous step
produced but the unit test never built (dtypes after the CSV reader, NaN rows, systems of
communities without any, an empty systems table). Here hypothesis writes a random *valid*
inventory as the CSV files a consultant would bring, reads it with the real validator, runs
stages 00-05 with the same `compute` functions the notebooks call, and checks the invariants
the method guarantees for any valid inventory:

- every sustainability index (and E, G, O) is in [1, 4] or empty (never 0, never outside);
- every community's water and sanitation ladder shares sum to 100 % of its population, and so
  do the district shares;
- the investment schedule spends, every year and for every source, no more than its envelope,
  and pays each funded item once, in full;
- coverage stays within 0-100 % and the served population never decreases.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from propilas.run.lessons import district_tables
from propilas.core.schemas import column_names

FIX = ROOT / "tests" / "fixtures"

yn = st.sampled_from(["yes", "no", ""])
state = st.sampled_from(["A", "B", "C", "D", ""])


def _maybe(s):
    return st.one_of(st.just(""), s)


def _partition(draw, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, total]
    return [edges[i + 1] - edges[i] for i in range(parts)]


@st.composite
def inventory(draw) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[int, dict[str, float]]]:
    n = draw(st.integers(1, 6))
    comms, systems = [], []
    for i in range(n):
        hh = draw(st.integers(1, 80))
        pop = hh * draw(st.integers(1, 8))
        water = _partition(draw, hh, 5)
        san = _partition(draw, hh, 4) if draw(st.booleans()) or i == 0 else ["", "", "", ""]
        row = dict(community_id=f"C{i}", name=f"Comunidad {i}", population=pop, households=hh,
                   poverty_rate=draw(_maybe(st.floats(0, 1).map(lambda x: f"{x:.3f}"))),
                   altitude_m=draw(_maybe(st.integers(0, 4500))), distance_km=draw(_maybe(st.integers(0, 80))),
                   water_round_trip_min=draw(_maybe(st.integers(0, 120))),
                   jass_exists=draw(yn), counterpart_committed=draw(yn), latitude="", longitude="",
                   source="illustrative")
        row.update(zip(["hh_water_piped_premises", "hh_water_public_tap", "hh_water_protected_source",
                        "hh_water_unprotected", "hh_water_surface"], water))
        row.update(zip(["hh_san_improved_private", "hh_san_improved_shared", "hh_san_unimproved", "hh_san_open"],
                       san))
        comms.append(row)
        # at least one system in the district: the validator refuses an empty water_systems table
        for j in range(draw(st.integers(1 if i == 0 else 0, 2))):
            systems.append(dict(
                system_id=f"S{i}_{j}", community_id=f"C{i}", name=f"Sistema {i}.{j}",
                system_type=draw(st.sampled_from(["gravity", "gravity_treated", "pumped", "pumped_treated", ""])),
                year_built=draw(_maybe(st.integers(1960, 2015))),
                population_served=draw(_maybe(st.integers(0, pop))),
                households_connected=draw(_maybe(st.integers(0, hh))),
                state_catchment=draw(state), state_conduction=draw(state), state_reservoir=draw(state),
                state_distribution=draw(state), state_treatment=draw(state),
                hours_per_day=draw(_maybe(st.integers(0, 24))),
                dry_season=draw(st.sampled_from(["sufficient", "partial", "insufficient", ""])),
                chlorination=draw(yn), residual_chlorine_mg_l="", jass_recognised=draw(yn),
                jass_board_active=draw(yn), fee_charged=draw(yn),
                fee_collection_rate=draw(_maybe(st.floats(0, 1).map(lambda x: f"{x:.2f}"))),
                maintenance_plan=draw(yn), trained_operator=draw(yn),
                reservoir_cleanings_per_year=draw(_maybe(st.integers(0, 12))), latitude="", longitude="",
                source="illustrative"))
            if systems[-1]["chlorination"] == "yes":
                systems[-1]["residual_chlorine_mg_l"] = draw(_maybe(st.floats(0, 2).map(lambda x: f"{x:.2f}")))
        if not any(sy["community_id"] == f"C{i}" for sy in systems):
            # piped households need a system (a contradiction the validator refuses): without one,
            # they fetch water from a protected source
            piped = row["hh_water_piped_premises"] + row["hh_water_public_tap"]
            row.update(hh_water_piped_premises=0, hh_water_public_tap=0,
                       hh_water_protected_source=row["hh_water_protected_source"] + piped)
    srcs = ("municipal", "regional", "national")
    envelope = {s: float(draw(st.integers(0, 60)) * 1000) for s in srcs}
    by_year = {y: {s: float(draw(st.integers(0, 40)) * 1000) for s in srcs}
               for y in draw(st.sets(st.integers(2016, 2020), max_size=2))}
    return comms, systems, {0: envelope, **by_year}


def _csv(rows: list[dict[str, object]], table: str) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[c for c in column_names(table) if c != "hh_san_safely_managed"],
                       lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def _run(comms, systems, budget) -> tuple[object, dict]:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "params").mkdir()
        (root / "data" / "fixture").mkdir(parents=True)
        (root / "params" / "defaults.yaml").write_text((FIX / "params" / "defaults.yaml").read_text("utf-8"), "utf-8")
        p = yaml.safe_load((FIX / "params" / "fixture.yaml").read_text("utf-8"))
        p["budget"] = {"envelope": budget[0], "envelope_by_year": {y: e for y, e in budget.items() if y}}
        p["prioritisation"] = {"draws": 50}  # the Monte Carlo is not under test; keep examples fast
        (root / "params" / "fixture.yaml").write_text(yaml.safe_dump(p, allow_unicode=True), "utf-8")
        (root / "data" / "fixture" / "communities.csv").write_text(_csv(comms, "communities"), "utf-8")
        (root / "data" / "fixture" / "water_systems.csv").write_text(_csv(systems, "water_systems"), "utf-8")
        return district_tables("fixture", root / "params", root / "data",
                               stages=("00", "01", "02", "03", "04", "05"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inventory())
def test_any_valid_inventory_keeps_the_method_invariants(case):
    comms, systems, budget = case
    params, t = _run(comms, systems, budget)  # raises if the generated inventory were invalid

    # 1. sustainability: every score in [1, 4] or empty; class empty exactly when the index is
    sus = t["sustainability"]
    assert len(sus) == len(systems)
    for col in ("E", "G", "O", "index"):
        vals = pd.to_numeric(sus[col], errors="coerce")
        assert ((vals >= 1) & (vals <= 4) | vals.isna()).all(), (col, vals.tolist())
    assert ((sus["class"] == "unclassified") == pd.to_numeric(sus["index"]).isna()).all()

    # 2. ladders: shares of population sum to 100 wherever every rung is known. A rung that cannot
    #    be known is NaN and flagged, never 0: water when public-tap/protected-source households
    #    have no round-trip time; sanitation safely_managed when not surveyed (basic holds it);
    #    a whole sanitation ladder when the community's sanitation was not surveyed.
    surveyed_san = {c["community_id"] for c in comms if c["hh_san_open"] != ""}
    no_trip = {c["community_id"] for c in comms if c["water_round_trip_min"] == ""
               and (c["hh_water_public_tap"] or c["hh_water_protected_source"])}
    for cid, g in t["water_ladder"].groupby("community_id"):
        if cid in no_trip:
            assert g["share_pct"].isna().any() and g["flags"].str.contains("missing:water_round_trip_min").all()
        else:
            assert g["share_pct"].notna().all() and g["share_pct"].sum() == pytest.approx(100, abs=1e-6), cid
    for cid, g in t["sanitation_ladder"].groupby("community_id"):
        known = g[g["rung"] != "safely_managed"]["share_pct"]
        if cid in surveyed_san:
            assert known.notna().all() and known.sum() == pytest.approx(100, abs=1e-6), cid
        else:
            assert g["share_pct"].isna().all(), cid  # not surveyed: empty, never 0
    # district ladders cover the communities whose ladder is computed and say how much that is
    d = t["ladder_district"]
    for service, g in d.groupby("service"):
        known = g[~((service == "sanitation") & (g["rung"] == "safely_managed"))]["share_pct"]
        covered = g["population_covered_pct"].iloc[0]
        if covered > 0:
            assert known.notna().all() and known.sum() == pytest.approx(100, abs=1e-6), (service, g)
        else:
            assert known.isna().all(), (service, g)  # nothing computable: empty, never 0
        complete = not no_trip if service == "water" else len(surveyed_san) == len(comms)
        assert (covered == pytest.approx(100)) == complete, (service, covered)

    # 3. schedule within budget: per year and source, and funded items paid once in full
    plan, cost = t["investment_plan"], t["cost_by_year"]
    assert (cost["spent_pen"] <= cost["envelope_pen"] + 1e-6).all()
    for (year, source), spent in plan[plan["status"] == "funded"].groupby(["year", "source"])["cost_pen"].sum().items():
        assert spent <= params.budget.envelope_for(int(year))[source] + 1e-6, (year, source, spent)
    funded = plan[plan["status"] == "funded"]
    assert (funded.groupby("item_id")["year"].nunique() == 1).all()
    assert not set(funded["item_id"]) & set(plan.loc[plan["status"] == "unfunded", "item_id"])
    items = t["interventions"].set_index("item_id")["cost_pen"]
    for iid, paid in funded.groupby("item_id")["cost_pen"].sum().items():
        if iid in items.index and not math.isnan(items[iid]):
            assert paid == pytest.approx(items[iid], abs=1e-6), iid

    # 4. trajectory: coverage within 0-100 %, served population never decreases
    for _, tr in t["trajectory"].groupby("service"):
        tr = tr.sort_values("year")
        if tr["population_served"].isna().any():  # no community's base computable: empty, never 0
            assert tr["population_served"].isna().all() and tr["coverage_pct"].isna().all()
            continue
        assert (tr["population_covered_pct"] > 0).all() and (tr["population_covered_pct"] <= 100 + 1e-9).all()
        assert ((tr["coverage_pct"] >= -1e-9) & (tr["coverage_pct"] <= 100 + 1e-9)).all()
        assert (np.diff(tr["population_served"].to_numpy()) >= -1e-9).all()
