"""Moved to ecco_build/document/citations.py; removed in wave 3."""

from ecco_build.document.citations import (  # noqa: F401
    CITATION,
    STYLES,
    Bibliography,
    _parse,
    _safe_html_backend,
    apply,
    check,
    cited,
    format_entry,
    load,
    references_html,
)
