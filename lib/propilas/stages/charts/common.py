"""Shared chart style: every chart has a title, axis units and a source note under it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Colours by code, one place: ladders use the JMP palette, classes a traffic scale.
COLOURS: dict[str, str] = {
    "safely_managed": "#0073b0", "basic": "#48bde8", "limited": "#fff176",
    "unimproved": "#fdd835", "surface": "#ffb74d", "open": "#ffb74d",
    "A": "#2e7d32", "B": "#9ccc65", "C": "#ffa726", "D": "#c62828", "unclassified": "#9e9e9e",
    "green": "#2e7d32", "amber": "#ffa000", "red": "#c62828",
    "water": "#0073b0", "sanitation": "#8d6e63",
}


def new_figure(width: float = 8.0, height: float = 4.5) -> tuple[Figure, "plt.Axes"]:
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def finish(fig: Figure, title: str, source: str, xlabel: str | None = None,
           ylabel: str | None = None, ax=None) -> Figure:
    """Title, axis labels (with units) and the source note; call last on every chart."""
    ax = ax if ax is not None else fig.axes[0]
    ax.set_title(title, fontsize=12, loc="left", fontweight="bold")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    fig.text(0.01, 0.01, source, fontsize=7.5, color="#555555", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
