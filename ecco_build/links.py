"""Moved to ecco_build/document/links.py; removed in wave 3."""

from ecco_build.document.links import (  # noqa: F401
    EXTERNAL,
    NO_PARENT,
    _file,
    article_name,
    check,
    copy,
    local,
    local_targets,
    rewrite,
    split,
)
