"""Reading parameter files: YAML as plain data, refused when ambiguous or unsafe (issue 12).

`params/*.yaml` is read with a SafeLoader subclass that refuses duplicate keys (naming both
lines), aliases (a 3 KB alias bomb expanded to hundreds of MB) and deep nesting (a RecursionError
before); NaN/±inf anywhere is an error naming the key; control characters are removed and noted;
a folder, a link outside the parameters folder and UTF-16/32 text are refused. The typed model
and `load_params` are in `core/params.py`.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from propilas.core.errors import ParamsError
from propilas.core.messages import Msg
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
            raise _Refused(ev.start_mark.line + 1, Msg("val.yaml.alias", anchor=ev.anchor))
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                ev = self.peek_event()
                raise _Refused(ev.start_mark.line + 1, Msg("val.yaml.too_deep", depth=MAX_YAML_DEPTH))
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
                raise _Refused(line, Msg("val.yaml.duplicate_key", key=quote(key), first=first, line=line))
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _walk(value: Any, key: str, notes: list[dict[str, Any]], bad: list[str]) -> Any:
    """Control characters out of every text (noted), NaN/±inf collected as errors by key."""
    if isinstance(value, str):
        cleaned, removed = clean_control(value)
        if removed:
            notes.append({"key": key, "value": cleaned[:200],
                          "rule": Msg("val.yaml.control_text", chars=", ".join(removed))})
        return cleaned
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        bad.append(Msg("val.yaml.not_finite", key=key, value=repr(value)))
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
        raise ParamsError(Msg("val.yaml.outside", path=str(path), target=str(target), base=str(base)))
    if path.is_dir():
        raise ParamsError(Msg("val.yaml.folder", path=str(path), name=path.name))
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ParamsError(Msg("val.yaml.not_found", path=str(path))) from None
    except OSError as e:
        raise ParamsError(Msg("val.yaml.unreadable", path=str(path), error=str(e.strerror or e))) from None
    if data_bytes.count(b"\x00") > max(2, len(data_bytes) // 10):
        raise ParamsError(Msg("val.yaml.utf16", path=str(path)))
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ParamsError(Msg("val.yaml.not_utf8", path=str(path), reason=e.reason, byte=e.start)) from None
    data, notes = _parse_params_text(str(path), text)
    return copy.deepcopy(data), copy.deepcopy(notes)


@lru_cache(maxsize=64)
def _parse_params_text(path: str, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The parse of one file's text, remembered: a run reads the same parameters files dozens of
    times (every stage check, every page) and the same text always gives the same mapping; callers
    get copies. Errors are raised each time (not remembered)."""
    notes: list[dict[str, Any]] = []
    text, removed = clean_control(text)
    if removed:
        notes.append({"key": None, "value": None, "rule": Msg("val.yaml.control_file", chars=", ".join(removed))})
    try:
        data = yaml.load(text, Loader=_ParamsLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as e:
        where = Msg("val.yaml.at_line", line=e.line) if e.line else ""
        raise ParamsError(Msg("val.yaml.refused", path=str(path), where=where, message=e.message)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = Msg("val.yaml.at_line_column", line=mark.line + 1, column=mark.column + 1) if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ParamsError(Msg("val.yaml.syntax", path=str(path), where=where, problem=str(problem)[:400])) from None
    except RecursionError:
        raise ParamsError(Msg("val.yaml.recursion", path=str(path))) from None
    if data is None:
        return {}, notes
    if not isinstance(data, dict):
        raise ParamsError(Msg("val.yaml.not_mapping", path=str(path), kind=type(data).__name__))
    bad: list[str] = []
    data = _walk(data, "", notes, bad)
    if bad:
        raise ParamsError(problem_list(Msg("val.params.problems", path=str(path), n=len(bad)), bad))
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


def problem_list(head: Msg, items: list[Any]) -> Msg:
    """A heading line, then one '  - item' line per problem, in either language."""
    return Msg.join("\n", [head] + [Msg("val.params.item", item=b) for b in items])


# pydantic's own messages (English) by error type, in the catalogue: `val.pydantic.<type>` with the
# error's context (ge, le, max_length, expected, ...) as placeholders. Other types keep pydantic's text.
_PYDANTIC_CTX = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le",
                 "string_too_short": "min_length", "string_too_long": "max_length", "too_short": "min_length",
                 "too_long": "max_length", "string_pattern_mismatch": "pattern", "literal_error": "expected",
                 "multiple_of": "multiple_of"}
_PYDANTIC_PLAIN = ("finite_number", "float_parsing", "float_type", "int_parsing", "int_type", "int_from_float",
                   "string_type", "dict_type", "list_type", "bool_parsing", "bool_type", "tuple_type", "model_type",
                   "int_parsing_size", "dict_attributes_type")


def pydantic_reason(e: dict[str, Any]) -> Msg:
    """Why pydantic rejected a value, in either language: English exactly as pydantic says it (cut
    to ~400 characters), Spanish from the catalogue by error type (a validator of ours raises a
    `Msg`, rendered as such)."""
    english = quote(e["msg"], 400)[1:-1]
    kind, ctx = e["type"], e.get("ctx") or {}
    error = ctx.get("error")
    if kind in ("value_error", "assertion_error") and error is not None and error.args and isinstance(error.args[0], Msg):
        spanish = error.args[0].render("es")
    elif kind in _PYDANTIC_CTX and _PYDANTIC_CTX[kind] in ctx:
        value = str(ctx[_PYDANTIC_CTX[kind]])
        if kind == "literal_error":
            value = value.replace(" or ", " o ")
        spanish = Msg(f"val.pydantic.{kind}", value=value, actual=ctx.get("actual_length", "")).render("es")
    elif kind in _PYDANTIC_PLAIN:
        spanish = Msg(f"val.pydantic.{kind}").render("es")
    else:
        spanish = english
    return Msg.texts(es=quote(spanish, 400)[1:-1], en=english)


def pydantic_problems(err: ValidationError, prefix: str = "") -> list[Msg]:
    """One message per pydantic error: the key (under `prefix`), the value (quoted), what is wrong."""
    out = []
    for e in err.errors():
        key = prefix + (".".join(str(p) for p in e["loc"]) or "(top level)")
        kind = e["type"]
        if kind == "extra_forbidden":
            out.append(Msg("val.params.unknown_key", key=key, value=quote(e["input"])))
        elif kind == "missing":
            out.append(Msg("val.params.missing_key", key=key))
        else:
            out.append(Msg("val.params.rejected", key=key, value=quote(e.get("input")), why=pydantic_reason(e)))
    return out


def _explain(err: ValidationError, path: Path, raw: dict[str, Any]) -> Msg:
    return problem_list(Msg("val.params.problems", path=str(path), n=err.error_count()), pydantic_problems(err))


def load_defaults(params_dir: Path) -> dict[str, Any]:
    return _read_yaml(Path(params_dir) / "defaults.yaml")


def district_ids(params_dir: Path) -> list[str]:
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if p.stem != "defaults")
