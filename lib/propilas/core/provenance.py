"""Provenance: what a reviewer needs to trace every number to inputs, parameters and code."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("propilas", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbclient", "pydantic",
            "pandera", "openpyxl", "python-calamine", "ipykernel")


_HASHES: dict[tuple, str] = {}
RACY_S = 2.0


def sha256_file(path: Path) -> str:
    """The file's SHA-256, computed once per process for a given version of the file: the memo is
    keyed by its path, inode, size and modification and change times, which a write or a
    replacement changes; the runner asks for the same inputs several times per run (issue 15).
    File times are coarse (a few ms), so two writes of the same size close together could share
    them: a file changed less than RACY_S seconds ago is always read again (git's "racily clean")."""
    st = os.stat(path)
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    found = _HASHES.get(key)
    if found is not None:
        return found
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_S * 1e9:
        if len(_HASHES) > 20_000:
            _HASHES.clear()
        _HASHES[key] = digest
    return digest


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
    # The notebooks' git filter (nbstripout, tools/git_filters.sh) is not run here: in a fresh clone
    # every file is "racily clean" until the index is rewritten, and `git status` then starts one
    # Python process per notebook on each call (25 CPU-s, beyond the timeout, in every run and kernel
    # of a CI job). Without it a notebook is compared as it is on disk: one saved with outputs in
    # notebooks/ counts as a change, which it is.
    status = git("-c", "filter.nbstripout.clean=cat", "status", "--porcelain", "--untracked-files=no")
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
