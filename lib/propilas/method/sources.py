"""What the data rows are and where they come from, said in every report that uses them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pandas as pd

from propilas.core.labels import t
from propilas.core.markup import literal


def _sources(*tables: pd.DataFrame | None) -> pd.Series:
    parts = [tb["source"].astype(str) for tb in tables if tb is not None and "source" in tb and len(tb)]
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=object)


def uses_siasar(*tables: pd.DataFrame | None) -> bool:
    return bool(_sources(*tables).str.upper().str.startswith("SIASAR").any())


def illustrative_share(communities: pd.DataFrame) -> float:
    """Share (%) of communities whose row is illustrative."""
    if communities is None or not len(communities) or "source" not in communities.columns:
        return 0.0
    return 100.0 * float(illustrative_mask(communities).mean())


def sources_note(communities: pd.DataFrame, systems: pd.DataFrame | None, language: str) -> str:
    """Markdown: how much is illustrative, where the rest comes from, and the SIASAR credit when used."""
    real = sorted({s for s in _sources(communities, systems) if s.lower() != "illustrative"})
    pct = illustrative_share(communities)
    parts = []
    if pct > 0:
        parts.append(t("nb.illustrative_note", language, pct=pct,
                       sources=", ".join(literal(x) for x in real) or "—"))
    if uses_siasar(communities, systems):
        parts.append(t("nb.siasar_credit", language))
    return "\n\n".join(parts)


def chart_source(district_name: str, language: str, communities: pd.DataFrame | None = None,
                 systems: pd.DataFrame | None = None) -> str:
    """One-line source note under every chart (with the SIASAR attribution when its rows are used)."""
    note = t("common.source_inventory", language, district=district_name)
    if uses_siasar(communities, systems):
        note += ". " + t("common.source_siasar", language)
    return note


# ---------------------------------------------------------------- illustrative inputs, one place
ILLUSTRATIVE = "illustrative"
KINDS: tuple[str, ...] = ("rows", "census", "workshop", "unit_costs", "envelope")
ROW = "row"  # a `uses` entry for a sentence about ONE community the caller knows is illustrative
MONEY: tuple[str, ...] = ("unit_costs", "envelope")  # what every cost, funding year and gap rests on


def illustrative_mask(table: pd.DataFrame | None) -> pd.Series:
    """True for each row whose `source` is `illustrative` (generated, not surveyed)."""
    if table is None:
        return pd.Series([], dtype=bool)
    if "source" not in table.columns:
        return pd.Series(False, index=table.index, dtype=bool)
    return table["source"].astype(str).str.strip().str.lower().eq(ILLUSTRATIVE)


@dataclass(frozen=True)
class Illustrative:
    """Which inputs of a district are illustrative: its generated rows (by id), and whether the unit
    costs, the budget envelopes, the census figures and the workshop record are."""

    communities: frozenset[str] = frozenset()
    systems: frozenset[str] = frozenset()
    rows_pct: float = 0.0  # % of communities whose row is illustrative (summary.json: illustrative_communities_pct)
    unit_costs: bool = False
    envelope: bool = False
    census: bool = False
    workshop: bool = False

    @property
    def rows(self) -> bool:
        return bool(self.communities or self.systems or self.rows_pct > 0)

    def flagged(self, uses: Iterable[str] = KINDS) -> list[str]:
        """The kinds among `uses` that are illustrative, in KINDS order."""
        uses = set(uses)
        return ([ROW] if ROW in uses else []) + [k for k in KINDS if k in uses and getattr(self, k)]

    def community(self, community_id: Any) -> bool:
        return str(community_id) in self.communities

    def system(self, system_id: Any) -> bool:
        return str(system_id) in self.systems

    def parts(self, language: str, uses: Iterable[str] = KINDS, rows_marked: bool = False) -> str:
        """'costos unitarios ilustrativos y presupuesto ilustrativo' for the flagged kinds of `uses`."""
        words = []
        for k in self.flagged(uses):
            if k == ROW:
                words.append(t("illustrative.kind.row", language))
            elif k == "rows":
                key = "illustrative.kind.rows_marked" if rows_marked else "illustrative.kind.rows"
                words.append(t(key, language, pct=_pct_text(self.rows_pct, language)))
            else:
                words.append(t(f"illustrative.kind.{k}", language))
        if len(words) <= 1:
            return "".join(words)
        return ", ".join(words[:-1]) + t("illustrative.and", language) + words[-1]

    def phrase(self, language: str, uses: Iterable[str] = KINDS) -> str:
        """'(con presupuesto ilustrativo)' for a sentence; '' when nothing it rests on is illustrative."""
        parts = self.parts(language, uses)
        return t("illustrative.phrase", language, parts=parts) if parts else ""

    def mark(self, sentence: str, language: str, uses: Iterable[str] = KINDS) -> str:
        """`sentence` with the phrase before its final full stop (or at its end)."""
        phrase = self.phrase(language, uses)
        if not phrase:
            return sentence
        body = sentence.rstrip()
        if body.endswith("."):
            return f"{body[:-1]} {phrase}."
        return f"{body} {phrase}"

    def chart_note(self, language: str, uses: Iterable[str] = KINDS, rows_marked: bool = False) -> str:
        """'Se apoya en …' for a chart's source line; '' when nothing is illustrative."""
        parts = self.parts(language, uses, rows_marked=rows_marked)
        return t("illustrative.chart_note", language, parts=parts) if parts else ""

    def table_note(self, language: str, uses: Iterable[str] = KINDS) -> str:
        parts = self.parts(language, uses)
        return t("illustrative.table_note", language, parts=parts) if parts else ""

    def kinds_list(self) -> list[str]:
        """The illustrative kinds of the district (for summary.json)."""
        return self.flagged(KINDS)


def _pct_text(pct: float, language: str) -> str:
    s = f"{pct:.0f}" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}"
    return s.replace(".", ",") if language == "es" else s


def illustrative_inputs(params: Any, communities: pd.DataFrame | None = None,
                        water_systems: pd.DataFrame | None = None) -> Illustrative:
    """Which inputs of the district are illustrative — the one place reports ask.

    Rows: the `source` column of the community and system tables (`illustrative`). Unit costs,
    budget envelopes, census figures: `illustrative.*` in the parameters (defaults.yaml marks the
    shipped unit costs and envelopes; a district YAML marks placeholder census figures). Workshop:
    `workshop.illustrative` (no workshop record: nothing to mark).
    """
    comm = illustrative_mask(communities)
    syst = illustrative_mask(water_systems)
    cids = frozenset(communities.loc[comm, "community_id"].astype(str)) if comm.any() else frozenset()
    sids = frozenset(water_systems.loc[syst, "system_id"].astype(str)) if syst.any() else frozenset()
    pct = illustrative_share(communities) if communities is not None else 0.0
    flags = getattr(params, "illustrative", None)
    workshop = getattr(params, "workshop", None)
    return Illustrative(
        communities=cids, systems=sids, rows_pct=pct,
        unit_costs=bool(getattr(flags, "unit_costs", False)),
        envelope=bool(getattr(flags, "envelope", False)),
        census=bool(getattr(flags, "census", False)),
        workshop=bool(workshop is not None and getattr(workshop, "illustrative", False)),
    )


def illustrative_from_summary(summary: Mapping[str, Any], params: Any) -> Illustrative:
    """The same marks for a page drawn from summary.json (no row ids: district figures only)."""
    pct = summary.get("illustrative_communities_pct")
    base = illustrative_inputs(params)
    return Illustrative(rows_pct=float(pct or 0.0), unit_costs=base.unit_costs, envelope=base.envelope,
                        census=base.census, workshop=base.workshop)


# What each narrated sentence of a stage page rests on (catalogue key → kinds of KINDS): the
# sentence gets "(con … ilustrativo)" when one of them is illustrative (run/context.py narrate).
SENTENCE_RESTS_ON: dict[str, tuple[str, ...]] = {
    "nb.profile.growth": ("census", "rows"),
    "nb.diagnosis.headline": ("rows",),
    "nb.sustainability.headline": ("rows",),
    "nb.strategy.headline": ("rows",),
    "nb.prioritisation.robust": ("rows", "unit_costs"),
    "nb.prioritisation.fragile": ("rows", "unit_costs"),
    "nb.investment.headline": ("rows", "unit_costs", "envelope"),
    "nb.investment.target_met": ("rows", "unit_costs", "envelope"),
    "nb.investment.target_missed": ("rows", "unit_costs", "envelope"),
}


def table_uses(columns: Iterable[str]) -> tuple[str, ...]:
    """What a table's values rest on, read from its columns: money columns (`*_pen`) rest on the
    unit costs; funding status and spending rest on the envelopes too."""
    cols = set(columns)
    uses: list[str] = []
    if any(str(c).endswith("_pen") for c in cols):
        uses.append("unit_costs")
    if cols & {"status", "spent_pen", "envelope_pen", "funding_gap_pen", "year_met"}:
        uses += ["unit_costs", "envelope"] if "unit_costs" not in uses else ["envelope"]
    return tuple(uses)


def mark_table(df: pd.DataFrame, columns: Mapping[str, str] | None, marks: Illustrative, language: str,
               rests_on: Iterable[str] | None = None) -> tuple[pd.DataFrame, dict[str, str] | None, str]:
    """A table as shown with its marks: a column 'Fila ilustrativa' (sí / empty) when its rows are
    communities or systems and some are illustrative, and a footnote naming the other illustrative
    inputs its values rest on (`rests_on`, or read from its columns by `table_uses`).

    A table that carries the `source` column of the inventory already says which rows are illustrative.
    """
    out = df
    cols = dict(columns) if columns is not None else None
    shows_source = "source" in df.columns and illustrative_mask(df).any()
    key = None
    if marks.rows and not shows_source:
        if "system_id" in df.columns and marks.systems:
            key = ("system_id", marks.systems)
        if "community_id" in df.columns and marks.communities:
            key = ("community_id", marks.communities)
    if key is not None:
        col, ids = key
        out = df.copy()
        out["illustrative_row"] = [t("common.yes", language) if str(v) in ids else "" for v in df[col]]
        if cols is not None:
            cols["illustrative_row"] = "col.illustrative_row"
    uses = tuple(rests_on) if rests_on is not None else table_uses(df.columns)
    note = marks.table_note(language, [u for u in uses if u != "rows" or key is None])
    return out, cols, note
