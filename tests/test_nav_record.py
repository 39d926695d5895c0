"""An unchanged re-run does not rewrite (or even re-read) a page whose navigation bar is current:
its cache record holds the hash of the bar it carries (issue 15, T4)."""

from __future__ import annotations

from propilas.report import htmlexport
from propilas.report.htmlexport import NAV_END, NAV_START
from propilas.run import cache, site
from propilas.run.runner import RunConfig


def _page_with_record(tmp_path, name: str, record: str):
    """A page of district lajas with empty navigation markers, its record, then its bar 'a'."""
    cfg = RunConfig.create(tmp_path, tmp_path / "out")
    d = cfg.out_dir / "lajas"
    page = d / name
    d.mkdir(parents=True)
    page.write_text(f"<html><body>{NAV_START}{NAV_END}<p>x</p></body></html>", encoding="utf-8")
    cache.save_record(d, record, "k", [page], {})
    site._relink(cfg, page, "<nav>a</nav>", d, record)
    return cfg, d, page


def test_a_page_with_its_current_bar_is_left_alone(tmp_path, monkeypatch):
    cfg, d, page = _page_with_record(tmp_path, "01_diagnosis.html", "01_diagnosis")
    assert "<nav>a</nav>" in page.read_text(encoding="utf-8")
    assert cache.is_fresh(d, "01_diagnosis", "k")  # the record follows the page

    calls = []
    monkeypatch.setattr(htmlexport, "set_nav", lambda p, n: calls.append(p) or True)
    site._relink(cfg, page, "<nav>a</nav>", d, "01_diagnosis")
    assert calls == []  # same bar: the page is not touched
    site._relink(cfg, page, "<nav>b</nav>", d, "01_diagnosis")
    assert calls == [page]  # another bar (a page appeared): written again


def test_a_page_edited_by_hand_gets_its_bar_again(tmp_path):
    cfg, d, page = _page_with_record(tmp_path, "report.html", "report")
    page.write_text(f"<html><body>{NAV_START}{NAV_END}edited</body></html>", encoding="utf-8")
    site._relink(cfg, page, "<nav>a</nav>", d, "report")
    assert "<nav>a</nav>" in page.read_text(encoding="utf-8")
    assert not cache.is_fresh(d, "report", "k")  # a stale record stays stale
