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

The parts live beside this module: `scaffold_params` (the commented YAML; its text helpers and
closing blocks in `scaffold_yaml`), `scaffold_templates`
(Excel/CSV templates and README) and `scaffold_siasar` (a SIASAR district's fields and tables);
this module checks the arguments and writes the files. The command line is `propilas.cli.new`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from propilas.core.params import check_district_id, load_defaults
from propilas.inputs.scaffold_params import LANGUAGES, ScaffoldError, check_params_text, district_yaml, reference_fields
from propilas.inputs.scaffold_siasar import csv_ints, resolve_division, siasar_yaml_fields
from propilas.inputs.scaffold_templates import TABLES, template_files
from propilas.inputs.tableio import atomic_write_bytes, write_canonical_csv

__all__ = ["LANGUAGES", "TABLES", "ScaffoldError", "rel_path", "scaffold_district", "scaffold_from_siasar"]


def _refuse_existing(paths: Iterable[Path], force: bool, root: Path) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        shown = ", ".join(rel_path(p, root) for p in existing)
        raise ScaffoldError(f"{shown} already exist(s); nothing was written. Use --force to overwrite "
                            "(your edits in those files would be lost)")


def rel_path(p: Path, root: Path) -> str:
    """`p` relative to the project root when it is inside it (for messages)."""
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


class Written(list):
    """The paths written, plus `notes`: what the consultant should know (e.g. the reference table
    could not fill the ubigeo, with its suggestions)."""

    notes: list[str]

    def __init__(self, paths: Iterable[Path], notes: Iterable[str] = ()) -> None:
        super().__init__(paths)
        self.notes = list(notes)


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
    ref, notes = reference_fields(root, name, department, province, ubigeo, language)
    ref["department"], ref["province"] = ref.get("department") or "", ref.get("province") or ""
    text = district_yaml(district=district, name=name, language=language, defaults=defaults, **ref)
    check_params_text(text, district, defaults, params_path)
    files = {params_path: text.encode("utf-8")}
    files.update(template_files(data_dir, district, name, language))
    _refuse_existing(files, force, root)
    return Written(_write_all(files), notes)


def _check_common(name: str | None, ubigeo: str | None, language: str) -> None:
    if name is not None and not (1 <= len(name.strip()) <= 120):
        raise ScaffoldError("--name must be 1 to 120 characters, e.g. --name \"San Juan\"")
    if ubigeo is not None and not (len(ubigeo) == 6 and ubigeo.isdigit()):
        raise ScaffoldError(f"--ubigeo {ubigeo!r}: expected the 6-digit INEI code, e.g. 060701")
    if language not in LANGUAGES:
        raise ScaffoldError(f"--language {language!r}: expected es or en")


def scaffold_from_siasar(root: Path, district: str, division: str, files: list[Path] | None = None,
                         name: str | None = None, *, department: str | None = None, province: str | None = None,
                         ubigeo: str | None = None, language: str = "es", force: bool = False,
                         siasar_df: pd.DataFrame | None = None, horizon_year: int | None = None,
                         population: Path | None = None) -> list[Path]:
    """Write the district's real SIASAR inventory (data/<district>/*.csv) and a params YAML.

    Census figures are not in SIASAR. DistrictParams needs two census years, so both are set to
    the population SIASAR's systems serve (zero growth) and marked ILLUSTRATIVE in the file, in
    `rural_share_note` and in `data_note`: the consultant must replace them. `siasar_df` lets a
    caller (or a test) reuse an already loaded SIASAR frame.

    Identity comes from the district reference table (`reference_fields`). The importer's
    data-quality table is written to data/<district>/data_quality.csv (stage 00 shows it).
    `population`: a CSV/Excel file of community populations (`siasar_population`); the
    communities it names get their water access computed.
    """
    from propilas.inputs.siasar import default_files, load_siasar_cached
    from propilas.inputs.siasar_canonical import district_inventory, national_pph_median
    from propilas.method.data_quality import data_quality_table

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
    comm, ws = district_inventory(siasar_df, str(row["division"]), pph_fallback=national_pph_median(siasar_df))
    if comm.empty:
        raise ScaffoldError(f"SIASAR division {row['division']!r}: none of its {int(row['systems'])} systems gives "
                            "a community with population and households; nothing to plan from")

    dq = comm.attrs.get("data_quality")
    if population is not None:
        from propilas.inputs.siasar_population import (PopulationFileError, apply_population_file,
                                                       read_population_file)

        try:
            comm, extra = apply_population_file(comm, ws, read_population_file(Path(population)))
        except PopulationFileError as e:
            raise ScaffoldError(str(e)) from None
        dq = pd.concat([data_quality_table(dq), pd.DataFrame(extra)], ignore_index=True)
    div_rows = siasar_df[siasar_df["division"] == row["division"]]
    fields = siasar_yaml_fields(row, div_rows, comm, ws, name=name, department=department, province=province,
                                language=language, horizon_year=horizon_year)
    name = fields["name"]
    ref, notes = reference_fields(root, name, department, province, ubigeo, language, division=str(row["division"]))
    for k in ("department", "province"):  # the reference table's spelling (accents) over SIASAR's
        if ref.get(k) and not {"department": department, "province": province}[k]:
            fields[k] = ref[k]
    ref = {k: v for k, v in ref.items() if k not in ("department", "province")}
    text = district_yaml(district=district, language=language, defaults=defaults, **ref, **fields)
    params_path = root / "params" / f"{district}.yaml"
    check_params_text(text, district, defaults, params_path)

    data_dir = root / "data" / district
    targets = {params_path: text.encode("utf-8")}
    targets.update(template_files(data_dir, district, name, language))
    csv_paths = {t: data_dir / f"{t}.csv" for t in TABLES}
    other = [data_dir / f"{t}.xlsx" for t in TABLES if (data_dir / f"{t}.xlsx").exists()]
    if other:
        raise ScaffoldError(f"{', '.join(rel_path(p, root) for p in other)} exist(s): writing the CSV beside it would "
                            "leave two versions of a table (the runner refuses that). Move it away first")
    dq_path = data_dir / "data_quality.csv"
    _refuse_existing(list(targets) + list(csv_paths.values()) + [dq_path], force, root)
    written = _write_all(targets)
    write_canonical_csv(csv_ints(comm, "communities"), csv_paths["communities"])
    write_canonical_csv(csv_ints(ws, "water_systems"), csv_paths["water_systems"])
    write_canonical_csv(data_quality_table(dq), dq_path)
    return Written(written + list(csv_paths.values()) + [dq_path], notes)
