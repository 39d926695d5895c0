"""SIASAR Peru exports: the four published files joined into one row per water system, the
districts they cover, and the text rules every SIASAR value goes through. A district's inventory
in the canonical schema (`schemas.py`) is built from these rows by `siasar_canonical.py`.

Source: SIASAR (Sistema de Información de Agua y Saneamiento Rural) exports for Peru as
published in *portawaterperu* by Lauren Judah, Sebastian Camilo Loos and Mian Zhong
(openwashdata, 2024), licence CC BY 4.0 (`data/siasar-peru/LICENSE.md`, `CITATION.cff`). Any
report or derived file that uses these records must carry that attribution: `ATTRIBUTION`.

What was measured on the files (and why each rule below exists):
- The legacy .xls files store their text as UTF-16 code units that python-calamine hands back as
  one character per byte ('S\\x00i\\x00...'); `_fix_text` re-decodes them. Without it no
  division would ever match.
- A system may be in some exports and not in others (treatment 5,136 systems, catchments 1,639,
  distribution and storage 391 each; 6,076 in the union over 860 districts). The join is an
  OUTER join on `ID`: a system missing from one file is still a system, with that file's
  fields unknown. The identity fields the files share (name, division, coordinates, population
  served, ...) agree for every ID present in several files (checked), so they are taken from the
  first file that has the system.
- `tipo_*` flags are 'NO' for ~92 % of systems and `agua_epoca_seca` ('are there adequate water
  resources at the source in the dry season?', dictionary.csv) is 'NO' for ~95 %: a form default,
  not an answer. Only 'SI' is informative; 'NO' is read as unknown (<NA>).
- States come as 'A - BUENO', 'B - REGULAR', 'C - MALO', 'D - CAIDO' and are reduced to A..D.
  `trat_estado` is empty in every row (no treatment state). 329 of 391 storage states are
  'D - CAIDO' — suspicious but reported as they come (callers should warn).
- `trat_funciona` (SI/NO) with `trat_tipo` 'Desinfección con cloro' says whether chlorination
  works; for 'Filtración lenta' it says nothing about chlorine, so chlorination is unknown.
- `dist_horas` is hours of service per day. 0 hours occurs in 15 systems, 9 of them with the
  distribution network in state 'A - BUENO': a blank form default, read as unknown.
- `almc_limpieza` with unit 'MESES' is the storage cleaning interval in months →
  cleanings/year = 12 / months; 0 or missing → unknown. (In the published files every value is
  empty, so the column is all-unknown; the rule is kept for other exports.)
- `pob_servida`/`viv_servidas` 0 (97 systems) are placeholders, read as unknown: a surveyed
  system serving nobody would be recorded as collapsed, not with 0 persons and 0 homes.
- `altitud` 0 in Andean districts (12 systems) and year built 1969 (61 systems; the epoch
  placeholder 1969-12-31 also fills `fuente_caudal_fecha`) are placeholders → unknown. Survey
  dates before 2000 (15 rows: 1969 and 1989) are placeholders → NaT.
- Values such as 'No se tiene dato', 'sin dato', 's/d' mean missing wherever they occur.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from propilas.core.paths import repo_root

ATTRIBUTION = (
    "SIASAR Peru data: L. Judah, S. C. Loos, M. Zhong (2024), portawaterperu, openwashdata, "
    "CC BY 4.0, https://github.com/openwashdata/portawaterperu"
)

EXPORT_KEYS: dict[str, str] = {  # a column only that export has → its role
    "trat_ID": "treatment",
    "fuente_ID": "catchments",
    "dist_ID": "distribution",
    "almc_ID": "storage",
}
_ROLE_ORDER = ("treatment", "distribution", "storage", "catchments")
MISSING_TOKENS: frozenset[str] = frozenset({
    "", "no se tiene dato", "no se tiene datos", "sin dato", "sin datos", "s/d", "sd", "n/d", "nd",
    "no sabe", "no aplica", "na", "n/a", "-", "--",
})
CHLORINE_TREATMENT = "desinfeccion con cloro"
_STATE_RE = re.compile(r"^\s*([ABCD])\s*(?:-|$)", re.IGNORECASE)
_PLACEHOLDER_YEAR_BUILT = 1969


# ---------------------------------------------------------------------------------------------
# project root and file discovery
# ---------------------------------------------------------------------------------------------

def default_files(root: Path | None = None) -> list[Path]:
    """The four SIASAR exports the repository ships in data/siasar-peru/."""
    d = (root or repo_root()) / "data" / "siasar-peru"
    files = sorted(d.glob("*.xls"))
    if not files:
        raise FileNotFoundError(f"no SIASAR .xls exports found in {d}")
    return files


# ---------------------------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------------------------

def _fix_text(value: object) -> object:
    """Undo the byte-per-character reading of UTF-16 text in the legacy .xls files."""
    if isinstance(value, str) and "\x00" in value:
        raw = value.encode("latin-1", errors="replace")
        if len(raw) % 2:
            raw = raw + b"\x00"
        value = raw.decode("utf-16-le", errors="replace")
    return value


def _clean_str(value: object) -> object:
    """Strip; missing tokens ('No se tiene dato', ...) → None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if not isinstance(value, str):
        return value
    s = " ".join(value.split())
    if _fold(s) in MISSING_TOKENS:
        return None
    return s


def _fold(s: str) -> str:
    """Lower-case without accents, for comparisons ('Desinfección' == 'desinfeccion')."""
    return "".join(c for c in unicodedata.normalize("NFKD", s.lower()) if not unicodedata.combining(c))


def slug(text: str) -> str:
    """community_id from a name: lower-case ASCII letters, digits and '_' ('LA PUCARA' → 'la_pucara')."""
    s = re.sub(r"[^a-z0-9]+", "_", _fold(text)).strip("_")
    return s or "sin_nombre"


def _state(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    m = _STATE_RE.match(value)
    return m.group(1).upper() if m else None


def _si_only(value: object) -> object:
    """'SI' → True; 'NO' or anything else → <NA> (the exports default these flags to 'NO')."""
    if isinstance(value, str) and _fold(value.strip()) in {"si", "yes"}:
        return True
    return pd.NA


def _si_no(value: object) -> object:
    if isinstance(value, str):
        f = _fold(value.strip())
        if f in {"si", "yes"}:
            return True
        if f == "no":
            return False
    return pd.NA


def _positive(s: pd.Series) -> pd.Series:
    """Numeric; 0, negative or unparseable → NaN (placeholders in these exports)."""
    x = pd.to_numeric(s, errors="coerce").astype(float)
    return x.where(x > 0)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------

def _read_export(path: Path) -> tuple[str, pd.DataFrame]:
    df = pd.read_excel(path, engine="calamine")
    df.columns = [str(_fix_text(c)).strip() for c in df.columns]
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].astype(object).map(_fix_text).map(_clean_str)
    roles = [role for key, role in EXPORT_KEYS.items() if key in df.columns]
    if "ID" not in df.columns or len(roles) != 1:
        raise ValueError(
            f"{path}: not a SIASAR system export (needs column 'ID' and exactly one of "
            f"{sorted(EXPORT_KEYS)}; found columns {list(df.columns)[:12]}...)"
        )
    if df["ID"].duplicated().any():
        dup = df.loc[df["ID"].duplicated(), "ID"].head(5).tolist()
        raise ValueError(f"{path}: system IDs repeated within one export, e.g. {dup}")
    return roles[0], df


_COMMON = [
    "nombre", "divisiones", "latitud", "longitud", "altitud", "año", "comunidades", "PSE",
    "pob_servida", "viv_servidas", "tipo_gravedad", "tipo_bombeo", "tipo_pozo_manual",
    "tipo_agua_lluvia", "agua_epoca_seca", "agua_epoca_lluvia", "fecha_encuesta",
]
_SPECIFIC = {
    "treatment": ["trat_tipo", "trat_funciona", "trat_estado"],
    "catchments": ["fuente_tipo", "capt_estado"],
    "distribution": ["dist_horas", "dist_conexiones", "dist_estado"],
    "storage": ["almc_limpieza", "almc_limpieza_ud", "almc_estado"],
}


def load_siasar(files: list[Path] | None = None) -> pd.DataFrame:
    """One row per SIASAR water system, the four exports OUTER-joined on `ID`, normalised.

    Columns: id (int), name, division ('DEPT,PROV,DIST'), department, province, district,
    community, provider, survey_date, latitude, longitude, altitude_m, year_built,
    population_served (float, may be fractional), households_served, type_gravity, type_pumped,
    type_handpump, type_rainwater, dry_season_sufficient, rain_season_sufficient (boolean, True
    or <NA>: 'NO' is a form default, see module docstring), treatment_type, treatment_works,
    chlorination (boolean/<NA>), source_type, state_catchment, state_reservoir,
    state_distribution, state_treatment ('A'..'D' or None), hours_per_day, connections,
    cleaning_interval_months, reservoir_cleanings_per_year, in_treatment, in_catchments,
    in_distribution, in_storage (bool: which exports hold the system).
    """
    paths = [Path(f) for f in (files if files is not None else default_files())]
    parts: dict[str, pd.DataFrame] = {}
    for p in paths:
        role, df = _read_export(p)
        if role in parts:
            raise ValueError(f"{p}: a second {role} export was given; pass each export once")
        parts[role] = df

    ids = sorted(set().union(*(set(df["ID"].astype("int64")) for df in parts.values())))
    base = pd.DataFrame({"ID": pd.Series(ids, dtype="int64")})
    common_frames = [parts[r][["ID"] + [c for c in _COMMON if c in parts[r].columns]]
                     for r in _ROLE_ORDER if r in parts]
    common = pd.concat(common_frames, ignore_index=True).drop_duplicates("ID", keep="first")
    out = base.merge(common, on="ID", how="left")
    for role in _ROLE_ORDER:
        flag = pd.Series(False, index=out.index)
        if role in parts:
            cols = ["ID"] + [c for c in _SPECIFIC[role] if c in parts[role].columns]
            out = out.merge(parts[role][cols], on="ID", how="left")
            flag = out["ID"].isin(parts[role]["ID"])
        out[f"in_{role}"] = flag.astype(bool)
    return _normalise(out)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)


def _normalise(raw: pd.DataFrame) -> pd.DataFrame:
    div = _col(raw, "divisiones").astype(object)
    split = div.map(lambda v: [p.strip() for p in v.split(",")] if isinstance(v, str) else [None] * 3)
    split = split.map(lambda p: (p + [None] * 3)[:3] if len(p) <= 3 else [p[0], p[1], ",".join(p[2:])])

    survey = pd.to_datetime(_col(raw, "fecha_encuesta"), errors="coerce")
    survey = survey.where(survey.dt.year >= 2000)
    year_built = pd.to_numeric(_col(raw, "año"), errors="coerce").astype(float)
    year_built = year_built.where((year_built >= 1900) & (year_built != _PLACEHOLDER_YEAR_BUILT))

    trat_tipo = _col(raw, "trat_tipo").astype(object)
    works = _col(raw, "trat_funciona").map(_si_no).astype("boolean")
    is_chlorine = trat_tipo.map(lambda v: isinstance(v, str) and _fold(v) == CHLORINE_TREATMENT)
    chlorination = works.where(is_chlorine.astype(bool), pd.NA).astype("boolean")

    hours = pd.to_numeric(_col(raw, "dist_horas"), errors="coerce").astype(float)
    hours = hours.where((hours > 0) & (hours <= 24))

    months = pd.to_numeric(_col(raw, "almc_limpieza"), errors="coerce").astype(float)
    unit = _col(raw, "almc_limpieza_ud").map(lambda v: _fold(v) if isinstance(v, str) else None)
    months = months.where((months > 0) & (unit == "meses"))

    out = pd.DataFrame({
        "id": raw["ID"].astype("int64"),
        "name": _col(raw, "nombre").astype(object),
        "division": div,
        "department": split.map(lambda p: p[0]).astype(object),
        "province": split.map(lambda p: p[1]).astype(object),
        "district": split.map(lambda p: p[2]).astype(object),
        "community": _col(raw, "comunidades").astype(object),
        "provider": _col(raw, "PSE").astype(object),
        "survey_date": survey,
        "latitude": pd.to_numeric(_col(raw, "latitud"), errors="coerce").astype(float),
        "longitude": pd.to_numeric(_col(raw, "longitud"), errors="coerce").astype(float),
        "altitude_m": _positive(_col(raw, "altitud")),
        "year_built": year_built,
        "population_served": _positive(_col(raw, "pob_servida")),
        "households_served": _positive(_col(raw, "viv_servidas")),
        "type_gravity": _col(raw, "tipo_gravedad").map(_si_only).astype("boolean"),
        "type_pumped": _col(raw, "tipo_bombeo").map(_si_only).astype("boolean"),
        "type_handpump": _col(raw, "tipo_pozo_manual").map(_si_only).astype("boolean"),
        "type_rainwater": _col(raw, "tipo_agua_lluvia").map(_si_only).astype("boolean"),
        "dry_season_sufficient": _col(raw, "agua_epoca_seca").map(_si_only).astype("boolean"),
        "rain_season_sufficient": _col(raw, "agua_epoca_lluvia").map(_si_only).astype("boolean"),
        "treatment_type": trat_tipo,
        "treatment_works": works,
        "chlorination": chlorination,
        "source_type": _col(raw, "fuente_tipo").astype(object),
        "state_catchment": _col(raw, "capt_estado").map(_state).astype(object),
        "state_reservoir": _col(raw, "almc_estado").map(_state).astype(object),
        "state_distribution": _col(raw, "dist_estado").map(_state).astype(object),
        "state_treatment": _col(raw, "trat_estado").map(_state).astype(object),
        "hours_per_day": hours,
        "connections": _positive(_col(raw, "dist_conexiones")),
        "cleaning_interval_months": months,
        "reservoir_cleanings_per_year": 12.0 / months,
    })
    for role in _ROLE_ORDER:
        out[f"in_{role}"] = raw[f"in_{role}"].astype(bool).to_numpy()
    # None (not NaN) in text/state columns, as the canonical tables use
    for c in ("name", "division", "department", "province", "district", "community", "provider",
              "treatment_type", "source_type", "state_catchment", "state_reservoir",
              "state_distribution", "state_treatment"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out.sort_values("id", ignore_index=True)


@functools.lru_cache(maxsize=4)
def _cached(files: tuple[str, ...] | None) -> pd.DataFrame:
    return load_siasar([Path(f) for f in files] if files is not None else None)


def load_siasar_cached(files: tuple[str, ...] | list[Path] | None = None) -> pd.DataFrame:
    """`load_siasar` memoised per process (the national batch reads it once); returns a copy so
    callers may modify their frame."""
    key = tuple(str(Path(f).resolve()) for f in files) if files is not None else None
    return _cached(key).copy()


# ---------------------------------------------------------------------------------------------
# districts the exports cover
# ---------------------------------------------------------------------------------------------

def divisions(siasar_df: pd.DataFrame) -> pd.DataFrame:
    """Districts SIASAR covers: division, department, province, district, systems (count)."""
    g = (siasar_df.dropna(subset=["division"])
         .groupby(["division", "department", "province", "district"], dropna=False)
         .size().rename("systems").reset_index())
    g["systems"] = g["systems"].astype("int64")
    return g.sort_values(["department", "province", "district"], ignore_index=True)


def normalise_division(division: str) -> str:
    """'Cajamarca, Chota, Tacabamba' → 'CAJAMARCA,CHOTA,TACABAMBA' (accents kept out, as SIASAR)."""
    return ",".join(_fold(p).upper().strip() for p in division.split(","))
