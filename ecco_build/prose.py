"""Moved to ecco_build/document/prose.py; removed in wave 3."""

from ecco_build.document.prose import (  # noqa: F401
    _shifted,
    bodies,
    callout_kind,
    flatten,
    split,
    tokens,
)
