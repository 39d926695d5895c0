"""Wrapped chart text (wrap=True: source notes, stamps) with matplotlib's line breaks, found faster.

matplotlib wraps a text at every layout (tight_layout, the draw, the tight box of the page's PNG)
and each time measures the line word by word: ' '.join(words[:2]), words[:3], … until one is too
wide, so a note of n words costs about n long measurements per line, three or four times per chart
(a fifth of a page's PNG time; benchmarks/README.md). `FastWrapText` keeps matplotlib's rule and
its measure (`Text._get_rendered_text_width`) and changes two things:
- the break of a line is found by bisection: the width of words[:i] never decreases with i (each
  word adds glyphs to the right of the line's box), so the first i too wide is found in about
  log2(n) measurements, and it is the same i matplotlib's scan stops at;
- the result is kept on the text for its string, wrap width, dpi, font and renderer type: the
  draw and the tight box that follows it wrap once.
`fast_wrap(fig)` turns the wrapped plain texts of a figure into FastWrapText (same object, same
text, same properties; report/render.show_figure calls it through stages/charts/common.plain_text).
tests/test_text_wrap.py checks the line breaks against matplotlib's own on many texts and widths.
"""

from __future__ import annotations

from matplotlib.text import Text


class FastWrapText(Text):
    """A matplotlib Text whose wrapping (`wrap=True`) gives matplotlib's line breaks with
    O(log n) measurements per line, computed once per string, width, dpi and font."""

    def _get_wrapped_text(self):
        if not self.get_wrap() or self.get_usetex():
            return self.get_text()
        line_width = self._get_wrap_line_width()
        fig = self.get_figure(root=True)
        key = (self.get_text(), line_width, getattr(fig, "dpi", None), hash(self.get_fontproperties()),
               type(getattr(self, "_renderer", None)))
        memo = getattr(self, "_propilas_wrap_memo", None)
        if memo is not None and memo[0] == key:
            return memo[1]
        wrapped = wrap_lines(self.get_text(), line_width, self._get_rendered_text_width)
        self._propilas_wrap_memo = (key, wrapped)
        return wrapped


def wrap_lines(text: str, line_width: float, width_of) -> str:
    """matplotlib's greedy wrap (Text._get_wrapped_text, 3.x): each '\\n' line split on ' '; a line
    takes words while ' '.join of them is no wider than `line_width`; a single word too wide
    stands alone. `width_of(s)` is the rendered width of `s`, non-decreasing as words are added."""
    out: list[str] = []
    for unwrapped in text.split("\n"):
        words = unwrapped.split(" ")
        while words:
            if len(words) == 1:
                out.append(words.pop(0))
                continue
            # smallest i in [2, len(words)] with width(words[:i]) > line_width, if any
            lo, hi = 2, len(words) + 1  # hi: "none too wide"
            while lo < hi:
                mid = (lo + hi) // 2
                if width_of(" ".join(words[:mid])) > line_width:
                    hi = mid
                else:
                    lo = mid + 1
            if lo > len(words):
                out.append(" ".join(words))
                words = []
            else:
                out.append(" ".join(words[:lo - 1]))
                words = words[lo - 1:]
    return "\n".join(out)


def fast_wrap(text: Text) -> None:
    """Make a wrapped plain Text a FastWrapText (subclasses such as annotations are left as they are)."""
    if type(text) is Text and text.get_wrap():
        text.__class__ = FastWrapText
