"""The stage registry: which stages exist, in what order, what each reads and writes.

The runner, the index, the cache, the national batch and the comparison all read this list;
adding a stage is adding a notebook and one entry here.

`reads` names inputs: `data:<table>` for a district input table (communities, water_systems,
rounds), and `<table>` for a table an earlier stage writes to `tables/<table>.csv`.
`writes` names the tables (CSV under `tables/`) or files (with an extension) the stage writes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    id: str  # two digits: the order
    slug: str
    title_es: str
    title_en: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    per_district: bool = True

    @property
    def notebook(self) -> str:
        return f"{self.id}_{self.slug}.ipynb" if self.per_district else f"{self.slug}.ipynb"

    @property
    def name(self) -> str:
        return f"{self.id}_{self.slug}" if self.per_district else self.slug

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en

    @property
    def data_inputs(self) -> tuple[str, ...]:
        return tuple(r.split(":", 1)[1] for r in self.reads if r.startswith("data:"))

    @property
    def table_inputs(self) -> tuple[str, ...]:
        return tuple(r for r in self.reads if not r.startswith("data:"))


STAGES: tuple[Stage, ...] = (
    Stage("00", "profile", "Perfil del distrito y control de datos", "District profile and data check",
          reads=("data:communities", "data:water_systems"),
          writes=("communities", "water_systems", "population", "district_population", "validation",
                  "data_quality", "field_checklist")),
    Stage("01", "diagnosis", "Diagnóstico de los servicios", "Diagnosis of services",
          reads=("communities", "water_systems"),
          writes=("water_ladder", "sanitation_ladder", "ladder_district", "system_flags")),
    Stage("02", "sustainability", "Sostenibilidad de los sistemas de agua", "Sustainability of water systems",
          reads=("communities", "water_systems"),
          writes=("sustainability", "sustainability_by_class")),
    Stage("03", "strategy", "Estrategia: objetivos, metas y brechas", "Strategy: objectives, targets and gaps",
          reads=("communities", "water_systems", "population", "water_ladder", "sanitation_ladder",
                 "sustainability"),
          writes=("targets", "gaps", "gap_indicators")),
    Stage("04", "prioritisation", "Priorización de comunidades", "Prioritisation of communities",
          reads=("communities", "water_systems", "population", "water_ladder", "sanitation_ladder",
                 "sustainability", "gaps"),
          writes=("interventions", "priorities", "sensitivity", "robustness")),
    Stage("05", "investment_plan", "Plan de inversiones", "Investment plan",
          reads=("communities", "population", "gaps", "interventions", "priorities"),
          writes=("investment_plan", "cost_by_year", "trajectory", "target_years", "optimum",
                  "optimum_comparison")),
    Stage("06", "participatory_budget", "Presupuesto participativo y plan institucional",
          "Participatory budget and institutional plan",
          reads=("communities", "sustainability", "gaps", "interventions", "priorities", "investment_plan"),
          writes=("project_sheets", "commitments")),
    Stage("07", "monitoring", "Seguimiento", "Monitoring",
          reads=("data:rounds", "communities", "water_systems", "water_ladder", "sanitation_ladder",
                 "sustainability", "trajectory", "cost_by_year"),
          writes=("monitoring",)),
    Stage("08", "summary", "Resumen distrital", "District summary",
          reads=("communities", "water_systems", "population", "water_ladder", "sanitation_ladder",
                 "sustainability", "gaps", "priorities", "robustness", "investment_plan", "cost_by_year",
                 "trajectory", "target_years", "project_sheets", "optimum_comparison"),
          writes=("summary.json", "citizen_summary")),
)

COMPARISON = Stage("99", "comparison", "Comparación entre distritos", "Comparison across districts",
                   reads=("summary.json",), writes=("comparison",), per_district=False)


def stage(key: str) -> Stage:
    for s in STAGES + (COMPARISON,):
        if key in (s.id, s.slug, s.name):
            return s
    raise KeyError(f"no stage {key!r}; known: {[s.name for s in STAGES]}")


def producer(table: str) -> Stage:
    """The stage that writes a table (each table has exactly one writer)."""
    for s in STAGES:
        if table in s.writes:
            return s
    raise KeyError(f"no stage writes {table!r}")


def check_registry() -> None:
    """Every table read is written by an earlier stage, and written only once."""
    written: dict[str, str] = {}
    for s in STAGES:
        for t in s.table_inputs:
            if t not in written:
                raise AssertionError(f"stage {s.name} reads {t!r}, which no earlier stage writes")
        for t in s.writes:
            if t in written:
                raise AssertionError(f"{t!r} written by both {written[t]} and {s.name}")
            written[t] = s.name
