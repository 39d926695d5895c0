"""Shared chart style: every chart has a title, axis units and a source note under it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

# Names come from the inputs and are plain text: a community called "$x^2$" or "Alto $" must not be
# read as mathtext (a '$…$' name crashed the stage). No chart text of the catalogue uses mathtext, so
# texts are drawn literally by default (tick labels made at draw time included) ...
matplotlib.rcParams["text.parse_math"] = False


def plain_text(fig: Figure) -> Figure:
    """Every text of the figure drawn literally, '$' included. Texts are literal by default (above);
    a wrapped text (wrap=True, e.g. the source note) is measured by matplotlib as mathtext whenever
    it holds two '$', whatever parse_math says, so there each '$' is escaped ('\\$', which a
    non-math text shows as '$'). Called by `finish` and before a figure is rendered (report/render.py).
    Wrapped texts also get the same line breaks found faster (stages/charts/text_wrap.py)."""
    from propilas.stages.charts.text_wrap import fast_wrap

    for text in fig.findobj(Text):
        fast_wrap(text)
        s = text.get_text()
        if text.get_wrap() and "$" in s and not getattr(text, "_propilas_plain", False):
            text.set_text(s.replace("$", "\\$"))
            text.set_parse_math(True)  # with no unescaped '$' this only turns '\\$' back into '$'
            text._propilas_plain = True
        elif not getattr(text, "_propilas_plain", False):
            text.set_parse_math(False)
    return fig

from propilas.core.labels import t  # noqa: E402

# Colours by code, one place. Colour-blind safe (Okabe & Ito 2008, "Color Universal Design"): every
# rung of a ladder, every class and every traffic light differs in hue AND lightness under
# deuteranopia, protanopia and tritanopia (CIEDE2000 ≥ 10; tests/test_site.py simulates them). Ladders keep the JMP
# order blue → sky → yellow → orange → vermilion; classes and lights run bluish green → yellow/
# orange → vermilion, with grey for what is not known.
COLOURS: dict[str, str] = {
    "safely_managed": "#0072b2", "basic": "#56b4e9", "limited": "#f0e442",
    "unimproved": "#e69f00", "surface": "#d55e00", "open": "#d55e00",
    "A": "#009e73", "B": "#f0e442", "C": "#e69f00", "D": "#d55e00", "unclassified": "#9e9e9e",
    "green": "#009e73", "amber": "#e69f00", "red": "#d55e00",
    "water": "#0072b2", "sanitation": "#8d6e63",
}


class NoChart:
    """A chart with nothing to show: the page shows this sentence (in the report language, from the
    catalogue) saying why, instead of an empty frame (report/render.show_figure)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"NoChart({self.text!r})"


def describe(fig: Figure, text: str) -> Figure:
    """The chart's description, read by screen readers and shown when images are off (alt text)."""
    fig.propilas_alt = text
    return fig


def new_figure(width: float = 8.0, height: float = 4.5) -> tuple[Figure, "plt.Axes"]:
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def finish(fig: Figure, title: str, source: str, xlabel: str | None = None,
           ylabel: str | None = None, ax=None, alt: str | None = None, layout: bool = True) -> Figure:
    """Title, axis labels (with units), the source note and the description (`alt`, from the
    catalogue: what the chart shows, in the report language); call last on every chart.
    `layout=False` leaves the layout (tight_layout) to a chart that lays itself out afterwards."""
    if alt:
        describe(fig, alt)
    matplotlib.rcParams["text.parse_math"] = False  # again: a notebook may have reset the rc settings
    ax = ax if ax is not None else fig.axes[0]
    ax.set_title(title, fontsize=12, loc="left", fontweight="bold")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    fig.text(0.01, 0.01, source, fontsize=7.5, color="#555555", ha="left", va="bottom", wrap=True)
    plain_text(fig)
    if layout:
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


# ---------------------------------------------------------------- illustrative marks
# A bar (or point) whose figure rests on an illustrative row gets a dotted overlay and one legend
# entry; a chart resting on illustrative parameters (unit costs, envelopes, census) says so inside
# the axes and in its source line. Overlays carry gid "illustrative:<id>" so tests can find them.
ILLUSTRATIVE_HATCH = "...."
ILLUSTRATIVE_EDGE = "#1a1a1a"


def row_legend_handle(language: str):
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor=ILLUSTRATIVE_EDGE, hatch=ILLUSTRATIVE_HATCH,
                 label=t("illustrative.row_legend", language))


def mark_bars(ax, positions, lengths, ids, illustrative_ids, starts=None, thickness: float = 0.8,
              horizontal: bool = True) -> int:
    """Overlay an unfilled dotted bar on each bar whose id is illustrative; returns how many. The
    overlays are one bar call (the same rectangles, in the same order, as one call per bar)."""
    starts = [0.0] * len(list(positions)) if starts is None else list(starts)
    sel = [(pos, 0.0 if length is None or length != length else float(length), start, rid)
           for pos, length, start, rid in zip(positions, lengths, starts, ids) if str(rid) in illustrative_ids]
    if not sel:
        return 0
    pos, length, start, rids = (list(x) for x in zip(*sel))
    kw = dict(fill=False, hatch=ILLUSTRATIVE_HATCH, edgecolor=ILLUSTRATIVE_EDGE, linewidth=0.6, zorder=4)
    if horizontal:
        bars = ax.barh(pos, length, left=start, height=thickness, **kw)
    else:
        bars = ax.bar(pos, length, bottom=start, width=thickness, **kw)
    for b, rid in zip(bars, rids):
        b.set_gid(f"illustrative:{rid}")
    return len(sel)


def mark_points(ax, x, y, ids, illustrative_ids, size: float = 150) -> int:
    """Ring (hollow square) around each point whose id is illustrative; returns how many."""
    sel = [(xi, yi, rid) for xi, yi, rid in zip(x, y, ids) if str(rid) in illustrative_ids]
    if not sel:
        return 0
    coll = ax.scatter([s[0] for s in sel], [s[1] for s in sel], s=size, marker="s", facecolors="none",
                      edgecolors=ILLUSTRATIVE_EDGE, linewidths=1.0, linestyle=":", zorder=4)
    coll.set_gid("illustrative:" + ",".join(str(s[2]) for s in sel))
    return len(sel)


def point_legend_handle(language: str):
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="s", linestyle="none", markerfacecolor="none", markeredgecolor=ILLUSTRATIVE_EDGE,
                  markersize=10, label=t("illustrative.row_legend", language))


def stamp(ax, marks, language: str, uses) -> bool:
    """A boxed note inside the axes ('Se apoya en presupuesto ilustrativo …') when what the chart
    rests on (`uses`: kinds of method/sources.KINDS) is illustrative; returns whether one was drawn."""
    if marks is None:
        return False
    note = marks.chart_note(language, uses)
    if not note:
        return False
    txt = ax.text(0.01, 0.99, note, transform=ax.transAxes, ha="left", va="top", fontsize=7.5,
                  color="#333333", wrap=True, zorder=6,
                  bbox=dict(boxstyle="round,pad=0.3", facecolor="#fff8e1", edgecolor="#b0a070", linewidth=0.6))
    txt.set_gid("illustrative:stamp")
    return True


def source_with_marks(source: str, marks, language: str, uses, rows_marked: bool = False) -> str:
    """The chart's source line followed by what of it is illustrative."""
    if marks is None:
        return source
    note = marks.chart_note(language, uses, rows_marked=rows_marked)
    return f"{source}. {note}" if note else source


def thousands(language: str):
    """Axis tick formatter: whole numbers grouped in the language's convention (core/numbers.py)."""
    from propilas.core.numbers import fmt_int

    return lambda v, _pos=None: fmt_int(v, language) or ""


def counts_text(counts: dict, kind: str, language: str) -> str:
    """'A: sostenible 2, B: … 28' for a chart's description."""
    from propilas.core.labels import label

    return "; ".join(f"{label(kind, k, language)} {int(v)}" for k, v in counts.items())
