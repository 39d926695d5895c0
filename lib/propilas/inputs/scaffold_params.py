"""The commented params/<district>.yaml that `propilas new` writes.

Every key is written with its meaning, unit and an example, in Spanish or English, and the
commented override block at the end shows the current values of `params/defaults.yaml`, so a
threshold changed there changes the scaffold too. `check_params_text` loads the text with the
same checks as `load_params` before anything is written.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Iterable

import yaml

from propilas.core.errors import ParamsError, PropilasError
from propilas.core.params import deep_merge, params_from_dict
# the YAML text helpers and the closing blocks live beside this module (scaffold_yaml); `tr` and
# `yaml_num` are imported from here by the other scaffold modules
from propilas.inputs.scaffold_yaml import (_comment_lines, _get, _kv, _override_block, _placeholder_block, _q,
                                           tr, yaml_num)

LANGUAGES = ("es", "en")


class ScaffoldError(PropilasError):
    """A scaffold would overwrite files, or its arguments cannot produce a loadable district."""


# --------------------------------------------------------------------------- params YAML


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
    area_km2: float | None = None,
    poverty_pct: float | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    reference_note: str = "",
) -> str:
    """The text of params/<district>.yaml: every key commented with meaning, unit and example.

    Placeholders are valid values (so the file loads and `propilas validate` can point at the
    data) but each is marked TODO in its comment; census placeholders are 1 person unless
    `census` gives figures. Every stand-in written is also recorded under `placeholders:` (key →
    value written): while a value still equals its record the district runs as a DRAFT
    (core/drafts.py). Identity, area, poverty and coordinates come from the district reference
    table when the caller found the district there (`reference_note` says so).
    """
    L = language
    today = _dt.date.today()
    base = base_year or today.year
    horizon = horizon_year or max(2030, base + 5)
    env = dict(_get(defaults, "budget.envelope", {}) or {})
    sources = list(_get(defaults, "budget.sources", list(env)) or list(env))
    lines: list[str] = []
    lines += _comment_lines(tr(
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
    lines += _comment_lines(tr(L, "--- Identidad ---", "--- Identity ---"))
    lines.append(_kv("district", district, tr(
        L, "id del distrito = nombre de este archivo y de data/<id>/ (minúsculas, dígitos, _ o -). Ej.: san_juan",
        "district id = name of this file and of data/<id>/ (lower case, digits, _ or -). E.g. san_juan")))
    lines.append(_kv("name", _q(name), tr(
        L, "nombre del distrito en los informes (texto). Ej.: \"San Juan\"",
        "district name shown in the reports (text). E.g. \"San Juan\"")))
    ub_todo = ubigeo is None
    lines.append(_kv("ubigeo", _q(ubigeo or "000000"), (tr(L, "TODO ", "TODO ") if ub_todo else "") + tr(
        L, "código UBIGEO del INEI, 6 dígitos entre comillas. Ej.: \"060701\"",
        "INEI UBIGEO code, 6 digits in quotes. E.g. \"060701\"")))
    lines.append(_kv("department", _q(department), ("TODO " if not department else "") + tr(
        L, "departamento (texto). Ej.: \"Cajamarca\"", "department (text). E.g. \"Cajamarca\"")))
    lines.append(_kv("province", _q(province), ("TODO " if not province else "") + tr(
        L, "provincia (texto). Ej.: \"Hualgayoc\"", "province (text). E.g. \"Hualgayoc\"")))
    lines.append(_kv("area_km2" if area_km2 else "# area_km2", yaml_num(area_km2 or 451.38), tr(
        L, "opcional: superficie del distrito (km², INEI). Ej.: 451.38",
        "optional: district area (km², INEI). E.g. 451.38")))
    lines.append(_kv("poverty_pct" if poverty_pct is not None else "# poverty_pct",
                     yaml_num(poverty_pct if poverty_pct is not None else 51.9), tr(
        L, "opcional: pobreza monetaria del distrito (% de 0 a 100, INEI); valor por defecto de la pobreza "
           "de una comunidad sin dato. Ej.: 51.9",
        "optional: district monetary poverty (% from 0 to 100, INEI); the fallback for a community "
        "without a poverty rate. E.g. 51.9")))
    if latitude is not None and longitude is not None:
        lines.append(_kv("latitude", yaml_num(round(latitude, 5)), tr(
            L, "latitud de la capital distrital (grados decimales)", "latitude of the district capital (decimal degrees)")))
        lines.append(_kv("longitude", yaml_num(round(longitude, 5)), tr(
            L, "longitud de la capital distrital (grados decimales)", "longitude of the district capital (decimal degrees)")))
    if reference_note:
        lines += _comment_lines(reference_note)
    lines.append("")
    lines += _comment_lines(tr(L, "--- Población y años del plan ---", "--- Population and plan years ---"))
    lines += _comment_lines(tr(
        L,
        "census: población TOTAL del distrito por año censal (personas, INEI). Hacen falta al menos dos\n"
        "años con población > 0 para calcular la tasa de crecimiento; un año sin dato puede ser null.",
        "census: TOTAL district population by census year (persons, INEI). At least two years with a\n"
        "population > 0 are needed to compute the growth rate; a year without a figure may be null.",
    ))
    if census is None:
        lines += _comment_lines(tr(
            L, "TODO: los valores 1 son MARCADORES, no datos: reemplácelos por las cifras del censo.",
            "TODO: the values 1 are PLACEHOLDERS, not data: replace them with the census figures."))
        census_items = [(2007, 1, tr(L, "TODO personas en el censo 2007. Ej.: 79500",
                                      "TODO persons in the 2007 census. E.g. 79500")),
                        (2017, 1, tr(L, "TODO personas en el censo 2017. Ej.: 79100",
                                      "TODO persons in the 2017 census. E.g. 79100"))]
    else:
        if census_comment:
            lines += _comment_lines(census_comment)
        census_items = [(y, p, tr(L, f"personas en {y} (ILUSTRATIVO, ver arriba)",
                                   f"persons in {y} (ILLUSTRATIVE, see above)")) for y, p in sorted(census.items())]
    lines.append(_kv("census", "", tr(L, "año censal: personas (ver arriba)", "census year: persons (see above)")))
    for y, p, c in census_items:
        lines.append(_kv(f"{y}", yaml_num(p), c, indent="  "))
    lines.append(_kv("base_year", str(base), tr(
        L, "año base del plan: año del inventario de data/<id>/ (año). Ej.: 2015",
        "base year of the plan: year of the inventory in data/<id>/ (year). E.g. 2015")))
    lines.append(_kv("horizon_year", str(horizon), tr(
        L, "año horizonte del plan, posterior a base_year (año). Ej.: 2030 (ODS)",
        "horizon year of the plan, after base_year (year). E.g. 2030 (SDG)")))
    lines.append(_kv("rural_share", yaml_num(rural_share), ("TODO " if rural_share_note is None else "") + tr(
        L, "fracción 0-1 de la población del distrito que vive en las comunidades del inventario "
           "(sin la capital). Ej.: 0.75",
        "fraction 0-1 of the district population living in the inventory's communities "
        "(without the capital). E.g. 0.75")))
    note = rural_share_note if rural_share_note is not None else tr(
        L, "TODO: fuente o supuesto de rural_share", "TODO: source or assumption behind rural_share")
    lines.append(_kv("rural_share_note", _q(note), tr(
        L, "fuente o supuesto de rural_share (texto, aparece en el informe). Ej.: \"INEI 2017, población rural\"",
        "source or assumption behind rural_share (text, shown in the report). E.g. \"INEI 2017 rural population\"")))
    lines.append(_kv("data_note", _q(data_note), tr(
        L, "origen y calidad de los datos de data/<id>/ (texto, aparece en el informe). Ej.: \"Inventario ATM 2024\"",
        "origin and quality of the data in data/<id>/ (text, shown in the report). E.g. \"ATM inventory 2024\"")))
    lines.append(_kv("language", language, tr(
        L, "idioma de los informes: es | en. Ej.: es", "language of the reports: es | en. E.g. en")))
    lines.append("")
    lines += _comment_lines(tr(L, "--- Presupuesto ---", "--- Budget ---"))
    lines.append(_kv("budget", "", tr(L, "presupuesto del plan de inversiones (soles PEN)", "investment plan budget (soles PEN)")))
    lines += _comment_lines(tr(
        L,
        f"envelope: techo anual por fuente de financiamiento (soles PEN por año). Fuentes: {', '.join(sources)}\n"
        "(budget.sources, se cargan en ese orden). TODO: los montos son los ILUSTRATIVOS de defaults.yaml;\n"
        "reemplácelos por los techos del distrito. Una fuente omitida cuenta como 0.",
        f"envelope: yearly ceiling per financing source (soles PEN per year). Sources: {', '.join(sources)}\n"
        "(budget.sources, charged in that order). TODO: amounts are the ILLUSTRATIVE ones of defaults.yaml;\n"
        "replace them with the district's ceilings. A source left out counts as 0.",
    ), indent="  ")
    lines.append(_kv("envelope", "", tr(L, "fuente: soles por año (ver arriba)", "source: soles per year (see above)"), indent="  "))
    src_text = {
        "municipal": (tr(L, "soles/año del presupuesto municipal. Ej.: 300000", "soles/year from the municipal budget. E.g. 300000")),
        "regional": (tr(L, "soles/año del gobierno regional. Ej.: 200000", "soles/year from the regional government. E.g. 200000")),
        "national": (tr(L, "soles/año de programas nacionales. Ej.: 500000", "soles/year from national programmes. E.g. 500000")),
    }
    for s in sources:
        lines.append(_kv(s, yaml_num(env.get(s, 0)), src_text.get(s, tr(L, f"soles/año de la fuente {s}",
                                                                     f"soles/year from source {s}")), indent="    "))
    lines += _comment_lines(tr(
        L,
        "envelope_by_year: reemplaza el techo de un año concreto (soles por fuente). Ej.:\n"
        f"envelope_by_year:\n  {base + 1}: {{municipal: 200000, regional: 0, national: 400000}}",
        "envelope_by_year: replaces the ceiling of one year (soles per source). E.g.:\n"
        f"envelope_by_year:\n  {base + 1}: {{municipal: 200000, regional: 0, national: 400000}}",
    ), indent="  ")
    lines.append("")
    lines += _comment_lines(tr(L, "--- Taller de planificación estratégica ---",
                                "--- Strategic planning workshop ---"))
    lines += _comment_lines(tr(
        L, "Registro del taller con autoridades, ATM, JASS y comunidad. Si aún no se realizó, deje\n"
           "illustrative: true: los informes lo marcarán como ilustrativo.",
        "Record of the workshop with authorities, ATM, JASS and community. If it has not taken place\n"
        "yet, keep illustrative: true: the reports will mark it as illustrative."))
    lines.append(_kv("workshop", "", tr(L, "registro del taller (ver arriba)", "workshop record (see above)")))
    lines.append(_kv("date", "null", tr(L, "fecha del taller \"AAAA-MM-DD\" (entre comillas) o null. Ej.: \"2024-06-10\"",
                                         "workshop date \"YYYY-MM-DD\" (in quotes) or null. E.g. \"2024-06-10\""),
                     indent="  "))
    lines.append(_kv("participants", "[]", tr(L, "lista de participantes (texto). Ej.: [\"Alcalde\", \"ATM\", \"JASS\"]",
                                               "list of participants (text). E.g. [\"Mayor\", \"ATM\", \"JASS\"]"),
                     indent="  "))
    lines.append(_kv("vision", _q(tr(L, "TODO: visión acordada en el taller", "TODO: vision agreed at the workshop")),
                     tr(L, "visión al año horizonte (una frase). Ej.: \"Al 2030 todas las familias tienen agua segura\"",
                         "vision for the horizon year (one sentence). E.g. \"By 2030 every family has safe water\""),
                     indent="  "))
    lines.append(_kv("objectives", "", tr(L, "objetivos estratégicos (lista, al menos uno)",
                                            "strategic objectives (list, at least one)"), indent="  "))
    lines.append(f"    - {_q(tr(L, 'TODO: objetivo 1', 'TODO: objective 1'))}   # " + tr(
        L, "Ej.: \"Rehabilitar los sistemas en estado C y D\"", "E.g. \"Rehabilitate systems in state C and D\""))
    lines.append(_kv("swot", "", tr(L, "análisis FODA del taller (listas de texto, pueden quedar vacías [])",
                                      "SWOT analysis of the workshop (lists of text, may stay empty [])"), indent="  "))
    for key, es, en in (("strengths", "fortalezas. Ej.: [\"JASS organizadas\"]", "strengths. E.g. [\"Organised JASS\"]"),
                        ("weaknesses", "debilidades. Ej.: [\"ATM sin presupuesto\"]", "weaknesses. E.g. [\"ATM without budget\"]"),
                        ("opportunities", "oportunidades. Ej.: [\"Presupuesto participativo\"]",
                         "opportunities. E.g. [\"Participatory budget\"]"),
                        ("threats", "amenazas. Ej.: [\"Sequías\"]", "threats. E.g. [\"Droughts\"]")):
        lines.append(_kv(key, "[]", tr(L, es, en), indent="    "))
    lines.append(_kv("illustrative", "true", tr(
        L, "true mientras no sea el registro de un taller real; false cuando lo sea",
        "true until this is the record of a real workshop; false when it is"), indent="  "))
    lines.append("")
    written: dict[str, Any] = {}
    if ub_todo:
        written["ubigeo"] = "000000"
    if not department:
        written["department"] = ""
    if not province:
        written["province"] = ""
    written["census"] = {y: p for y, p, _ in census_items}
    written["rural_share"] = rural_share
    written["budget.envelope"] = {s: env.get(s, 0) for s in sources}
    written["workshop.vision"] = tr(L, "TODO: visión acordada en el taller", "TODO: vision agreed at the workshop")
    written["workshop.objectives"] = [tr(L, "TODO: objetivo 1", "TODO: objective 1")]
    lines += _placeholder_block(written, L)
    lines.append("")
    lines += _override_block(defaults, L)
    return "\n".join(lines) + "\n"


def check_params_text(text: str, district: str, defaults: dict[str, Any], where: Path) -> None:
    """The scaffolded YAML must load with the same checks as `load_params` (bug guard)."""
    raw = yaml.safe_load(text) or {}
    merged = deep_merge(defaults, raw)
    merged.setdefault("district", district)
    try:
        params_from_dict(merged, str(where))
    except ParamsError as e:  # pragma: no cover - a bug in the template, not a user error
        raise ScaffoldError(f"internal error: the scaffolded parameters do not load: {e}") from None


def reference_fields(root: Path, name: str, department: str | None, province: str | None, ubigeo: str | None,
                     language: str, division: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Identity from the district reference table (data/peru-districts/): ubigeo, department, province,
    area, poverty and the capital's coordinates, by ubigeo when given, else by SIASAR division or
    name (accent/case-insensitive). Arguments given explicitly win. When the table does not know the
    district, nothing is filled (the ubigeo stays a placeholder) and the note says why, with
    suggestions."""
    from propilas.inputs import reference

    notes: list[str] = []
    try:
        if ubigeo:
            d = reference.by_ubigeo(ubigeo, root)
            if d is None:
                raise reference.ReferenceError(f"ubigeo {ubigeo} is not in the district reference table")
        elif division:
            d = reference.by_division(division, root)
        else:
            d = reference.lookup(name, department or None, province or None, root)
    except reference.ReferenceError as e:
        notes.append(tr(language, f"tabla de referencia: {e}; ubigeo queda como marcador (borrador)",
                        f"reference table: {e}; the ubigeo stays a placeholder (draft)"))
        return {"ubigeo": ubigeo, "department": department, "province": province}, notes
    fields = {"ubigeo": ubigeo or d.ubigeo, "department": department or d.department,
              "province": province or d.province, "area_km2": d.area_km2, "poverty_pct": d.poverty_pct,
              "latitude": d.latitude, "longitude": d.longitude,
              "reference_note": tr(language,
                                   f"Identidad, superficie, pobreza (%) y coordenadas de la capital: {reference.CREDIT} "
                                   f"(ubigeo {d.ubigeo}, {d.division}).",
                                   f"Identity, area, poverty (%) and the capital's coordinates: {reference.CREDIT} "
                                   f"(ubigeo {d.ubigeo}, {d.division}).")}
    return fields, notes
