"""Provenance: what a reviewer needs to trace every number to inputs, parameters and code."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("propilas", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbclient", "pydantic",
            "pandera", "openpyxl", "python-calamine", "ipykernel")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_files(paths: list[Path], root: Path | None = None) -> dict[str, str]:
    out = {}
    for p in sorted(set(Path(x) for x in paths)):
        if p.exists() and p.is_file():
            key = str(p.relative_to(root)) if root and p.is_relative_to(root) else str(p)
            out[key] = sha256_file(p)
    return out


@lru_cache(maxsize=4)
def code_version(root: str = ".") -> dict[str, Any]:
    """Git commit of the project and whether the work tree differs from it (tracked files)."""
    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit or "unknown (not a git checkout)", "dirty": bool(status) if status is not None else None}


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
