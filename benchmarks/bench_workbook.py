#!/usr/bin/env python
"""How long does tables.xlsx take for a district-sized run? (not a test: no pass/fail)

The workbook is written for people (issue 13 §7: translated headers and codes, number formats,
fitted columns), cell by cell in openpyxl's write-only mode. This times `export_tables_xlsx` on a
synthetic run in a temporary folder — a dozen tables of `--rows` rows (default 300, a district;
10000 for the largest SIASAR-sized district) — and prints the seconds. It replaces the timing
assertion the unit tests used to carry (timings belong here, not in tests).

    .venv/bin/python benchmarks/bench_workbook.py --rows 300 10000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from propilas.report.excel_export import export_tables_xlsx


def synthetic_run(root: Path, rows: int) -> Path:
    out = root / "outputs"
    t = out / "demo" / "tables"
    t.mkdir(parents=True)
    rng = np.random.default_rng(0)
    ids = [f"c{j:05d}" for j in range(rows)]
    for i in range(12):
        pd.DataFrame({"community_id": ids, **{f"v{k}": rng.random(rows) for k in range(8)}}
                     ).to_csv(t / f"table_{i}.csv", index=False)
    pd.DataFrame({"community_id": ids, "flags": ["missing:state_catchment; partial_index"] * rows,
                  "population": rng.random(rows) * 1000, "poverty_rate": rng.random(rows)}
                 ).to_csv(t / "sustainability.csv", index=False)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[300])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'rows':>8} {'best s':>8} {'MB':>6}")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            out = synthetic_run(Path(tmp), rows)
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                dest = export_tables_xlsx(out, "demo", "es")
                best = min(best, time.perf_counter() - t0)
            print(f"{rows:>8} {best:>8.2f} {dest.stat().st_size / 1e6:>6.1f}")


if __name__ == "__main__":
    main()
