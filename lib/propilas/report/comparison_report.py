"""What the comparison notebook uses: read each completed district's summary.json, write comparison.csv."""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path
from typing import Any

import pandas as pd

from propilas.core import labels
from propilas.method.comparison import comparison_table
from propilas.inputs.stage_tables import read_output
from propilas.core.provenance import code_version, hash_files, package_versions
from propilas.inputs.tableio import atomic_write_csv

# The overview in two tables of nine columns each, so a 1,280-px screen shows every column
# (issue 13 §3: one table of 17 columns was 1,494 px wide and hid the rankings): services and
# systems first, then money and the need rankings. Both start with the district's name.
SHOWN_SERVICES = {
    "name": "col.district", "population_base": "col.population_base",
    "water_basic_or_better_pct": "headline.water", "sanitation_basic_or_better_pct": "headline.sanitation",
    "water_safely_managed_pct": "headline.water_safe", "systems": "comparison.systems",
    "mean_sustainability_index": "headline.mean_is", "partial_indices": "headline.partial",
    "water_target_year": "headline.water_year",
}
SHOWN_MONEY = {
    "name": "col.district", "plan_cost_pen": "headline.plan_cost", "investment_total_pen": "headline.investment",
    "funding_gap_pen": "headline.funding_gap", "atm_total_pen": "col.atm_total_pen",
    "rank_water": "comparison.rank_water", "rank_sanitation": "comparison.rank_sanitation",
    "rank_sustainability": "comparison.rank_sustainability", "rank_funding_gap": "comparison.rank_funding_gap",
}
SHOWN = {**SHOWN_SERVICES, **SHOWN_MONEY}


class ComparisonContext:
    def __init__(self, districts: list[str], out_dir: str | Path | None, language: str, run_id: str | None) -> None:
        from propilas.core.paths import MANUAL, notebook_root

        self.districts = list(districts)
        # None: the project's outputs/ (found from the installed package, issue 14 §3)
        self.out_dir = Path(out_dir) if out_dir is not None else notebook_root() / "outputs"
        # a hand run (no run_id) writes its comparison.csv to outputs/_manual/, never over the runner's
        self.write_dir = self.out_dir if run_id else self.out_dir / MANUAL
        self.lang = language
        self.run_id = run_id or "interactive"
        self.started = _dt.datetime.now(_dt.timezone.utc)

    def _md(self, text: str) -> None:
        from IPython.display import Markdown, display

        display(Markdown(text))

    def heading(self, key: str, level: int = 2, **fmt: Any) -> None:
        self._md("#" * level + " " + labels.t(key, self.lang, **fmt))

    def narrate(self, key: str, **fmt: Any) -> None:
        self._md(labels.t(key, self.lang, **fmt))

    def summaries(self) -> list[dict[str, Any]]:
        return [read_output(self.out_dir, d, "summary.json") for d in self.districts]

    def compute_and_write(self) -> pd.DataFrame:
        table = comparison_table(self.summaries())
        atomic_write_csv(table, self.write_dir / "comparison.csv")
        return table

    def show_overview(self, table: pd.DataFrame) -> None:
        from IPython.display import HTML, display

        from propilas.report.render import table_html

        self.heading("comparison.table_services", level=3)
        display(HTML(table_html(table, self.lang, columns=SHOWN_SERVICES, decimals=1)))
        self.heading("comparison.table_money", level=3)
        display(HTML(table_html(table, self.lang, columns=SHOWN_MONEY, decimals=1)))
        if table.get("illustrative_rows_pct") is not None and (pd.to_numeric(table["illustrative_rows_pct"]) > 0).any():
            self.narrate("comparison.illustrative_note")

    def show_charts(self, table: pd.DataFrame) -> None:
        from propilas.report import comparison_charts as charts
        from propilas.report.render import show_figure

        # each district's mean index is classed with its own cut-offs (comparison_table)
        for fig in (charts.coverage_by_district_chart(table, self.lang),
                    charts.sustainability_by_district_chart(table, self.lang),
                    charts.investment_per_person_chart(table, self.lang)):
            show_figure(fig)

    def show_provenance(self) -> None:
        from IPython.display import HTML, display

        from propilas.report.render import provenance_html

        files = [self.out_dir / d / "summary.json" for d in self.districts]
        prov = {"run_id": self.run_id, "time_utc": self.started.isoformat(timespec="seconds"),
                "code_version": code_version(str(Path.cwd())), "packages": package_versions(),
                "parameters": {"districts": self.districts, "language": self.lang},
                "input_sha256": hash_files(files, Path.cwd())}
        display(HTML(provenance_html(prov, self.lang)))
