"""Drafts: a district whose parameters still hold what `propilas new` wrote as placeholders.

`propilas new` records each stand-in it writes in params/<d>.yaml under `placeholders:` (key path →
the value written: the census stand-in, a ubigeo the reference table could not fill, budget
envelopes copied from the defaults, rural_share 1, TODO texts). A recorded key whose current value
still equals the recorded one is a placeholder LEFT; so is any text still holding a TODO marker
and the ubigeo 000000, recorded or not. A run with placeholders left completes as a draft: every
page carries a band listing them (report/htmlexport.py), the index shows "borrador",
summary.json has `draft: true` and `placeholders`, and no citizen summary is produced.
Replacing a value is enough: the record may stay (it then documents what was replaced).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

TODO = "TODO"
UBIGEO_PLACEHOLDER = "000000"
# text keys searched for a TODO marker (dotted paths into the parameters)
TEXT_KEYS: tuple[str, ...] = ("name", "department", "province", "rural_share_note", "data_note", "census_note",
                              "workshop.vision", "workshop.objectives")


def _get(data: Mapping[str, Any], path: str) -> Any:
    cur: Any = data
    for part in path.split("."):
        if isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        elif isinstance(cur, Mapping) and part.isdigit() and int(part) in cur:
            cur = cur[int(part)]
        else:
            return _MISSING
    return cur


_MISSING = object()


def _norm(v: Any) -> str:
    """Comparable form: mapping keys as text (YAML reads census years as ints, JSON as text)."""
    def walk(x: Any) -> Any:
        if isinstance(x, Mapping):
            return {str(k): walk(val) for k, val in sorted(x.items(), key=lambda kv: str(kv[0]))}
        if isinstance(x, (list, tuple)):
            return [walk(i) for i in x]
        if isinstance(x, float) and x.is_integer():
            return int(x)
        return x
    return json.dumps(walk(v), sort_keys=True, ensure_ascii=False, default=str)


def _has_todo(v: Any) -> bool:
    if isinstance(v, str):
        return TODO in v
    if isinstance(v, (list, tuple)):
        return any(_has_todo(x) for x in v)
    return False


def placeholders_left(params: Any) -> list[str]:
    """Key paths still holding a placeholder, in the order recorded, then those detected.

    `params`: a DistrictParams or its plain-data dump (e.g. the parameters injected in a notebook)."""
    data = params.model_dump(mode="json") if hasattr(params, "model_dump") else dict(params or {})
    out: list[str] = []
    recorded = data.get("placeholders") or {}
    if isinstance(recorded, Mapping):
        for key, written in recorded.items():
            now = _get(data, str(key))
            if now is not _MISSING and _norm(now) == _norm(written):
                out.append(str(key))
    if str(data.get("ubigeo", "")) == UBIGEO_PLACEHOLDER and "ubigeo" not in out:
        out.append("ubigeo")
    for key in TEXT_KEYS:
        if key not in out and _has_todo(_get(data, key)):
            out.append(key)
    return out


def is_draft(params: Any) -> bool:
    return bool(placeholders_left(params))


def placeholder_labels(keys: list[str], language: str) -> list[str]:
    """Readable names of placeholder keys in the report language (the key itself when unnamed)."""
    from propilas.core.labels import catalogue, t

    return [t(f"draft.item.{k}", language) if f"draft.item.{k}" in catalogue() else k for k in keys]
