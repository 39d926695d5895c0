"""A SIASAR district's parameters and tables, computed without writing anything.

Shared by `scaffold.scaffold_from_siasar` (which writes them under params/ and data/) and the
national in-memory batch (`siasar_params_dict`), so a district built either way is the same.
Census figures are not in SIASAR: they are placeholders marked illustrative, never presented as data.
"""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd
import yaml

from propilas.core import schemas
from propilas.core.params import check_district_id, deep_merge
from propilas.inputs.scaffold_params import ScaffoldError, district_yaml, reference_fields, tr


def resolve_division(siasar_df: pd.DataFrame, division: str) -> pd.Series:
    """The divisions() row of `division` (accents/case ignored), or an error listing close matches."""
    from propilas.inputs.siasar import divisions, normalise_division

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


def csv_ints(df: pd.DataFrame, table: str) -> pd.DataFrame:
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
    `communities`/`water_systems` its `siasar_canonical.district_inventory`. Census figures are not in SIASAR:
    both census years are set to the served population (zero growth) and marked ILLUSTRATIVE.
    """
    from propilas.inputs.siasar import ATTRIBUTION

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
    from propilas.method.ladders import served_only

    n_served = int(served_only(communities).sum())
    dq = communities.attrs.get("data_quality")
    n_imp = int((dq["action"] == "households_imputed").sum()) if dq is not None and len(dq) else 0
    imp_es = (f" {n_imp} registro(s) con más viviendas que personas: viviendas imputadas (ver data_quality.csv)."
              if n_imp else "")
    imp_en = (f" {n_imp} record(s) with more households than persons: households imputed (see data_quality.csv)."
              if n_imp else "")
    pop_es = (f"Población y hogares de {n_served} comunidad(es) = los servidos por sus sistemas (acceso al agua no "
              "calculado: dé su población con --population)" if n_served else
              "Población y hogares de las comunidades: archivo de población")
    pop_en = (f"Population and households of {n_served} communit(ies) = those their systems serve (water access not "
              "computed: give their population with --population)" if n_served else
              "Communities' population and households: population file")
    data_note = tr(
        language,
        f"Inventario SIASAR 2015 de {row['division']}: {n_sys} de {n_total} sistemas, {len(communities)} comunidades{excl_es}. "
        f"{pop_es}; saneamiento no relevado por SIASAR.{imp_es} "
        f"Censo ILUSTRATIVO (= población de las comunidades, {served} personas): reemplácelo por el censo INEI. ({ATTRIBUTION})",
        f"SIASAR 2015 inventory of {row['division']}: {n_sys} of {n_total} systems, {len(communities)} communities{excl_en}. "
        f"{pop_en}; sanitation not surveyed by SIASAR.{imp_en} "
        f"ILLUSTRATIVE census (= the communities' population, {served} persons): replace with the INEI census. ({ATTRIBUTION})",
    )
    rural_note = tr(
        language,
        "ilustrativo: el censo es la población servida por los sistemas SIASAR, por eso rural_share = 1; "
        "reemplace ambos por cifras INEI",
        "illustrative: the census is the population SIASAR's systems serve, hence rural_share = 1; "
        "replace both with INEI figures")
    census_comment = tr(
        language,
        f"ILUSTRATIVO, NO es el censo: ambos años = población servida por los sistemas SIASAR del distrito\n"
        f"({served} personas, crecimiento 0). TODO: reemplace por las cifras del censo INEI.",
        f"ILLUSTRATIVE, NOT the census: both years = population served by the district's SIASAR systems\n"
        f"({served} persons, zero growth). TODO: replace with the INEI census figures.")
    header = [tr(language, f"Datos: SIASAR Perú, división {row['division']}. {ATTRIBUTION}",
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
    # identity from the district reference table, exactly as `scaffold_from_siasar` fills it
    ref, _notes = reference_fields(None, fields["name"], department, province, ubigeo, language,
                                   division=str(division_row["division"]))
    for k in ("department", "province"):
        if ref.get(k) and not {"department": department, "province": province}[k]:
            fields[k] = ref[k]
    ref = {k: v for k, v in ref.items() if k not in ("department", "province")}
    text = district_yaml(district=district, language=language, defaults=defaults, **ref, **fields)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(text, Loader=loader) or {}
    merged = deep_merge(defaults, raw)
    merged.setdefault("district", district)
    return merged
