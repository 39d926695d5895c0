"""The code version of a run (manifest, provenance) does not run the notebooks' git filter: in a
fresh clone `git status` would start it for every notebook on every call (issue 15: CI time)."""

from __future__ import annotations

import subprocess

from propilas.core.provenance import code_version


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_a_broken_or_slow_notebook_filter_is_not_run(tmp_path):
    repo = tmp_path / "p"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.org")
    _git(repo, "config", "user.name", "t")
    (repo / "a.ipynb").write_text('{"cells": []}\n')
    _git(repo, "add", "a.ipynb")
    _git(repo, "commit", "-qm", "a")
    # the filter a clone gets from tools/git_filters.sh, here one that cannot run
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("*.ipynb filter=nbstripout\n")
    _git(repo, "config", "filter.nbstripout.clean", "false")
    _git(repo, "config", "filter.nbstripout.required", "true")
    (repo / "a.ipynb").touch()  # racily clean: git would have to clean it again
    got = code_version(str(repo))
    assert got["dirty"] is False and len(got["commit"]) == 40
    (repo / "a.ipynb").write_text('{"cells": [1]}\n')
    code_version.cache_clear()
    assert code_version(str(repo))["dirty"] is True
