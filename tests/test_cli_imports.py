"""What the `propilas` command imports (issue 15, an unchanged re-run ≤ 1 s): a subcommand's modules
only when it runs, and nothing of notebook execution or table processing when every district is
served from the cache. Behaviour only; the seconds are in benchmarks/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

FIX = ROOT / "tests" / "fixtures"
HEAVY = ("pandas", "numpy", "nbconvert", "nbformat", "papermill", "nbclient", "matplotlib", "pandera")


# what executes notebooks, exports HTML, draws or validates: never needed when nothing re-runs (pandas,
# numpy and nbformat still are: report/htmlexport.py and report/index.py import them at the top)
EXECUTION = ("nbconvert", "papermill", "nbclient", "matplotlib", "pandera")


def _imported(code: str, cwd=ROOT, modules=HEAVY) -> list[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_building_the_command_line_imports_no_subcommand():
    assert _imported("from propilas.cli import build_parser; build_parser().parse_args(['list'])") == []


@pytest.mark.parametrize("command", ["new", "diff", "national"])
def test_each_subcommand_still_parses_its_options(command):
    from propilas.cli import build_parser

    argv = {"new": ["new", "d", "--language", "en"], "diff": ["diff", "a", "b", "--exit-code"],
            "national": ["national", "--limit", "3"]}[command]
    args = build_parser().parse_args(argv)
    assert args.command == command and callable(args.func)


@pytest.mark.e2e
def test_an_unchanged_rerun_imports_no_table_or_notebook_library(tmp_path):
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    proj = tmp_path / "project"
    shutil.copytree(FIX / "params", proj / "params")
    shutil.copytree(FIX / "data", proj / "data")
    (proj / "notebooks").symlink_to(ROOT / "notebooks")
    if (ROOT / "data" / "peru-boundaries").exists():
        (proj / "data" / "peru-boundaries").symlink_to(ROOT / "data" / "peru-boundaries")
    out = tmp_path / "out"
    first = run_batch(["fixture"], RunConfig.create(proj, out), workers=1, show_progress=False)
    assert first["exit_code"] == 0
    code = (f"from propilas.cli import main\n"
            f"rc = main(['run', 'fixture', '--out', {str(out)!r}, '--workers', '1', '--quiet'])\n"
            f"assert rc == 0, rc")
    loaded = _imported(code, cwd=proj, modules=EXECUTION)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] != first["run_id"]
    assert {s["status"] for s in manifest["districts"]["fixture"]["stages"].values()} == {"cached"}
    assert manifest["comparison"]["status"] == "cached"
    assert loaded == []
