"""A chart's PNG on a page (report/render.tight_png): what savefig(bbox_inches="tight") gives, drawn once.

Images are compared with a tolerance: the crop can sit up to half a pixel away from savefig's own
translation, which moves a bar edge by one pixel or the phase of a dotted hatch; averaged over 8×8
pixel blocks the two images must agree (benchmarks/README.md shows the figures for a pilot district).
"""

from __future__ import annotations

import copy
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from propilas.report.render import show_figure, tight_png  # noqa: E402
from propilas.stages.charts.common import finish, new_figure  # noqa: E402


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(float)


def _savefig_tight(fig, dpi: float) -> bytes:
    buf = io.BytesIO()
    copy.deepcopy(fig).savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def _blocks(x: np.ndarray, k: int = 8) -> np.ndarray:
    h, w = (x.shape[0] // k) * k, (x.shape[1] // k) * k
    return x[:h, :w].reshape(h // k, k, w // k, k, -1).mean(axis=(1, 3))


def assert_same_image(a: bytes, b: bytes) -> None:
    pa, pb = _pixels(a), _pixels(b)
    assert pa.shape == pb.shape
    diff = np.abs(_blocks(pa) - _blocks(pb))
    assert diff.mean() < 5 and diff.max() < 72, (diff.mean(), diff.max())


def _chart(title: str) -> Figure:
    fig, ax = new_figure(7.0, 4.0)
    bars = ax.bar(["A: sostenible", "B: en proceso", "C: grave", "D: colapsado"], [3, 14, 7, 1], color="#e69f00")
    bars[1].set_hatch("....")
    ax.legend([bars[0]], ["sistemas"], frameon=False, loc="upper right")
    return finish(fig, title, "Fuente: inventario distrital (prueba). " * 4, ylabel="Sistemas")


def test_a_chart_inside_its_figure_is_cropped_like_savefig_tight():
    fig = _chart("Sistemas por clase")
    expected = _savefig_tight(fig, 110)
    assert_same_image(tight_png(fig, 110), expected)
    plt.close(fig)


def test_a_title_past_the_figure_edge_is_kept_whole():
    fig = _chart("Resumen: estado de los sistemas de agua del distrito por clase, con un título muy largo")
    expected = _savefig_tight(fig, 110)
    got = tight_png(fig, 110)
    assert _pixels(got).shape[1] > 7.0 * 110  # wider than the figure: the title is not cut
    assert_same_image(got, expected)
    plt.close(fig)


def test_the_figure_is_drawn_once_and_keeps_its_dpi(monkeypatch):
    """savefig(bbox_inches="tight") draws twice (a layout pass, then the image); a page's chart once."""
    calls = []
    original = Figure.draw

    def counting(self, renderer):
        calls.append(1)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    fig = _chart("Sistemas por clase")
    dpi = fig.dpi
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    show_figure(fig)
    assert len(calls) == 1
    assert fig.dpi == pytest.approx(dpi)
    assert 'src="data:image/png;base64,' in shown[0].data


def test_an_opaque_chart_is_an_rgb_png_with_the_same_pixels():
    fig = _chart("Sistemas por clase")
    got = tight_png(fig, 110)
    assert Image.open(io.BytesIO(got)).mode == "RGB"  # a white figure: no alpha channel to store
    assert_same_image(got, _savefig_tight(fig, 110))
    plt.close(fig)


def test_a_transparent_figure_keeps_its_alpha():
    fig = _chart("Sistemas por clase")
    fig.patch.set_alpha(0.0)
    assert Image.open(io.BytesIO(tight_png(fig, 110))).mode == "RGBA"
    plt.close(fig)
