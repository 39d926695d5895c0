"""The `propilas` command: run, validate, list (and new, diff, national as they land)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from propilas.core.errors import PropilasError
from propilas.core.paths import project_root


def _districts(root: Path, names: list[str]) -> list[str]:
    from propilas.core.params import check_district_id, district_ids

    known = district_ids(root / "params")
    if not names:
        return known
    for n in names:
        check_district_id(n)
        if n not in known:
            raise PropilasError(f"unknown district {n!r}: no params/{n}.yaml (known: {', '.join(known)}); "
                                f"create it with `propilas new {n} --name ...`")
    return names


def cmd_run(args: argparse.Namespace) -> int:
    from propilas.run.batch import default_workers, run_batch, status_table
    from propilas.run.runner import RunConfig

    root = project_root()
    districts = _districts(root, args.districts)
    cfg = RunConfig.create(root, args.out, force=args.force, language=args.language)
    workers = args.workers or default_workers()
    manifest = run_batch(districts, cfg, workers=workers, scheduler=args.scheduler,
                         show_progress=not args.quiet and sys.stderr.isatty() or args.progress,
                         wait=-1 if args.wait else 0)
    print(status_table(manifest))
    print(f"index: {cfg.out_dir / 'index.html'}")
    return int(manifest["exit_code"])


def cmd_validate(args: argparse.Namespace) -> int:
    from propilas.inputs.validation import load_inputs

    root = project_root()
    bad = 0
    for d in _districts(root, args.districts):
        found = load_inputs(d, root / "params", root / "data")
        n_err, n_warn = len(found.errors), len(found.warnings)
        print(f"{d}: {'OK' if found.ok else 'ERRORS'} ({n_err} error(s), {n_warn} warning(s))")
        for p in found.problems:
            print(f"  {p}")
        bad += not found.ok
    return 1 if bad else 0


def list_siasar(text: str, root: Path) -> list[tuple[str, int]]:
    """SIASAR divisions (with their system counts) whose name contains `text`, accents and case
    ignored ('' lists all): the `--division` values `propilas new --from-siasar` accepts."""
    from propilas.inputs.siasar import default_files, divisions, load_siasar_cached, normalise_division

    divs = divisions(load_siasar_cached(default_files(root)))
    want = normalise_division(text).replace(" ", "") if text else ""
    out = []
    for d, n in zip(divs["division"], divs["systems"]):
        if not want or want in normalise_division(str(d)).replace(" ", ""):
            out.append((str(d), int(n)))
    return out


def cmd_list(args: argparse.Namespace) -> int:
    import json

    from propilas.core.registry import STAGES

    root = project_root()
    if args.siasar is not None:
        rows = list_siasar(args.siasar, root)
        for d, n in rows:
            print(f"  {d:60s} {n:5d} systems")
        print(f"{len(rows)} SIASAR district(s)" + (f" matching {args.siasar!r}" if args.siasar else "")
              + "; use one as: propilas new ID --from-siasar --division \"DEPARTMENT,PROVINCE,DISTRICT\"")
        return 0 if rows else 1
    out = Path(args.out or root / "outputs")
    manifest = {}
    if (out / "manifest.json").exists():
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    print("stages: " + ", ".join(s.name for s in STAGES))
    for d in _districts(root, []):
        info = manifest.get("districts", {}).get(d)
        state = info["status"] if info else "not run yet"
        print(f"  {d:20s} {state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="propilas", description="District strategic planning for rural water and "
                                "sanitation (PROPILAS method): comparable report sets per district.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run every stage for districts, then comparison, reports and index")
    r.add_argument("districts", nargs="*", help="district ids (default: every params/<district>.yaml)")
    r.add_argument("--out", type=Path, help="output folder (default: outputs/; never inside notebooks/, params/, "
                   "data/ or lib/)")
    r.add_argument("--workers", type=int, default=0, help="districts run in parallel (default: CPU cores)")
    r.add_argument("--scheduler", help="address of a running dask.distributed scheduler (e.g. tcp://host:8786)")
    r.add_argument("--force", action="store_true", help="re-run every stage even if unchanged")
    r.add_argument("--language", choices=("es", "en"), help="override the report language of every district")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--progress", action="store_true", help="progress bar even when not on a terminal")
    r.add_argument("--wait", action="store_true", help="if another run is writing to the same output folder, "
                   "wait for it to finish (default: refuse at once, naming that run)")
    r.set_defaults(func=cmd_run)
    v = sub.add_parser("validate", help="check params and data without running notebooks")
    v.add_argument("districts", nargs="*")
    v.set_defaults(func=cmd_validate)
    ls = sub.add_parser("list", help="districts, stages and the state of their outputs")
    ls.add_argument("--out", type=Path)
    ls.add_argument("--siasar", nargs="?", const="", metavar="TEXT",
                    help="list the SIASAR districts (division and system count) whose name contains TEXT "
                         "(accents and case ignored)")
    ls.set_defaults(func=cmd_list)
    from propilas.cli import diff as diff_cmd
    from propilas.cli import national as national_cmd
    from propilas.cli import new as new_cmd

    new_cmd.register(sub)
    diff_cmd.register(sub)
    national_cmd.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PropilasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
