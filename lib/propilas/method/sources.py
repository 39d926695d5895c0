"""What the data rows are and where they come from, said in every report that uses them."""

from __future__ import annotations

import pandas as pd

from propilas.core.labels import t


def _sources(*tables: pd.DataFrame | None) -> pd.Series:
    parts = [tb["source"].astype(str) for tb in tables if tb is not None and "source" in tb and len(tb)]
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=object)


def uses_siasar(*tables: pd.DataFrame | None) -> bool:
    return bool(_sources(*tables).str.upper().str.startswith("SIASAR").any())


def illustrative_share(communities: pd.DataFrame) -> float:
    """Share (%) of communities whose row is illustrative."""
    if communities is None or not len(communities):
        return 0.0
    return 100.0 * float((communities["source"].astype(str).str.lower() == "illustrative").mean())


def sources_note(communities: pd.DataFrame, systems: pd.DataFrame | None, language: str) -> str:
    """Markdown: how much is illustrative, where the rest comes from, and the SIASAR credit when used."""
    real = sorted({s for s in _sources(communities, systems) if s.lower() != "illustrative"})
    pct = illustrative_share(communities)
    parts = []
    if pct > 0:
        parts.append(t("nb.illustrative_note", language, pct=pct, sources=", ".join(real) or "—"))
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
