"""Maps on real boundaries (stages/charts/maps.py, inputs/boundaries.py): the outline is drawn, one
marker per located row, illustrative rows look different from real ones, unknown coordinates are
left out and counted, top priorities are labelled, and the alt text says 'Mapa de …'."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from shapely.geometry import Polygon, box  # noqa: E402

from helpers import ROOT  # noqa: E402
from propilas.inputs.boundaries import departments, district_boundary, districts, match_ubigeo  # noqa: E402
from propilas.stages.charts import maps  # noqa: E402
from propilas.stages.charts.common import COLOURS  # noqa: E402

DATA = ROOT / "data"
OUTLINE = Polygon([(-78.80, -6.60), (-78.70, -6.60), (-78.70, -6.50), (-78.80, -6.50)])
NEIGHBOUR = box(-78.70, -6.60, -78.60, -6.50)


class Boundary:  # what inputs/boundaries.district_boundary returns, as the charts see it
    geometry = OUTLINE
    neighbours = (NEIGHBOUR,)


def comms() -> pd.DataFrame:
    return pd.DataFrame({
        "community_id": ["c1", "c2", "c3", "c4"],
        "name": ["Alto", "Bajo", "Centro", "Sin coordenadas"],
        "latitude": [-6.52, -6.55, -6.58, np.nan],
        "longitude": [-78.75, -78.72, -78.78, np.nan],
        "source": ["SIASAR 2015", "illustrative", "illustrative", "illustrative"],
    })


def systems() -> pd.DataFrame:
    return pd.DataFrame({
        "system_id": ["S1", "S2", "S3"], "community_id": ["c1", "c2", "c4"],
        "latitude": [-6.521, -6.551, np.nan], "longitude": [-78.751, -78.721, np.nan],
        "source": ["SIASAR 2015", "illustrative", "illustrative"],
    })


def sustainability() -> pd.DataFrame:
    return pd.DataFrame({"system_id": ["S1", "S2", "S3"], "class": ["A", "C", "D"]})


def priorities() -> pd.DataFrame:
    return pd.DataFrame({"community_id": ["c2", "c1", "c3", "c4"], "rank": [1, 2, 3, 4]})


def collections(fig) -> dict[str, PathCollection]:
    ax = fig.axes[0]
    return {c.get_gid(): c for c in ax.collections if isinstance(c, PathCollection) and c.get_gid()}


def test_plan_map_draws_outline_neighbours_and_one_marker_per_located_row():
    fig = maps.plan_map(Boundary(), comms(), systems(), sustainability(), priorities(), 2, "Prueba", "es",
                        "Fuente: inventario")
    ax = fig.axes[0]
    district = [p for p in ax.patches if p.get_gid() == "district"]
    assert len(district) == 1
    verts = district[0].get_path().vertices
    assert (verts[:, 0].min(), verts[:, 1].min(), verts[:, 0].max(), verts[:, 1].max()) == pytest.approx(OUTLINE.bounds)
    assert len([p for p in ax.patches if p.get_gid() == "neighbour"]) == 1
    cols = collections(fig)
    # 3 located communities + 2 located systems; the rows without coordinates are not drawn anywhere
    assert sum(len(c.get_offsets()) for c in cols.values()) == 5
    for c in cols.values():
        assert not np.any(np.all(np.isclose(c.get_offsets(), 0.0), axis=1))  # never placed at (0, 0)
    assert set(cols) == {"community|priority|real", "community|priority|illustrative",
                         "community|other|illustrative", "system|A|real", "system|C|illustrative"}
    plt.close(fig)


def test_illustrative_rows_have_a_different_marker_from_real_rows():
    fig = maps.plan_map(Boundary(), comms(), systems(), sustainability(), priorities(), 2, "Prueba", "es", "F")
    cols = collections(fig)
    real, ill = cols["system|A|real"], cols["system|C|illustrative"]
    # real: filled with the class colour; illustrative: hollow (white face), edge in the class colour
    assert tuple(real.get_facecolor()[0]) == pytest.approx(to_rgba(COLOURS["A"]))
    assert tuple(ill.get_facecolor()[0]) == pytest.approx(to_rgba("white"))
    assert tuple(ill.get_edgecolor()[0]) == pytest.approx(to_rgba(COLOURS["C"]))
    assert tuple(real.get_edgecolor()[0]) != pytest.approx(to_rgba(COLOURS["A"]))
    # communities are circles, systems squares
    assert not np.allclose(cols["community|priority|real"].get_paths()[0].vertices[:4],
                           real.get_paths()[0].vertices[:4])
    # the legend names both kinds of marker
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "Sistema de agua (registro real)" in legend
    assert "Sistema de agua ILUSTRATIVO (ubicación inventada)" in legend
    plt.close(fig)


def test_top_priorities_labelled_omitted_rows_counted_and_alt_text_in_report_language():
    fig = maps.plan_map(Boundary(), comms(), systems(), sustainability(), priorities(), 2, "Prueba", "es", "F")
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "priority_label"]
    assert labels == ["1. Bajo", "2. Alto"]
    notes = " ".join(t.get_text() for t in fig.texts)
    assert "1 comunidad(es) sin coordenadas no se muestran." in notes
    assert "1 sistema(s) sin coordenadas no se muestran." in notes
    assert fig.propilas_alt.startswith("Mapa de Prueba")
    assert "3 comunidad(es) y 2 sistema(s) de agua" in fig.propilas_alt
    assert [t for t in fig.axes[0].lines if t.get_gid() == "scale_bar"]  # a scale bar
    plt.close(fig)
    en = maps.plan_map(Boundary(), comms(), systems(), sustainability(), priorities(), 2, "Test", "en", "S")
    assert en.propilas_alt.startswith("Map of Test")
    plt.close(en)


def test_no_outline_still_maps_the_points_and_says_why():
    fig = maps.class_map(None, sustainability(), systems(), "Prueba", "es", "F")
    assert not [p for p in fig.axes[0].patches if p.get_gid() == "district"]
    assert sum(len(c.get_offsets()) for c in collections(fig).values()) == 2
    assert "Sin límite distrital" in " ".join(t.get_text() for t in fig.texts)
    plt.close(fig)
    # nothing to draw at all: no figure (the report shows nothing rather than an empty frame)
    empty = systems().assign(latitude=np.nan, longitude=np.nan)
    assert maps.class_map(None, sustainability(), empty, "Prueba", "es", "F") is None


def test_rung_map_colours_communities_by_majority_rung_and_unknown_as_no_data():
    ladder = pd.DataFrame({"community_id": ["c1", "c1", "c2", "c2", "c3"],
                           "rung": ["basic", "limited", "basic", "surface", "basic"],
                           "share_pct": [70.0, 30.0, 10.0, 90.0, np.nan]})
    fig = maps.rung_map(Boundary(), comms(), ladder, "water", "Prueba", "es", "F")
    cols = collections(fig)
    assert set(cols) == {"community|basic|real", "community|surface|illustrative", "community|None|illustrative"}
    assert "Sin dato" in [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    plt.close(fig)


def test_points_outside_the_outline_are_counted():
    far = comms().assign(longitude=[-78.75, -78.20, -78.78, np.nan])  # c2 is 50 km east
    fig = maps.rung_map(Boundary(), far, pd.DataFrame(columns=["community_id", "rung", "share_pct"]),
                        "water", "Prueba", "es", "F")
    assert "1 punto(s) caen fuera del límite distrital" in " ".join(t.get_text() for t in fig.texts)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ boundaries

def test_boundary_of_a_shipped_district_with_neighbours():
    b = district_boundary("060410", DATA)  # Lajas (Chota, Cajamarca)
    assert b is not None and b.name == "LAJAS" and b.province == "CHOTA"
    assert b.geometry.contains(b.geometry.representative_point())
    assert 3 <= len(b.neighbours) <= 40
    assert district_boundary("000000", DATA) is None  # placeholder ubigeo
    assert district_boundary("060410", ROOT / "no-such-folder") is None


def test_match_ubigeo_by_code_else_by_names_without_accents():
    frame = pd.DataFrame({"ubigeo": ["060417", "000000", None],
                          "department": ["Cajamarca", "CUSCO", "Nowhere"],
                          "province": ["Chota", "Canchis", "X"], "name": ["Tacabamba", "Pitumarca", "Y"]})
    assert list(match_ubigeo(frame, DATA)) == ["060417", "080605", None]


def test_national_choropleth_one_patch_per_district_and_department_outlines():
    feats = [f for f in districts(DATA) if f.key.startswith("0604")]  # Chota's districts
    ranks = {feats[0].key: 1, feats[1].key: 2, feats[2].key: 3}
    fig = maps.need_choropleth([(f.key, f.geometry) for f in feats], ranks,
                               [d.geometry for d in departments(DATA) if d.key == "06"], "es", "F", "Necesidad")
    ax = fig.axes[0]
    gids = [p.get_gid() for p in ax.patches]
    assert sum(g.startswith("district|") for g in gids) == len(feats)
    assert gids.count("district|none") == len(feats) - 3
    assert gids.count("department") == 1
    assert fig.propilas_alt.startswith("Mapa del Perú")
    plt.close(fig)


def test_national_report_carries_the_need_map_matched_by_names():
    """write_national_report embeds the choropleth; SIASAR rows without a real ubigeo match by names."""
    import tempfile
    from pathlib import Path

    from propilas.report import national_report
    from propilas.run import national

    comp = national.need_ranking(pd.DataFrame({
        "district": ["tacabamba", "pitumarca"], "name": ["Tacabamba", "PITUMARCA"], "ubigeo": ["060417", "000000"],
        "department": ["Cajamarca", "Cusco"], "province": ["Chota", "Canchis"], "division": ["a", "b"],
        "status": ["ok", "ok"], "reason": ["", ""], "failure_kind": ["", ""], "siasar_systems": [1, 2],
        "systems": [1, 2], "systems_A": [1, 0], "systems_B": [0, 2], "systems_C": [0, 0], "systems_D": [0, 0],
        "systems_unclassified": [0, 0], "partial_indices": [1, 2], "population_base": [10, 20],
        "water_basic_or_better_population": [10, 20], "mean_sustainability_index": [3.6, 2.0],
        "rank_sustainability": [2, 1], "rank_funding_gap": [1, 2], "rank_water": [1, 1], "rank_sanitation": [None, None],
    }))
    with tempfile.TemporaryDirectory() as tmp:
        page = national_report.write_national_report(Path(tmp), comp, comp.iloc[0:0], "es")["html"].read_text()
    assert "alt='Mapa del Perú por distrito: color según el rango de necesidad de 2 distritos planificados" in page
