"""`propilas diff RUN_A RUN_B [DISTRICT...]`: what changed between two runs, and why.

The comparison itself is in `propilas.report.diff`, the text and HTML in
`propilas.report.diff_render`; this module only parses the command line and prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_diff(args: argparse.Namespace) -> int:
    # imported when the command runs: pandas and the report layer are not paid by `propilas run`
    from propilas.inputs.tableio import atomic_write_text
    from propilas.report.diff import DiffError, diff_language, diff_runs, districts_of, has_differences
    from propilas.report.diff_render import diff_html, render_diff

    a, b = Path(args.run_a), Path(args.run_b)
    districts = args.districts
    if not districts:
        da, db = districts_of(a), districts_of(b)
        districts = [d for d in da if d in db] + [d for d in da if d not in db] + [d for d in db if d not in da]
        if not districts:
            raise DiffError(f"no districts in the manifests of {a} and {b}")
    from propilas.core.language import resolve_language

    diffs = [diff_runs(a, b, d) for d in districts]
    chosen = resolve_language(args.language)  # --language, PROPILAS_LANG, the locale, else es (core/language.py)
    for d in diffs:
        language = chosen or diff_language(d, a, b)
        print(render_diff(d, language))
    if args.html:
        atomic_write_text(diff_html(diffs, chosen or diff_language(diffs[0], a, b)), Path(args.html))
        print(f"html: {args.html}")
    if args.exit_code:
        return 1 if any(has_differences(d) for d in diffs) else 0
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add `propilas diff` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "diff", help="what changed between two runs (inputs, parameters, headline figures, ranking)",
        description="Compare two output folders (each with manifest.json) district by district.")
    p.add_argument("run_a", type=Path, metavar="RUN_A", help="output folder of the first (older) run")
    p.add_argument("run_b", type=Path, metavar="RUN_B", help="output folder of the second (newer) run")
    p.add_argument("districts", nargs="*", metavar="DISTRICT", help="districts to compare (default: all in either run)")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write the differences as an HTML page")
    p.add_argument("--language", choices=("es", "en"), help="text language (default: PROPILAS_LANG, else the locale, "
                                                           "else es)")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when there are differences (like git diff)")
    p.set_defaults(func=cmd_diff)
    return p
