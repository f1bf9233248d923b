"""Moved to ecco_build/document/references.py; removed in wave 3."""

from ecco_build.document.references import (  # noqa: F401
    _empty_ref,
    check,
    fill,
    heading_warnings,
    headings,
    targets,
)
