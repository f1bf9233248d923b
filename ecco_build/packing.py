"""Moved to ecco_build/kinds/packing.py (and each kind's `page_form`); removed in wave 3."""

from __future__ import annotations

from typing import Any

from ecco_build.kinds.packing import HALF_MAX, pack_rows, unpack
from ecco_build.kinds.registry import KINDS

__all__ = ["HALF_MAX", "pack_rows", "page_form", "unpack"]


def page_form(data: dict[str, Any]) -> dict[str, Any]:
    """The stored record (kind, options, provenance, result) as a page carries it: its kind's form."""
    kind = KINDS.get(data.get("kind"))  # type: ignore[arg-type]
    return data if kind is None else kind.page_form(data)
