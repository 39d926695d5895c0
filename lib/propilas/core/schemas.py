"""Input table columns: the one place that says which columns exist, their kind, range and meaning.

Readers, validators, the Excel template, the SIASAR importer and the generator all read these
definitions, so a column is renamed or re-described in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["id", "text", "int", "float", "yesno", "state", "choice"]

STATES: tuple[str, ...] = ("A", "B", "C", "D")
SYSTEM_TYPES: tuple[str, ...] = ("gravity", "gravity_treated", "pumped", "pumped_treated")
DRY_SEASON: tuple[str, ...] = ("sufficient", "partial", "insufficient")
POPULATION_BASES: tuple[str, ...] = ("community", "served")
SERVED_BASIS = "served"
YES_VALUES: frozenset[str] = frozenset({"yes", "si", "sí", "y", "true", "1"})
NO_VALUES: frozenset[str] = frozenset({"no", "n", "false", "0"})

WATER_COUNT_COLUMNS: tuple[str, ...] = (
    "hh_water_piped_premises",
    "hh_water_public_tap",
    "hh_water_protected_source",
    "hh_water_unprotected",
    "hh_water_surface",
)
SANITATION_COUNT_COLUMNS: tuple[str, ...] = (
    "hh_san_improved_private",
    "hh_san_improved_shared",
    "hh_san_unimproved",
    "hh_san_open",
)
STATE_COLUMNS: tuple[str, ...] = (
    "state_catchment",
    "state_conduction",
    "state_reservoir",
    "state_distribution",
    "state_treatment",
)


@dataclass(frozen=True)
class Column:
    """One input column: how it is parsed, what values are allowed and what it means."""

    name: str
    kind: Kind
    en: str
    es: str
    required: bool = True  # the column must be present in the file
    nullable: bool = True  # an empty cell is allowed (means unknown)
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    unit: str = ""


def _hh(name: str, en: str, es: str, nullable: bool = False) -> Column:
    return Column(name, "int", en, es, nullable=nullable, min=0, unit="households")


# Both tables end with optional coordinates and the row's source (real or illustrative).
_LOCATION_AND_SOURCE: tuple[Column, ...] = (
    Column("latitude", "float", "Latitude (decimal degrees)", "Latitud (grados decimales)",
           required=False, min=-90, max=90, unit="deg"),
    Column("longitude", "float", "Longitude (decimal degrees)", "Longitud (grados decimales)",
           required=False, min=-180, max=180, unit="deg"),
    Column("source", "text", "Where the row comes from: SIASAR 2015, survey YYYY or illustrative",
           "Origen de la fila: SIASAR 2015, survey AAAA o illustrative", nullable=False),
)

COMMUNITIES: tuple[Column, ...] = (
    Column("community_id", "id", "Unique community code (letters, digits, - or _)",
           "Código único de la comunidad (letras, dígitos, - o _)", nullable=False),
    Column("name", "text", "Community name", "Nombre de la comunidad", nullable=False),
    Column("population", "int", "Population at the base year (persons)",
           "Población en el año base (personas)", nullable=False, min=1, max=200_000, unit="persons"),
    Column("households", "int", "Households at the base year", "Hogares en el año base",
           nullable=False, min=1, max=50_000, unit="households"),
    Column("poverty_rate", "float", "Share of population in poverty, fraction 0-1",
           "Proporción de población en pobreza, fracción 0-1", min=0, max=1, unit="fraction"),
    Column("altitude_m", "float", "Altitude (m a.s.l.)", "Altitud (m s.n.m.)", min=-100, max=7000,
           unit="m"),
    Column("distance_km", "float", "Distance to the district capital (km)",
           "Distancia a la capital distrital (km)", min=0, max=1000, unit="km"),
    _hh("hh_water_piped_premises", "Households with piped water on premises",
        "Hogares con agua por red dentro de la vivienda o lote"),
    _hh("hh_water_public_tap", "Households using a public tap", "Hogares que usan pileta pública"),
    _hh("hh_water_protected_source", "Households using a protected well, spring or rainwater",
        "Hogares que usan pozo o manantial protegido o agua de lluvia"),
    _hh("hh_water_unprotected", "Households using an unprotected well or spring",
        "Hogares que usan pozo o manantial no protegido"),
    _hh("hh_water_surface", "Households using surface water (river, canal, pond)",
        "Hogares que usan agua superficial (río, acequia, laguna)"),
    Column("water_round_trip_min", "float", "Round trip to collect water, minutes (non-piped)",
           "Tiempo de ida y vuelta para acarrear agua, minutos (sin red)", min=0, max=1440,
           unit="min"),
    _hh("hh_san_improved_private", "Households with an improved private toilet",
        "Hogares con baño mejorado propio", nullable=True),
    _hh("hh_san_improved_shared", "Households sharing an improved toilet",
        "Hogares con baño mejorado compartido", nullable=True),
    _hh("hh_san_unimproved", "Households with an unimproved latrine",
        "Hogares con letrina no mejorada", nullable=True),
    _hh("hh_san_open", "Households practising open defecation", "Hogares con defecación al aire libre", nullable=True),
    Column("hh_san_safely_managed", "int", "Households with safely managed sanitation (optional)",
           "Hogares con saneamiento gestionado de forma segura (opcional)", required=False, min=0,
           unit="households"),
    Column("jass_exists", "yesno", "A JASS (community water board) exists",
           "Existe una JASS en la comunidad"),
    Column("counterpart_committed", "yesno", "Community committed a counterpart (labour, cash)",
           "La comunidad comprometió contrapartida (mano de obra, aporte)"),
    # issue 11: where population/households come from. 'served' = only the people the community's
    # water systems serve (SIASAR): water access % is then not computed (methodology/real_districts.md)
    Column("population_basis", "choice",
           "community (census/survey count of everyone; default when empty) or served (only the people "
           "its water systems serve, e.g. SIASAR: water access is then not computed)",
           "community (censo/encuesta de toda la comunidad; por defecto si vacío) o served (solo las "
           "personas que sus sistemas sirven, p. ej. SIASAR: el acceso al agua no se calcula)",
           required=False, choices=POPULATION_BASES),
    *_LOCATION_AND_SOURCE,
)

WATER_SYSTEMS: tuple[Column, ...] = (
    Column("system_id", "id", "Unique water system code", "Código único del sistema de agua",
           nullable=False),
    Column("community_id", "id", "Community it serves (community_id in communities)",
           "Comunidad a la que sirve (community_id de comunidades)", nullable=False),
    Column("name", "text", "System name", "Nombre del sistema", nullable=False),
    Column("system_type", "choice", "gravity, gravity_treated, pumped or pumped_treated",
           "gravity, gravity_treated, pumped o pumped_treated", choices=SYSTEM_TYPES),
    Column("year_built", "int", "Year of construction", "Año de construcción", min=1900,
           unit="year"),
    Column("population_served", "float", "Population served (persons)", "Población servida (personas)",
           min=0, max=200_000, unit="persons"),
    Column("households_connected", "int", "Households connected", "Hogares conectados", min=0,
           max=50_000, unit="households"),
    Column("state_catchment", "state", "State of the catchment A-D", "Estado de la captación A-D",
           choices=STATES),
    Column("state_conduction", "state", "State of the conduction line A-D",
           "Estado de la línea de conducción A-D", choices=STATES),
    Column("state_reservoir", "state", "State of the reservoir A-D", "Estado del reservorio A-D",
           choices=STATES),
    Column("state_distribution", "state", "State of the distribution network A-D",
           "Estado de la red de distribución A-D", choices=STATES),
    Column("state_treatment", "state", "State of treatment/chlorination A-D (empty if none)",
           "Estado del tratamiento/cloración A-D (vacío si no hay)", choices=STATES),
    Column("hours_per_day", "float", "Hours of service per day", "Horas de servicio al día", min=0,
           max=24, unit="h/day"),
    Column("dry_season", "choice", "Water in dry season: sufficient, partial or insufficient",
           "Agua en época seca: sufficient, partial o insufficient", choices=DRY_SEASON),
    Column("chlorination", "yesno", "Water is chlorinated", "Se clora el agua"),
    Column("residual_chlorine_mg_l", "float", "Residual chlorine measured (mg/l)",
           "Cloro residual medido (mg/l)", min=0, max=10, unit="mg/l"),
    Column("jass_recognised", "yesno", "JASS recognised by municipal resolution",
           "JASS reconocida por resolución municipal"),
    Column("jass_board_active", "yesno", "JASS board active", "Consejo directivo de la JASS activo"),
    Column("fee_charged", "yesno", "A family fee (cuota familiar) is charged",
           "Se cobra cuota familiar"),
    Column("fee_collection_rate", "float", "Share of households paying the fee, fraction 0-1",
           "Proporción de hogares que pagan la cuota, fracción 0-1", min=0, max=1, unit="fraction"),
    Column("maintenance_plan", "yesno", "Has an operation and maintenance plan",
           "Tiene plan de operación y mantenimiento"),
    Column("trained_operator", "yesno", "Has a trained operator", "Tiene operador capacitado"),
    Column("reservoir_cleanings_per_year", "float", "Reservoir cleanings per year",
           "Limpiezas del reservorio al año", min=0, max=365, unit="1/year"),
    *_LOCATION_AND_SOURCE,
)

TABLES: dict[str, tuple[Column, ...]] = {
    "communities": COMMUNITIES,
    "water_systems": WATER_SYSTEMS,
}
ID_COLUMN: dict[str, str] = {"communities": "community_id", "water_systems": "system_id"}


def columns(table: str) -> tuple[Column, ...]:
    return TABLES[table]


def column_names(table: str) -> list[str]:
    return [c.name for c in TABLES[table]]
