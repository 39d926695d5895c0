"""Charts of stages 0-2: each has a title and the source note; maps cope with missing coordinates."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from helpers import make_params

from propilas.stages.charts import diagnosis as cd
from propilas.stages.charts import sustainability as cs
from propilas.core.labels import catalogue, t
from propilas.method.ladders import district_ladder, sanitation_ladder, water_ladder
from propilas.method.population import district_population
from propilas.method.sustainability import class_counts, sustainability_table

from helpers import communities, systems  # noqa: E402



P = make_params()
SOURCE = "Fuente: prueba 2015"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [x.get_text() for x in fig.texts] + [ax.get_title(loc="left") for ax in fig.axes]


def _data(with_coords: bool):
    lat = [-6.5, -6.6, np.nan] if with_coords else [np.nan] * 3
    comm = communities(
        dict(community_id="a", name="Alfa", latitude=lat[0], longitude=-78.5),
        dict(community_id="b", name="Beta", hh_water_piped_premises=10, hh_water_public_tap=10,
             water_round_trip_min=np.nan, latitude=lat[1], longitude=-78.6),
        dict(community_id="c", name="Gamma", latitude=lat[2], longitude=np.nan),
    )
    sys = systems(dict(system_id="s1", community_id="a", latitude=lat[0], longitude=-78.5),
                  dict(system_id="s2", community_id="b", jass_recognised=pd.NA, jass_board_active=pd.NA,
                       fee_charged=pd.NA, fee_collection_rate=np.nan, latitude=lat[1], longitude=-78.6),
                  dict(system_id="s3", community_id="c", state_catchment=None, state_conduction=None,
                       state_reservoir=None, state_distribution=None, households_connected=np.nan,
                       hours_per_day=np.nan, dry_season=None, chlorination=pd.NA))
    return comm, sys


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_chart_has_title_and_source_note(language):
    comm, sys = _data(with_coords=True)
    w, _ = water_ladder(comm, sys, P)
    s = sanitation_ladder(comm)
    d = district_ladder(w, s)
    table = sustainability_table(comm, sys, P)
    figs = {
        "population.by_community_title": cd.population_by_community(comm, 2015, language, SOURCE),
        "population.projection_title": cd.population_projection(district_population(comm, P), language, SOURCE),
        "diagnosis.water_ladder_title": cd.ladder_chart(w, d, "water", language, SOURCE, comm),
        "diagnosis.sanitation_ladder_title": cd.ladder_chart(s, d, "sanitation", language, SOURCE, comm),
        "diagnosis.water_map_title": cd.ladder_map(comm, w, "water", language, SOURCE),
        "sustainability.index_title": cs.index_chart(table, language, SOURCE, sys),
        "sustainability.class_count_title": cs.class_count_chart(class_counts(table), language, SOURCE),
        "sustainability.map_title": cs.class_map(table, sys, language, SOURCE),
    }
    for key, fig in figs.items():
        assert fig is not None, key
        texts = _texts(fig)
        assert any(SOURCE in x for x in texts), key
        expected = t(key, language, year=2015, start=2015, end=2030)
        assert expected in texts, key


def test_maps_count_omitted_and_return_none_without_coordinates():
    comm, sys = _data(with_coords=True)
    w, _ = water_ladder(comm, sys, P)
    fig = cd.ladder_map(comm, w, "water", "en", SOURCE)
    assert any(t("diagnosis.map_omitted", "en", n=1) in x for x in _texts(fig))
    table = sustainability_table(comm, sys, P)
    fig2 = cs.class_map(table, sys, "en", SOURCE)
    assert any(t("sustainability.map_omitted", "en", n=1) in x for x in _texts(fig2))

    comm0, sys0 = _data(with_coords=False)
    w0, _ = water_ladder(comm0, sys0, P)
    assert cd.ladder_map(comm0, w0, "water", "es", SOURCE) is None
    assert cs.class_map(sustainability_table(comm0, sys0, P), sys0, "es", SOURCE) is None
    # tables without coordinate columns at all
    assert cd.ladder_map(comm0.drop(columns=["latitude", "longitude"]), w0, "water", "es", SOURCE) is None


def test_ladder_chart_shows_not_computed_segment():
    comm, sys = _data(with_coords=False)
    w, _ = water_ladder(comm, sys, P)
    fig = cd.ladder_chart(w, district_ladder(w, sanitation_ladder(comm)), "water", "en", SOURCE, comm)
    legend = [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    assert t("diagnosis.not_computed", "en") in legend
    assert t("rung.safely_managed", "en") in legend
    assert [x.get_text() for x in fig.axes[0].get_yticklabels()] == ["Alfa", "Beta", "Gamma", "DISTRICT"]


def test_index_chart_marks_partial_and_unclassified():
    comm, sys = _data(with_coords=False)
    table = sustainability_table(comm, sys, P)
    fig = cs.index_chart(table, "en", SOURCE, sys)
    legend = [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    assert t("sustainability.partial_legend", "en") in legend
    assert any(t("sustainability.unclassified_note", "en", n=1) in x for x in _texts(fig))


def test_empty_tables_do_not_fail():
    table = sustainability_table(communities({}), systems(), P)
    assert cs.class_count_chart(class_counts(table), "es", SOURCE) is not None
    assert cs.index_chart(table, "es", SOURCE) is not None
    assert cs.class_map(table, systems(), "es", SOURCE) is None


def test_rung_and_class_labels_in_both_languages():
    cat = catalogue()
    for code in ("safely_managed", "basic", "limited", "unimproved", "surface", "open"):
        assert set(cat[f"rung.{code}"]) == {"es", "en"}
    for code in ("A", "B", "C", "D", "unclassified"):
        assert set(cat[f"class.{code}"]) == {"es", "en"}
