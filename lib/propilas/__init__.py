"""propilas: district strategic planning for rural water and sanitation (PROPILAS method)."""

from __future__ import annotations

import sys as _sys

__version__ = "0.1.0"

# jsonschema imports `rfc3987_syntax` when it is installed, and that module compiles 38 lark grammars
# at import: 1.2-1.8 s of every propilas command or kernel that reads a notebook (nbformat imports
# jsonschema). It is installed because jupyterlab's server needs it (jupyter-events asks for
# jsonschema[format-nongpl]), so it stays in the lock; propilas never checks the "iri" formats it
# serves, so its processes skip it (None in sys.modules: jsonschema's guarded import finds none).
# A process that imported it before propilas keeps it (benchmarks/README.md).
_sys.modules.setdefault("rfc3987_syntax", None)
