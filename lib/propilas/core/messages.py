"""Messages a consultant acts on (validation, parameters, reading inputs), in either language.

A `Msg` is a catalogue key (`core/text/validation.yaml`, keys `val.*`) with named arguments. It is
a `str` whose value is the English rendering — so code and tests that read a message as text
keep working unchanged — and `render(language)` gives it in Spanish or English on demand:
`Problem.rule`, `ParamsError`, `DataError` carry one, and the stage 00 page, the failure reason
of a run and `propilas validate` render it in their language.

Arguments may themselves be `Msg`s (rendered in the same language); `Msg.join` joins parts with
a separator and `Msg.texts` holds a text already written in each language. Values taken from the
inputs are quoted with `core/safetext.quote` (≤ ~200 characters) by the code that builds the
message, never here.
"""

from __future__ import annotations

from typing import Any

from propilas.core.labels import LANGUAGES, _format, catalogue

ENGLISH = "en"


def render(value: Any, language: str) -> Any:
    """`value` in `language` when it is a message (or an error carrying one); otherwise unchanged."""
    if isinstance(value, Msg):
        return value.render(language)
    msg = getattr(value, "msg", None)
    if isinstance(value, BaseException) and isinstance(msg, Msg):
        return msg.render(language)
    return value


def text(value: Any, language: str) -> str:
    """A message, an error or any value as text in `language` (plain text stays as it is)."""
    out = render(value, language)
    return str(out) if isinstance(value, BaseException) and out is value else f"{out}"


def _render(key: str, args: dict[str, Any], language: str) -> str:
    if key == "":
        if "texts" in args:
            texts = args["texts"]
            return str(texts.get(language, texts.get(ENGLISH, "")))
        return str(render(args["sep"], language)).join(str(render(p, language)) for p in args["parts"])
    try:
        template = catalogue()[key][language]
    except KeyError:
        raise KeyError(f"no text for key {key!r}; add it to lib/propilas/core/text/validation.yaml") from None
    # labels._format, not labels.t: a placeholder may be called `key` or `language`
    return _format(template, language, {k: render(v, language) for k, v in args.items()}, {})


def _rebuild(key: str, args: dict[str, Any]) -> "Msg":
    return Msg(key, **args)


class Msg(str):
    """A catalogue message: `key` + `args`; `str(msg)` is English, `msg.render('es')` Spanish."""

    key: str
    args: dict[str, Any]

    def __new__(cls, key: str, /, **args: Any) -> "Msg":
        obj = super().__new__(cls, _render(key, args, ENGLISH))
        obj.key = key
        obj.args = args
        return obj

    def render(self, language: str) -> str:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
        return _render(self.key, self.args, language)

    def __reduce__(self):  # pickled between processes (a district's problems, an error) as key + args
        return (_rebuild, (self.key, self.args))

    def __copy__(self) -> "Msg":
        return self

    def __deepcopy__(self, memo: dict) -> "Msg":
        return self

    @classmethod
    def join(cls, sep: Any, parts: list[Any]) -> "Msg":
        """Parts (messages or plain text) joined by `sep` (text or a message), each rendered in the
        language asked for."""
        return cls("", sep=sep, parts=list(parts))

    @classmethod
    def texts(cls, **by_language: str) -> "Msg":
        """A text already written in each language (e.g. a method sentence with numbers formatted
        in the language's convention)."""
        return cls("", texts=dict(by_language))
