"""propilas: district strategic planning for rural water and sanitation (PROPILAS method)."""

from __future__ import annotations

__version__ = "0.1.0"
