"""Replicability: the lock, environment.yml, the registry and committed notebooks agree."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from helpers import ROOT
from propilas.core.registry import STAGES, COMPARISON, check_registry


def _top_level() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        deps += extra
    return {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower() for d in deps}


def _locked() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;]+)( ; (.*))?$", line.strip())
        if m:
            marker = m.group(4) or ""
            if "python_full_version >= '3.12'" in marker:
                continue
            out[m.group(1).lower()] = m.group(2)
    return out


def test_every_top_level_dependency_is_locked_exactly():
    locked = _locked()
    assert _top_level() - set(locked) == set()


def test_every_locked_top_level_dependency_is_in_environment_yml_with_the_same_version():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            conda[name.lower()] = version
    locked = _locked()
    for name in sorted(_top_level()):
        assert name in conda, f"{name} is a locked top-level dependency but not in environment.yml"
        assert conda[name] == locked[name], f"{name}: environment.yml {conda[name]} != lock {locked[name]}"


def test_registry_is_consistent_and_every_stage_has_its_notebook():
    check_registry()
    for s in STAGES + (COMPARISON,):
        assert (ROOT / "notebooks" / s.notebook).exists(), s.notebook


def test_committed_notebooks_carry_no_outputs_and_one_parameters_cell():
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} has outputs: strip them"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: expected exactly one cell tagged 'parameters'"
