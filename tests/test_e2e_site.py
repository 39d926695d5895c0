"""End to end, issue 13 §2-§4: the report set in two languages with twin links, navigation that
resolves, described images, and an index that accumulates districts across runs (stale when their
inputs changed). Runs the fixture district (tests/fixtures) and a copy of it."""

from __future__ import annotations

import json
import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT
from propilas.core.labels import catalogue
from propilas.core.registry import STAGES
from propilas.run.batch import run_batch, run_languages
from propilas.run.runner import RunConfig

pytestmark = pytest.mark.e2e
FIX = ROOT / "tests" / "fixtures"


def _inputs(dest: Path, second: bool = False) -> Path:
    shutil.copytree(FIX / "params", dest / "params")
    shutil.copytree(FIX / "data", dest / "data")
    if second:  # a second district: the fixture under another id and name
        text = (FIX / "params" / "fixture.yaml").read_text(encoding="utf-8")
        text = text.replace("district: fixture", "district: segundo").replace("name: Distrito de prueba",
                                                                              "name: Segundo Distrito")
        (dest / "params" / "segundo.yaml").write_text(text, encoding="utf-8")
        shutil.copytree(FIX / "data" / "fixture", dest / "data" / "segundo")
    return dest


def _links(page: Path) -> list[str]:
    return [r for r in re.findall(r"""(?:href|src)=['"]([^'"#]+)['"]""", page.read_text(encoding="utf-8"))
            if not re.match(r"^[a-z]+:", r)]


def _alt_starts(lang: str) -> set[str]:
    """How a chart description begins in `lang`: the text before the first placeholder of every
    description (alt.*, map.*alt) and every chart title of the catalogue (a figure without its own
    description falls back to its title)."""
    out = set()
    for key, texts in catalogue().items():
        if key.startswith("alt.") or (key.startswith("map.") and "alt" in key) or key.endswith("title"):
            head = texts[lang].split("{")[0].strip()
            if len(head) >= 6:
                out.add(head)
    return out


@pytest.fixture(scope="module")
def two_languages(tmp_path_factory):
    src = _inputs(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("out")
    cfg = RunConfig.create(ROOT, out, params_dir=src / "params", data_dir=src / "data")
    manifests = run_languages(["fixture"], cfg, ["es", "en"], workers=1, show_progress=False)
    return out, manifests


def test_both_languages_are_built_each_page_declares_its_language_and_links_its_twin(two_languages):
    out, manifests = two_languages
    assert list(manifests) == ["es", "en"] and all(m["exit_code"] == 0 for m in manifests.values())
    trees = {"es": out, "en": out / "en"}
    for lang, tree in trees.items():
        other = "en" if lang == "es" else "es"
        pages = [tree / "index.html", tree / "comparison.html", tree / "fixture" / "report.html"]
        pages += [tree / "fixture" / f"{s.name}.html" for s in STAGES]
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert re.search(r"<html[^>]*>", text).group(0) == f'<html lang="{lang}">', page
            twin = re.search(rf"""href='([^']+)' hreflang='{other}'""", text)
            assert twin, f"{page}: no link to its {other} twin"
            target = (page.parent / twin.group(1)).resolve()
            assert target == (trees[other] / page.relative_to(tree)).resolve() and target.exists()
    es = (out / "fixture" / "01_diagnosis.html").read_text(encoding="utf-8")
    en = (out / "en" / "fixture" / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "Diagnóstico de los servicios" in es and "Diagnosis of services" in en
    for text in (es, en):  # trainer notes stay in the notebooks
        assert "trainer notes" not in text and "notas para el capacitador" not in text


def test_every_image_is_described_in_the_page_language(two_languages):
    out, _ = two_languages
    for lang, tree in (("es", out), ("en", out / "en")):
        other = _alt_starts("en" if lang == "es" else "es")
        mine = _alt_starts(lang)
        n = 0
        for page in list(tree.glob("*.html")) + list((tree / "fixture").glob("*.html")):
            for img in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
                n += 1
                alt = re.search(r"""\salt=(["'])(.*?)\1""", img)
                assert alt and alt.group(2).strip(), f"{page.name}: image without a description"
                text = html.unescape(alt.group(2))  # as a browser reads it (&#x27; is ')
                assert "No description has been provided" not in text
                assert any(text.startswith(p) for p in mine), f"{page.name} ({lang}): {text[:120]}"
                assert not any(text.startswith(p) for p in other - mine), f"{page.name}: {text[:120]}"
        assert n >= 15, (lang, n)


def test_navigation_links_exist_and_resolve(two_languages):
    out, _ = two_languages
    for tree in (out, out / "en"):
        for i, st in enumerate(STAGES):
            page = tree / "fixture" / f"{st.name}.html"
            links = _links(page)
            assert "../index.html" in links and "report.html" in links
            if i > 0:
                assert f"{STAGES[i - 1].name}.html" in links
            if i + 1 < len(STAGES):
                assert f"{STAGES[i + 1].name}.html" in links
        for page in tree.rglob("*.html"):
            dead = [r for r in _links(page) if not (page.parent / r).exists()]
            assert dead == [], (page, dead)
        assert "index.html" in _links(tree / "comparison.html")
        assert "../index.html" in _links(tree / "fixture" / "report.html")


def test_the_index_accumulates_districts_and_marks_changed_inputs_stale(tmp_path):
    from propilas.run.site import district_state, previous_manifest

    src = _inputs(tmp_path / "src", second=True)
    out = tmp_path / "out"

    def run(districts):
        cfg = RunConfig.create(ROOT, out, params_dir=src / "params", data_dir=src / "data", language="es")
        return cfg, run_batch(districts, cfg, workers=2, show_progress=False)

    cfg, m = run(["fixture", "segundo"])
    assert m["exit_code"] == 0 and m["compared"] == ["fixture", "segundo"]
    cfg, m = run(["fixture"])  # one district into the full folder: the other one stays
    assert list(m["districts"]) == ["fixture", "segundo"] and m["run_districts"] == ["fixture"]
    assert m["districts"]["segundo"]["status"] == "completed" and not m["districts"]["segundo"].get("stale")
    assert sorted(pd.read_csv(out / "comparison.csv")["district"]) == ["fixture", "segundo"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Distrito de prueba" in index and "Segundo Distrito" in index and index.count(">completo<") == 2
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["districts"].keys() == {"fixture", "segundo"}
    assert district_state(cfg, "segundo", previous_manifest(out)["districts"]["segundo"]) == "completed"

    systems = src / "data" / "segundo" / "water_systems.csv"  # its inputs change after its outputs were made
    systems.write_text(systems.read_text(encoding="utf-8").replace(",4,insufficient,", ",5,insufficient,"),
                       encoding="utf-8")
    assert district_state(cfg, "segundo", previous_manifest(out)["districts"]["segundo"]) == "stale"
    cfg, m = run(["fixture"])
    seg = m["districts"]["segundo"]
    assert seg.get("stale") and any(p.endswith("segundo/water_systems.csv") for p in seg["stale_inputs"])
    assert m["compared"] == ["fixture"]  # the comparison covers the current districts only
    assert list(pd.read_csv(out / "comparison.csv")["district"]) == ["fixture"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert ">desactualizado<" in index and "propilas run segundo" in index and index.count(">completo<") == 1
    cfg, m = run(["segundo"])  # running it again makes it current
    assert not m["districts"]["segundo"].get("stale") and m["compared"] == ["fixture", "segundo"]
