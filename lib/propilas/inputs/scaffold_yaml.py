"""The YAML text of params/<district>.yaml that `propilas new` writes: scalars, comments and
`key: value  # comment` lines, and the two commented blocks that close the file — `placeholders:`
(what was written as a stand-in; the district runs as a DRAFT while a value still equals it) and
the commented override examples showing the current values of `params/defaults.yaml`.
`scaffold_params.district_yaml` writes the keys themselves with these.
"""

from __future__ import annotations

import json
from typing import Any

import yaml


def tr(language: str, es: str, en: str) -> str:
    """`es` for a Spanish district, `en` otherwise."""
    return es if language == "es" else en


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def yaml_num(value: Any) -> str:
    """A number (or boolean) as YAML text, whole floats without '.0'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _comment_lines(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {ln}".rstrip() for ln in text.splitlines()]


def _kv(key: str, value: str, comment: str, indent: str = "", width: int = 34) -> str:
    left = f"{indent}{key}: {value}"
    return f"{left:{width}s} # {comment}"


def _get(d: dict[str, Any], path: str, fallback: Any = None) -> Any:
    cur: Any = d
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return fallback
        cur = cur[part]
    return cur


def _flow(value: Any) -> str:
    """A compact YAML flow value (used in the commented override examples)."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()


def _placeholder_block(written: dict[str, Any], L: str) -> list[str]:
    """`placeholders:` — what this file holds as stand-ins (key → value written). While a key's value
    still equals its record the district runs as a DRAFT (every page says so; core/drafts.py)."""
    out = _comment_lines(tr(
        L,
        "--- Borrador ---\n"
        "placeholders: lo que `propilas new` escribió como sustituto (clave: valor escrito). Mientras una\n"
        "clave conserve ese valor, el distrito se ejecuta como BORRADOR (cada página lo dice, sin resumen\n"
        "ciudadano). Basta con reemplazar el valor arriba; este registro puede quedar.",
        "--- Draft ---\n"
        "placeholders: what `propilas new` wrote as a stand-in (key: value written). While a key keeps\n"
        "that value, the district runs as a DRAFT (every page says so, no citizen summary). Replacing\n"
        "the value above is enough; this record may stay.",
    ))
    out.append(_kv("placeholders", "", tr(L, "clave: valor escrito como sustituto (ver arriba)",
                                          "key: value written as a stand-in (see above)")))
    for key, value in written.items():
        text = _q(value) if isinstance(value, str) else (_flow(value) if isinstance(value, (dict, list))
                                                         else yaml_num(value))
        out.append(_kv(key, text, tr(L, f"sustituto de {key}: reemplace el valor de arriba",
                                     f"stand-in for {key}: replace the value above"), indent="  "))
    return out


def _override_block(defaults: dict[str, Any], L: str) -> list[str]:
    """Commented-out examples of overriding defaults (values shown are the current defaults)."""
    g = lambda p, fb=None: _get(defaults, p, fb)  # noqa: E731
    out = _comment_lines(tr(
        L,
        "--- Sobrescribir valores por defecto (opcional) ---\n"
        "Quite el '# ' inicial de las líneas que quiera cambiar (manteniendo la sangría). Los valores\n"
        "mostrados son los actuales de params/defaults.yaml; allí están todas las claves posibles.\n"
        "Las tablas 'weights', 'envelope', 'census' y 'workshop' se reemplazan completas.",
        "--- Overriding defaults (optional) ---\n"
        "Remove the leading '# ' of the lines you want to change (keep the indentation). Values\n"
        "shown are the current ones in params/defaults.yaml, which lists every possible key.\n"
        "The mappings 'weights', 'envelope', 'census' and 'workshop' are replaced as a whole.",
    ))
    entries: list[tuple[str, str, str, str]] = [  # (yaml line, es comment, en comment)
        ("water:", "", "", ""),
        (f"  safely_managed_min_hours: {yaml_num(g('water.safely_managed_min_hours', 12))}",
         "horas/día mínimas para 'gestionado de forma segura' (h/día). Ej.: 12",
         "minimum hours/day for 'safely managed' (h/day). E.g. 12", ""),
        (f"  min_residual_chlorine_mg_l: {yaml_num(g('water.min_residual_chlorine_mg_l', 0.5))}",
         "cloro residual libre mínimo en el grifo (mg/l). Ej.: 0.5",
         "minimum free residual chlorine at the tap (mg/l). E.g. 0.5", ""),
        (f"  basic_max_round_trip_min: {yaml_num(g('water.basic_max_round_trip_min', 30))}",
         "ida y vuelta máxima para 'básico' (minutos). Ej.: 30",
         "maximum round trip for 'basic' (minutes). E.g. 30", ""),
        ("targets:", "", "", ""),
        (f"  water: {yaml_num(g('targets.water', 1.0))}",
         "meta de agua básica o mejor al horizonte (fracción 0-1). Ej.: 1.0",
         "target basic-or-better water at the horizon (fraction 0-1). E.g. 1.0", ""),
        (f"  sanitation: {yaml_num(g('targets.sanitation', 0.8))}",
         "meta de saneamiento básico o mejor (fracción 0-1). Ej.: 0.8",
         "target basic-or-better sanitation (fraction 0-1). E.g. 0.8", ""),
        (f"  systems_ab: {yaml_num(g('targets.systems_ab', 0.8))}",
         "meta de sistemas en clase A o B (fracción 0-1). Ej.: 0.8",
         "target share of systems in class A or B (fraction 0-1). E.g. 0.8", ""),
        ("population:", "", "", ""),
        (f"  rural_share_tolerance: {yaml_num(g('population.rural_share_tolerance', 0.05))}",
         "aviso si la suma de comunidades difiere de P(base) x rural_share en más (fracción). Ej.: 0.05",
         "warn when the communities' sum differs from P(base) x rural_share by more (fraction). E.g. 0.05", ""),
        ("sustainability:", "", "", ""),
        (f"  class_cutoffs: {_flow(g('sustainability.class_cutoffs', {'A': 3.5, 'B': 2.5, 'C': 1.5}))}",
         "índice mínimo (exclusivo) de las clases A > B > C (puntos 1-4)",
         "minimum index (exclusive) of classes A > B > C (points 1-4)", ""),
        ("prioritisation:", "", "", ""),
        (f"  top_k: {yaml_num(g('prioritisation.top_k', 5))}",
         "cuántas comunidades forman el grupo prioritario (número). Ej.: 5",
         "how many communities form the priority group (count). E.g. 5", ""),
        ("  weights:", "pesos de los criterios, >= 0 y suman 1 (se reemplazan completos)",
         "criteria weights, >= 0 and summing to 1 (replaced as a whole)", ""),
    ]
    for crit, w in (g("prioritisation.weights", {}) or {}).items():
        entries.append((f"    {crit}: {yaml_num(w)}", f"peso del criterio {crit} (fracción)",
                        f"weight of criterion {crit} (fraction)", ""))
    entries.append(("unit_costs:", "costos unitarios (soles PEN, ILUSTRATIVOS en defaults.yaml)",
                    "unit costs (soles PEN, ILLUSTRATIVE in defaults.yaml)", ""))
    for k, v in (g("unit_costs", {}) or {}).items():
        unit = k.rsplit("_per_", 1)[-1] if "_per_" in k else ""
        unit_es = {"person": "persona", "household": "hogar", "system": "sistema", "year": "año"}.get(unit, unit)
        entries.append((f"  {k}: {yaml_num(v)}", f"soles por {unit_es}" if unit else "soles",
                        f"soles per {unit}" if unit else "soles", ""))
    entries.append(("monitoring:", "", "", ""))
    entries.append((f"  green: {yaml_num(g('monitoring.green', 0.95))}",
                    "semáforo verde si avance/meta >= este valor (fracción)",
                    "green light when actual/target >= this (fraction)", ""))
    entries.append((f"  amber: {yaml_num(g('monitoring.amber', 0.8))}",
                    "ámbar si >= este valor (fracción), rojo si menos",
                    "amber when >= this (fraction), red below", ""))
    for line, es, en, _ in entries:
        c = tr(L, es, en)
        out.append(f"# {line:32s} # {c}".rstrip() if c else f"# {line}")
    return out
