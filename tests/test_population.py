"""Population: growth rate, projections, district table and the rural-share check (METHOD stage 0)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from helpers import make_params
from hypothesis import given
from hypothesis import strategies as st

from propilas.method.population import (
    community_projection,
    district_growth_rate,
    district_population,
    growth_rate,
    project,
    rural_share_check,
)

from helpers import communities, systems  # noqa: E402



# census with r = 10 % between the two most recent years that have a population (2010, 2012):
# (121/100)^(1/2) - 1 = 1.1 - 1 = 0.1. 2000 is older and 2020 has no population: both ignored.
CENSUS = {2000: 50, 2010: 100, 2012: 121, 2020: None}


def params(**kw):
    return make_params(census=CENSUS, base_year=2015, horizon_year=2017, **kw)


def test_growth_rate_hand_computed():
    # (121/100)^(1/(2002-2000)) - 1 = 0.1
    assert growth_rate(100, 2000, 121, 2002) == pytest.approx(0.1, abs=1e-12)
    # decline: (81/100)^(1/2) - 1 = -0.1
    assert growth_rate(100, 2000, 81, 2002) == pytest.approx(-0.1, abs=1e-12)
    # Tacabamba 2007 -> 2017: (17008/18933)^(1/10) - 1 = -0.010665...
    assert growth_rate(18933, 2007, 17008, 2017) == pytest.approx((17008 / 18933) ** 0.1 - 1, rel=1e-12)
    assert growth_rate(18933, 2007, 17008, 2017) == pytest.approx(-0.01066, abs=1e-5)


def test_growth_rate_rejects_equal_years_and_non_positive():
    with pytest.raises(ValueError):
        growth_rate(100, 2000, 121, 2000)
    with pytest.raises(ValueError):
        growth_rate(0, 2000, 121, 2002)


def test_district_rate_uses_two_most_recent_known_censuses():
    assert district_growth_rate(params()) == pytest.approx(0.1, abs=1e-12)


def test_project_compounds_forwards_and_backwards():
    p = project(100, 2000, 0.1, [1999, 2000, 2001, 2002])
    # 100/1.1, 100, 110, 121
    assert list(p.index) == [1999, 2000, 2001, 2002]
    assert p.tolist() == pytest.approx([100 / 1.1, 100.0, 110.0, 121.0], rel=1e-12)
    assert p.dtype == float


def test_community_projection_every_community_every_year():
    comms = communities(dict(community_id="a", population=100, households=20),
                        dict(community_id="b", population=50, households=10))
    pop = community_projection(comms, params())
    assert list(pop.columns) == ["community_id", "year", "population"]
    assert len(pop) == 2 * 3  # 2015..2017
    a = pop[pop.community_id == "a"].set_index("year")["population"]
    # base-year figure kept, then x1.1 a year: 100, 110, 121
    assert a.tolist() == pytest.approx([100.0, 110.0, 121.0])
    b = pop[pop.community_id == "b"].set_index("year")["population"]
    assert b.loc[2017] == pytest.approx(60.5)  # 50 * 1.21
    assert pop["year"].dtype == "int64" and pop["population"].dtype == float


def test_district_population_table():
    comms = communities(dict(community_id="a", population=100, households=20),
                        dict(community_id="b", population=50, households=10))
    d = district_population(comms, params(rural_share=0.5))
    assert list(d.columns) == ["year", "population_district", "rural_expected", "communities_total"]
    assert d["year"].tolist() == [2015, 2016, 2017]
    # P(2015) = 121 * 1.1^(2015-2012) = 121 * 1.331 = 161.051
    assert d["population_district"].tolist() == pytest.approx([161.051, 177.1561, 194.87171])
    assert d["rural_expected"].tolist() == pytest.approx([80.5255, 88.57805, 97.435855])
    # Σ communities: 150, 165, 181.5
    assert d["communities_total"].tolist() == pytest.approx([150.0, 165.0, 181.5])


def test_rural_share_check_within_and_over_tolerance():
    # expected = 161.051 * 0.5 = 80.5255; tolerance 5 %
    ok = communities(dict(population=84, households=20))  # |84 - 80.5255| / 80.5255 = 4.31 %
    assert rural_share_check(ok, params(rural_share=0.5)) is None
    over = communities(dict(population=85, households=20))  # 5.56 % > 5 %
    msg = rural_share_check(over, params(rural_share=0.5), language="en")
    assert msg is not None and "5.6 %" in msg and "85" in msg
    low = communities(dict(population=76, households=20))  # 5.62 % below
    assert rural_share_check(low, params(rural_share=0.5)) is not None
    # a wider tolerance accepts it
    assert rural_share_check(over, params(rural_share=0.5, population={"rural_share_tolerance": 0.06})) is None


def test_rural_share_check_speaks_the_district_language():
    over = communities(dict(population=85, households=20))
    assert "diferencia" in rural_share_check(over, params(rural_share=0.5, language="es"))


@given(p0=st.floats(1, 1e6), r=st.floats(-0.1, 0.1), n=st.integers(0, 40))
def test_project_inverts_growth_rate(p0, r, n):
    p = project(p0, 2000, r, [2000, 2000 + max(n, 1)])
    assert p.iloc[0] == pytest.approx(p0)
    assert growth_rate(p.iloc[0], 2000, p.iloc[1], 2000 + max(n, 1)) == pytest.approx(r, abs=1e-9)
    assert math.isfinite(p.iloc[1])
