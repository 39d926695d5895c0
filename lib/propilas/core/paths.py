"""Where outputs live, and reading back the tables a stage wrote (for the next stage).

One place for the layout of `outputs/` so the runner, the notebooks, the cache, the index and
the comparison agree on paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from propilas.core.errors import PropilasError
from propilas.core.registry import Stage

ID_COLUMNS = ("community_id", "system_id", "item_id", "district", "ubigeo")


def district_dir(out_dir: Path, district: str) -> Path:
    return Path(out_dir) / district


def output_path(out_dir: Path, district: str, name: str) -> Path:
    """`name` with an extension is a file in the district folder; without one, a table in tables/."""
    base = district_dir(out_dir, district)
    return base / name if "." in name else base / "tables" / f"{name}.csv"


def stage_outputs(out_dir: Path, district: str, stage: Stage) -> list[Path]:
    return [output_path(out_dir, district, w) for w in stage.writes]


def project_root() -> Path:
    """The folder holding params/ and notebooks/: the current directory or one of its parents."""
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "params" / "defaults.yaml").exists() and (p / "notebooks").is_dir():
            return p
    raise PropilasError(f"no propilas project found from {here}: run the command inside the project folder "
                        "(the one with params/ and notebooks/)")


MANUAL = "_manual"  # a hand run's scratch folder under outputs/ (never a district of the runner)
ROOT_ENV = "PROPILAS_ROOT"


def _is_project(folder: Path) -> bool:
    return (folder / "params" / "defaults.yaml").is_file() and (folder / "notebooks").is_dir()


def notebook_root() -> Path:
    """The project folder of a notebook run by hand (papermill from anywhere, JupyterLab): the
    folder named by $PROPILAS_ROOT, else the project holding the installed package (an editable
    install: lib/propilas → the project), else the first parent of the current directory holding
    params/ and notebooks/. So `papermill notebooks/02_sustainability.ipynb out.ipynb` works from
    the project, from notebooks/ or with `--cwd` anywhere (issue 14 §3)."""
    env = os.environ.get(ROOT_ENV)
    if env:
        if not _is_project(Path(env)):
            raise PropilasError(f"${ROOT_ENV}={env} is not a propilas project (no params/defaults.yaml and "
                                "notebooks/ there): point it at the project folder, or unset it")
        return Path(env).resolve()
    package_project = Path(__file__).resolve().parents[3]
    if _is_project(package_project):
        return package_project
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if _is_project(p):
            return p
    raise PropilasError(f"no propilas project found for this notebook (looked at {package_project} and above "
                        f"{here}): set ${ROOT_ENV} to the project folder, or pass params_dir, data_dir and "
                        "out_dir as parameters")


def repo_root(start: Path | None = None) -> Path:
    """The project folder: the first parent of `start` (default cwd) holding pyproject.toml, else
    the folder three levels above this module (lib/propilas/core → project)."""
    here = Path(start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if (p / "pyproject.toml").is_file():
            return p
    return Path(__file__).resolve().parents[3]


# Folders of the project a run must never write into (`--out notebooks` would overwrite
# notebooks/comparison.ipynb; `--out data` would mix outputs with a district's inputs).
PROTECTED = ("notebooks", "params", "data", "lib")


def check_out_dir(out_dir: Path, root: Path, also: tuple[Path, ...] = ()) -> Path:
    """Refuse an output folder inside notebooks/, params/, data/ or lib/ of the project (or inside
    the folders in `also`, e.g. a custom params or data folder), or the project folder itself."""
    out = Path(out_dir).resolve()
    root = Path(root).resolve()
    if out == root:
        raise PropilasError(f"--out {out} is the project folder itself; use a folder for outputs, e.g. "
                            f"{root / 'outputs'}")
    for folder in [root / name for name in PROTECTED] + [Path(a).resolve() for a in also]:
        if out == folder or out.is_relative_to(folder):
            raise PropilasError(f"--out {out} is inside {folder}, which holds the project's "
                                f"{folder.name}; a run would overwrite or mix files there. Choose a folder "
                                f"outside it, e.g. {root / 'outputs'}")
    return out


# The district, province and department outlines (data/peru-boundaries/, MPL-2.0; inputs/boundaries.py
# reads them). Here so that the run's cache keys name the file without loading pandas.
BOUNDARIES_FOLDER = "peru-boundaries"
BOUNDARY_DISTRICTS = "peru_distrital_simple.geojson"


def boundaries_dir(data_dir: Path | str) -> Path:
    """data/peru-boundaries/ beside the district data folders."""
    return Path(data_dir) / BOUNDARIES_FOLDER
