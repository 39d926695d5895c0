"""A run killed mid-write (SIGKILL) leaves temporary files; the next run of the district removes
them before it starts (it holds the folder's lock, so none of them is being written)."""

from __future__ import annotations

from propilas.inputs.tableio import atomic_write_text
from propilas.run.runner import RunConfig, remove_stale_district_outputs, remove_stale_temporaries


def test_temporaries_of_a_killed_run_are_removed_results_kept(tmp_path):
    cfg = RunConfig.create(tmp_path, tmp_path / "out")
    d = cfg.out_dir / "lajas"
    (d / "tables").mkdir(parents=True)
    left = [d / ".02_sustainability.html.x3dm26vn.tmp", d / ".01_diagnosis.4242.tmp.ipynb",
            d / "tables" / ".gaps.csv.abcd1234.tmp"]
    kept = [d / "02_sustainability.html", d / "tables" / "gaps.csv", d / ".cache" / "00_profile.json",
            d / "notes.tmp.txt"]
    for p in left + kept:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    atomic_write_text("y", d / "summary.json")  # what an atomic write leaves: only its result
    remove_stale_district_outputs(cfg, "lajas")
    assert not [p for p in left if p.exists()]
    assert all(p.exists() for p in kept) and (d / "summary.json").read_text() == "y"
    top = cfg.out_dir / ".index.html.zz.tmp"
    top.write_text("x")
    remove_stale_temporaries(cfg.out_dir, recursive=False)
    assert not top.exists()
