"""What a map costs to make (stages/charts/maps.py): its labels are placed on the axes' final box
without rendering the map first, in the same places as after a full draw."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from shapely.geometry import Polygon  # noqa: E402

from propilas.stages.charts import maps  # noqa: E402

TALL = Polygon([(-78.80, -6.90), (-78.74, -6.90), (-78.74, -6.50), (-78.80, -6.50)])  # the aspect reshapes the axes


class Boundary:
    geometry = TALL
    neighbours = ()


def crowded(n: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    rnd = np.random.default_rng(5)
    comms = pd.DataFrame({
        "community_id": [f"c{i}" for i in range(n)],
        "name": [f"Comunidad con nombre largo {i}" for i in range(n)],
        "latitude": rnd.uniform(-6.75, -6.65, n), "longitude": rnd.uniform(-78.79, -78.75, n),
        "source": ["SIASAR 2015"] * n,
    })
    prios = pd.DataFrame({"community_id": comms["community_id"], "rank": range(1, n + 1)})
    return comms, prios


def _offsets(fig) -> list[tuple]:
    return [(t.get_text(), tuple(t.xyann)) for t in fig.axes[0].texts if t.get_gid() == "priority_label"]


def test_a_map_places_its_labels_without_drawing_the_map(monkeypatch):
    comms, prios = crowded()
    empty = pd.DataFrame({"system_id": [], "class": []})
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), original(self, r))[1])
    fig = maps.plan_map(Boundary(), comms, pd.DataFrame({"system_id": []}), empty, prios, 12, "Prueba", "es", "F")
    assert draws == []
    placed = _offsets(fig)
    assert len(placed) == 12 and len({o for _, o in placed}) > 1  # crowded: several positions used

    # the same places as when the map is drawn first (what district_map did before)
    fig.canvas.draw()
    for t in [t for t in fig.axes[0].texts if t.get_gid() == "priority_label"]:
        t.remove()
    rows = maps.points(comms, "community", labels={c: lab for c, (lab, _) in zip(comms["community_id"], placed)})
    maps.place_labels(fig.axes[0], rows)
    assert _offsets(fig) == placed
    plt.close(fig)
