"""Prioritisation criteria, normalisation, ranking ties and the weight sensitivity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import make_params
from propilas.core.params import CRITERIA
from propilas.method.prioritisation import (criteria, normalise, priorities, rank_matrix, sensitivity,
                                     spearman_vs_base, tie_positions)
from test_gaps import communities_df, community, sustainability_df

PARAMS = make_params()


def only(**w: float) -> dict[str, float]:
    """Weights with the named criteria, every other criterion 0."""
    out = {c: 0.0 for c in CRITERIA}
    out.update(w)
    return out


def gaps_df(rows: list[tuple]) -> pd.DataFrame:
    """rows: (community_id, water_gap, sanitation_gap[, population_horizon])."""
    out = []
    for cid, w, s, *ph in rows:
        extra = {"population_horizon": float(ph[0])} if ph else {}
        out += [{"community_id": cid, "service": "water", "gap": float(w), **extra},
                {"community_id": cid, "service": "sanitation", "gap": float(s), **extra}]
    return pd.DataFrame(out)


def items_df(rows: list[tuple]) -> pd.DataFrame:
    """rows: (community_id, cost_pen, beneficiaries[, service]); service defaults to water."""
    rows = [tuple(r) + ("water",) * (4 - len(r)) for r in rows]
    return pd.DataFrame(rows, columns=["community_id", "cost_pen", "beneficiaries", "service"]).astype(
        {"cost_pen": float, "beneficiaries": float})


def three():
    comms = communities_df([
        community("a", 100, 20, poverty_rate=0.2, jass_exists=True, counterpart_committed=False),
        community("b", 100, 20, poverty_rate=0.6, jass_exists=None, counterpart_committed=True),
        community("c", 100, 20, poverty_rate=np.nan, jass_exists=None, counterpart_committed=None),
    ])
    sus = sustainability_df([("S1", "a", 3.0, "B", 4, 4, False), ("S2", "a", 2.0, "C", 4, 4, False),
                             ("S3", "b", np.nan, "unclassified", np.nan, 3, True)])
    gaps = gaps_df([("a", 10, 40), ("b", 30, 0), ("c", 50, 20)])
    items = items_df([("a", 1000, 10), ("a", 500, 20), ("b", 300, 0), ("b", 200, 10)])
    return comms, sus, gaps, items


def test_raw_criteria():
    comms, sus, gaps, items = three()
    raw = criteria(comms, sus, gaps, items, PARAMS)
    assert raw["water_gap"].tolist() == [10, 30, 50]
    assert raw["sanitation_gap"].tolist() == [40, 0, 20]
    # a: mean IS (3 + 2)/2 = 2.5 → deficit 4 − 2.5 = 1.5; b: only NaN index → NaN flagged;
    # c: no system → 1
    assert raw.at["a", "sustainability_deficit"] == pytest.approx(1.5)
    assert math.isnan(raw.at["b", "sustainability_deficit"])
    assert "sustainability_deficit:no_index" in raw.at["b", "flags"]
    assert raw.at["c", "sustainability_deficit"] == pytest.approx(1.0)
    # beneficiaries: a 10 + 20 = 30; b 0 + 10 = 10; c none → 0
    assert raw["beneficiaries"].tolist() == [30, 10, 0]
    # cost per beneficiary: a 1500/30 = 50; b 500/10 = 50; c no beneficiaries → NaN flagged
    assert raw.at["a", "cost_per_beneficiary"] == pytest.approx(50)
    assert raw.at["b", "cost_per_beneficiary"] == pytest.approx(50)
    assert math.isnan(raw.at["c", "cost_per_beneficiary"])
    assert "cost_per_beneficiary:no_beneficiaries" in raw.at["c", "flags"]
    # readiness: a (1 + 0)/2 = 0.5; b only committed known → 1, flagged partial; c NaN
    assert raw.at["a", "readiness"] == pytest.approx(0.5)
    assert raw.at["b", "readiness"] == pytest.approx(1.0) and "readiness:partial" in raw.at["b", "flags"]
    assert math.isnan(raw.at["c", "readiness"]) and "nan_criterion:readiness" in raw.at["c", "flags"]
    assert "nan_criterion:poverty" in raw.at["c", "flags"]
    # total gap for ties: 50, 30, 70
    assert raw["total_gap"].tolist() == [50, 30, 70]


def test_normalise_min_max_orientation_equal_and_nan():
    raw = pd.DataFrame({c: [1.0, 1.0, 1.0] for c in CRITERIA}, index=["a", "b", "c"])
    raw["water_gap"] = [0.0, 50.0, 100.0]          # → 0, 0.5, 1
    raw["cost_per_beneficiary"] = [10.0, 20.0, 30.0]  # inverted: (30 − x)/20 → 1, 0.5, 0
    raw["poverty"] = [0.2, np.nan, 0.6]            # → 0, NaN→0, 1
    n = normalise(raw)
    assert n["water_gap"].tolist() == pytest.approx([0, 0.5, 1])
    assert n["cost_per_beneficiary"].tolist() == pytest.approx([1, 0.5, 0])
    assert n["poverty"].tolist() == pytest.approx([0, 0, 1])
    assert n["readiness"].tolist() == [0, 0, 0]    # all equal → 0


def test_score_and_rank_hand_computed():
    comms, sus, gaps, items = three()
    p = make_params(prioritisation={"weights": only(water_gap=0.5, sanitation_gap=0.5)})
    pr_sorted = priorities(comms, sus, gaps, items, p)
    assert pr_sorted["community_id"].tolist() == ["c", "a", "b"]   # sorted by rank
    pr = pr_sorted.set_index("community_id").loc[["a", "b", "c"]]
    # water_gap norm: (10,30,50) → 0, .5, 1 ; sanitation (40,0,20) → 1, 0, .5
    # score a = .5·0 + .5·1 = .5 ; b = .25 ; c = .5 + .25 = .75
    assert pr["score"].tolist() == pytest.approx([0.5, 0.25, 0.75])
    assert pr["rank"].to_dict() == {"a": 2, "b": 3, "c": 1}
    assert pr["water_gap_norm"].tolist() == pytest.approx([0, 0.5, 1])
    assert pr["p_top_k"].isna().all()              # filled by sensitivity


def test_ties_by_total_gap_then_id():
    # all criteria weight on poverty, equal poverty → all scores 0 (all-equal → norm 0)
    comms = communities_df([community(c, 10, 2, poverty_rate=0.5) for c in ("b", "a", "c", "d")])
    gaps = gaps_df([("b", 5, 5), ("a", 5, 5), ("c", 20, 0), ("d", 0, 1)])
    p = make_params(prioritisation={"weights": only(poverty=1.0)})
    pr = priorities(comms, sustainability_df([]), gaps, items_df([]), p)
    # total gaps: b 10, a 10, c 20, d 1 → c first, then a/b tie on gap → id: a, b; then d
    assert pr["community_id"].tolist() == ["c", "a", "b", "d"]
    assert pr["rank"].tolist() == [1, 2, 3, 4]


def test_rank_matrix_ties_and_float_noise():
    tie = tie_positions(pd.Index(["x", "y", "z"]), pd.Series({"x": 1.0, "y": 5.0, "z": 1.0}))
    # tie order: y (gap 5), x, z
    assert tie.tolist() == [1, 0, 2]
    s = np.array([[0.3, 0.1 + 0.2, 0.9],      # 0.1 + 0.2 = 0.30000000000000004 ties with 0.3
                  [0.0, 0.0, 0.0]])
    r = rank_matrix(s, tie)
    assert r[0].tolist() == [3, 2, 1]          # z first; x/y tie → y (larger gap) before x
    assert r[1].tolist() == [2, 1, 3]


def test_spearman_hand():
    # base (1,2,3) vs draw (2,1,3): Σd² = 1 + 1 + 0 = 2 → ρ = 1 − 6·2/(3·8) = 0.5
    assert spearman_vs_base(np.array([[2, 1, 3], [1, 2, 3], [3, 2, 1]]), np.array([1, 2, 3])).tolist() \
        == pytest.approx([0.5, 1.0, -1.0])


def norm_frame(values: dict[str, list[float]], ids: list[str]) -> pd.DataFrame:
    df = pd.DataFrame({c: [0.0] * len(ids) for c in CRITERIA}, index=ids)
    for k, v in values.items():
        df[k] = v
    return df


def test_zero_weight_criterion_stays_zero():
    # all weight on water_gap: every draw has weight 1 on it, 0 elsewhere → same ranking always
    p = make_params(prioritisation={"weights": only(water_gap=1.0), "top_k": 1})
    x = norm_frame({"water_gap": [1.0, 0.0], "poverty": [0.0, 1.0]}, ["a", "b"])
    sens, robust = sensitivity(x, p)
    s = sens.set_index("community_id")
    assert s.loc["a", "p_top_k"] == 1.0 and s.loc["b", "p_top_k"] == 0.0
    m = robust.set_index("metric")["value"]
    assert m["median_spearman"] == pytest.approx(1.0)
    assert m["fragile"] == 0.0 and m["draws"] == 1000 and m["top_k"] == 1


def test_two_active_weights_zero_one_never_used():
    # weights 0.5/0.5 on water/sanitation; 'poverty' (w=0) would favour c, but it never counts
    p = make_params(prioritisation={"weights": only(water_gap=0.5, sanitation_gap=0.5), "top_k": 1})
    x = norm_frame({"water_gap": [1.0, 0.9, 0.0], "sanitation_gap": [1.0, 0.9, 0.0],
                    "poverty": [0.0, 0.0, 1.0]}, ["a", "b", "c"])
    s = sensitivity(x, p)[0].set_index("community_id")
    assert s.loc["a", "p_top_k"] == 1.0 and s.loc["c", "p_top_k"] == 0.0
    assert s.loc["c", "rank_p05"] == 3 and s.loc["c", "rank_p95"] == 3


def test_fragile_when_top_community_flips():
    # a strong on water only, b on sanitation only, equal weights → each top in about half the
    # draws; base tie → a by id. p_top_k(a) ≈ 0.5 < 0.8 → fragile
    p = make_params(prioritisation={"weights": only(water_gap=0.5, sanitation_gap=0.5), "top_k": 1})
    x = norm_frame({"water_gap": [1.0, 0.0], "sanitation_gap": [0.0, 1.0]}, ["a", "b"])
    sens, robust = sensitivity(x, p)
    s = sens.set_index("community_id")
    assert s.loc["a", "base_rank"] == 1
    assert 0.4 < s.loc["a", "p_top_k"] < 0.6
    assert s.loc["a", "p_top_k"] + s.loc["b", "p_top_k"] == pytest.approx(1.0)
    m = robust.set_index("metric")["value"]
    assert m["fragile"] == 1.0
    assert m["min_p_top_k_in_base_top_k"] == pytest.approx(s.loc["a", "p_top_k"])


def test_fragile_by_spearman_only():
    # top_k = 3 = all communities → p_top_k = 1 for all; a median ρ below a threshold of 0.999
    p = make_params(prioritisation={"weights": only(water_gap=0.5, sanitation_gap=0.5), "top_k": 3,
                                    "fragile_spearman": 0.999})
    x = norm_frame({"water_gap": [1.0, 0.0, 0.5], "sanitation_gap": [0.0, 1.0, 0.5]}, ["a", "b", "c"])
    m = sensitivity(x, p)[1].set_index("metric")["value"]
    assert m["min_p_top_k_in_base_top_k"] == 1.0
    assert m["median_spearman"] < 0.999 and m["fragile"] == 1.0


def test_seeded_reproducible():
    rng = np.random.default_rng(1)
    ids = [f"c{i:03d}" for i in range(100)]
    x = pd.DataFrame(rng.random((100, len(CRITERIA))), index=ids, columns=list(CRITERIA))
    s1, r1 = sensitivity(x, PARAMS)
    s2, r2 = sensitivity(x, PARAMS)
    pd.testing.assert_frame_equal(s1, s2)
    pd.testing.assert_frame_equal(r1, r2)
    assert s1["p_top_k"].sum() == pytest.approx(5.0)    # exactly k in the top k every draw
    assert (s1["rank_p05"] <= s1["median_rank"]).all() and (s1["median_rank"] <= s1["rank_p95"]).all()
    assert s1["base_rank"].tolist() == list(range(1, 101))


def test_stages_3_4_5_chain_and_charts():
    """Stage 03 → 04 → 05 on the test_gaps fixture, then every chart of stages 3-5 in es/en."""
    import matplotlib.pyplot as plt

    from propilas.stages.charts.investment import coverage_trajectory, investment_by_year
    from propilas.stages.charts.prioritisation import priority_chart
    from propilas.stages.charts.strategy import gap_by_community
    from propilas.stages import investment_plan, prioritisation, strategy
    from test_gaps import fixture

    inputs, params = fixture()
    inputs.update(strategy.compute(inputs, params))
    out4 = prioritisation.compute(inputs, params)
    assert set(out4) == {"interventions", "priorities", "sensitivity", "robustness"}
    inputs.update(out4)
    pr = out4["priorities"]
    assert pr["p_top_k"].notna().all() and pr["rank"].tolist() == [1, 2]
    items = out4["interventions"]
    # c1: rehabilitation of S2 (class C), extension (11 of 20 connected = 0.55 < 0.9),
    # sanitation units (12 hh), JASS for S2 (G 2 ≤ 2.5); c2: new system (share 0 < 0.5) and,
    # because works are sized for the horizon population (interventions.design_population),
    # sanitation units for the households added by growth
    assert sorted(items["item_id"]) == ["c1-extension", "c1-jass_strengthening-S2",
                                        "c1-rehabilitation-S2", "c1-sanitation_units",
                                        "c2-new_system", "c2-sanitation_units"]
    # c2 new system: sized for the horizon: max(60 unserved at base, water gap 66) × 1500 = 99,000
    assert items.set_index("item_id").loc["c2-new_system", "cost_pen"] == pytest.approx(99000)
    out5 = investment_plan.compute(inputs, params)
    plan = out5["investment_plan"]
    assert set(plan.loc[plan["intervention"] != "atm", "item_id"]) == set(items["item_id"])
    traj = out5["trajectory"]
    w = traj[traj["service"] == "water"]["population_served"].to_numpy()
    assert (np.diff(w) >= 0).all() and w[0] == pytest.approx(60.0)
    for lang in ("es", "en"):
        figs = [gap_by_community(inputs["gaps"], params.horizon_year, lang, "src", inputs["communities"]),
                priority_chart(pr, out4["sensitivity"], out4["robustness"], params.prioritisation.top_k,
                               lang, "src", inputs["communities"]),
                investment_by_year(out5["cost_by_year"], list(params.budget.sources), lang, "src"),
                coverage_trajectory(traj, out5["target_years"], lang, "src")]
        for f in figs:
            assert f.axes[0].get_title(loc="left")
            plt.close(f)


# --- issue 10 items 3-4: unknown is never 0; beneficiaries are distinct people ---------------
from helpers import communities as communities_h  # noqa: E402


def abc(**per_id: dict) -> pd.DataFrame:
    """Communities a, b, c (tests/helpers.py builder) with per-community overrides."""
    return communities_h(*({"community_id": cid, **per_id.get(cid, {})} for cid in ("a", "b", "c")))


def test_unknown_sanitation_gap_left_out_of_normalisation_with_fallback():
    gaps = gaps_df([("a", 10, 40), ("b", 10, np.nan), ("c", 10, 20)])
    p = make_params(prioritisation={"weights": only(sanitation_gap=1.0)})
    pr = priorities(abc(), sustainability_df([]), gaps, items_df([]), p).set_index("community_id")
    # raw stays empty (the old pivot_table sum made it 0, which set the scale's minimum)
    assert math.isnan(pr.at["b", "sanitation_gap"])
    # known a 40, c 20 → a (40 − 20)/20 = 1, c 0; b left out, takes unknown_fallback 0.5
    assert pr["sanitation_gap_norm"].to_dict() == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.0})
    # who would gain sanitation in b is unknown too: its beneficiaries (and their cost) as well
    assert pr.at["b", "fallbacks"] == "sanitation_gap:neutral; beneficiaries:neutral; cost_per_beneficiary:neutral"
    assert math.isnan(pr.at["b", "beneficiaries_sanitation"]) and pr.at["b", "beneficiaries_water"] == 0
    assert pr.at["a", "fallbacks"] == "" and pr.at["c", "fallbacks"] == ""
    assert pr["rank"].to_dict() == {"a": 1, "b": 2, "c": 3}
    # tie-break total gap: the known gaps (b: water 10 only), never NaN-as-0 of both
    assert pr.at["b", "total_gap"] == pytest.approx(10.0)
    from propilas.method.prioritisation import fallback_notes
    assert fallback_notes(pr.reset_index(), p, "es")[0] == (
        "Brecha de saneamiento: no se puede calcular en 1 de 3 comunidades (sin encuesta de saneamiento "
        "o sin población): valor neutro 0.50.")
    assert len(fallback_notes(pr.reset_index(), p, "es")) == 3
    # the fallback value is a parameter, not a literal
    p2 = make_params(prioritisation={"weights": only(sanitation_gap=1.0), "unknown_fallback": 0.3})
    pr2 = priorities(abc(), sustainability_df([]), gaps, items_df([]), p2).set_index("community_id")
    assert pr2.at["b", "sanitation_gap_norm"] == pytest.approx(0.3)


def test_unknown_poverty_takes_the_district_rate_on_the_known_scale():
    comms = abc(a={"poverty_rate": 0.4}, b={"poverty_rate": 0.8}, c={"poverty_rate": np.nan})
    gaps = gaps_df([("a", 1, 1), ("b", 1, 1), ("c", 1, 1)])
    p = make_params(poverty_pct=70.0, prioritisation={"weights": only(poverty=1.0)})
    pr = priorities(comms, sustainability_df([]), gaps, items_df([]), p).set_index("community_id")
    # a 0, b 1 on the scale 0.4–0.8; c: district rate 0.70 → (0.70 − 0.40)/(0.80 − 0.40) = 0.75
    assert pr["poverty_norm"].to_dict() == pytest.approx({"a": 0.0, "b": 1.0, "c": 0.75})
    assert math.isnan(pr.at["c", "poverty"])
    assert pr.at["c", "fallbacks"] == "poverty:district_rate"
    assert pr["rank"].to_dict() == {"b": 1, "c": 2, "a": 3}
    from propilas.method.prioritisation import fallback_notes, fallback_text
    assert fallback_notes(pr.reset_index(), p, "es") == [
        "Pobreza: se usó la tasa del distrito (70.0 %) en 1 de 3 comunidades sin dato, ubicada en la "
        "escala de las comunidades con dato (valor normalizado 0.75)."]
    assert fallback_text(pr.reset_index(), p, "en").startswith("**Unknown inputs.**")
    # c is rank 2, in the top 5: named as a community to check, with its 1 fallback
    assert fallback_text(pr.reset_index(), p, "en", names={"c": "Ce"}).endswith(
        "in the top 5, the score of these communities uses fallbacks (in brackets, how many criteria): "
        "Ce (1). Completing their data may change their rank.")
    # no district rate either → left out with unknown_fallback 0.5, said so
    p0 = make_params(prioritisation={"weights": only(poverty=1.0)})
    pr0 = priorities(comms, sustainability_df([]), gaps, items_df([]), p0).set_index("community_id")
    assert pr0.at["c", "poverty_norm"] == pytest.approx(0.5) and pr0.at["c", "fallbacks"] == "poverty:neutral"
    assert "poverty_pct" in fallback_notes(pr0.reset_index(), p0, "en")[0]
    # every community unknown (a real SIASAR district): no scale to place the rate on → all 0.5,
    # never 0 (the old normalise gave every one of them 0)
    none = abc(a={"poverty_rate": np.nan}, b={"poverty_rate": np.nan}, c={"poverty_rate": np.nan})
    prn = priorities(none, sustainability_df([]), gaps, items_df([]), p)
    assert prn["poverty_norm"].tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert (prn["fallbacks"] == "poverty:neutral").all()
    assert "70.0 %" in fallback_notes(prn, p, "es")[0] and "3 de 3" in fallback_notes(prn, p, "es")[0]


def test_unknown_readiness_is_neutral_and_left_out():
    comms = abc(a={"jass_exists": True, "counterpart_committed": True},
                b={"jass_exists": False, "counterpart_committed": False},
                c={"jass_exists": None, "counterpart_committed": None})
    gaps = gaps_df([("a", 1, 1), ("b", 1, 1), ("c", 1, 1)])
    p = make_params(prioritisation={"weights": only(readiness=1.0)})
    pr = priorities(comms, sustainability_df([]), gaps, items_df([]), p).set_index("community_id")
    # a 1, b 0 (scale 0–1 of the known); c unknown → 0.5 (old code: 0, below b)
    assert pr["readiness_norm"].to_dict() == pytest.approx({"a": 1.0, "b": 0.0, "c": 0.5})
    assert math.isnan(pr.at["c", "readiness"]) and pr.at["c", "fallbacks"] == "readiness:neutral"
    assert pr["rank"].to_dict() == {"a": 1, "c": 2, "b": 3}
    # known values all equal (no scale): nobody favoured — every community takes 0.5
    same = abc(a={"jass_exists": True, "counterpart_committed": True},
               b={"jass_exists": True, "counterpart_committed": True},
               c={"jass_exists": None, "counterpart_committed": None})
    pr2 = priorities(same, sustainability_df([]), gaps, items_df([]), p)
    assert pr2["readiness_norm"].tolist() == pytest.approx([0.5, 0.5, 0.5])


def test_beneficiaries_distinct_capped_at_horizon_population_with_service_columns():
    # a: horizon population 120; water items 90 + 50 = 140 → min(120, 140) = 120; sanitation 80;
    #    JASS (management) moves nobody; distinct = max(120, 80) = 120 (old: 90 + 50 + 80 = 220)
    # b: horizon 100; water 30, sanitation 20 → 30 distinct (old 50)
    # c: horizon 50; sanitation 60 → capped 50, water 0 → 50
    gaps = gaps_df([("a", 1, 1, 120), ("b", 1, 1, 100), ("c", 1, 1, 50)])
    items = items_df([("a", 9000, 90, "water"), ("a", 2000, 50, "water"), ("a", 4000, 80, "sanitation"),
                      ("a", 1000, 0, "management"), ("b", 600, 30, "water"), ("b", 300, 20, "sanitation"),
                      ("c", 1000, 60, "sanitation")])
    raw = criteria(abc(), sustainability_df([]), gaps, items, PARAMS)
    assert raw["beneficiaries"].to_dict() == pytest.approx({"a": 120, "b": 30, "c": 50})
    assert raw["beneficiaries_water"].to_dict() == pytest.approx({"a": 120, "b": 30, "c": 0})
    assert raw["beneficiaries_sanitation"].to_dict() == pytest.approx({"a": 80, "b": 20, "c": 50})
    assert raw["beneficiaries"].to_dict() == pytest.approx({"a": 120, "b": 30, "c": 50})
    # cost per beneficiary over the distinct count: a 16000/120, b 900/30 = 30, c 1000/50 = 20
    assert raw["cost_per_beneficiary"].to_dict() == pytest.approx({"a": 16000 / 120, "b": 30.0, "c": 20.0})
    pr = priorities(abc(), sustainability_df([]), gaps, items, PARAMS)
    assert {"beneficiaries_water", "beneficiaries_sanitation", "fallbacks"} <= set(pr.columns)
    # a system whose state is unknown (only a diagnosis visit, flagged by choose_interventions):
    # who gains water is unknown, not 0; the distinct count is then unknown (max(0, unknown))
    items_u = items_df([("c", 2500, 0, "water")]).assign(flags="unclassified_system:S9")
    raw_u = criteria(abc(), sustainability_df([]), gaps, items_u, PARAMS)
    assert math.isnan(raw_u.at["c", "beneficiaries_water"]) and raw_u.at["c", "beneficiaries_sanitation"] == 0
    assert math.isnan(raw_u.at["c", "beneficiaries"]) and raw_u.at["a", "beneficiaries"] == 0
    assert raw_u.at["c", "fallbacks"] == "beneficiaries:neutral; cost_per_beneficiary:neutral"
    assert (pr["beneficiaries"] <= pr["community_id"].map({"a": 120, "b": 100, "c": 50})).all()


def test_unknown_beneficiaries_or_cost_are_neutral_not_zero():
    # b: a water item whose beneficiaries are unknown → beneficiaries and cost per beneficiary
    # unknown → both 0.5; c: nobody benefits (only JASS) → cost per beneficiary undefined → 0
    gaps = gaps_df([("a", 1, 1, 100), ("b", 1, 1, 100), ("c", 1, 1, 100)])
    items = items_df([("a", 1000, 10, "water"), ("a", 500, 40, "sanitation"),
                      ("b", np.nan, np.nan, "water"), ("b", 100, 5, "sanitation"),
                      ("c", 1000, 0, "management")])
    p = make_params(prioritisation={"weights": only(beneficiaries=0.5, cost_per_beneficiary=0.5)})
    pr = priorities(abc(), sustainability_df([]), gaps, items, p).set_index("community_id")
    assert math.isnan(pr.at["b", "beneficiaries_water"]) and pr.at["b", "beneficiaries_sanitation"] == 5
    assert math.isnan(pr.at["b", "beneficiaries"]) and math.isnan(pr.at["b", "cost_per_beneficiary"])
    # beneficiaries known: a 40, c 0 → a 1, c 0; cost per beneficiary known only for a (1500/40)
    # → no scale: a takes 0.5 too (nobody favoured); c nobody benefits → 0 (flagged, not a fallback)
    assert pr["beneficiaries_norm"].to_dict() == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.0})
    assert pr["cost_per_beneficiary_norm"].to_dict() == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.0})
    assert pr.at["b", "fallbacks"] == "beneficiaries:neutral; cost_per_beneficiary:neutral"
    assert pr.at["c", "fallbacks"] == "" and "cost_per_beneficiary:no_beneficiaries" in pr.at["c", "flags"]


def test_fixture_chain_beneficiaries_within_population_and_no_fallback():
    from propilas.method.prioritisation import fallback_text
    from propilas.stages import prioritisation, strategy
    from test_gaps import fixture

    inputs, params = fixture()
    inputs.update(strategy.compute(inputs, params))
    pr = prioritisation.compute(inputs, params)["priorities"]
    ph = inputs["gaps"].groupby("community_id")["population_horizon"].max()
    assert (pr["beneficiaries"] <= pr["community_id"].map(ph) + 1e-9).all()
    for svc in ("water", "sanitation"):
        assert (pr[f"beneficiaries_{svc}"] <= pr["beneficiaries"] + 1e-9).all()
    assert fallback_text(pr, params, "en") == "Every criterion was computed from each community's own data: no fallback was used."
