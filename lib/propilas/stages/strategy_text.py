"""The workshop record (vision, objectives, SWOT) shown in the strategy report."""

from __future__ import annotations

from propilas.core.labels import t
from propilas.core.markup import literal


def workshop_markdown(params) -> str:
    """Markdown of the district's workshop record; every value shown literally (free text from params:
    no HTML, no Markdown link or image — see core/markup.py)."""
    lang = params.language
    w = params.workshop
    if w is None:
        return t("nb.strategy.workshop_missing", lang)
    e = literal
    out = []
    if w.illustrative:
        out.append(t("nb.strategy.workshop_illustrative", lang))
    out.append(f"**{t('nb.strategy.vision', lang)}:** {e(w.vision)}")
    out.append(f"**{t('nb.strategy.objectives', lang)}:**\n" + "\n".join(f"{i}. {e(o)}" for i, o in enumerate(w.objectives, 1)))
    cells = []
    for key in ("strengths", "weaknesses", "opportunities", "threats"):
        items = "".join(f"<li>{e(x)}</li>" for x in getattr(w.swot, key))
        cells.append(f"<td style='vertical-align:top'><strong>{t(f'swot.{key}', lang)}</strong><ul>{items}</ul></td>")
    out.append(f"**{t('nb.strategy.swot', lang)}:**\n\n<table class='propilas-table'><tr>{cells[0]}{cells[1]}</tr>"
               f"<tr>{cells[2]}{cells[3]}</tr></table>")
    return "\n\n".join(out)


def show_workshop(ctx) -> None:
    ctx.narrate_text(workshop_markdown(ctx.params))
