"""Which language the command line and the report set speak: one function decides it.

`--language` (one code, or several separated by commas: `es,en` builds the report set in each),
else the `PROPILAS_LANG` environment variable, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`:
`en_GB.UTF-8` → en), else Spanish. A code that is not a report language is refused (a typo in
`--language` or `PROPILAS_LANG` must not silently give the other language); a locale that is not
one (`C.UTF-8`, `fr_FR`) just falls through to Spanish.
"""

from __future__ import annotations

import os
from typing import Mapping

from propilas.core.errors import PropilasError

LANGUAGES = ("es", "en")
DEFAULT = "es"
ENV = "PROPILAS_LANG"


def _parse(value: str, origin: str, say: str = DEFAULT) -> list[str]:
    """'es,en' → ['es', 'en']; an unknown code is refused with a message in the language `say`."""
    from propilas.core.labels import t

    out: list[str] = []
    for part in value.replace(";", ",").split(","):
        code = part.strip().lower()
        if not code:
            continue
        if code not in LANGUAGES:
            raise PropilasError(t("cli.language_unknown", say, origin=origin, value=part.strip(),
                                  known=", ".join(LANGUAGES)))
        if code not in out:
            out.append(code)
    if not out:
        raise PropilasError(t("cli.language_none", say, origin=origin))
    return out


def _from_locale(environ: Mapping[str, str]) -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (environ.get(var) or "").strip()
        if not value:
            continue
        code = value.split(".", 1)[0].split("_", 1)[0].split("-", 1)[0].lower()
        return code if code in LANGUAGES else None  # the first variable set decides, like gettext
    return None


def resolve_languages(value: str | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The languages asked for, first one first: `--language` value, else PROPILAS_LANG, else locale,
    else Spanish. `es,en` → ['es', 'en']."""
    env = os.environ if environ is None else environ
    say = _from_locale(env) or DEFAULT  # the language of a refusal
    if value:
        try:
            say = _parse(env.get(ENV) or "", ENV)[0]
        except PropilasError:
            pass
        return _parse(value, "--language", say)
    if (env.get(ENV) or "").strip():
        return _parse(env[ENV], ENV, say)
    return [_from_locale(env) or DEFAULT]


def resolve_language(value: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The one language of the command's own output (the first one asked for)."""
    return resolve_languages(value, environ)[0]
