"""Cross-stage consistency over every shipped district (issue: every figure a plan states is right,
the same wherever it appears, and honest about what it rests on).

One batch run of all params/<district>.yaml (tests/conftest.py). For each district:
- each money figure of summary.json (one definition: method/money.py) is the number stated on the
  stage-5 page, the stage-8 page and in comparison.csv;
- served ≤ population per community and year; a "met" year holds to the horizon;
- beneficiaries never exceed the community's horizon population;
- no criterion whose input is unknown is 0.
"""

from __future__ import annotations

import html as _html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import shipped_districts

pytestmark = pytest.mark.e2e

MONEY_KEYS = ("plan_cost_pen", "investment_total_pen", "funding_gap_pen", "atm_total_pen")
DISTRICTS = shipped_districts()


def _text(path: Path) -> str:
    s = path.read_text(encoding="utf-8")
    s = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", s, flags=re.S)
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", s)).split())


def soles_stated(path: Path) -> set[int]:
    """Every 'S/ 1,234,567' (any thousands separator of either language) on a page, as integers."""
    out = set()
    for m in re.finditer(r"S/\s?(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})*|\d+)(?![\d])", _text(path)):
        out.add(int(re.sub(r"\D", "", m.group(1))))
    return out


def _summary(out: Path, d: str) -> dict:
    return json.loads((out / d / "summary.json").read_text(encoding="utf-8"))


def _table(out: Path, d: str, name: str) -> pd.DataFrame:
    return pd.read_csv(out / d / "tables" / f"{name}.csv", dtype={"community_id": str, "system_id": str})


@pytest.fixture(scope="module")
def out(shipped_run):
    out, manifest = shipped_run
    bad = {d: v["status"] for d, v in manifest["districts"].items() if v["status"] != "completed"}
    assert not bad, bad
    return out


@pytest.mark.parametrize("district", DISTRICTS)
def test_money_figures_are_the_same_number_on_every_page(out, district):
    s = _summary(out, district)
    for key in MONEY_KEYS:
        assert s[key] is not None and s[key] >= 0, key
    assert s["investment_total_pen"] + s["funding_gap_pen"] == s["plan_cost_pen"]
    stage5, stage8 = soles_stated(out / district / "05_investment_plan.html"), soles_stated(out / district / "08_summary.html")
    for key in MONEY_KEYS:
        v = int(round(s[key]))
        assert v in stage5, f"{district}: {key} = S/ {v:,} not stated on the stage-5 page"
        assert v in stage8, f"{district}: {key} = S/ {v:,} not stated on the stage-8 page"
    comp = pd.read_csv(out / "comparison.csv").set_index("district")
    for key in MONEY_KEYS:
        assert comp.at[district, key] == pytest.approx(s[key]), key
    # the per-service figures add up to the totals
    ty = _table(out, district, "target_years")
    assert ty["funding_gap_pen"].sum() == pytest.approx(s["funding_gap_pen"])


@pytest.mark.parametrize("district", DISTRICTS)
def test_served_never_exceeds_population_and_met_years_hold(out, district):
    from propilas.core.params import load_params
    from propilas.method.scheduling import served_by_community

    from helpers import ROOT

    params = load_params(district, ROOT / "params")
    per = served_by_community(_table(out, district, "population"), _table(out, district, "gaps"),
                              _table(out, district, "investment_plan"), _table(out, district, "interventions"), params)
    assert (per["population_served"] <= per["population"] + 1e-6).all()
    for _, g in per.groupby(["community_id", "service"]):
        assert g.sort_values("year")["capacity"].diff().dropna().ge(-1e-9).all()
    traj = _table(out, district, "trajectory")
    assert (traj["coverage_pct"].dropna() <= 100 + 1e-9).all()
    ty = _table(out, district, "target_years").set_index("service")
    s = _summary(out, district)
    for service in ("water", "sanitation"):
        year = s[f"{service}_target_year"]
        t = traj[traj["service"] == service].sort_values("year")
        if year is None:
            continue
        assert year == ty.at[service, "year_met"]
        after = t[t["year"] >= year]["coverage_pct"]
        assert (after >= ty.at[service, "target_pct"] - 1e-9).all(), f"{district} {service}: met in {year} but lost later"


@pytest.mark.parametrize("district", DISTRICTS)
def test_beneficiaries_never_exceed_population(out, district):
    pri = _table(out, district, "priorities").set_index("community_id")
    pop = _table(out, district, "population")
    from propilas.core.params import load_params
    from helpers import ROOT

    horizon = load_params(district, ROOT / "params").horizon_year
    p_h = pop[pop["year"] == horizon].groupby("community_id")["population"].sum()
    for col in ("beneficiaries", "beneficiaries_water", "beneficiaries_sanitation"):
        b = pri[col].dropna()
        assert (b <= p_h.reindex(b.index) + 1e-6).all(), f"{district}: {col} above the horizon population"


@pytest.mark.parametrize("district", DISTRICTS)
def test_no_criterion_of_an_unknown_input_is_zero(out, district):
    from propilas.core.params import CRITERIA

    pri = _table(out, district, "priorities")
    for crit in CRITERIA:
        raw, norm = pri[crit], pri[f"{crit}_norm"]
        unknown = raw.isna()
        if crit == "cost_per_beneficiary":  # nobody benefits: a known 0 priority, flagged
            unknown &= ~pri["flags"].astype("string").fillna("").str.contains("cost_per_beneficiary:no_beneficiaries")
        assert not (unknown & norm.eq(0)).any(), f"{district}: {crit} unknown but normalised to 0"
        assert not norm.isna().any()
