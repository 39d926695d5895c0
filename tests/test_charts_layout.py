"""What a chart costs to lay out (stages/charts/): each figure is laid out (tight_layout) once."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import make_params  # noqa: E402


def _monitoring(params) -> pd.DataFrame:
    from propilas.method.monitoring import INDICATORS

    rows = []
    for ind in INDICATORS:
        for year in range(params.base_year, params.horizon_year + 1):
            actual = 47.0 if year == params.base_year else np.nan
            rows.append({"indicator": ind, "year": year, "target": 50.0 + year - params.base_year,
                         "actual": actual, "light": "amber" if year == params.base_year else None})
    return pd.DataFrame(rows)


def test_the_monitoring_chart_is_laid_out_once_with_every_panel(monkeypatch):
    from propilas.stages.charts.monitoring import monitoring_chart

    calls = []
    original = Figure.tight_layout
    monkeypatch.setattr(Figure, "tight_layout", lambda self, **kw: (calls.append(kw), original(self, **kw))[1])
    params = make_params()
    fig = monitoring_chart(_monitoring(params), params)
    assert len(calls) == 1 and calls[0]["rect"] == (0, 0.05, 1, 0.95)
    assert [t.get_position() for t in fig.texts if t.get_wrap()] == [(0.01, 0.01)]  # finish's source note
    assert fig._suptitle is not None  # the title is the figure's
    plt.close(fig)


def test_finish_lays_the_chart_out_unless_told_not_to(monkeypatch):
    from propilas.stages.charts.common import finish, new_figure

    calls = []
    monkeypatch.setattr(Figure, "tight_layout", lambda self, **kw: calls.append(kw))
    fig, ax = new_figure()
    finish(fig, "T", "F")
    fig2, ax2 = new_figure()
    finish(fig2, "T", "F", layout=False)
    assert calls == [{"rect": (0, 0.05, 1, 1)}]
    plt.close(fig)
    plt.close(fig2)


def test_illustrative_overlays_are_one_bar_call_with_the_same_rectangles(monkeypatch):
    from matplotlib.axes import Axes

    from propilas.stages.charts.common import mark_bars, new_figure

    calls = []
    original = Axes.barh
    monkeypatch.setattr(Axes, "barh", lambda self, *a, **kw: (calls.append(1), original(self, *a, **kw))[1])
    fig, ax = new_figure()
    ids = ["a", "b", "c", "d"]
    n = mark_bars(ax, [0, 1, 2, 3], [1.0, float("nan"), 3.0, 4.0], ids, {"b", "c", "d"}, starts=[0, 1, 2, 0.5])
    assert n == 3 and len(calls) == 1
    rects = [(p.get_gid(), p.get_x(), p.get_y(), p.get_width(), p.get_height(), p.get_hatch(), p.get_fill())
             for p in ax.patches]
    assert rects == [("illustrative:b", 1, 0.6, 0.0, 0.8, "....", False),
                     ("illustrative:c", 2, 1.6, 3.0, 0.8, "....", False),
                     ("illustrative:d", 0.5, 2.6, 4.0, 0.8, "....", False)]
    assert mark_bars(ax, [0], [1.0], ["a"], {"z"}) == 0 and len(calls) == 1
    plt.close(fig)
