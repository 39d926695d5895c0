"""Exceptions whose message a consultant can act on (file, row, column, value, expectation)."""

from __future__ import annotations


class PropilasError(Exception):
    """Base of every error the toolkit raises on purpose.

    The message may be a `core.messages.Msg` (a catalogue key with arguments): `str(error)` is
    then its rendering in `language` (English when not given) and `error.text(language)` renders
    it in another one, so the CLI and the reports say it in their language."""

    def __init__(self, message: object = "", *args: object, language: str | None = None) -> None:
        from propilas.core.messages import Msg

        self.msg = message if isinstance(message, Msg) else None
        if self.msg is not None and language:
            message = self.msg.render(language)
        super().__init__(message, *args)

    def text(self, language: str) -> str:
        """The message in `language` (as written when it is not a catalogue message)."""
        msg = getattr(self, "msg", None)
        return msg.render(language) if msg is not None else str(self)


class ParamsError(PropilasError):
    """A parameter file is unreadable, has unknown/missing keys or out-of-range values."""


class DataError(PropilasError):
    """An input table cannot be read or breaks a rule; carries every problem found."""

    def __init__(self, message: object, problems: list | None = None, language: str | None = None) -> None:
        super().__init__(message, language=language)
        self.problems = problems or []


class UnreadableFileError(DataError):
    """The file's encoding, separator or format cannot be read without guessing."""


class StageError(PropilasError):
    """A stage cannot run: a declared input is missing or an upstream stage failed."""
