#!/bin/sh
# Outputs never land in git (issue 14 §2): nbstripout is the git filter of *.ipynb in this clone.
# `make setup` runs this; run it by hand after cloning without make. Usage: tools/git_filters.sh [venv/bin]
# - clean filter: outputs, execution counts, widget state and the kernel's language_info are removed
#   when a notebook is staged, and cell ids renumbered 0, 1, 2... (the committed notebooks already are),
#   so saving a notebook in JupyterLab or running it in place leaves `git status` clean;
# - `git diff` of a notebook shows its cells, not its JSON.
set -e
BIN=${1:-.venv/bin}
BIN=$(cd "$BIN" && pwd)
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "not a git repository: nbstripout filter not installed"
  exit 0
fi
"$BIN/nbstripout" --install --python "$BIN/python"
git config filter.nbstripout.extrakeys "metadata.language_info metadata.papermill cell.metadata.papermill metadata.vscode"
echo "nbstripout installed as the git filter of *.ipynb"
