"""Content-hashed stage cache: a stage re-runs only when something it depends on changed.

The key of a stage is a hash of its notebook, the library's source, its parameters and every
file it reads (district inputs and upstream tables, so a change propagates downstream). The
record is written last and atomically, after every output; a record whose outputs no longer
hash to what it recorded is ignored, so an interrupted run is never served as current.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from propilas.core.provenance import sha256_file

CACHE_VERSION = 2


@lru_cache(maxsize=1)
def library_hash() -> str:
    """One hash of the whole propilas package (every .py and .yaml): a change to the code re-runs
    every stage. Each file is read once per process and version (core/provenance.sha256_file)."""
    root = Path(__file__).resolve().parents[1]  # the whole propilas package
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(bytes.fromhex(sha256_file(p)))
    return h.hexdigest()


def stage_key(notebook: Path | None, params: dict[str, Any], input_files: list[Path],
              extra: dict[str, Any] | None = None) -> str:
    """`notebook` None: a file built from other outputs (report.html, tables.xlsx)."""
    h = hashlib.sha256()
    h.update(f"v{CACHE_VERSION}".encode())
    h.update(sha256_file(notebook).encode() if notebook is not None else b"<derived>")
    h.update(library_hash().encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for p in sorted(set(input_files), key=str):
        # the last three parts: a round file moved from rounds/2018 to rounds/2019 changes the key
        h.update("/".join(Path(p).parts[-3:]).encode())
        h.update(sha256_file(p).encode() if p.exists() else b"<missing>")
    if extra:
        h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


def record_path(district_dir: Path, stage_name: str) -> Path:
    return district_dir / ".cache" / f"{stage_name}.json"


def load_record(district_dir: Path, stage_name: str) -> dict[str, Any] | None:
    path = record_path(district_dir, stage_name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def is_fresh(district_dir: Path, stage_name: str, key: str) -> bool:
    """The record matches the key AND every output still hashes to what was recorded."""
    rec = load_record(district_dir, stage_name)
    if not rec or rec.get("key") != key or rec.get("status") != "ok":
        return False
    for rel, digest in rec.get("outputs", {}).items():
        p = district_dir / rel
        if not p.exists() or sha256_file(p) != digest:
            return False
    return True


def save_record(district_dir: Path, stage_name: str, key: str, outputs: list[Path], extra: dict[str, Any]) -> dict[str, str]:
    from propilas.core.atomicio import atomic_write_json

    hashes = {str(p.relative_to(district_dir)): sha256_file(p) for p in outputs}
    atomic_write_json({"key": key, "status": "ok", "outputs": hashes, **extra}, record_path(district_dir, stage_name))
    return hashes


def invalidate(district_dir: Path, stage_name: str) -> None:
    try:
        record_path(district_dir, stage_name).unlink()
    except FileNotFoundError:
        pass


def refresh_output(district_dir: Path, stage_name: str, path: Path, old_digest: str, nav: str | None = None,
                   changed: bool = True) -> str | None:
    """After a page's navigation was written (report/htmlexport.set_nav; `changed` False: it held
    that bar already): record its new hash and the hash of its bar (`nav`), but only where the
    record held the page as it was (a stale record stays stale). Returns the page's hash, or None
    when the record was not updated."""
    rec = load_record(district_dir, stage_name)
    try:
        rel = str(Path(path).relative_to(district_dir))
    except ValueError:
        return None
    if not rec or rec.get("outputs", {}).get(rel) != old_digest:
        return None
    digest = sha256_file(Path(path)) if changed else old_digest
    if not changed and (nav is None or rec.get("nav", {}).get(rel) == nav):
        return digest
    from propilas.core.atomicio import atomic_write_json

    rec["outputs"][rel] = digest
    if nav is not None:
        rec.setdefault("nav", {})[rel] = nav
    atomic_write_json(rec, record_path(district_dir, stage_name))
    return digest


def holds_nav(district_dir: Path, stage_name: str, path: Path, digest: str, nav: str) -> bool:
    """The record says the page, as it is (`digest`), already carries the bar hashed `nav`."""
    rec = load_record(district_dir, stage_name)
    try:
        rel = str(Path(path).relative_to(district_dir))
    except ValueError:
        return False
    return bool(rec) and rec.get("outputs", {}).get(rel) == digest and rec.get("nav", {}).get(rel) == nav
