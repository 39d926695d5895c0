"""What a stage notebook uses: its parameters, its declared inputs, its writer and its display helpers.

A notebook opens a `StageContext`, asks for `inputs()` (only what the registry declares for the
stage), calls the stage's `compute`, shows results with labels in the report language, and
`write`s its tables where the contract says. Everything shown is HTML-escaped: community names
come from hand-typed spreadsheets.
"""

from __future__ import annotations

import datetime as _dt
import html
import importlib
import json
import os
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from . import labels
from .errors import StageError
from .outputs import output_path, read_output
from .params import DistrictParams, load_params, params_from_dict
from .provenance import code_version, hash_files, package_versions
from .registry import Stage, stage as get_stage
from .tableio import atomic_write_json, write_canonical_csv


def stage_module(stage: Stage):
    return importlib.import_module(f"propilas.stages.{stage.slug}")


class StageContext:
    def __init__(self, stage: Stage, district: str, params: DistrictParams, *, data_dir: Path, out_dir: Path,
                 run_id: str, params_dir: Path) -> None:
        self.stage = stage
        self.district = district
        self.params = params
        self.data_dir = Path(data_dir)
        self.out_dir = Path(out_dir)
        self.params_dir = Path(params_dir)
        self.run_id = run_id
        self.started = _dt.datetime.now(_dt.timezone.utc)
        self.input_files: list[Path] = []
        self.validation: Any = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, stage: str, district: str, *, params_data: Mapping[str, Any] | None = None,
             params_dir: str | Path = "params", data_dir: str | Path = "data", out_dir: str | Path = "outputs",
             run_id: str | None = None, language: str | None = None) -> "StageContext":
        """Parameters come injected as plain data by the runner, or are loaded from params/ when run by hand."""
        st = get_stage(stage)
        if params_data:
            params = params_from_dict(dict(params_data), origin=f"injected parameters of {district}")
        else:
            params = load_params(district, params_dir)
        if language:
            params = params.model_copy(update={"language": language})
        rid = run_id or os.environ.get("PROPILAS_RUN_ID") or "interactive"
        return cls(st, district, params, data_dir=Path(data_dir), out_dir=Path(out_dir), run_id=rid,
                   params_dir=Path(params_dir))

    @property
    def lang(self) -> str:
        return self.params.language

    # ------------------------------------------------------------------ inputs / outputs
    def inputs(self) -> dict[str, Any]:
        """The stage's declared inputs only: district data tables and upstream tables."""
        out: dict[str, Any] = {}
        if "communities" in self.stage.data_inputs or "water_systems" in self.stage.data_inputs:
            from .validation import load_inputs

            found = load_inputs(self.district, self.params_dir, self.data_dir)
            self.validation = found
            self.input_files += found.files
            out["validation"] = found.report()
            out.update(found.tables)
        if "rounds" in self.stage.data_inputs:
            out["rounds"] = self._rounds()
        for name in self.stage.table_inputs:
            out[name] = read_output(self.out_dir, self.district, name)
            self.input_files.append(output_path(self.out_dir, self.district, name))
        return out

    def _rounds(self) -> dict[int, dict[str, pd.DataFrame]]:
        from .validation import load_inputs

        folder = self.data_dir / self.district / "rounds"
        if not folder.is_dir():
            return {}
        found = load_inputs(self.district, self.params_dir, self.data_dir)
        self.input_files += [f for f in found.files if "rounds" in f.parts]
        bad = [p for p in found.errors if p.file.startswith("rounds/")]
        if bad:
            raise StageError("follow-up round data have errors:\n" + "\n".join(str(p) for p in bad[:20]))
        return found.rounds

    def compute(self, inputs: dict[str, Any]) -> dict[str, Any]:
        results = stage_module(self.stage).compute(inputs, self.params)
        missing = [w for w in self.stage.writes if w not in results]
        if missing:
            raise StageError(f"stage {self.stage.name} did not produce {missing}")
        return results

    def write(self, results: Mapping[str, Any]) -> None:
        """Write exactly the registry's outputs, each atomically (paths kept in `self.written`)."""
        written = []
        for name in self.stage.writes:
            value = results[name]
            path = output_path(self.out_dir, self.district, name)
            if path.suffix == ".json":
                atomic_write_json(value, path)
            else:
                write_canonical_csv(value, path)
            written.append(path)
        self.written = written

    # ------------------------------------------------------------------ display
    def t(self, key: str, **fmt: Any) -> str:
        return labels.t(key, self.lang, **fmt)

    def narrate(self, key: str, **fmt: Any) -> None:
        """Show a paragraph of the report in its language; values are HTML-escaped."""
        from IPython.display import Markdown, display

        safe = {k: html.escape(str(v)) if isinstance(v, str) else v for k, v in fmt.items()}
        display(Markdown(labels.t(key, self.lang, **safe)))

    def heading(self, key: str, level: int = 2, **fmt: Any) -> None:
        from IPython.display import Markdown, display

        safe = {k: html.escape(str(v)) for k, v in fmt.items()}
        display(Markdown("#" * level + " " + labels.t(key, self.lang, **safe)))

    def show_table(self, df: pd.DataFrame, columns: Mapping[str, str] | None = None,
                   codes: Mapping[str, str] | None = None, decimals: int = 1, max_rows: int = 60,
                   percent: list[str] | None = None) -> None:
        """A table for people: code columns turned into labels, headers translated, numbers rounded."""
        from IPython.display import HTML, display

        display(HTML(table_html(df, self.lang, columns, codes, decimals, max_rows, percent)))

    def show_figure(self, fig) -> None:
        show_figure(fig)

    def source_note(self, communities: pd.DataFrame | None = None, systems: pd.DataFrame | None = None) -> str:
        """Chart source line; credits SIASAR when its rows are among the inputs shown."""
        from .sources import chart_source

        return chart_source(self.params.name, self.lang, communities, systems)

    @property
    def criteria(self) -> tuple[str, ...]:
        from .params import CRITERIA

        return CRITERIA

    @staticmethod
    def escape(text: str) -> str:
        return html.escape(str(text))

    @staticmethod
    def with_names(df: pd.DataFrame, communities: pd.DataFrame | None) -> pd.DataFrame:
        """Add a `community` column with the community's name (tables show names, not codes)."""
        out = df.copy()
        if communities is None or "community_id" not in out.columns:
            return out
        names = dict(zip(communities["community_id"], communities["name"]))
        out.insert(0, "community", [names.get(c, c) for c in out["community_id"]])
        return out

    @staticmethod
    def ladder_headline(water_ladder: pd.DataFrame, sanitation_ladder: pd.DataFrame) -> dict[str, float]:
        """District shares (% of population) for the diagnosis headline, as the monitoring baseline computes them."""
        from .monitoring import indicators_from_tables

        empty = pd.DataFrame({"class": pd.Series([], dtype=object), "index": pd.Series([], dtype=float)})
        ind = indicators_from_tables(water_ladder, sanitation_ladder, empty)
        return {"water": ind["water_basic_or_better_pct"], "safe": ind["water_safely_managed_pct"],
                "san": ind["sanitation_basic_or_better_pct"]}

    def show_headline(self, summary: Mapping[str, Any], communities: pd.DataFrame | None = None) -> None:
        """The mayor's headline figures as a two-column table."""
        from .headline import headline_rows

        names = dict(zip(communities["community_id"], communities["name"])) if communities is not None else {}
        rows = headline_rows(summary, self.params, names)
        self.show_table(pd.DataFrame(rows, columns=["metric", "value"]),
                        columns={"metric": "col.metric", "value": "col.value"})

    def narrate_text(self, text: str) -> None:
        """Show already-composed report text (from the catalogue); nothing shown when empty."""
        from IPython.display import Markdown, display

        if text:
            display(Markdown(text))

    # ------------------------------------------------------------------ provenance
    def provenance(self) -> dict[str, Any]:
        root = Path.cwd()
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


def show_figure(fig) -> None:
    """Embed a chart as PNG (the report is one self-contained file); None (e.g. no coordinates) shows nothing."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    if fig is None:
        return
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


def _is_year_or_rank(name: str) -> bool:
    low = name.lower().strip()
    return (low.startswith(("year", "año", "rank", "priorid", "priority", "sheet", "ficha"))
            or low.endswith(("year", "rank")) or "_year" in low or "_rank" in low)


def _formatters(df: pd.DataFrame, decimals: int) -> dict[str, Any]:
    """Whole numbers without decimals, others with `decimals`; thousands separated."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        vals = pd.to_numeric(s, errors="coerce").dropna()
        whole = bool(len(vals)) and bool((vals == vals.round()).all())
        if whole and _is_year_or_rank(str(col)):
            out[col] = lambda x: f"{x:.0f}"
        else:
            out[col] = (lambda x: f"{x:,.0f}") if whole else (lambda x, d=decimals: f"{x:,.{d}f}")
    return out


def table_html(df: pd.DataFrame, language: str, columns: Mapping[str, str] | None = None,
               codes: Mapping[str, str] | None = None, decimals: int = 1, max_rows: int = 60,
               percent: list[str] | None = None) -> str:
    """Fractions listed in `percent` are shown as percentages (files keep fractions 0-1)."""
    shown = labels.relabel(df, dict(codes or {}), language)
    for col in percent or []:
        if col in shown.columns:
            shown[col] = pd.to_numeric(shown[col], errors="coerce") * 100
    if columns:
        shown = shown[[c for c in columns if c in shown.columns]]
        shown = shown.rename(columns={c: labels.t(k, language) for c, k in columns.items()})
    for col in shown.columns:
        if shown[col].dtype == object:
            shown[col] = ["—" if v is None or (isinstance(v, float) and v != v) else v for v in shown[col]]
    more = len(shown) - max_rows
    shown = shown.head(max_rows)
    fmt = _formatters(shown, decimals)
    missing = labels.t("common.missing", language)
    e = html.escape
    head = "".join(f"<th class='{'num' if c in fmt else 'txt'}'>{e(str(c))}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for c, v in zip(shown.columns, rec):
            if c in fmt:
                text = missing if v is None or pd.isna(v) else fmt[c](v)
                cells.append(f"<td class='num'>{e(text)}</td>")
            else:
                text = missing if v is None or (isinstance(v, float) and v != v) else str(v)
                cells.append(f"<td class='txt'>{e(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = (f"<table class='propilas-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    if more > 0:
        body += f"<p><em>{html.escape(labels.t('common.more_rows', language, n=more))}</em></p>"
    return body


def provenance_html(prov: dict[str, Any], language: str) -> str:
    e = html.escape
    cv = prov["code_version"]
    dirty = labels.t("provenance.dirty", language) if cv.get("dirty") else labels.t("provenance.clean", language)
    rows = [
        (labels.t("provenance.run", language), f"{prov['run_id']} · {prov['time_utc']}"),
        (labels.t("provenance.code", language), f"{cv['commit']} ({dirty})"),
        (labels.t("provenance.packages", language), ", ".join(f"{k} {v}" for k, v in prov["packages"].items())),
    ]
    table = "".join(f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    files = "".join(f"<tr><td><code>{e(f)}</code></td><td><code>{e(h)}</code></td></tr>"
                    for f, h in prov["input_sha256"].items())
    params = e(json.dumps(prov["parameters"], indent=1, ensure_ascii=False))
    return (f"<details class='provenance'><summary><strong>{e(labels.t('provenance.title', language))}</strong>"
            f"</summary><table>{table}</table><p>{e(labels.t('provenance.inputs', language))}</p>"
            f"<table>{files}</table><p>{e(labels.t('provenance.params', language))}</p>"
            f"<pre style='max-height:20em;overflow:auto'>{params}</pre></details>")
