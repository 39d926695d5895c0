"""Reading parameter files: YAML as plain data, refused when ambiguous or unsafe (issue 12).

`params/*.yaml` is read with a SafeLoader subclass that refuses duplicate keys (naming both
lines), aliases (a 3 KB alias bomb expanded to hundreds of MB) and deep nesting (a RecursionError
before); NaN/±inf anywhere is an error naming the key; control characters are removed and noted;
a folder, a link outside the parameters folder and UTF-16/32 text are refused. The typed model
and `load_params` are in `core/params.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from propilas.core.errors import ParamsError
from propilas.core.safetext import clean_control, quote

# A parameters file is a few hundred lines of plain data: deeper nesting is a mistake (and a
# RecursionError in the parser), an alias can expand a 3 KB file to hundreds of MB.
MAX_YAML_DEPTH = 32


class _Refused(yaml.YAMLError):
    """A construct the parameters loader does not accept (duplicate key, alias, deep nesting)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _ParamsLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses duplicate keys (naming both lines), aliases and deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            ev = self.peek_event()
            raise _Refused(ev.start_mark.line + 1, f"alias '*{ev.anchor}' is not allowed in parameters "
                           "(anchors & and aliases * can expand a small file enormously); write the values out")
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                ev = self.peek_event()
                raise _Refused(ev.start_mark.line + 1, f"values nested more than {MAX_YAML_DEPTH} levels deep; "
                               "parameters are at most a few levels deep: check the brackets and indentation")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise _Refused(line, f"key {quote(key)} appears twice (lines {first} and {line}); the second "
                               "would silently replace the first: keep one")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _walk(value: Any, key: str, notes: list[dict[str, Any]], bad: list[str]) -> Any:
    """Control characters out of every text (noted), NaN/±inf collected as errors by key."""
    if isinstance(value, str):
        cleaned, removed = clean_control(value)
        if removed:
            notes.append({"key": key, "value": cleaned[:200],
                          "rule": f"control character(s) {', '.join(removed)} removed from the text; "
                                  "retype the text if it looks wrong"})
        return cleaned
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        bad.append(f"key '{key}': value {value!r} is not a number (NaN/inf); write a finite number "
                   "(or remove the key to use the default)")
        return value
    if isinstance(value, dict):
        return {k: _walk(v, f"{key}.{k}" if key else str(k), notes, bad) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, f"{key}[{i}]", notes, bad) for i, v in enumerate(value)]
    return value


def _read_params_file(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The mapping in a parameters file and notes on what was cleaned; ParamsError when unusable."""
    path = Path(path)
    base = path.parent.resolve()
    target = path.resolve()
    if not target.is_relative_to(base):  # a link must not make a run read files elsewhere on the machine
        raise ParamsError(f"{path} resolves to {target}, outside the parameters folder {base}; copy the "
                          "file into the project instead of linking it")
    if path.is_dir():
        raise ParamsError(f"{path} is a folder, not a parameters file; move it away and keep the district's "
                          f"parameters in a file named {path.name}")
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ParamsError(f"{path}: file not found") from None
    except OSError as e:
        raise ParamsError(f"{path}: cannot be read ({e.strerror or e}); check the file's permissions") from None
    if data_bytes.count(b"\x00") > max(2, len(data_bytes) // 10):
        raise ParamsError(f"{path}: looks like UTF-16 or UTF-32 text (many zero bytes); save it as UTF-8")
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ParamsError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from None
    notes: list[dict[str, Any]] = []
    text, removed = clean_control(text)
    if removed:
        notes.append({"key": None, "value": None,
                      "rule": f"control character(s) {', '.join(removed)} removed from the file (they are not "
                              "valid YAML text and never meant); check the lines around them"})
    try:
        data = yaml.load(text, Loader=_ParamsLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as e:
        where = f" line {e.line}:" if e.line else ""
        raise ParamsError(f"{path}:{where} {e.message}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ParamsError(f"{path}:{where}: YAML syntax error: {problem}") from None
    except RecursionError:
        raise ParamsError(f"{path}: values nested too deeply; check the brackets and indentation") from None
    if data is None:
        return {}, notes
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping of keys to values at the top level, got {type(data).__name__}")
    bad: list[str] = []
    data = _walk(data, "", notes, bad)
    if bad:
        raise ParamsError(f"{path}: {len(bad)} problem(s) in parameters\n" + "\n".join(f"  - {b}" for b in bad))
    return data, notes


def _read_yaml(path: Path) -> dict[str, Any]:
    return _read_params_file(path)[0]


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Override wins key by key; nested mappings merge so a district changes one threshold only."""
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in _REPLACE_WHOLE:
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


# Mappings a district replaces as a whole (merging would e.g. leave weights not summing to 1).
_REPLACE_WHOLE = frozenset({"weights", "envelope", "census", "workshop"})


def _explain(err: ValidationError, path: Path, raw: dict[str, Any]) -> str:
    lines = [f"{path}: {err.error_count()} problem(s) in parameters"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        kind = e["type"]
        if kind == "extra_forbidden":
            lines.append(f"  - key '{key}': unknown key (value {quote(e['input'])}); remove it or fix its spelling "
                         f"(see params/defaults.yaml for valid keys)")
        elif kind == "missing":
            lines.append(f"  - key '{key}': missing; add it")
        else:
            lines.append(f"  - key '{key}': value {quote(e.get('input'))} rejected: {quote(e['msg'], 400)[1:-1]}")
    return "\n".join(lines)


def load_defaults(params_dir: Path) -> dict[str, Any]:
    return _read_yaml(Path(params_dir) / "defaults.yaml")


def district_ids(params_dir: Path) -> list[str]:
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if p.stem != "defaults")
