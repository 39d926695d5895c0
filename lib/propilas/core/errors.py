"""Exceptions whose message a consultant can act on (file, row, column, value, expectation)."""

from __future__ import annotations


class PropilasError(Exception):
    """Base of every error the toolkit raises on purpose."""


class ParamsError(PropilasError):
    """A parameter file is unreadable, has unknown/missing keys or out-of-range values."""


class DataError(PropilasError):
    """An input table cannot be read or breaks a rule; carries every problem found."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class UnreadableFileError(DataError):
    """The file's encoding, separator or format cannot be read without guessing."""


class StageError(PropilasError):
    """A stage cannot run: a declared input is missing or an upstream stage failed."""
