"""File hashes are computed once per process and file version; a changed file is always read again
(also two same-size writes within the file system's time resolution)."""

from __future__ import annotations

from propilas.core import provenance
from propilas.core.provenance import sha256_file


def test_same_size_rewrite_right_away_is_seen(tmp_path):
    p = tmp_path / "communities.csv"
    p.write_text("aaaa")
    first = sha256_file(p)
    p.write_text("bbbb")  # same size, same inode, maybe the same coarse timestamp
    assert sha256_file(p) != first


def test_an_old_file_is_read_once_and_read_again_when_it_changes(tmp_path, monkeypatch):
    p = tmp_path / "gaps.csv"
    p.write_text("x,y\n1,2\n")
    monkeypatch.setattr(provenance, "RACY_S", -1.0)  # as if written long ago
    reads = []
    real_open = open

    def counting_open(path, *a, **k):
        reads.append(path)
        return real_open(path, *a, **k)

    monkeypatch.setattr(provenance, "open", counting_open, raising=False)
    a, b = sha256_file(p), sha256_file(p)
    assert a == b and len(reads) == 1
    p.write_text("x,y\n1,30\n")  # another size: the memo key changes whatever the clock
    assert sha256_file(p) != a and len(reads) == 2
