#!/usr/bin/env python3
"""Build data/<district>/communities.csv and water_systems.csv for the example districts.

- The six PROPILAS pilot districts: the REAL SIASAR 2015 records where they exist (never
  completed with invented values) + ILLUSTRATIVE rows from `propilas.inputs.generator` that bring
  Σ community population to P(2015) × rural_share (params/<district>.yaml).
- bambamarca and santo_tomas: SIASAR-only inventories (no illustrative rows).
- every district with SIASAR rows also gets data_quality.csv (the importer's record of problem rows).
SIASAR communities carry population_basis = served (their population is the people their systems
serve): their water access is not computed (methodology/real_districts.md).

Deterministic: running it again gives byte-identical files (tests/test_generator.py checks the
committed files against a fresh build). Usage:
    python tools/build_district_data.py [--out DATA_DIR] [--params PARAMS_DIR]
SIASAR data: Judah, Loos, Zhong (2024), portawaterperu, openwashdata, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from propilas.inputs.generator import generate_for_params  # noqa: E402
from propilas.core.params import load_params  # noqa: E402
from propilas.core.schemas import columns  # noqa: E402
from propilas.inputs.siasar import load_siasar  # noqa: E402
from propilas.inputs.siasar_canonical import canonical_frame, district_inventory, national_pph_median  # noqa: E402
from propilas.method.data_quality import data_quality_table  # noqa: E402

PILOTS: dict[str, str | None] = {
    "san_juan": "CAJAMARCA,CAJAMARCA,SAN JUAN",
    "llacanora": "CAJAMARCA,CAJAMARCA,LLACANORA",
    "miguel_iglesias": "CAJAMARCA,CELENDIN,MIGUEL IGLESIAS",
    "utco": "CAJAMARCA,CELENDIN,UTCO",
    "lajas": "CAJAMARCA,CHOTA,LAJAS",
    "tacabamba": "CAJAMARCA,CHOTA,TACABAMBA",
}
SIASAR_ONLY: dict[str, str] = {
    "bambamarca": "CAJAMARCA,HUALGAYOC,BAMBAMARCA",
    "santo_tomas": "CUSCO,CHUMBIVILCAS,SANTO TOMAS",
}


def build_district(district: str, siasar: pd.DataFrame, params_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    division = PILOTS.get(district) or SIASAR_ONLY[district]
    real_c, real_w = district_inventory(siasar, division, pph_fallback=national_pph_median(siasar))
    excluded = list(real_c.attrs.get("excluded_systems", []))
    if district in SIASAR_ONLY:
        return real_c, real_w, excluded
    params = load_params(district, params_dir)
    ill_c, ill_w = generate_for_params(params, real_c, real_w)
    comm = canonical_frame(pd.concat([real_c, ill_c], ignore_index=True), "communities")
    ws = canonical_frame(pd.concat([real_w, ill_w], ignore_index=True), "water_systems")
    comm.attrs["data_quality"] = real_c.attrs.get("data_quality")
    return comm, ws, excluded


def to_csv_frame(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Text as written: int columns without '.0', yes/no for booleans, empty for unknown."""
    out = df.copy()
    for col in columns(table):
        s = out[col.name]
        if col.kind == "int":
            out[col.name] = pd.to_numeric(s).round().astype("Int64")
        elif col.kind == "yesno":
            out[col.name] = s.map(lambda v: "" if v is pd.NA or v is None else ("yes" if v else "no")).astype(object)
    return out


def write(df: pd.DataFrame, table: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    to_csv_frame(df, table).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data", help="data directory (default: <repo>/data)")
    ap.add_argument("--params", type=Path, default=ROOT / "params", help="params directory")
    ap.add_argument("--siasar", type=Path, nargs="*", default=None, help="SIASAR .xls exports (default: data/siasar-peru)")
    args = ap.parse_args(argv)
    siasar = load_siasar(args.siasar) if args.siasar else load_siasar(sorted((ROOT / "data" / "siasar-peru").glob("*.xls")))
    for district in list(PILOTS) + list(SIASAR_ONLY):
        comm, ws, excluded = build_district(district, siasar, args.params)
        write(comm, "communities", args.out / district / "communities.csv")
        write(ws, "water_systems", args.out / district / "water_systems.csv")
        dq = comm.attrs.get("data_quality")
        if (comm["source"] == "SIASAR 2015").any():  # the importer's record, shown in stage 00
            data_quality_table(dq).to_csv(args.out / district / "data_quality.csv", index=False, encoding="utf-8",
                                          lineterminator="\n")
        real = int((comm["source"] == "SIASAR 2015").sum())
        print(f"{district:16s} communities {len(comm):3d} (real {real:2d}) systems {len(ws):3d} "
              f"(real {int((ws['source'] == 'SIASAR 2015').sum()):2d}) population {int(comm['population'].sum()):,}"
              + (f"; excluded SIASAR systems without community/population: {', '.join(excluded)}" if excluded else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
