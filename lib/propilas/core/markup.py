"""Text from the inputs shown literally: never markup in a page, never a formula in a spreadsheet.

Community names, the vision, objectives, SWOT lines and the `source` column are typed by people
(or imported). A report shows them as they were typed:

* `literal(text)` for Markdown (every narration, heading and list of a stage page): HTML and
  Markdown are both neutralised by writing every ASCII punctuation character as a numeric
  character reference (`[` → `&#91;`, `:` → `&#58;`). CommonMark renderers (nbconvert's mistune,
  JupyterLab's marked) treat references as literal characters, never as markup, so
  `[clic](javascript:alert(3))` is shown as those characters and is no link, `![p](http://…)`
  loads no image, a bare `http://…` is not auto-linked, and `<b>` is shown, not applied.
  Line breaks become spaces (a new line could start a heading or a list).
* `spreadsheet_text(value)` for a CSV cell people open in Excel: OWASP's CSV-injection rule
  (a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`), applied
  to text only — numbers such as `-3.5` stay numbers.
"""

from __future__ import annotations

from typing import Any

_PUNCT = frozenset(chr(c) for c in range(33, 127) if not chr(c).isalnum())
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def literal(text: Any) -> str:
    """`text` as Markdown source that renders to exactly these characters (no link, image, HTML)."""
    s = "" if text is None else str(text)
    out = []
    for ch in s:
        if ch in _PUNCT:
            out.append(f"&#{ord(ch)};")
        elif ch in "\r\n\t\x0b\x0c":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_START)


def spreadsheet_text(value: Any) -> Any:
    """OWASP CSV-injection guard for one cell: text that a spreadsheet would run as a formula is
    prefixed with a single quote; other values (numbers, empty) are returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        try:
            float(value)
            return value  # a number written as text, e.g. '-3.5'
        except ValueError:
            return "'" + value
    return value
