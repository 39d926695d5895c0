"""The district reference table: every Peruvian district's INEI ubigeo, names, area, coordinates and
poverty, from data/peru-districts/ubigeo_distrito.csv (J. M. Castagnetto, ubigeo-peru-aumentado,
MIT licence; data/peru-districts/README.md).

`propilas new` fills a district's identity from it by name (accent- and case-insensitive, with
"did you mean" suggestions) and validation checks that a district's ubigeo matches its names.
Poverty is a percentage in the table (as `poverty_pct` in params).
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from propilas.core.errors import PropilasError
from propilas.core.paths import repo_root

CREDIT = ("District reference table: J. M. Castagnetto, ubigeo-peru-aumentado (INEI, RENIEC, CEPLAN, "
          "MINSA, PNUD), MIT licence")


class ReferenceError(PropilasError):
    """A district name the reference table does not know (or knows several times)."""


def fold(text: object) -> str:
    """Upper case without accents and with single spaces: 'Santo Tomás' → 'SANTO TOMAS'."""
    s = "".join(c for c in unicodedata.normalize("NFKD", str(text or "")) if not unicodedata.combining(c))
    return " ".join(s.upper().replace("_", " ").split())


@dataclass(frozen=True)
class District:
    ubigeo: str
    department: str
    province: str
    district: str
    capital: str
    area_km2: float | None
    latitude: float | None
    longitude: float | None
    poverty_pct: float | None

    @property
    def division(self) -> str:
        return f"{self.department},{self.province},{self.district}"


def table_path(root: Path | None = None) -> Path:
    """The project's copy of the table, else the one shipped beside the package's repository."""
    rel = Path("data") / "peru-districts" / "ubigeo_distrito.csv"
    for base in ([Path(root)] if root else []) + [repo_root(), Path(__file__).resolve().parents[3]]:
        if (base / rel).exists():
            return base / rel
    return (Path(root) if root else repo_root()) / rel


@functools.lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"inei": str, "reniec": str}, encoding="utf-8")
    df["inei"] = df["inei"].str.zfill(6)
    for c in ("departamento", "provincia", "distrito"):
        df[f"_{c}"] = df[c].map(fold)
    return df


def load_table(root: Path | None = None) -> pd.DataFrame:
    """The reference table (1,893 districts) with folded name columns _departamento, _provincia, _distrito."""
    p = table_path(root)
    if not p.exists():
        from propilas.core.messages import Msg

        raise ReferenceError(Msg("val.ref.no_table", path=str(p)))
    return _load(str(p))


def _num(v: object) -> float | None:
    x = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return None if pd.isna(x) else float(x)


def _district(r: pd.Series) -> District:
    pov = _num(r.get("pct_pobreza_total"))
    return District(ubigeo=str(r["inei"]), department=str(r["departamento"]).title(),
                    province=str(r["provincia"]).title(), district=str(r["distrito"]).title(),
                    capital=str(r.get("capital") or ""), area_km2=_num(r.get("superficie")),
                    latitude=_num(r.get("latitude")), longitude=_num(r.get("longitude")),
                    poverty_pct=None if pov is None else round(pov, 1))


def by_ubigeo(ubigeo: str, root: Path | None = None) -> District | None:
    df = load_table(root)
    hit = df[df["inei"] == str(ubigeo).zfill(6)]
    return _district(hit.iloc[0]) if len(hit) else None


def lookup(name: str, department: str | None = None, province: str | None = None,
           root: Path | None = None) -> District:
    """The one district called `name` (in `department`/`province` when given); ReferenceError with
    suggestions when there is none or several."""
    df = load_table(root)
    want = fold(name)
    hit = df[df["_distrito"] == want]
    if department:
        hit = hit[hit["_departamento"] == fold(department)]
    if province:
        hit = hit[hit["_provincia"] == fold(province)]
    if len(hit) == 1:
        return _district(hit.iloc[0])
    if len(hit) > 1:
        opts = "; ".join(f"{r.departamento},{r.provincia},{r.distrito} ({r.inei})" for r in hit.itertuples())
        from propilas.core.messages import Msg

        raise ReferenceError(Msg("val.ref.ambiguous", n=len(hit), name=repr(name), options=opts))
    pool = df
    if department and (df["_departamento"] == fold(department)).any():
        pool = pool[pool["_departamento"] == fold(department)]
    close = difflib.get_close_matches(want, sorted(set(pool["_distrito"])), n=5, cutoff=0.7)
    order = {c: k for k, c in enumerate(close)}
    found = pool[pool["_distrito"].isin(close)].assign(_o=lambda d: d["_distrito"].map(order)).sort_values("_o")
    where = [f"{r.departamento},{r.provincia},{r.distrito}" for r in found.itertuples()]
    from propilas.core.messages import Msg

    within = Msg("val.ref.within", place=department + (f", {province}" if province else "")) if department else ""
    hint = Msg("val.ref.did_you_mean", options=Msg.join(Msg("val.ref.or"), [repr(w) for w in where[:6]])) if where else ""
    raise ReferenceError(Msg("val.ref.unknown", name=repr(name), within=within, hint=hint))


def by_division(division: str, root: Path | None = None) -> District:
    """The district of a SIASAR division 'DEPARTMENT,PROVINCE,DISTRICT'."""
    parts = [p.strip() for p in division.split(",")]
    if len(parts) != 3:
        from propilas.core.messages import Msg

        raise ReferenceError(Msg("val.ref.division", division=repr(division)))
    try:
        return lookup(parts[2], parts[0], parts[1], root=root)
    except ReferenceError:
        # SIASAR sometimes files a district under another province name: department + district
        return lookup(parts[2], parts[0], root=root)


def names_problem(ubigeo: str, name: str, department: str, province: str, root: Path | None = None) -> str | None:
    """Why `ubigeo` does not match the names (None when it does, or when the table does not know it)."""
    d = by_ubigeo(ubigeo, root)
    if d is None:
        return None
    from propilas.core.messages import Msg

    bad = []
    if department and fold(department) != fold(d.department):
        bad.append(Msg("val.ref.department", given=repr(department), table=repr(d.department)))
    if province and fold(province) != fold(d.province):
        bad.append(Msg("val.ref.province", given=repr(province), table=repr(d.province)))
    fn, fd = fold(name), fold(d.district)
    if fn != fd and fd not in fn:
        bad.append(Msg("val.ref.name", given=repr(name), table=repr(d.district)))
    if not bad:
        return None
    return Msg("val.ref.mismatch", ubigeo=ubigeo, division=d.division, bad=Msg.join(", ", bad))
