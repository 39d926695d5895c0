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
