"""`propilas national`: plan every SIASAR district in memory (`run/national.py`) and write the
national comparison (`report/national_report.py`)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from propilas.core.errors import PropilasError


def _progress_printer(enabled: bool):
    """A `run.national.Progress` callback printing to stderr, or None."""
    if not enabled:
        return None
    t0 = time.perf_counter()

    def show(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            el = time.perf_counter() - t0
            sys.stderr.write(f"\r{done}/{total} districts, {el:.0f} s")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def cmd_national(args: argparse.Namespace) -> int:
    # imported when the command runs: the national batch and its report are not paid by `propilas run`
    from propilas.core.paths import project_root
    from propilas.report.national_report import failures_table, write_national_report
    from propilas.run.national import national_tables

    root = project_root()
    out = Path(args.out) if args.out else root / "outputs" / "national"
    workers = args.workers or max(1, os.cpu_count() or 1)
    t0 = time.perf_counter()
    comparison, per_district = national_tables(None, args.language, workers, root=root, limit=args.limit,
                                               progress=_progress_printer(not args.quiet and sys.stderr.isatty()))
    seconds = time.perf_counter() - t0
    paths = write_national_report(out, comparison, per_district, args.language, seconds=seconds, workers=workers)
    fails = failures_table(per_district)
    es = args.language == "es"
    n_ok = len(comparison) - len(fails)
    print((f"{len(comparison)} distritos: {n_ok} completos, {len(fails)} fallidos, {seconds:.1f} s "
           f"({workers} proceso(s))") if es else
          (f"{len(comparison)} districts: {n_ok} completed, {len(fails)} failed, {seconds:.1f} s "
           f"({workers} worker(s))"))
    if len(fails):
        for kind, n in fails["failure_kind"].value_counts().items():
            print(f"  {n:4d} × {kind}")
    print(f"{paths['csv']}\n{paths['html']}")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `propilas national` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "national", help="plan every SIASAR district in memory and compare them (CSV + one HTML page)",
        description="Every district of the SIASAR exports (data/siasar-peru/), built as `propilas new "
                    "--from-siasar` would and planned in memory with the same stage computations as the "
                    "notebooks; writes national_comparison.csv and national.html. No notebooks are run.")
    p.add_argument("--out", type=Path, help="output folder (default: outputs/national/)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: CPU cores)")
    p.add_argument("--language", choices=("es", "en"), default="es", help="report language (default es)")
    p.add_argument("--limit", type=int, default=None,
                   help="only the first N districts (department/province/district order), for a quick look")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=cmd_national)
    return p


def main(argv: list[str] | None = None) -> int:
    """`python -m propilas.cli.national [--out DIR] ...`: the same as `propilas national` (before it is wired)."""
    parser = argparse.ArgumentParser(prog="propilas")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["national", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args) or 0)
    except PropilasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
