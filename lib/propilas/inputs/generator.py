"""ILLUSTRATIVE communities and water systems for a district (every row: source 'illustrative').

Community-level water and sanitation data for the PROPILAS pilot districts are not public
(except the few SIASAR systems). To let the method run end to end on credible numbers, this
module generates a deterministic (seeded) example inventory whose totals match the district's
census-based rural population. Nothing here is data about a real community: names are
plausible Cajamarca caserío-style toponyms, and every row says 'illustrative'. Real records are
never completed with generated values (METHOD.md): the generator only ADDS communities for the
part of the rural population the real records do not cover.

Calibration: Σ community population = target = round(P(base_year) × rural_share) − population
of the real (SIASAR) communities already present, where P(t) is the most recent census
projected with the intercensal rate of the two most recent censuses (`population.py`). Sizes are
drawn, then scaled and rounded by largest remainder so the sum equals the target exactly.

Target distributions (source, or 'assumed' where no figure is at hand):
- Community size: log-normal, median 280 persons, σ(log) 0.75, clipped to 40–2,500. Source:
  SIASAR 2015 systems in Cajamarca department, population served median 340, IQR 186–637
  (measured on the exports); a caserío without a system tends to be smaller → median 280 (assumed).
  At least 5 communities when the target allows ≥ 100 persons each (assumed: a ranking of
  fewer communities says little).
- Persons per household: uniform 4.0–4.5 per community. Approximate rural Cajamarca household
  size, INEI Censo 2017 (cited as approximate; SIASAR's served population / households has a
  median of 5 in Cajamarca, often a rounded multiplier).
- Water (JMP source categories), district expectation of households: piped on premises ≈ 60 %,
  public tap ≈ 1.5 %, protected spring/well/rain ≈ 15 %, unprotected ≈ 15 %, surface ≈ 8 %.
  Built as: a community has a piped system with probability 0.75 (assumed); then piped share
  ~ Beta(8, 2) (mean 0.8) and the non-piped rest split tap/protected/unprotected/surface with
  Dirichlet means 0.10/0.35/0.35/0.20 (concentration 8); without a system the
  households use protected/unprotected/surface with means 0.4/0.4/0.2. Order of magnitude of
  rural Cajamarca around 2015 (roughly 60–70 % of rural households on a piped network, ENAPRES /
  Censo 2017): approximate, the split is assumed.
- Water round trip (non-piped households): log-normal median 20 min, σ 0.6, 5-min steps (assumed).
- Sanitation, district expectation of households: improved private 45 %, improved shared 5 %,
  unimproved 30 %, open defecation 20 % (Dirichlet, concentration 10 per community; assumed,
  order of magnitude of rural Cajamarca where pit latrines dominate). hh_san_safely_managed is
  left empty (not computed, as in JMP rural estimates for Peru).
- Poverty rate: Beta around the district poverty % (concentration 30).
- Systems: one per community with a system, two when population > 700 (assumed). Type gravity
  70 %, gravity_treated 15 %, pumped 10 %, pumped_treated 5 % (assumed; Cajamarca highland
  systems are mostly gravity). Year built uniform 1980–2014 (assumed).
- Component states: a system-level condition A/B/C/D with probabilities 0.35/0.30/0.20/0.15
  (assumed; for reference SIASAR Peru measured catchments A 54 %, B 10 %, C 18 %, D 18 % and
  distribution networks A 71 %, B 7 %, C 12 %, D 10 %); each component equals it with
  probability 0.7, else one class better or worse (0.15 each, clipped). Treatment state only for
  systems that chlorinate or are '_treated'.
- Hours per day: the SIASAR Peru distribution of non-zero `dist_horas` (376 systems: 24 h 76 %,
  12–23 h 8 %, 6–11 h 6 %, <6 h 10 %), measured; systems in condition D get 1–4 h (assumed).
- Dry season: sufficient 55 %, partial 30 %, insufficient 15 % (assumed).
- Chlorination practised 50 % (SIASAR 2015 Cajamarca: chlorination working in 204 of 375
  systems with a chlorinator record = 54 %, measured); residual chlorine measured in 75 % of
  chlorinating systems, log-normal median 0.45 mg/l (σ 0.6, 0.05–2.0), empty otherwise (assumed).
- Management (assumed, consistent with PROPILAS/SANBASUR diagnoses of weak management):
  JASS recognised 55 %, board active 65 %, fee charged 60 %, fee collection rate ~ Beta(5, 2)
  where a fee is charged (empty where none), maintenance plan 30 %, trained operator 45 %,
  reservoir cleanings per year 0/1/2/4/12 with 25/30/25/15/5 %.
- JASS exists: 85 % of communities with a system (always where a system's JASS is recognised),
  10 % of those without; counterpart committed 60 % (assumed).
- Coordinates: uniform in a disc of the district's equivalent radius √(area/π) around the
  district capital (ubigeo-peru-aumentado coordinates, or the mean of SIASAR systems when a
  caller passes them); distance to the capital = straight distance × 1.4 road factor (assumed).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from propilas.core.params import DistrictParams
from propilas.method.population import district_growth_rate, project
from propilas.core.schemas import column_names
from propilas.inputs.siasar import slug
from propilas.inputs.siasar_canonical import canonical_frame

SOURCE_LABEL = "illustrative"


@dataclass(frozen=True)
class DistrictGeo:
    """Capital coordinates/altitude and area (ubigeo-peru-aumentado, J. Castagnetto, from INEI)."""

    latitude: float
    longitude: float
    altitude_m: float
    area_km2: float


GEO: dict[str, DistrictGeo] = {
    "san_juan": DistrictGeo(-7.2917, -78.4975, 2336, 69.66),
    "llacanora": DistrictGeo(-7.1936, -78.4267, 2621, 49.42),
    "miguel_iglesias": DistrictGeo(-6.6503, -78.2325, 2813, 235.73),
    "utco": DistrictGeo(-6.8964, -78.0633, 2225, 100.79),
    "lajas": DistrictGeo(-6.5606, -78.7347, 2151, 120.73),
    "tacabamba": DistrictGeo(-6.3928, -78.6114, 2077, 196.25),
    "bambamarca": DistrictGeo(-6.6797, -78.5189, 2556, 451.38),
    "santo_tomas": DistrictGeo(-14.4533, -72.0822, 3676, 1924.08),
}

# Plausible caserío toponyms of the northern Andes of Cajamarca (illustrative names, not a list of
# real communities of any given district): Quechua/Culle roots and common Spanish place names.
BASE_NAMES: tuple[str, ...] = (
    "Huayrapampa", "Llushcapampa", "Shitamalca", "Chamis", "Cushunga", "Huacataz", "Yanamarca",
    "Pampa Grande", "Chilacat", "Callacate", "Lucmapampa", "Sallapuyo", "Tambillo", "Chontabamba",
    "Cashapampa", "Quengomayo", "Shilla", "Chuquimango", "Huangamarca", "Cochapampa", "Llollón",
    "Rumipampa", "Yerbabuena", "Chimchim", "Quinuamayo", "Ajipampa", "Pencaspampa", "Shaullo",
    "Cumbico", "Manzanamayo", "Chagmapampa", "Pingobamba", "Pululo", "Succhamayo", "Chillimarca",
    "Tuyupampa", "Cungupampa", "Huayllabamba", "Lanchepampa", "Cuyumalca", "Pariamarca",
    "El Rosario", "San Isidro", "Santa Rosa", "La Esperanza", "Las Flores", "El Palmo",
    "San Antonio", "El Tingo", "La Colpa", "El Lirio", "Miraflores", "Buenos Aires", "La Laguna",
    "El Milagro", "Santa Clara", "San Martín", "La Palma", "El Triunfo", "Nuevo Progreso",
    "La Unión", "Las Lagunas", "El Chorro", "San Pedro", "La Shita", "El Guayo", "Los Alisos",
)
QUALIFIERS: tuple[str, ...] = ("", " Alto", " Bajo", " Centro", " Grande", " Chico")

# SIASAR Peru, non-zero dist_horas of 376 systems (value: count), measured on the exports.
HOURS_EMPIRICAL: dict[int, int] = {
    24: 286, 22: 4, 21: 1, 20: 7, 19: 3, 18: 4, 17: 4, 16: 1, 12: 6, 10: 8, 9: 1, 8: 7, 7: 2, 6: 3,
    5: 1, 4: 4, 3: 5, 2: 15, 1: 14,
}

P_HAS_SYSTEM = 0.75
PIPED_BETA = (8.0, 2.0)
WATER_NONPIPED_WITH_SYSTEM = (0.10, 0.35, 0.35, 0.20)  # tap, protected, unprotected, surface
WATER_NO_SYSTEM = (0.40, 0.40, 0.20)  # protected, unprotected, surface
WATER_DIRICHLET_CONC = 8.0
SANITATION_MEANS = (0.45, 0.05, 0.30, 0.20)  # improved private, shared, unimproved, open
SANITATION_CONC = 10.0
SIZE_MEDIAN, SIZE_SIGMA, SIZE_MIN, SIZE_MAX = 280.0, 0.75, 40, 2500
PPH_RANGE = (4.0, 4.5)
MIN_COMMUNITIES = 5
TWO_SYSTEMS_ABOVE = 700
SYSTEM_TYPES_P = {"gravity": 0.70, "gravity_treated": 0.15, "pumped": 0.10, "pumped_treated": 0.05}
CONDITION_P = {"A": 0.35, "B": 0.30, "C": 0.20, "D": 0.15}
DRY_SEASON_P = {"sufficient": 0.55, "partial": 0.30, "insufficient": 0.15}
P_CHLORINATION = 0.50
P_RESIDUAL_MEASURED = 0.75
MANAGEMENT_P = {"jass_recognised": 0.55, "jass_board_active": 0.65, "fee_charged": 0.60,
                "maintenance_plan": 0.30, "trained_operator": 0.45}
CLEANINGS_P = {0: 0.25, 1: 0.30, 2: 0.25, 4: 0.15, 12: 0.05}
P_JASS_WITH_SYSTEM, P_JASS_WITHOUT, P_COUNTERPART = 0.85, 0.10, 0.60
ROAD_FACTOR = 1.4
KM_PER_DEG_LAT = 110.6


def district_seed(district: str) -> int:
    """A stable seed from the district id (crc32; Python's hash() changes between runs)."""
    return zlib.crc32(district.encode("utf-8"))


def rural_target(params: DistrictParams) -> float:
    """P(base_year) × rural_share, P projected from the latest census with the latest intercensal rate."""
    (t_last, p_last) = sorted(params.census_known.items())[-1]
    r = district_growth_rate(params)
    p_base = float(project(p_last, t_last, r, [params.base_year]).iloc[0])
    return p_base * float(params.rural_share)


def illustrative_target(params: DistrictParams, real_population: float = 0.0) -> int:
    """Persons the illustrative communities must add: round(P(base) × rural_share) − real (≥ 0)."""
    return max(0, int(round(rural_target(params))) - int(round(real_population)))


def _names(rng: np.random.Generator, n: int, reserved: set[str]) -> list[str]:
    pool = [b + q for q in QUALIFIERS for b in BASE_NAMES]
    order = rng.permutation(len(pool))
    out: list[str] = []
    taken = set(reserved)
    for i in order:
        name = pool[int(i)]
        if slug(name) in taken:
            continue
        taken.add(slug(name))
        out.append(name)
        if len(out) == n:
            return out
    k = 2  # more communities than the pool: numbered sectors (never reached by the pilots)
    while len(out) < n:
        name = f"{pool[len(out) % len(pool)]} Sector {k}"
        if slug(name) not in taken:
            taken.add(slug(name))
            out.append(name)
        k += 1
    return out


def _sizes(rng: np.random.Generator, target: int) -> np.ndarray:
    """Community populations summing exactly to target (largest remainder after scaling)."""
    if target <= 0:
        return np.zeros(0, dtype=np.int64)
    mean = SIZE_MEDIAN * math.exp(SIZE_SIGMA**2 / 2)
    # at least MIN_COMMUNITIES when the target allows ≥ 100 persons each, so a ranking means something
    n = max(1, int(round(target / mean)), min(MIN_COMMUNITIES, target // 100))
    draw = np.clip(rng.lognormal(math.log(SIZE_MEDIAN), SIZE_SIGMA, n), SIZE_MIN, SIZE_MAX)
    scaled = draw * target / draw.sum()
    base = np.floor(scaled).astype(np.int64)
    rest = target - int(base.sum())
    if rest:
        idx = np.argsort(-(scaled - base), kind="stable")[:rest]
        base[idx] += 1
    if (base < 1).any():  # tiny targets: merge into one community
        base = np.array([target], dtype=np.int64)
    return base


def _choice(rng: np.random.Generator, probs: dict, size: int | None = None):
    keys = list(probs)
    p = np.array([probs[k] for k in keys], dtype=float)
    idx = rng.choice(len(keys), size=size, p=p / p.sum())
    return keys[int(idx)] if size is None else [keys[int(i)] for i in idx]


def _shift_state(rng: np.random.Generator, base: str) -> str:
    i = "ABCD".index(base) + int(rng.choice([-1, 0, 1], p=[0.15, 0.70, 0.15]))
    return "ABCD"[min(3, max(0, i))]


def generate(district: str, target_population: int, *, centroid: tuple[float, float] | None = None,
             altitude_m: float | None = None, area_km2: float | None = None,
             poverty_rate: float | None = None, seed: int | None = None,
             reserved_ids: Iterable[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Illustrative (communities, water_systems) for `district` in the canonical schema.

    `target_population` persons in total (exactly); `reserved_ids` are community ids already used
    (e.g. real SIASAR communities) that generated names must avoid. Geography defaults to `GEO`;
    the seed defaults to `district_seed(district)`, so the same call returns identical frames.
    """
    geo = GEO.get(district)
    lat0, lon0 = centroid if centroid is not None else ((geo.latitude, geo.longitude) if geo else (np.nan, np.nan))
    alt0 = altitude_m if altitude_m is not None else (geo.altitude_m if geo else np.nan)
    area = area_km2 if area_km2 is not None else (geo.area_km2 if geo else 100.0)
    pov = poverty_rate if poverty_rate is not None else 0.6
    rng = np.random.default_rng(district_seed(district) if seed is None else seed)

    sizes = _sizes(rng, int(target_population))
    n = len(sizes)
    names = _names(rng, n, set(reserved_ids))
    radius_km = math.sqrt(area / math.pi)
    comms: list[dict] = []
    systems: list[dict] = []
    k_sys = 0
    for i in range(n):
        pop = int(sizes[i])
        pph = float(rng.uniform(*PPH_RANGE))
        hh = max(1, int(round(pop / pph)))
        pph = pop / hh
        has_system = bool(rng.random() < P_HAS_SYSTEM)
        if has_system:
            piped_share = float(rng.beta(*PIPED_BETA))
            rest = rng.dirichlet(np.array(WATER_NONPIPED_WITH_SYSTEM) * WATER_DIRICHLET_CONC)
            p_water = np.concatenate([[piped_share], (1 - piped_share) * rest])
        else:
            rest = rng.dirichlet(np.array(WATER_NO_SYSTEM) * WATER_DIRICHLET_CONC)
            p_water = np.concatenate([[0.0, 0.0], rest])
        water = rng.multinomial(hh, p_water / p_water.sum())
        if has_system and water[0] == 0:  # a system connects at least one household
            j = int(np.argmax(water[1:])) + 1
            water[j] -= 1
            water[0] += 1
        san = rng.multinomial(hh, rng.dirichlet(np.array(SANITATION_MEANS) * SANITATION_CONC))
        non_piped = hh - int(water[0])
        trip = (float(5 * max(1, round(rng.lognormal(math.log(20), 0.6) / 5))) if non_piped > 0 else np.nan)
        # position: uniform in the disc
        rr = radius_km * math.sqrt(rng.random())
        th = 2 * math.pi * rng.random()
        dy, dx = rr * math.sin(th), rr * math.cos(th)
        lat = lat0 + dy / KM_PER_DEG_LAT
        lon = lon0 + dx / (KM_PER_DEG_LAT * math.cos(math.radians(lat0 if not np.isnan(lat0) else 0)))
        alt = float(np.clip(round(alt0 + rng.normal(0, 250)), 1000, 4800)) if not np.isnan(alt0) else np.nan
        cid = slug(names[i])

        comm_systems: list[dict] = []
        if has_system:
            n_sys = 2 if pop > TWO_SYSTEMS_ABOVE and water[0] >= 2 else 1
            split = [int(water[0])] if n_sys == 1 else [int(round(water[0] * 0.6)), int(water[0]) - int(round(water[0] * 0.6))]
            for j, conn in enumerate(split):
                k_sys += 1
                condition = _choice(rng, CONDITION_P)
                stype = _choice(rng, SYSTEM_TYPES_P)
                chlor = bool(rng.random() < P_CHLORINATION)
                residual = (float(np.clip(round(rng.lognormal(math.log(0.45), 0.6) / 0.05) * 0.05, 0.05, 2.0))
                            if chlor and rng.random() < P_RESIDUAL_MEASURED else np.nan)
                treated = chlor or stype.endswith("_treated")
                hours = (float(rng.integers(1, 5)) if condition == "D"
                         else float(_choice(rng, {h: c for h, c in HOURS_EMPIRICAL.items()})))
                mgmt = {k: bool(rng.random() < p) for k, p in MANAGEMENT_P.items()}
                fee_rate = float(round(rng.beta(5, 2), 2)) if mgmt["fee_charged"] else np.nan
                comm_systems.append({
                    "system_id": f"ILL{k_sys:03d}",
                    "community_id": cid,
                    "name": f"Sistema de agua {names[i]}" + (" II" if j else ""),
                    "system_type": stype,
                    "year_built": int(rng.integers(1980, 2015)),
                    "population_served": round(conn * pph, 1),
                    "households_connected": conn,
                    "state_catchment": _shift_state(rng, condition),
                    "state_conduction": _shift_state(rng, condition),
                    "state_reservoir": _shift_state(rng, condition),
                    "state_distribution": _shift_state(rng, condition),
                    "state_treatment": _shift_state(rng, condition) if treated else None,
                    "hours_per_day": hours,
                    "dry_season": _choice(rng, DRY_SEASON_P),
                    "chlorination": chlor,
                    "residual_chlorine_mg_l": residual,
                    **mgmt,
                    "fee_collection_rate": fee_rate,
                    "reservoir_cleanings_per_year": float(_choice(rng, CLEANINGS_P)),
                    "latitude": round(lat + rng.normal(0, 0.002), 5),
                    "longitude": round(lon + rng.normal(0, 0.002), 5),
                    "source": SOURCE_LABEL,
                })
        jass = (bool(rng.random() < P_JASS_WITH_SYSTEM) or any(s["jass_recognised"] for s in comm_systems)
                if has_system else bool(rng.random() < P_JASS_WITHOUT))
        comms.append({
            "community_id": cid,
            "name": names[i],
            "population": pop,
            "households": hh,
            "poverty_rate": round(float(rng.beta(30 * pov, 30 * (1 - pov))), 3),
            "altitude_m": alt,
            "distance_km": round(ROAD_FACTOR * rr, 1),
            "hh_water_piped_premises": int(water[0]),
            "hh_water_public_tap": int(water[1]),
            "hh_water_protected_source": int(water[2]),
            "hh_water_unprotected": int(water[3]),
            "hh_water_surface": int(water[4]),
            "water_round_trip_min": trip,
            "hh_san_improved_private": int(san[0]),
            "hh_san_improved_shared": int(san[1]),
            "hh_san_unimproved": int(san[2]),
            "hh_san_open": int(san[3]),
            "hh_san_safely_managed": np.nan,
            "jass_exists": jass,
            "counterpart_committed": bool(rng.random() < P_COUNTERPART),
            "latitude": round(lat, 5),
            "longitude": round(lon, 5),
            "source": SOURCE_LABEL,
        })
        systems += comm_systems

    communities = canonical_frame(pd.DataFrame(comms, columns=column_names("communities")), "communities")
    water_systems = canonical_frame(pd.DataFrame(systems, columns=column_names("water_systems")), "water_systems")
    return communities, water_systems


def generate_for_params(params: DistrictParams, real_communities: pd.DataFrame | None = None,
                        real_systems: pd.DataFrame | None = None,
                        seed: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Illustrative rows completing the real ones to P(base) × rural_share for a district.

    Coordinates centre on the real systems' mean position where there are real systems, else on
    the district capital in `GEO`. Returns only the generated rows (caller concatenates).
    """
    real_pop = float(real_communities["population"].sum()) if real_communities is not None and len(real_communities) else 0.0
    reserved = set(real_communities["community_id"]) if real_communities is not None else set()
    centroid = None
    if real_systems is not None and len(real_systems) and real_systems["latitude"].notna().any():
        centroid = (float(real_systems["latitude"].mean()), float(real_systems["longitude"].mean()))
    return generate(
        params.district, illustrative_target(params, real_pop), centroid=centroid,
        area_km2=params.area_km2, poverty_rate=(params.poverty_pct / 100 if params.poverty_pct is not None else None),
        seed=seed, reserved_ids=reserved,
    )
