"""Moved to ecco_build/kinds/schema.py; removed in wave 3."""

from __future__ import annotations

from ecco_build.kinds.schema import (
    _RANGE,
    Option,
    OptionError,
    _article,
    _is_layer,
    _is_range,
    _number,
    _range_ends,
    named,
    parse_layers,
    shown,
)

__all__ = [
    "_RANGE",
    "Option",
    "OptionError",
    "_article",
    "_is_layer",
    "_is_range",
    "_number",
    "_range_ends",
    "named",
    "parse_layers",
    "shown",
]
