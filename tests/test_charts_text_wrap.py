"""Wrapped chart text (stages/charts/text_wrap.py): the source notes and stamps keep matplotlib's
own line breaks, found with fewer measurements and once per draw (benchmarks/README.md)."""

from __future__ import annotations

import pickle
import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from propilas.report.render import tight_png  # noqa: E402
from propilas.stages.charts.common import finish, new_figure, plain_text  # noqa: E402
from propilas.stages.charts.text_wrap import FastWrapText, fast_wrap, wrap_lines  # noqa: E402

WORDS = ("Fuente:", "inventario", "distrital", "(Lajas).", "SIASAR", "Perú", "2015", "vía",
         "openwashdata/portawaterperu", "(CC", "BY", "4.0).", "Se", "apoya", "en", "un", "96,3", "%",
         "de", "comunidades", "ilustrativas", "costos", "unitarios", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
         "iiii", "", "—", "ñandú")


def _texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(1, 70))]
        text = " ".join(words)
        if rnd.random() < 0.3:  # forced line breaks, as a map's notes
            cut = rnd.randint(0, len(text))
            text = text[:cut] + "\n" + text[cut:]
        out.append(text)
    return out


@pytest.mark.parametrize("x,ha,fontsize,dpi", [(0.01, "left", 7.5, 110), (0.3, "left", 9, 100),
                                               (0.5, "center", 7.5, 110), (0.9, "right", 11, 110)])
def test_a_wrapped_text_has_the_same_line_breaks_as_matplotlibs_wrap(x, ha, fontsize, dpi):
    fig = plt.figure(figsize=(7.0, 4.0), dpi=dpi)
    renderer = fig.canvas.get_renderer()
    for s in _texts(40, seed=int(x * 100) + fontsize):
        ours = fig.text(x, 0.1, s, fontsize=fontsize, ha=ha, wrap=True)
        theirs = fig.text(x, 0.1, s, fontsize=fontsize, ha=ha, wrap=True)
        fast_wrap(ours)
        assert type(ours) is FastWrapText and type(theirs) is Text
        ours._renderer = theirs._renderer = renderer
        assert ours._get_wrapped_text() == theirs._get_wrapped_text(), s
        ours.remove()
        theirs.remove()
    plt.close(fig)


def test_wrap_lines_rule_on_widths_given_by_hand():
    width = len  # one unit per character
    assert wrap_lines("aa bb cc dd", 5, width) == "aa bb\ncc dd"
    assert wrap_lines("aaaaaaaa bb", 5, width) == "aaaaaaaa\nbb"  # a word too wide stands alone
    assert wrap_lines("aa bb\ncc", 99, width) == "aa bb\ncc"  # the text's own breaks are kept
    assert wrap_lines("", 5, width) == ""
    assert wrap_lines("aa  bb", 99, width) == "aa  bb"


def test_a_wrapped_text_is_measured_once_per_draw_and_tight_box():
    fig, ax = new_figure()
    ax.bar(["a", "b"], [1, 2])
    finish(fig, "Título", " ".join(_texts(1, seed=3)[0].split()) + " fin", ylabel="y")
    note = next(t for t in fig.texts if t.get_wrap())
    assert type(note) is FastWrapText
    calls = []
    original = note._get_rendered_text_width
    note._get_rendered_text_width = lambda s: (calls.append(s), original(s))[1]
    tight_png(fig, 110)
    first = len(calls)
    assert 0 < first <= 40  # matplotlib's scan measures about one prefix per word, at each layout
    fig.dpi = 110  # the page's dpi, at which tight_png wrapped it
    note._get_wrapped_text()
    assert len(calls) == first  # kept
    note._propilas_wrap_memo = None
    note._get_wrapped_text()
    assert len(calls) == 2 * first  # one wrap: the draw and the tight box shared it
    plt.close(fig)


def test_a_chart_with_wrapped_text_keeps_its_text_and_pickles():
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    source = "Fuente: una nota larga con $5 y $6 que no es mathtext " * 5
    finish(fig, "Título", source)
    note = next(t for t in fig.texts if t.get_wrap())
    assert note.get_text() == source.replace("$", "\\$")  # plain_text's escape, as before
    again = pickle.loads(pickle.dumps(plain_text(fig)))
    assert any(type(t) is FastWrapText for t in again.texts)
    plt.close(fig)
