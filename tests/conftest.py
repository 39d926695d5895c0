"""Shared fixtures: one batch run of every shipped district, reused by the end-to-end test files."""

from __future__ import annotations

import pytest

from helpers import ROOT


def shipped_districts() -> list[str]:
    from propilas.core.params import district_ids

    return district_ids(ROOT / "params")


@pytest.fixture(scope="session")
def shipped_run(tmp_path_factory):
    """(out_dir, manifest) of `propilas run` over every params/<district>.yaml (2 workers)."""
    from propilas.run.batch import run_batch
    from propilas.run.runner import RunConfig

    out = tmp_path_factory.mktemp("shipped")
    manifest = run_batch(shipped_districts(), RunConfig.create(ROOT, out), workers=2, show_progress=False)
    return out, manifest


# `make test` (CI) runs the suite on two processes (pytest-xdist, `-n 2 --dist loadgroup`).
# The tests of one file stay in one process, so a module-scoped fixture (a district run shared by a
# file's tests) is computed once; the files that share the session's `shipped_run` stay together.
SHIPPED_RUN_FILES = {"test_consistency.py", "test_e2e_pilot.py"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group("shipped" if name in SHIPPED_RUN_FILES else name))
