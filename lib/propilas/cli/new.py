"""`propilas new`: the command line of the district scaffold (`propilas.inputs.scaffold`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from propilas.core.language import LANGUAGES


def cmd_new(args: argparse.Namespace) -> int:
    # imported when the command runs: pandas and the scaffold are not paid by `propilas run`
    import pandas as pd

    from propilas.core.paths import project_root
    from propilas.inputs.scaffold import TABLES, ScaffoldError, rel_path, scaffold_district, scaffold_from_siasar

    from propilas.core.language import resolve_language

    root = project_root()
    args.language = resolve_language(args.language)  # --language, PROPILAS_LANG, locale, es (core/language.py)
    if args.from_siasar is not None:
        if not args.division:
            raise ScaffoldError("--from-siasar needs --division \"DEPARTMENT,PROVINCE,DISTRICT\", "
                                "e.g. --division \"CAJAMARCA,HUALGAYOC,BAMBAMARCA\"")
        written = scaffold_from_siasar(root, args.district, args.division, args.from_siasar or None, args.name,
                                       department=args.department, province=args.province, ubigeo=args.ubigeo,
                                       language=args.language, force=args.force, population=args.population)
    else:
        if args.division:
            raise ScaffoldError("--division is only used with --from-siasar")
        if args.population:
            raise ScaffoldError("--population is only used with --from-siasar (a hand-filled communities table "
                                "holds each community's population already)")
        if not args.name:
            raise ScaffoldError("--name is required, e.g. propilas new san_juan --name \"San Juan\"")
        written = scaffold_district(root, args.district, args.name, department=args.department or "",
                                    province=args.province or "", ubigeo=args.ubigeo, language=args.language,
                                    force=args.force)
    es = args.language == "es"
    print(("escrito:" if es else "written:"))
    for p in written:
        print(f"  {rel_path(p, root)}")
    for note in getattr(written, "notes", []):
        print(("aviso: " if es else "note: ") + note)
    if args.from_siasar is not None:
        n = {t: len(pd.read_csv(root / "data" / args.district / f"{t}.csv")) for t in TABLES}
        print(f"SIASAR: {n['communities']} " + ("comunidades" if es else "communities")
              + f", {n['water_systems']} " + ("sistemas (ver data_note en params)" if es
                                               else "systems (see data_note in params)"))
    d = args.district
    if args.from_siasar is not None:
        steps = ([f"1. propilas run {d}  (corre ya como BORRADOR: cada página lista los datos provisionales)",
                  f"2. Revise params/{d}.yaml: reemplace el censo ILUSTRATIVO y los valores de `placeholders:`",
                  f"3. Complete lo que SIASAR no releva (data/{d}/data_quality.csv, hoja field_checklist de "
                  "tables.xlsx); con la población de cada comunidad: --population ARCHIVO --force",
                  f"4. propilas validate {d} && propilas run {d}"] if es else
                 [f"1. propilas run {d}  (runs now as a DRAFT: every page lists the provisional data)",
                  f"2. Review params/{d}.yaml: replace the ILLUSTRATIVE census and the values under `placeholders:`",
                  f"3. Collect what SIASAR does not survey (data/{d}/data_quality.csv, sheet field_checklist of "
                  "tables.xlsx); with each community's population: --population FILE --force",
                  f"4. propilas validate {d} && propilas run {d}"])
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
    p.add_argument("--language", choices=LANGUAGES, default=None,
                   help="report and template language, and of this command's output (default: PROPILAS_LANG, "
                        "else the locale, else es)")
    p.add_argument("--from-siasar", nargs="*", type=Path, metavar="FILE", default=None,
                   help="write the district's SIASAR inventory; FILEs are SIASAR .xls exports "
                        "(default: data/siasar-peru/)")
    p.add_argument("--division", help="SIASAR division \"DEPARTMENT,PROVINCE,DISTRICT\" (with --from-siasar; "
                                      "`propilas list --siasar TEXT` lists them)")
    p.add_argument("--population", type=Path, metavar="FILE",
                   help="with --from-siasar: CSV or Excel of community populations (community_id or name, population, "
                        "households, source), e.g. from the census directory of populated centres; water access is "
                        "then computed for the communities it names")
    p.add_argument("--force", action="store_true", help="overwrite files that already exist")
    p.set_defaults(func=cmd_new)
    return p
