"""`propilas new`: scaffold a district a consultant can fill in without reading the code.

A consultant starting a district needs three things: a parameter file that says what every
key means (unit, example) and loads as soon as the placeholders are replaced, spreadsheet
templates whose header explains each column and whose cells refuse impossible values while
typing (so errors are caught in Excel, not after a run), and a note saying which file the
runner reads. Everything here is derived from `schemas.py` and `params/defaults.yaml`, so a
column or threshold changed there changes the templates too.

`--from-siasar` writes the real SIASAR inventory of a district instead of empty templates;
census figures are not in SIASAR, so they are placeholders marked illustrative, never
presented as data.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import io
import json
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import yaml

from . import schemas
from .errors import ParamsError, PropilasError
from .params import check_district_id, deep_merge, load_defaults, params_from_dict
from .tableio import atomic_write_bytes, write_canonical_csv

TABLES: tuple[str, ...] = ("communities", "water_systems")
TEMPLATE_ROWS = 2000  # data validation applies to rows 2..TEMPLATE_ROWS of the template sheets
YESNO_CHOICES: tuple[str, ...] = ("yes", "no", "si", "sí")
LANGUAGES = ("es", "en")


class ScaffoldError(PropilasError):
    """A scaffold would overwrite files, or its arguments cannot produce a loadable district."""


def _tr(language: str, es: str, en: str) -> str:
    return es if language == "es" else en


# --------------------------------------------------------------------------- params YAML


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _num(value: Any) -> str:
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


def district_yaml(
    *,
    district: str,
    name: str,
    department: str,
    province: str,
    ubigeo: str | None,
    language: str,
    defaults: dict[str, Any],
    census: dict[int, int] | None = None,
    census_comment: str = "",
    base_year: int | None = None,
    horizon_year: int | None = None,
    rural_share: float = 1.0,
    rural_share_note: str | None = None,
    data_note: str = "",
    header_notes: Iterable[str] = (),
) -> str:
    """The text of params/<district>.yaml: every key commented with meaning, unit and example.

    Placeholders are valid values (so the file loads and `propilas validate` can point at the
    data) but each is marked TODO in its comment; census placeholders are 1 person unless
    `census` gives figures.
    """
    L = language
    today = _dt.date.today()
    base = base_year or today.year
    horizon = horizon_year or max(2030, base + 5)
    env = dict(_get(defaults, "budget.envelope", {}) or {})
    sources = list(_get(defaults, "budget.sources", list(env)) or list(env))
    lines: list[str] = []
    lines += _comment_lines(_tr(
        L,
        f"{name}: parámetros del distrito (escrito por `propilas new` el {today.isoformat()}).\n"
        "Reemplace cada valor marcado TODO por el dato real y luego ejecute\n"
        f"  propilas validate {district}\n"
        "Los valores del método (umbrales, pesos, costos unitarios) están en params/defaults.yaml;\n"
        "cualquier clave de ese archivo puede sobrescribirse aquí (vea el bloque comentado al final).\n"
        "Texto entre comillas dobles; números sin separador de miles; fracciones entre 0 y 1.",
        f"{name}: district parameters (written by `propilas new` on {today.isoformat()}).\n"
        "Replace every value marked TODO with the real figure, then run\n"
        f"  propilas validate {district}\n"
        "Method values (thresholds, weights, unit costs) live in params/defaults.yaml; any key of\n"
        "that file can be overridden here (see the commented block at the end).\n"
        "Text in double quotes; numbers without thousands separators; fractions between 0 and 1.",
    ))
    for note in header_notes:
        lines += _comment_lines(note)
    lines.append("")
    lines += _comment_lines(_tr(L, "--- Identidad ---", "--- Identity ---"))
    lines.append(_kv("district", district, _tr(
        L, "id del distrito = nombre de este archivo y de data/<id>/ (minúsculas, dígitos, _ o -). Ej.: san_juan",
        "district id = name of this file and of data/<id>/ (lower case, digits, _ or -). E.g. san_juan")))
    lines.append(_kv("name", _q(name), _tr(
        L, "nombre del distrito en los informes (texto). Ej.: \"San Juan\"",
        "district name shown in the reports (text). E.g. \"San Juan\"")))
    ub_todo = ubigeo is None
    lines.append(_kv("ubigeo", _q(ubigeo or "000000"), (_tr(L, "TODO ", "TODO ") if ub_todo else "") + _tr(
        L, "código UBIGEO del INEI, 6 dígitos entre comillas. Ej.: \"060701\"",
        "INEI UBIGEO code, 6 digits in quotes. E.g. \"060701\"")))
    lines.append(_kv("department", _q(department), ("TODO " if not department else "") + _tr(
        L, "departamento (texto). Ej.: \"Cajamarca\"", "department (text). E.g. \"Cajamarca\"")))
    lines.append(_kv("province", _q(province), ("TODO " if not province else "") + _tr(
        L, "provincia (texto). Ej.: \"Hualgayoc\"", "province (text). E.g. \"Hualgayoc\"")))
    lines.append(_kv("# area_km2", "451.38", _tr(
        L, "opcional: superficie del distrito (km², INEI). Ej.: 451.38",
        "optional: district area (km², INEI). E.g. 451.38")))
    lines.append(_kv("# poverty_pct", "51.9", _tr(
        L, "opcional: pobreza monetaria del distrito (% de 0 a 100, INEI). Ej.: 51.9",
        "optional: district monetary poverty (% from 0 to 100, INEI). E.g. 51.9")))
    lines.append("")
    lines += _comment_lines(_tr(L, "--- Población y años del plan ---", "--- Population and plan years ---"))
    lines += _comment_lines(_tr(
        L,
        "census: población TOTAL del distrito por año censal (personas, INEI). Hacen falta al menos dos\n"
        "años con población > 0 para calcular la tasa de crecimiento; un año sin dato puede ser null.",
        "census: TOTAL district population by census year (persons, INEI). At least two years with a\n"
        "population > 0 are needed to compute the growth rate; a year without a figure may be null.",
    ))
    if census is None:
        lines += _comment_lines(_tr(
            L, "TODO: los valores 1 son MARCADORES, no datos: reemplácelos por las cifras del censo.",
            "TODO: the values 1 are PLACEHOLDERS, not data: replace them with the census figures."))
        census_items = [(2007, 1, _tr(L, "TODO personas en el censo 2007. Ej.: 79500",
                                      "TODO persons in the 2007 census. E.g. 79500")),
                        (2017, 1, _tr(L, "TODO personas en el censo 2017. Ej.: 79100",
                                      "TODO persons in the 2017 census. E.g. 79100"))]
    else:
        if census_comment:
            lines += _comment_lines(census_comment)
        census_items = [(y, p, _tr(L, f"personas en {y} (ILUSTRATIVO, ver arriba)",
                                   f"persons in {y} (ILLUSTRATIVE, see above)")) for y, p in sorted(census.items())]
    lines.append(_kv("census", "", _tr(L, "año censal: personas (ver arriba)", "census year: persons (see above)")))
    for y, p, c in census_items:
        lines.append(_kv(f"{y}", _num(p), c, indent="  "))
    lines.append(_kv("base_year", str(base), _tr(
        L, "año base del plan: año del inventario de data/<id>/ (año). Ej.: 2015",
        "base year of the plan: year of the inventory in data/<id>/ (year). E.g. 2015")))
    lines.append(_kv("horizon_year", str(horizon), _tr(
        L, "año horizonte del plan, posterior a base_year (año). Ej.: 2030 (ODS)",
        "horizon year of the plan, after base_year (year). E.g. 2030 (SDG)")))
    lines.append(_kv("rural_share", _num(rural_share), ("TODO " if rural_share_note is None else "") + _tr(
        L, "fracción 0-1 de la población del distrito que vive en las comunidades del inventario "
           "(sin la capital). Ej.: 0.75",
        "fraction 0-1 of the district population living in the inventory's communities "
        "(without the capital). E.g. 0.75")))
    note = rural_share_note if rural_share_note is not None else _tr(
        L, "TODO: fuente o supuesto de rural_share", "TODO: source or assumption behind rural_share")
    lines.append(_kv("rural_share_note", _q(note), _tr(
        L, "fuente o supuesto de rural_share (texto, aparece en el informe). Ej.: \"INEI 2017, población rural\"",
        "source or assumption behind rural_share (text, shown in the report). E.g. \"INEI 2017 rural population\"")))
    lines.append(_kv("data_note", _q(data_note), _tr(
        L, "origen y calidad de los datos de data/<id>/ (texto, aparece en el informe). Ej.: \"Inventario ATM 2024\"",
        "origin and quality of the data in data/<id>/ (text, shown in the report). E.g. \"ATM inventory 2024\"")))
    lines.append(_kv("language", language, _tr(
        L, "idioma de los informes: es | en. Ej.: es", "language of the reports: es | en. E.g. en")))
    lines.append("")
    lines += _comment_lines(_tr(L, "--- Presupuesto ---", "--- Budget ---"))
    lines.append(_kv("budget", "", _tr(L, "presupuesto del plan de inversiones (soles PEN)", "investment plan budget (soles PEN)")))
    lines += _comment_lines(_tr(
        L,
        f"envelope: techo anual por fuente de financiamiento (soles PEN por año). Fuentes: {', '.join(sources)}\n"
        "(budget.sources, se cargan en ese orden). TODO: los montos son los ILUSTRATIVOS de defaults.yaml;\n"
        "reemplácelos por los techos del distrito. Una fuente omitida cuenta como 0.",
        f"envelope: yearly ceiling per financing source (soles PEN per year). Sources: {', '.join(sources)}\n"
        "(budget.sources, charged in that order). TODO: amounts are the ILLUSTRATIVE ones of defaults.yaml;\n"
        "replace them with the district's ceilings. A source left out counts as 0.",
    ), indent="  ")
    lines.append(_kv("envelope", "", _tr(L, "fuente: soles por año (ver arriba)", "source: soles per year (see above)"), indent="  "))
    src_text = {
        "municipal": (_tr(L, "soles/año del presupuesto municipal. Ej.: 300000", "soles/year from the municipal budget. E.g. 300000")),
        "regional": (_tr(L, "soles/año del gobierno regional. Ej.: 200000", "soles/year from the regional government. E.g. 200000")),
        "national": (_tr(L, "soles/año de programas nacionales. Ej.: 500000", "soles/year from national programmes. E.g. 500000")),
    }
    for s in sources:
        lines.append(_kv(s, _num(env.get(s, 0)), src_text.get(s, _tr(L, f"soles/año de la fuente {s}",
                                                                     f"soles/year from source {s}")), indent="    "))
    lines += _comment_lines(_tr(
        L,
        "envelope_by_year: reemplaza el techo de un año concreto (soles por fuente). Ej.:\n"
        f"envelope_by_year:\n  {base + 1}: {{municipal: 200000, regional: 0, national: 400000}}",
        "envelope_by_year: replaces the ceiling of one year (soles per source). E.g.:\n"
        f"envelope_by_year:\n  {base + 1}: {{municipal: 200000, regional: 0, national: 400000}}",
    ), indent="  ")
    lines.append("")
    lines += _comment_lines(_tr(L, "--- Taller de planificación estratégica ---",
                                "--- Strategic planning workshop ---"))
    lines += _comment_lines(_tr(
        L, "Registro del taller con autoridades, ATM, JASS y comunidad. Si aún no se realizó, deje\n"
           "illustrative: true: los informes lo marcarán como ilustrativo.",
        "Record of the workshop with authorities, ATM, JASS and community. If it has not taken place\n"
        "yet, keep illustrative: true: the reports will mark it as illustrative."))
    lines.append(_kv("workshop", "", _tr(L, "registro del taller (ver arriba)", "workshop record (see above)")))
    lines.append(_kv("date", "null", _tr(L, "fecha del taller \"AAAA-MM-DD\" (entre comillas) o null. Ej.: \"2024-06-10\"",
                                         "workshop date \"YYYY-MM-DD\" (in quotes) or null. E.g. \"2024-06-10\""),
                     indent="  "))
    lines.append(_kv("participants", "[]", _tr(L, "lista de participantes (texto). Ej.: [\"Alcalde\", \"ATM\", \"JASS\"]",
                                               "list of participants (text). E.g. [\"Mayor\", \"ATM\", \"JASS\"]"),
                     indent="  "))
    lines.append(_kv("vision", _q(_tr(L, "TODO: visión acordada en el taller", "TODO: vision agreed at the workshop")),
                     _tr(L, "visión al año horizonte (una frase). Ej.: \"Al 2030 todas las familias tienen agua segura\"",
                         "vision for the horizon year (one sentence). E.g. \"By 2030 every family has safe water\""),
                     indent="  "))
    lines.append(_kv("objectives", "", _tr(L, "objetivos estratégicos (lista, al menos uno)",
                                            "strategic objectives (list, at least one)"), indent="  "))
    lines.append(f"    - {_q(_tr(L, 'TODO: objetivo 1', 'TODO: objective 1'))}   # " + _tr(
        L, "Ej.: \"Rehabilitar los sistemas en estado C y D\"", "E.g. \"Rehabilitate systems in state C and D\""))
    lines.append(_kv("swot", "", _tr(L, "análisis FODA del taller (listas de texto, pueden quedar vacías [])",
                                      "SWOT analysis of the workshop (lists of text, may stay empty [])"), indent="  "))
    for key, es, en in (("strengths", "fortalezas. Ej.: [\"JASS organizadas\"]", "strengths. E.g. [\"Organised JASS\"]"),
                        ("weaknesses", "debilidades. Ej.: [\"ATM sin presupuesto\"]", "weaknesses. E.g. [\"ATM without budget\"]"),
                        ("opportunities", "oportunidades. Ej.: [\"Presupuesto participativo\"]",
                         "opportunities. E.g. [\"Participatory budget\"]"),
                        ("threats", "amenazas. Ej.: [\"Sequías\"]", "threats. E.g. [\"Droughts\"]")):
        lines.append(_kv(key, "[]", _tr(L, es, en), indent="    "))
    lines.append(_kv("illustrative", "true", _tr(
        L, "true mientras no sea el registro de un taller real; false cuando lo sea",
        "true until this is the record of a real workshop; false when it is"), indent="  "))
    lines.append("")
    lines += _override_block(defaults, L)
    return "\n".join(lines) + "\n"


def _override_block(defaults: dict[str, Any], L: str) -> list[str]:
    """Commented-out examples of overriding defaults (values shown are the current defaults)."""
    g = lambda p, fb=None: _get(defaults, p, fb)  # noqa: E731
    out = _comment_lines(_tr(
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
        (f"  safely_managed_min_hours: {_num(g('water.safely_managed_min_hours', 12))}",
         "horas/día mínimas para 'gestionado de forma segura' (h/día). Ej.: 12",
         "minimum hours/day for 'safely managed' (h/day). E.g. 12", ""),
        (f"  min_residual_chlorine_mg_l: {_num(g('water.min_residual_chlorine_mg_l', 0.5))}",
         "cloro residual libre mínimo en el grifo (mg/l). Ej.: 0.5",
         "minimum free residual chlorine at the tap (mg/l). E.g. 0.5", ""),
        (f"  basic_max_round_trip_min: {_num(g('water.basic_max_round_trip_min', 30))}",
         "ida y vuelta máxima para 'básico' (minutos). Ej.: 30",
         "maximum round trip for 'basic' (minutes). E.g. 30", ""),
        ("targets:", "", "", ""),
        (f"  water: {_num(g('targets.water', 1.0))}",
         "meta de agua básica o mejor al horizonte (fracción 0-1). Ej.: 1.0",
         "target basic-or-better water at the horizon (fraction 0-1). E.g. 1.0", ""),
        (f"  sanitation: {_num(g('targets.sanitation', 0.8))}",
         "meta de saneamiento básico o mejor (fracción 0-1). Ej.: 0.8",
         "target basic-or-better sanitation (fraction 0-1). E.g. 0.8", ""),
        (f"  systems_ab: {_num(g('targets.systems_ab', 0.8))}",
         "meta de sistemas en clase A o B (fracción 0-1). Ej.: 0.8",
         "target share of systems in class A or B (fraction 0-1). E.g. 0.8", ""),
        ("population:", "", "", ""),
        (f"  rural_share_tolerance: {_num(g('population.rural_share_tolerance', 0.05))}",
         "aviso si la suma de comunidades difiere de P(base) x rural_share en más (fracción). Ej.: 0.05",
         "warn when the communities' sum differs from P(base) x rural_share by more (fraction). E.g. 0.05", ""),
        ("sustainability:", "", "", ""),
        (f"  class_cutoffs: {_flow(g('sustainability.class_cutoffs', {'A': 3.5, 'B': 2.5, 'C': 1.5}))}",
         "índice mínimo (exclusivo) de las clases A > B > C (puntos 1-4)",
         "minimum index (exclusive) of classes A > B > C (points 1-4)", ""),
        ("prioritisation:", "", "", ""),
        (f"  top_k: {_num(g('prioritisation.top_k', 5))}",
         "cuántas comunidades forman el grupo prioritario (número). Ej.: 5",
         "how many communities form the priority group (count). E.g. 5", ""),
        ("  weights:", "pesos de los criterios, >= 0 y suman 1 (se reemplazan completos)",
         "criteria weights, >= 0 and summing to 1 (replaced as a whole)", ""),
    ]
    for crit, w in (g("prioritisation.weights", {}) or {}).items():
        entries.append((f"    {crit}: {_num(w)}", f"peso del criterio {crit} (fracción)",
                        f"weight of criterion {crit} (fraction)", ""))
    entries.append(("unit_costs:", "costos unitarios (soles PEN, ILUSTRATIVOS en defaults.yaml)",
                    "unit costs (soles PEN, ILLUSTRATIVE in defaults.yaml)", ""))
    for k, v in (g("unit_costs", {}) or {}).items():
        unit = k.rsplit("_per_", 1)[-1] if "_per_" in k else ""
        unit_es = {"person": "persona", "household": "hogar", "system": "sistema", "year": "año"}.get(unit, unit)
        entries.append((f"  {k}: {_num(v)}", f"soles por {unit_es}" if unit else "soles",
                        f"soles per {unit}" if unit else "soles", ""))
    entries.append(("monitoring:", "", "", ""))
    entries.append((f"  green: {_num(g('monitoring.green', 0.95))}",
                    "semáforo verde si avance/meta >= este valor (fracción)",
                    "green light when actual/target >= this (fraction)", ""))
    entries.append((f"  amber: {_num(g('monitoring.amber', 0.8))}",
                    "ámbar si >= este valor (fracción), rojo si menos",
                    "amber when >= this (fraction), red below", ""))
    for line, es, en, _ in entries:
        c = _tr(L, es, en)
        out.append(f"# {line:32s} # {c}".rstrip() if c else f"# {line}")
    return out


def _check_params_text(text: str, district: str, defaults: dict[str, Any], where: Path) -> None:
    """The scaffolded YAML must load with the same checks as `load_params` (bug guard)."""
    raw = yaml.safe_load(text) or {}
    merged = deep_merge(defaults, raw)
    merged.setdefault("district", district)
    try:
        params_from_dict(merged, str(where))
    except ParamsError as e:  # pragma: no cover - a bug in the template, not a user error
        raise ScaffoldError(f"internal error: the scaffolded parameters do not load: {e}") from None


# --------------------------------------------------------------------------- templates


def _allowed(col: schemas.Column) -> tuple[str, ...]:
    if col.kind == "yesno":
        return YESNO_CHOICES
    return tuple(col.choices)


def _range_text(col: schemas.Column) -> str:
    if col.min is not None and col.max is not None:
        return f"{col.min:g} – {col.max:g}"
    if col.min is not None:
        return f">= {col.min:g}"
    if col.max is not None:
        return f"<= {col.max:g}"
    return ""


def _header_comment(col: schemas.Column) -> str:
    parts = [f"ES: {col.es}", f"EN: {col.en}"]
    if col.unit:
        parts.append(f"Unidad / unit: {col.unit}")
    rng = _range_text(col)
    if rng:
        parts.append(f"Rango / range: {rng}")
    allowed = _allowed(col)
    if allowed:
        parts.append(f"Valores / values: {', '.join(allowed)}")
    if not col.nullable:
        parts.append("Obligatorio en cada fila / required in every row")
    else:
        parts.append("Vacío = desconocido / empty = unknown")
    if not col.required:
        parts.append("Columna opcional / optional column")
    return "\n".join(parts)


def _validation(col: schemas.Column, letter: str):
    """An openpyxl DataValidation for one column (None when the schema gives no rule)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    kw: dict[str, Any] = dict(allow_blank=True, showErrorMessage=True, showInputMessage=True,
                              promptTitle=col.name[:32], prompt=f"{col.es} / {col.en}"[:255])
    allowed = _allowed(col)
    if allowed:
        dv = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', **kw)
        dv.errorTitle = "Valor no válido / invalid value"
        dv.error = f"{', '.join(allowed)}"
    elif col.kind in ("int", "float") and (col.min is not None or col.max is not None):
        typ = "whole" if col.kind == "int" else "decimal"
        if col.min is not None and col.max is not None:
            dv = DataValidation(type=typ, operator="between", formula1=_num(float(col.min)),
                                formula2=_num(float(col.max)), **kw)
        elif col.min is not None:
            dv = DataValidation(type=typ, operator="greaterThanOrEqual", formula1=_num(float(col.min)), **kw)
        else:
            dv = DataValidation(type=typ, operator="lessThanOrEqual", formula1=_num(float(col.max)), **kw)
        what = "número entero / whole number" if col.kind == "int" else "número / number"
        dv.errorTitle = "Valor no válido / invalid value"
        dv.error = f"{what} {_range_text(col)}"
    elif col.kind == "id":
        dv = DataValidation(type="textLength", operator="between", formula1="1", formula2="64", **kw)
        dv.errorTitle = "Código no válido / invalid id"
        dv.error = "1-64: letras, dígitos, - _ . / letters, digits, - _ ."
    else:
        return None
    dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    return dv


_KIND_TEXT = {
    "id": ("código", "id"), "text": ("texto", "text"), "int": ("número entero", "whole number"),
    "float": ("número", "number"), "yesno": ("sí/no", "yes/no"), "state": ("estado A-D", "state A-D"),
    "choice": ("opción", "choice"),
}


def template_workbook(table: str) -> bytes:
    """An .xlsx template for one input table: data sheet + LEEME (README) sheet, as bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    cols = schemas.columns(table)
    wb = Workbook()
    ws = wb.active
    ws.title = table
    bold = Font(bold=True)
    fill_req = PatternFill("solid", fgColor="FFD9E1F2")
    fill_opt = PatternFill("solid", fgColor="FFF2F2F2")
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=col.name)
        cell.font = bold
        cell.fill = fill_req if not col.nullable else fill_opt
        cell.alignment = Alignment(vertical="top")
        cm = Comment(_header_comment(col), "propilas")
        cm.width, cm.height = 320, 160
        cell.comment = cm
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, min(40, len(col.name) + 3))
        dv = _validation(col, letter)
        if dv is not None:
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    rd = wb.create_sheet("LEEME")
    intro = [
        f"Plantilla de la tabla '{table}' / template of table '{table}' (propilas)",
        "ES: Llene una fila por registro en la hoja '" + table + "' debajo del encabezado (fila 1). "
        "No cambie los nombres de las columnas. Celda vacía = dato desconocido (nunca escriba 0 si no lo sabe). "
        "Fracciones entre 0 y 1 (0.25, no 25%). Sin celdas combinadas ni filas vacías intermedias.",
        "EN: Fill one row per record in sheet '" + table + "' below the header (row 1). Do not rename "
        "the columns. Empty cell = unknown (never type 0 when you do not know). Fractions between 0 and 1 "
        "(0.25, not 25%). No merged cells and no blank rows in between.",
        "Luego copie este archivo a data/<distrito>/" + table + ".xlsx (o use el CSV, nunca ambos) / "
        "Then copy this file to data/<district>/" + table + ".xlsx (or use the CSV, never both).",
        "",
    ]
    for i, text in enumerate(intro, start=1):
        rd.cell(row=i, column=1, value=text).font = Font(bold=(i == 1))
    head = ["columna / column", "tipo / kind", "columna obligatoria / column required",
            "vacío permitido / empty allowed", "unidad / unit", "mín / min", "máx / max",
            "valores permitidos / allowed values", "descripción (es)", "description (en)"]
    r0 = len(intro) + 1
    for j, h in enumerate(head, start=1):
        c = rd.cell(row=r0, column=j, value=h)
        c.font = bold
        c.fill = fill_req
    for i, col in enumerate(cols, start=r0 + 1):
        es_kind, en_kind = _KIND_TEXT[col.kind]
        row = [col.name, f"{es_kind} / {en_kind}", "sí / yes" if col.required else "no",
               "sí / yes" if col.nullable else "no", col.unit, col.min, col.max,
               ", ".join(_allowed(col)), col.es, col.en]
        for j, v in enumerate(row, start=1):
            rd.cell(row=i, column=j, value=v)
    for j, w in enumerate([30, 22, 14, 14, 12, 10, 10, 34, 60, 60], start=1):
        rd.column_dimensions[get_column_letter(j)].width = w
    rd.freeze_panes = rd.cell(row=r0 + 1, column=2).coordinate
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_csv(table: str) -> bytes:
    """Header-only CSV template (UTF-8, comma separated)."""
    return (",".join(schemas.column_names(table)) + "\n").encode("utf-8")


def data_readme(district: str, name: str, language: str) -> str:
    es = f"""# {name} — datos de entrada (`data/{district}/`)

El programa lee **`communities`** (comunidades) y **`water_systems`** (sistemas de agua) de esta
carpeta, en CSV **o** Excel:

1. Elija UN formato y copie sus dos plantillas de `template/` aquí arriba (a `data/{district}/`):
   - Excel: `template/communities.xlsx` → `communities.xlsx` y `template/water_systems.xlsx` →
     `water_systems.xlsx`. El encabezado tiene un comentario que explica cada columna, la hoja
     `LEEME` lista unidades y valores permitidos, y las celdas rechazan valores imposibles.
   - CSV: `template/communities.csv` → `communities.csv` y `template/water_systems.csv` →
     `water_systems.csv` (separador `,` o `;`; UTF-8 o el CSV de Excel).
2. Llene una fila por comunidad y una por sistema. Celda vacía = desconocido (nunca 0 si no lo
   sabe). Fracciones entre 0 y 1. `community_id` de cada sistema debe existir en comunidades.
3. **No deje a la vez** `communities.csv` y `communities.xlsx` (ni los dos de `water_systems`): el
   programa se niega a elegir para no leer una copia vieja.
4. Complete `params/{district}.yaml` (valores marcados TODO) y compruebe:
   `propilas validate {district}`; luego `propilas run {district}`.

Seguimientos: `rounds/<año>/communities.*` y `rounds/<año>/water_systems.*` con las mismas columnas.
"""
    en = f"""# {name} — input data (`data/{district}/`)

The runner reads **`communities`** and **`water_systems`** from this folder, as CSV **or** Excel:

1. Choose ONE format and copy its two templates from `template/` up here (into `data/{district}/`):
   - Excel: `template/communities.xlsx` → `communities.xlsx` and `template/water_systems.xlsx` →
     `water_systems.xlsx`. Each header cell has a comment explaining the column, sheet `LEEME`
     lists units and allowed values, and cells refuse impossible values.
   - CSV: `template/communities.csv` → `communities.csv` and `template/water_systems.csv` →
     `water_systems.csv` (separator `,` or `;`; UTF-8 or Excel's CSV).
2. Fill one row per community and one per system. Empty cell = unknown (never 0 when you do not
   know). Fractions between 0 and 1. Each system's `community_id` must exist in communities.
3. **Never keep both** `communities.csv` and `communities.xlsx` (nor both `water_systems` files):
   the runner refuses to choose so it cannot read a stale copy.
4. Fill `params/{district}.yaml` (values marked TODO) and check: `propilas validate {district}`;
   then `propilas run {district}`.

Follow-up rounds: `rounds/<year>/communities.*` and `rounds/<year>/water_systems.*`, same columns.
"""
    return (es + "\n---\n\n" + en) if language == "es" else (en + "\n---\n\n" + es)


def _template_files(data_dir: Path, district: str, name: str, language: str) -> dict[Path, bytes]:
    out: dict[Path, bytes] = {}
    for table in TABLES:
        out[data_dir / "template" / f"{table}.xlsx"] = template_workbook(table)
        out[data_dir / "template" / f"{table}.csv"] = template_csv(table)
    out[data_dir / "README.md"] = data_readme(district, name, language).encode("utf-8")
    return out


# --------------------------------------------------------------------------- writing


def _refuse_existing(paths: Iterable[Path], force: bool, root: Path) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        shown = ", ".join(_rel(p, root) for p in existing)
        raise ScaffoldError(f"{shown} already exist(s); nothing was written. Use --force to overwrite "
                            "(your edits in those files would be lost)")


def _rel(p: Path, root: Path) -> str:
    try:
        return str(Path(p).relative_to(root))
    except ValueError:
        return str(p)


def _defaults(root: Path) -> dict[str, Any]:
    if not (Path(root) / "params" / "defaults.yaml").exists():
        raise ScaffoldError(f"{root}/params/defaults.yaml not found: run inside a propilas project")
    return load_defaults(Path(root) / "params")


def _write_all(files: dict[Path, bytes]) -> list[Path]:
    for p, data in files.items():
        atomic_write_bytes(data, p)
    return list(files)


def scaffold_district(root: Path, district: str, name: str, *, department: str = "", province: str = "",
                      ubigeo: str | None = None, language: str = "es", force: bool = False) -> list[Path]:
    """Write params/<district>.yaml and data/<district>/{README.md, template/*}; return the paths.

    Nothing is written when any target exists (unless `force`), so a consultant's edits are never
    overwritten by accident. The data tables themselves are not created: the consultant copies one
    template format up, which is what the runner reads.
    """
    root = Path(root)
    check_district_id(district)
    _check_common(name, ubigeo, language)
    defaults = _defaults(root)
    params_path = root / "params" / f"{district}.yaml"
    data_dir = root / "data" / district
    text = district_yaml(district=district, name=name, department=department, province=province,
                         ubigeo=ubigeo, language=language, defaults=defaults)
    _check_params_text(text, district, defaults, params_path)
    files = {params_path: text.encode("utf-8")}
    files.update(_template_files(data_dir, district, name, language))
    _refuse_existing(files, force, root)
    return _write_all(files)


def _check_common(name: str | None, ubigeo: str | None, language: str) -> None:
    if name is not None and not (1 <= len(name.strip()) <= 120):
        raise ScaffoldError("--name must be 1 to 120 characters, e.g. --name \"San Juan\"")
    if ubigeo is not None and not (len(ubigeo) == 6 and ubigeo.isdigit()):
        raise ScaffoldError(f"--ubigeo {ubigeo!r}: expected the 6-digit INEI code, e.g. 060701")
    if language not in LANGUAGES:
        raise ScaffoldError(f"--language {language!r}: expected es or en")


def resolve_division(siasar_df: pd.DataFrame, division: str) -> pd.Series:
    """The divisions() row of `division` (accents/case ignored), or an error listing close matches."""
    from .siasar import divisions, normalise_division

    divs = divisions(siasar_df)
    norm = divs["division"].map(normalise_division)
    want = normalise_division(division)
    hit = divs[norm == want]
    if not hit.empty:
        return hit.iloc[0]
    candidates = list(norm)
    # a bare district name ('Bambamarca') or a typo in one part: same district name first
    last = want.split(",")[-1].strip()
    close = [c for c in candidates if c.split(",")[-1] == last]
    close += [c for c in difflib.get_close_matches(want, candidates, n=5, cutoff=0.6) if c not in close]
    if not close:
        close = [c for c in candidates if last and last in c][:5]
    hint = ("; did you mean " + " or ".join(repr(c) for c in close[:6]) + "?") if close else \
        "; the divisions are listed in data/siasar-peru/README.md and siasar.divisions()"
    raise ScaffoldError(f"SIASAR has no division {division!r} (expected 'DEPARTMENT,PROVINCE,DISTRICT', "
                        f"{len(candidates)} divisions known){hint}")


def _csv_ints(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Whole-number columns written without '.0' (nullable Int64), so the CSV reads like a hand-made one."""
    out = df.copy()
    for col in schemas.columns(table):
        if col.kind == "int" and col.name in out.columns:
            out[col.name] = pd.to_numeric(out[col.name]).round().astype("Int64")
    return out


def siasar_yaml_fields(division_row: Any, division_rows: pd.DataFrame, communities: pd.DataFrame,
                       water_systems: pd.DataFrame, *, name: str | None = None, department: str | None = None,
                       province: str | None = None, language: str = "es",
                       horizon_year: int | None = None) -> dict[str, Any]:
    """The `district_yaml` keyword arguments (all but district, ubigeo, language, defaults) of a SIASAR district.

    Shared by `scaffold_from_siasar` (which writes them as params/<district>.yaml) and the national
    in-memory batch (`siasar_params_dict`), so a district built either way gets the same parameters.
    `division_row` is the district's `siasar.divisions()` row (division, department, province,
    district, systems), `division_rows` its SIASAR system rows (for the survey year), and
    `communities`/`water_systems` its `siasar.district_inventory`. Census figures are not in SIASAR:
    both census years are set to the served population (zero growth) and marked ILLUSTRATIVE.
    """
    from .siasar import ATTRIBUTION

    row = division_row
    excluded = list(communities.attrs.get("excluded_systems", []))
    name = name or str(row["district"]).title()
    department = department if department is not None else str(row["department"]).title()
    province = province if province is not None else str(row["province"]).title()
    years = division_rows["survey_date"].dropna().dt.year
    base_year = int(years.mode().iloc[0]) if not years.empty else 2015
    served = int(communities["population"].sum())
    census = {2007: served, 2017: served}

    n_sys, n_total = len(water_systems), int(row["systems"])
    excl_es = (f"; {len(excluded)} sistemas sin comunidad, población ni viviendas se excluyen "
               f"({', '.join(excluded)})" if excluded else "")
    excl_en = (f"; {len(excluded)} systems without community, population or households are left out "
               f"({', '.join(excluded)})" if excluded else "")
    data_note = _tr(
        language,
        f"Inventario SIASAR 2015 de {row['division']}: {n_sys} de {n_total} sistemas, {len(communities)} comunidades{excl_es}. "
        "Población y hogares de cada comunidad = los servidos por sus sistemas; saneamiento no relevado por SIASAR. "
        f"Censo ILUSTRATIVO (= población servida, {served} personas): reemplácelo por el censo INEI. ({ATTRIBUTION})",
        f"SIASAR 2015 inventory of {row['division']}: {n_sys} of {n_total} systems, {len(communities)} communities{excl_en}. "
        "Each community's population and households = those its systems serve; sanitation not surveyed by SIASAR. "
        f"ILLUSTRATIVE census (= served population, {served} persons): replace with the INEI census. ({ATTRIBUTION})",
    )
    rural_note = _tr(
        language,
        "ilustrativo: el censo es la población servida por los sistemas SIASAR, por eso rural_share = 1; "
        "reemplace ambos por cifras INEI",
        "illustrative: the census is the population SIASAR's systems serve, hence rural_share = 1; "
        "replace both with INEI figures")
    census_comment = _tr(
        language,
        f"ILUSTRATIVO, NO es el censo: ambos años = población servida por los sistemas SIASAR del distrito\n"
        f"({served} personas, crecimiento 0). TODO: reemplace por las cifras del censo INEI.",
        f"ILLUSTRATIVE, NOT the census: both years = population served by the district's SIASAR systems\n"
        f"({served} persons, zero growth). TODO: replace with the INEI census figures.")
    header = [_tr(language, f"Datos: SIASAR Perú, división {row['division']}. {ATTRIBUTION}",
                  f"Data: SIASAR Peru, division {row['division']}. {ATTRIBUTION}")]
    return dict(name=name, department=department, province=province, census=census, census_comment=census_comment,
                base_year=base_year, horizon_year=horizon_year or max(2030, base_year + 5), rural_share=1.0,
                rural_share_note=rural_note, data_note=data_note, header_notes=header)


def siasar_params_dict(district: str, division_row: Any, division_rows: pd.DataFrame, communities: pd.DataFrame,
                       water_systems: pd.DataFrame, defaults: dict[str, Any], *, name: str | None = None,
                       department: str | None = None, province: str | None = None, ubigeo: str | None = None,
                       language: str = "es", horizon_year: int | None = None) -> dict[str, Any]:
    """A SIASAR district's parameters as plain data (defaults merged), without writing any file.

    Exactly what `load_params` would give for the params/<district>.yaml that `scaffold_from_siasar`
    writes: the same YAML text is generated and parsed (never a second hand-built copy that could
    drift from the file). Feed it to `params.params_from_dict`.
    """
    check_district_id(district)
    fields = siasar_yaml_fields(division_row, division_rows, communities, water_systems, name=name,
                                department=department, province=province, language=language,
                                horizon_year=horizon_year)
    text = district_yaml(district=district, ubigeo=ubigeo, language=language, defaults=defaults, **fields)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(text, Loader=loader) or {}
    merged = deep_merge(defaults, raw)
    merged.setdefault("district", district)
    return merged


def scaffold_from_siasar(root: Path, district: str, division: str, files: list[Path] | None = None,
                         name: str | None = None, *, department: str | None = None, province: str | None = None,
                         ubigeo: str | None = None, language: str = "es", force: bool = False,
                         siasar_df: pd.DataFrame | None = None, horizon_year: int | None = None) -> list[Path]:
    """Write the district's real SIASAR inventory (data/<district>/*.csv) and a params YAML.

    Census figures are not in SIASAR. DistrictParams needs two census years, so both are set to
    the population SIASAR's systems serve (zero growth) and marked ILLUSTRATIVE in the file, in
    `rural_share_note` and in `data_note`: the consultant must replace them. `siasar_df` lets a
    caller (or a test) reuse an already loaded SIASAR frame.
    """
    from .siasar import default_files, district_inventory, load_siasar_cached

    root = Path(root)
    check_district_id(district)
    _check_common(name, ubigeo, language)
    defaults = _defaults(root)
    if siasar_df is None:
        paths = [Path(f) for f in files] if files else None
        try:
            if paths is None:
                paths = default_files(root)
            missing = [str(p) for p in paths if not p.exists()]
            if missing:
                raise ScaffoldError(f"SIASAR file(s) not found: {', '.join(missing)}")
            siasar_df = load_siasar_cached(paths)
        except (FileNotFoundError, ValueError) as e:
            raise ScaffoldError(f"cannot read the SIASAR exports: {e}") from None
    row = resolve_division(siasar_df, division)
    comm, ws = district_inventory(siasar_df, str(row["division"]))
    if comm.empty:
        raise ScaffoldError(f"SIASAR division {row['division']!r}: none of its {int(row['systems'])} systems gives "
                            "a community with population and households; nothing to plan from")

    div_rows = siasar_df[siasar_df["division"] == row["division"]]
    fields = siasar_yaml_fields(row, div_rows, comm, ws, name=name, department=department, province=province,
                                language=language, horizon_year=horizon_year)
    name = fields["name"]
    text = district_yaml(district=district, ubigeo=ubigeo, language=language, defaults=defaults, **fields)
    params_path = root / "params" / f"{district}.yaml"
    _check_params_text(text, district, defaults, params_path)

    data_dir = root / "data" / district
    targets = {params_path: text.encode("utf-8")}
    targets.update(_template_files(data_dir, district, name, language))
    csv_paths = {t: data_dir / f"{t}.csv" for t in TABLES}
    other = [data_dir / f"{t}.xlsx" for t in TABLES if (data_dir / f"{t}.xlsx").exists()]
    if other:
        raise ScaffoldError(f"{', '.join(_rel(p, root) for p in other)} exist(s): writing the CSV beside it would "
                            "leave two versions of a table (the runner refuses that). Move it away first")
    _refuse_existing(list(targets) + list(csv_paths.values()), force, root)
    written = _write_all(targets)
    write_canonical_csv(_csv_ints(comm, "communities"), csv_paths["communities"])
    write_canonical_csv(_csv_ints(ws, "water_systems"), csv_paths["water_systems"])
    return written + list(csv_paths.values())


# --------------------------------------------------------------------------- CLI


def cmd_new(args: argparse.Namespace) -> int:
    from .cli import project_root

    root = project_root()
    if args.from_siasar is not None:
        if not args.division:
            raise ScaffoldError("--from-siasar needs --division \"DEPARTMENT,PROVINCE,DISTRICT\", "
                                "e.g. --division \"CAJAMARCA,HUALGAYOC,BAMBAMARCA\"")
        written = scaffold_from_siasar(root, args.district, args.division, args.from_siasar or None, args.name,
                                       department=args.department, province=args.province, ubigeo=args.ubigeo,
                                       language=args.language, force=args.force)
    else:
        if args.division:
            raise ScaffoldError("--division is only used with --from-siasar")
        if not args.name:
            raise ScaffoldError("--name is required, e.g. propilas new san_juan --name \"San Juan\"")
        written = scaffold_district(root, args.district, args.name, department=args.department or "",
                                    province=args.province or "", ubigeo=args.ubigeo, language=args.language,
                                    force=args.force)
    es = args.language == "es"
    print(("escrito:" if es else "written:"))
    for p in written:
        print(f"  {_rel(p, root)}")
    if args.from_siasar is not None:
        n = {t: len(pd.read_csv(root / "data" / args.district / f"{t}.csv")) for t in TABLES}
        print(f"SIASAR: {n['communities']} " + ("comunidades" if es else "communities")
              + f", {n['water_systems']} " + ("sistemas (ver data_note en params)" if es
                                               else "systems (see data_note in params)"))
    d = args.district
    if args.from_siasar is not None:
        steps = ([f"1. Revise params/{d}.yaml: reemplace el censo ILUSTRATIVO y los valores TODO",
                  f"2. propilas validate {d}", f"3. propilas run {d}"] if es else
                 [f"1. Review params/{d}.yaml: replace the ILLUSTRATIVE census and the TODO values",
                  f"2. propilas validate {d}", f"3. propilas run {d}"])
    else:
        steps = ([f"1. Complete params/{d}.yaml (valores TODO)",
                  f"2. Copie UN formato de data/{d}/template/ a data/{d}/ y llénelo (vea data/{d}/README.md)",
                  f"3. propilas validate {d}", f"4. propilas run {d}"] if es else
                 [f"1. Fill params/{d}.yaml (values marked TODO)",
                  f"2. Copy ONE format from data/{d}/template/ into data/{d}/ and fill it (see data/{d}/README.md)",
                  f"3. propilas validate {d}", f"4. propilas run {d}"])
    print("siguientes pasos:" if es else "next steps:")
    for s in steps:
        print(f"  {s}")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `propilas new` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "new", help="scaffold params/DISTRICT.yaml and data/DISTRICT/ (Excel and CSV templates)",
        description="Scaffold a district: a commented parameter file and input templates, or with "
                    "--from-siasar the district's real SIASAR inventory.")
    p.add_argument("district", help="district id: lower case, digits, _ or - (e.g. san_juan)")
    p.add_argument("--name", help="district name as shown in reports (default with --from-siasar: SIASAR's)")
    p.add_argument("--department", help="department (e.g. Cajamarca)")
    p.add_argument("--province", help="province (e.g. Hualgayoc)")
    p.add_argument("--ubigeo", help="6-digit INEI UBIGEO code (e.g. 060701)")
    p.add_argument("--language", choices=LANGUAGES, default="es", help="report and template language (default es)")
    p.add_argument("--from-siasar", nargs="*", type=Path, metavar="FILE", default=None,
                   help="write the district's SIASAR inventory; FILEs are SIASAR .xls exports "
                        "(default: data/siasar-peru/)")
    p.add_argument("--division", help="SIASAR division \"DEPARTMENT,PROVINCE,DISTRICT\" (with --from-siasar)")
    p.add_argument("--force", action="store_true", help="overwrite files that already exist")
    p.set_defaults(func=cmd_new)
    return p
