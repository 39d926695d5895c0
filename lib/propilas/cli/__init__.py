"""The `propilas` command: run, validate, list (and new, diff, national as they land)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from propilas.core.errors import PropilasError
from propilas.core.paths import project_root


def _lang(args: argparse.Namespace | None = None) -> str:
    """The language the command answers in (core/language.py: --language, PROPILAS_LANG, locale, es)."""
    from propilas.core.language import resolve_language

    value = getattr(args, "language", None) if args is not None else None
    try:
        return resolve_language(value)
    except PropilasError:
        return resolve_language(None, {})


def _districts(root: Path, names: list[str], language: str = "es") -> list[str]:
    from propilas.core.labels import t
    from propilas.core.params import check_district_id, district_ids

    known = district_ids(root / "params")
    if not names:
        return known
    for n in names:
        check_district_id(n)
        if n not in known:
            raise PropilasError(t("cli.unknown_district", language, district=n, known=", ".join(known)))
    return names


def cmd_run(args: argparse.Namespace) -> int:
    """`--language es,en` builds the report set in Spanish in --out and in English in --out/en/,
    each page linking to its twin (README: "Two languages"); without --language each district is
    written in its own params language, the index and comparison in the CLI's language."""
    from propilas.core.labels import t
    from propilas.core.language import resolve_languages
    from propilas.run.batch import default_workers, run_languages
    from propilas.run.site import status_table
    from propilas.run.runner import RunConfig

    root = project_root()
    lang = _lang(args)
    languages = resolve_languages(args.language) if args.language else []
    districts = _districts(root, args.districts, lang)
    cfg = RunConfig.create(root, args.out, force=args.force, language=languages[0] if languages else None,
                           ui_language=lang)
    workers = args.workers or default_workers()
    manifests = run_languages(districts, cfg, languages, workers=workers, scheduler=args.scheduler,
                              show_progress=not args.quiet and sys.stderr.isatty() or args.progress,
                              wait=-1 if args.wait else 0)
    code = 0
    for i, (language, manifest) in enumerate(manifests.items()):
        folder = Path(manifest.get("out_dir") or cfg.out_dir)
        if len(manifests) > 1:
            print(t("cli.run.language_set", lang, lang_name=t(f"lang.{language}", lang), path=folder))
        print(status_table(manifest, lang))
        print(t("cli.run.index", lang, path=folder / "index.html"))
        code = max(code, int(manifest["exit_code"]))
    if getattr(args, "scenarios", False):  # issue 16: each district's named scenarios, after its own run
        code = max(code, run_scenarios_cli(cfg, districts, lang, wait=-1 if args.wait else 0))
    return code


def run_scenarios_cli(cfg, districts: list[str], lang: str, wait: float = 0) -> int:
    """`propilas run DISTRICT --scenarios`: run/scenarios.py for each district; one line per scenario
    (stages reused from the base plan, re-computed, failed); 1 when any failed."""
    from propilas.core.labels import t
    from propilas.core.params import load_params
    from propilas.run.lock import output_lock
    from propilas.run.runner import CACHED, FAILED, OK
    from propilas.run.scenarios import run_scenarios

    code = 0
    with output_lock(cfg, wait):
        for d in districts:
            if not load_params(d, cfg.params_dir).scenarios:
                print(t("cli.run.no_scenarios", lang, district=d))
                continue
            results = run_scenarios(d, cfg)
            print(t("cli.run.scenarios", lang, district=d, path=cfg.out_dir / d / "scenarios.html"))
            for name, res in results.items():
                n = {st: sum(r.status == st for r in res) for st in (CACHED, OK, FAILED)}
                print(t("cli.run.scenario_stage", lang, name=name, done=n[CACHED], ran=n[OK], failed=n[FAILED]))
                code = max(code, 1 if n[FAILED] or n[CACHED] + n[OK] < len(res) else 0)
    return code


def cmd_validate(args: argparse.Namespace) -> int:
    from propilas.inputs.validation import load_inputs

    from propilas.core.labels import t

    root = project_root()
    lang = _lang(args)
    bad = 0
    for d in _districts(root, args.districts, lang):
        found = load_inputs(d, root / "params", root / "data")
        if found.params is not None:  # issue 16: a scenario whose overrides are not valid is an error
            from propilas.inputs.scenario_check import scenario_problems

            found.problems += scenario_problems(found.params, root / "params" / f"{d}.yaml")
        n_err, n_warn = len(found.errors), len(found.warnings)
        print(t("cli.validate.ok" if found.ok else "cli.validate.errors", lang, district=d, errors=n_err,
                warnings=n_warn))
        for p in found.problems:
            print(f"  {problem_text(p, lang)}")
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
    """Each district's state in the output folder: completed, failed, stale (its inputs changed since
    its outputs were made) or not run yet — from manifest.json and the files on disk."""
    from propilas.core.labels import t
    from propilas.core.registry import STAGES
    from propilas.run.site import district_state, previous_manifest
    from propilas.run.runner import RunConfig

    root = project_root()
    lang = _lang(args)
    if args.siasar is not None:
        rows = list_siasar(args.siasar, root)
        for d, n in rows:
            print(f"  {d:60s} {n:5d} {t('cli.list.siasar_systems', lang)}")
        print(t("cli.list.siasar_count", lang, n=len(rows))
              + (t("cli.list.siasar_matching", lang, text=args.siasar) if args.siasar else "")
              + t("cli.list.siasar_use", lang))
        return 0 if rows else 1
    cfg = RunConfig.create(root, args.out or root / "outputs")
    manifest = previous_manifest(cfg.out_dir)
    print(t("cli.list.stages", lang, stages=", ".join(s.name for s in STAGES)))
    for d in _districts(root, [], lang):
        state = district_state(cfg, d, (manifest.get("districts") or {}).get(d))
        print(f"  {d:20s} {t(f'site.status.{state}', lang)}")
    return 0


def problem_text(problem, language: str) -> str:
    """A validation finding in the CLI's language: frame (severity, file, sheet, row, column, value)
    and rule (a catalogue message, core/text/validation.yaml) alike (issue 13 §2)."""
    if hasattr(problem, "text") and hasattr(problem, "severity"):
        return problem.text(language)
    return str(problem)


LANGUAGE_HELP = ("language of the command's output (and of the reports for `run`): es or en; default: "
                 "PROPILAS_LANG, else the locale, else es")


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
    r.add_argument("--language", metavar="LANG[,LANG]",
                   help="report language of every district, overriding params: es, en, or es,en to build both "
                        "(the second in OUT/en/, each page linking to its twin); also the language of this "
                        "command's output (default: PROPILAS_LANG, else the locale, else es)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--progress", action="store_true", help="progress bar even when not on a terminal")
    r.add_argument("--wait", action="store_true", help="if another run is writing to the same output folder, "
                   "wait for it to finish (default: refuse at once, naming that run)")
    r.add_argument("--scenarios", action="store_true", help="also run each district's named scenarios (params key "
                   "'scenarios') into OUT/<district>/scenarios/<name>/ and write OUT/<district>/scenarios.html")
    r.set_defaults(func=cmd_run)
    v = sub.add_parser("validate", help="check params and data without running notebooks")
    v.add_argument("districts", nargs="*")
    v.add_argument("--language", choices=("es", "en"), help=LANGUAGE_HELP)
    v.set_defaults(func=cmd_validate)
    ls = sub.add_parser("list", help="districts, stages and the state of their outputs")
    ls.add_argument("--out", type=Path)
    ls.add_argument("--language", choices=("es", "en"), help=LANGUAGE_HELP)
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
        from propilas.core.labels import t

        lang = _lang(args)
        print(t("cli.error", lang, message=exc.text(lang)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        from propilas.core.labels import t

        print(t("cli.interrupted", _lang(args)), file=sys.stderr)
        return 130
