"""The layout of ARCHITECTURE.md: small modules, the CLI at the top imported by no layer."""

from __future__ import annotations

import re

from helpers import ROOT

PKG = ROOT / "lib" / "propilas"
MAX_LINES = 420  # "no module over ~400 lines"


def test_no_module_is_over_about_400_lines():
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these by concern: {long}"


def test_every_module_lives_in_a_layer():
    layers = {"core", "method", "inputs", "stages", "report", "run", "cli"}
    loose = [p.name for p in PKG.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == []
    assert {p.name for p in PKG.iterdir() if p.is_dir() and p.name != "__pycache__"} == layers


def test_no_layer_imports_the_cli():
    pattern = re.compile(r"^\s*(from|import)\s+propilas\.cli\b", re.M)
    offenders = [str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
                 if p.parts[len(PKG.parts)] not in ("cli", "__main__.py") and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
