"""Text from the inputs made safe to carry: control characters out, long values cut in messages.

Two helpers every layer may use (this module imports nothing of propilas):

- `clean_control(text)`: C0 control characters other than tab, line feed and carriage return
  (`\\x00`-`\\x08`, `\\x0b`, `\\x0c`, `\\x0e`-`\\x1f`) and DEL (`\\x7f`) cannot be stored in a
  workbook (openpyxl refuses them), are invisible on a page and are never meant. They are removed
  when a text is read (a vertical tab or form feed becomes a space) and the reader says so as a
  warning naming where it happened.
- `quote(value)`: the repr of a value for an error message, cut to about 200 characters, so a
  message about a 100 KB value (or an expanded YAML alias) stays one readable line.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_AS_SPACE = {"\x0b": " ", "\x0c": " "}
QUOTE_LIMIT = 200


def clean_control(text: str) -> tuple[str, list[str]]:
    """`text` without control characters, and the characters removed (as `\\xNN`, in order, unique)."""
    found = CONTROL.findall(text)
    if not found:
        return text, []
    cleaned = CONTROL.sub(lambda m: _AS_SPACE.get(m.group(0), ""), text)
    seen: list[str] = []
    for ch in found:
        code = f"\\x{ord(ch):02x}"
        if code not in seen:
            seen.append(code)
    return cleaned, seen


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """repr(value) cut to `limit` characters with the full length said, for messages."""
    try:
        text = repr(value)
    except RecursionError:  # a self-referencing structure
        text = f"<{type(value).__name__}>"
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters in all)"
