"""What a stage notebook uses: its parameters, its declared inputs, its writer and its display helpers.

A notebook opens a `StageContext`, asks for `inputs()` (only what the registry declares for the
stage), calls the stage's `compute`, shows results with labels in the report language, and
`write`s its tables where the contract says. Everything shown is HTML-escaped: community names
come from hand-typed spreadsheets.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import json
import os
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from propilas.core import labels
from propilas.core.markup import literal
from propilas.core.errors import PropilasError, StageError
from propilas.core.paths import MANUAL, notebook_root, output_path
from propilas.inputs.stage_tables import read_output
from propilas.report.render import provenance_html, show_figure, table_html
from propilas.core.params import DistrictParams, load_params, params_from_dict
from propilas.core.provenance import code_version, hash_files, package_versions
from propilas.core.registry import Stage, stage as get_stage
from propilas.inputs.tableio import atomic_write_json, write_canonical_csv


def stage_module(stage: Stage):
    return importlib.import_module(f"propilas.stages.{stage.slug}")


class StageContext:
    def __init__(self, stage: Stage, district: str, params: DistrictParams, *, data_dir: Path, out_dir: Path,
                 run_id: str, params_dir: Path, manual: bool = False, root: Path | None = None) -> None:
        self.stage = stage
        self.district = district
        self.params = params
        self.data_dir = Path(data_dir)
        self.out_dir = Path(out_dir)
        self.params_dir = Path(params_dir)
        self.run_id = run_id
        # issue 14 §3: a hand run (no run_id injected by `propilas run`) reads the runner's tables
        # when they fit (run/upstream.py) but writes only to the scratch folder outputs/_manual/
        self.manual = manual
        self.write_dir = self.out_dir / MANUAL if manual else self.out_dir
        self.root = Path(root) if root is not None else Path.cwd()
        self.started = _dt.datetime.now(_dt.timezone.utc)
        self.input_files: list[Path] = []
        self.validation: Any = None
        self.loaded: dict[str, Any] = {}  # what inputs() returned, for the worked example and exercise
        self.result: dict[str, Any] = {}  # what compute() returned

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, stage: str, district: str, *, params_data: Mapping[str, Any] | None = None,
             params_dir: str | Path | None = None, data_dir: str | Path | None = None,
             out_dir: str | Path | None = None, run_id: str | None = None,
             language: str | None = None) -> "StageContext":
        """Parameters come injected as plain data by the runner, or are loaded from params/ when run by hand.

        A folder left None is the project's own (`params/`, `data/`, `outputs/` of the project found
        by core/paths.notebook_root: from the installed package, not the current directory), so a
        notebook runs the same from the project, from notebooks/ or with papermill's --cwd anywhere.
        Without a run_id (a hand run) the stage's tables go to `<out_dir>/_manual/<district>/`."""
        st = get_stage(stage)
        rid = run_id or os.environ.get("PROPILAS_RUN_ID")
        root = Path.cwd()  # `propilas run` starts the kernel in the project folder
        if rid is None or None in (params_dir, data_dir, out_dir):
            try:
                root = notebook_root()
            except PropilasError:
                if None in (params_dir, data_dir, out_dir):
                    raise
        params_dir = Path(params_dir) if params_dir is not None else root / "params"
        data_dir = Path(data_dir) if data_dir is not None else root / "data"
        out_dir = Path(out_dir) if out_dir is not None else root / "outputs"
        if params_data:
            params = params_from_dict(dict(params_data), origin=f"injected parameters of {district}")
        else:
            params = load_params(district, params_dir)
        if language:
            params = params.model_copy(update={"language": language})
        return cls(st, district, params, data_dir=data_dir, out_dir=out_dir, run_id=rid or "interactive",
                   params_dir=params_dir, manual=rid is None, root=root)

    @property
    def lang(self) -> str:
        return self.params.language

    # ------------------------------------------------------------------ inputs / outputs
    def inputs(self) -> dict[str, Any]:
        """The stage's declared inputs only: district data tables and upstream tables.

        In a hand run the upstream tables are the runner's when they fit this run (same
        parameters, newer than the inputs), else computed from the inputs (run/upstream.py); the
        notebook says which, and where this run writes."""
        out: dict[str, Any] = {}
        found = None
        if "communities" in self.stage.data_inputs or "water_systems" in self.stage.data_inputs:
            from propilas.inputs.validation import load_inputs

            found = load_inputs(self.district, self.params_dir, self.data_dir)
            found.language = self.lang  # problems and the input error in the report language (issue 13 §2)
            self.validation = found
            self.input_files += found.files
            out["validation"] = found.report()
            out.update(found.tables)
            out["data_quality"] = found.data_quality  # issue 11: importer's record (None when absent)
        if "rounds" in self.stage.data_inputs:
            out["rounds"] = self._rounds()
        if self.manual:
            out.update(self._hand_run_upstream(found))
        else:
            for name in self.stage.table_inputs:
                out[name] = read_output(self.out_dir, self.district, name)
                self.input_files.append(output_path(self.out_dir, self.district, name))
        self._rows = {k: out.get(k) for k in ("communities", "water_systems")}  # for `illustrative`
        self.loaded = out
        return out

    def _hand_run_upstream(self, found: Any) -> dict[str, Any]:
        from propilas.inputs.validation import load_inputs
        from propilas.run.upstream import compute_upstream, runner_tables_usable

        # a folder is shown in a code span (literal there; backticks are the one character it cannot hold)
        self.narrate_text(self.t("nb.manual.scratch", folder=self._shown(self.write_dir / self.district)))
        if not self.stage.table_inputs:
            return {}
        why = runner_tables_usable(self.stage, self.district, self.params, self.out_dir, self.data_dir,
                                   self.params_dir)
        if not why:
            self.narrate_text(self.t("nb.manual.runner_tables",
                                     folder=self._shown(self.out_dir / self.district / "tables")))
            out = {}
            for name in self.stage.table_inputs:
                out[name] = read_output(self.out_dir, self.district, name)
                self.input_files.append(output_path(self.out_dir, self.district, name))
            return out
        if found is None:
            found = load_inputs(self.district, self.params_dir, self.data_dir)
            found.raise_if_errors(self.lang)
            self.input_files += found.files
        self.narrate("nb.manual.computed", reason=self.t(f"nb.manual.why_{why}"))
        tables = compute_upstream(self.stage, self.district, self.params, found)
        return {name: tables[name] for name in self.stage.table_inputs}

    def _shown(self, path: Path) -> str:
        """A folder as the reader finds it: relative to the project when inside it."""
        p = Path(path).resolve()
        shown = str(p.relative_to(self.root.resolve())) if p.is_relative_to(self.root.resolve()) else str(p)
        return shown.replace("`", "'")

    def _rounds(self) -> dict[int, dict[str, pd.DataFrame]]:
        from propilas.inputs.validation import load_inputs

        folder = self.data_dir / self.district / "rounds"
        if not folder.is_dir():
            return {}
        found = load_inputs(self.district, self.params_dir, self.data_dir)
        self.input_files += [f for f in found.files if "rounds" in f.parts]
        bad = [p for p in found.errors if p.file.startswith("rounds/")]
        if bad:
            raise StageError("\n".join([self.t("val.rounds.errors")] + [p.text(self.lang) for p in bad[:20]]))
        return found.rounds

    def compute(self, inputs: dict[str, Any]) -> dict[str, Any]:
        results = stage_module(self.stage).compute(inputs, self.params)
        missing = [w for w in self.stage.writes if w not in results]
        if missing:
            raise StageError(f"stage {self.stage.name} did not produce {missing}")
        self.result = results
        return results

    def write(self, results: Mapping[str, Any]) -> None:
        """Write exactly the registry's outputs, each atomically (paths kept in `self.written`)."""
        written = []
        for name in self.stage.writes:
            value = results[name]
            path = output_path(self.write_dir, self.district, name)
            if path.suffix == ".json":
                atomic_write_json(value, path)
            else:
                write_canonical_csv(value, path)
            written.append(path)
        self.written = written

    # ------------------------------------------------------------------ display
    def t(self, key: str, **fmt: Any) -> str:
        return labels.t(key, self.lang, **fmt)

    @property
    def illustrative(self):
        """Which inputs of the district are illustrative (method/sources.py), from the parameters and
        the rows `inputs()` loaded; every chart, table and sentence of the page is marked with it."""
        from propilas.method.sources import illustrative_inputs

        rows = getattr(self, "_rows", {})
        return illustrative_inputs(self.params, rows.get("communities"), rows.get("water_systems"))

    def mark(self, text: str, uses: tuple[str, ...]) -> str:
        """`text` with '(con presupuesto ilustrativo …)' when what it rests on (`uses`) is illustrative."""
        return self.illustrative.mark(text, self.lang, uses)

    def narrate(self, key: str, reasons: Mapping[str, str] | None = None, **fmt: Any) -> None:
        """Show a paragraph of the report in its language; values are HTML-escaped. An unknown value
        reads "sin dato (<reason>)" (`reasons`: field → catalogue key of the reason, see labels.t),
        and a sentence resting on illustrative inputs (method/sources.py SENTENCE_RESTS_ON) says so."""
        from IPython.display import Markdown, display

        from propilas.method.sources import SENTENCE_RESTS_ON

        safe = {k: literal(v) if isinstance(v, str) else v for k, v in fmt.items()}
        text = labels.t(key, self.lang, reasons=reasons, **safe)
        if key in SENTENCE_RESTS_ON:
            text = self.mark(text, SENTENCE_RESTS_ON[key])
        display(Markdown(text))

    def heading(self, key: str, level: int = 2, **fmt: Any) -> None:
        from IPython.display import Markdown, display

        safe = {k: literal(v) if isinstance(v, str) else v for k, v in fmt.items()}
        display(Markdown("#" * level + " " + labels.t(key, self.lang, **safe)))

    def show_table(self, df: pd.DataFrame, columns: Mapping[str, str] | None = None,
                   codes: Mapping[str, str] | None = None, decimals: int = 1, max_rows: int = 60,
                   percent: list[str] | None = None, rests_on: tuple[str, ...] | None = None) -> None:
        """A table for people: code columns turned into labels, headers translated, numbers rounded;
        illustrative rows get a column 'Fila ilustrativa', and a footnote names the illustrative inputs
        its values rest on (`rests_on`, or read from its money columns: method/sources.mark_table)."""
        from IPython.display import HTML, Markdown, display

        from propilas.method.sources import mark_table

        df, columns, note = mark_table(df, columns, self.illustrative, self.lang, rests_on)
        max_rows = min(max_rows, self.params.report.max_rows_per_table)  # large districts (issue 12b)
        display(HTML(table_html(df, self.lang, columns, codes, decimals, max_rows, percent)))
        if note:
            display(Markdown(note))

    def show_figure(self, fig, print_key: str | None = None) -> None:
        """The chart on the page; with `print_key`, also kept at print size for plan.docx."""
        show_figure(fig, print_key)

    def source_note(self, communities: pd.DataFrame | None = None, systems: pd.DataFrame | None = None) -> str:
        """Chart source line; credits SIASAR when its rows are among the inputs shown."""
        from propilas.method.sources import chart_source

        return chart_source(self.params.name, self.lang, communities, systems)

    def boundary(self):
        """The district's outline and neighbours (data/peru-boundaries/, by `ubigeo`), or None."""
        from propilas.inputs.boundaries import district_boundary

        found = district_boundary(self.params.ubigeo, self.data_dir)
        if found is not None:
            self.input_files.append(found.file)
        return found

    @property
    def criteria(self) -> tuple[str, ...]:
        from propilas.core.params import CRITERIA

        return CRITERIA

    @staticmethod
    def escape(text: str) -> str:
        """Input text for a Markdown narration: shown literally (no HTML, no Markdown link/image)."""
        return literal(text)

    def with_names(self, df: pd.DataFrame, communities: pd.DataFrame | None) -> pd.DataFrame:
        """Add a `community` column with the community's name (tables show names, not codes). A
        district-wide item (the ATM's yearly support) belongs to no community and no system: it says
        'todo el distrito' / 'no aplica', not 'sin dato' (nothing is unknown there)."""
        out = df.copy()
        if communities is None or "community_id" not in out.columns:
            return out
        names = dict(zip(communities["community_id"], communities["name"]))
        out.insert(0, "community", [names.get(c, c) for c in out["community_id"]])
        if "intervention" in out.columns:
            whole = out["intervention"].eq("atm") & out["community_id"].isna()
            if whole.any():
                out["community"] = out["community"].astype(object)
                out.loc[whole, "community"] = self.t("common.whole_district")
                if "system_id" in out.columns:
                    out["system_id"] = out["system_id"].astype(object)
                    out.loc[whole, "system_id"] = self.t("light.not_applicable")
                if "rank" in out.columns:  # the ATM has no place in the ranking: 'no aplica', not 'sin dato'
                    out["rank"] = [self.t("light.not_applicable") if w else (None if pd.isna(v) else f"{int(v)}")
                                   for w, v in zip(whole, out["rank"])]
        return out

    @staticmethod
    def ladder_headline(water_ladder: pd.DataFrame, sanitation_ladder: pd.DataFrame) -> dict[str, float]:
        """District shares (% of population) for the diagnosis headline, as the monitoring baseline computes them."""
        from propilas.method.monitoring import indicators_from_tables

        empty = pd.DataFrame({"class": pd.Series([], dtype=object), "index": pd.Series([], dtype=float)})
        ind = indicators_from_tables(water_ladder, sanitation_ladder, empty)
        return {"water": ind["water_basic_or_better_pct"], "safe": ind["water_safely_managed_pct"],
                "san": ind["sanitation_basic_or_better_pct"]}

    def show_headline(self, summary: Mapping[str, Any], communities: pd.DataFrame | None = None) -> None:
        """The mayor's headline figures as a two-column table."""
        from propilas.method.headline import headline_rows

        names = dict(zip(communities["community_id"], communities["name"])) if communities is not None else {}
        rows = headline_rows(summary, self.params, names)
        self.show_table(pd.DataFrame(rows, columns=["metric", "value"]),
                        columns={"metric": "col.metric", "value": "col.value"},
                        rests_on=("rows", "census", "unit_costs", "envelope"))  # footnote: what is illustrative

    def narrate_text(self, text: str) -> None:
        """Show already-composed report text (from the catalogue); nothing shown when empty."""
        from IPython.display import Markdown, display

        if text:
            display(Markdown(text))

    # ------------------------------------------------------------------ the lesson (issue 14)
    def worked_example(self) -> None:
        """The stage's formula with the numbers of one community or system of this district
        (stages/worked.py), after `compute`."""
        from propilas.stages.worked import worked_example

        self.narrate_text(worked_example(self.stage.slug, self.loaded, self.result, self.params, self.lang))

    def show_exercise(self) -> None:
        """The workshop exercise's data for this district (run/exercises.py)."""
        from propilas.run.exercises import exercise

        self.narrate_text(exercise(self).prompt)

    def check(self, answer: Any) -> None:
        """Right or wrong, and why; `None` (no answer yet) asks for one and never fails."""
        from propilas.run.exercises import check

        self.narrate_text(check(answer, self).message)

    # ------------------------------------------------------------------ provenance
    def provenance(self) -> dict[str, Any]:
        root = self.root
        return {
            "run_id": self.run_id,
            "time_utc": self.started.isoformat(timespec="seconds"),
            "district": self.district,
            "stage": self.stage.name,
            "code_version": code_version(str(root)),
            "packages": package_versions(),
            "parameters": self.params.model_dump(mode="json"),
            "input_sha256": hash_files(self.input_files + [self.params_dir / f"{self.district}.yaml",
                                                           self.params_dir / "defaults.yaml"], root),
        }

    def show_provenance(self) -> None:
        from IPython.display import HTML, display

        display(HTML(provenance_html(self.provenance(), self.lang)))
