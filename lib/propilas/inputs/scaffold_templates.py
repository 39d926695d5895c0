"""The input templates of `propilas new`: Excel and CSV per table, and the data folder's README.

Derived from `schemas.py`: each Excel header cell carries a comment with meaning, unit, range and
allowed values, the cells refuse impossible values while typing (data validation), and a LEEME
sheet lists the columns, so a column changed in the schema changes the templates too.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from propilas.core import schemas
from propilas.inputs.scaffold_params import yaml_num

TABLES: tuple[str, ...] = ("communities", "water_systems")
TEMPLATE_ROWS = 2000  # data validation applies to rows 2..TEMPLATE_ROWS of the template sheets
YESNO_CHOICES: tuple[str, ...] = ("yes", "no", "si", "sí")


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
            dv = DataValidation(type=typ, operator="between", formula1=yaml_num(float(col.min)),
                                formula2=yaml_num(float(col.max)), **kw)
        elif col.min is not None:
            dv = DataValidation(type=typ, operator="greaterThanOrEqual", formula1=yaml_num(float(col.min)), **kw)
        else:
            dv = DataValidation(type=typ, operator="lessThanOrEqual", formula1=yaml_num(float(col.max)), **kw)
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


def template_files(data_dir: Path, district: str, name: str, language: str) -> dict[Path, bytes]:
    """data/<district>/README.md and template/<table>.{xlsx,csv} of every table, as bytes by path."""
    out: dict[Path, bytes] = {}
    for table in TABLES:
        out[data_dir / "template" / f"{table}.xlsx"] = template_workbook(table)
        out[data_dir / "template" / f"{table}.csv"] = template_csv(table)
    out[data_dir / "README.md"] = data_readme(district, name, language).encode("utf-8")
    return out
