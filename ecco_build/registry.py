"""Moved to ecco_build/kinds/ (registry.py, options.py, one file per kind); removed in wave 3."""

from __future__ import annotations

from ecco_build.kinds.factors import SIGNED_METHODS as SIGNED_FACTOR_METHODS
from ecco_build.kinds.factors import one_token_problem
from ecco_build.kinds.options import (
    GENERATION,
    LABEL,
    LENS_GENERATION,
    MODEL,
    NO_GENERATION,
    POSITION,
    PRESENTATION,
    PROMPT,
    TARGET,
    WIDTH,
)
from ecco_build.kinds.registry import KINDS, Kind
from ecco_build.kinds.saliency import METHODS as SALIENCY_METHODS
from ecco_build.kinds.schema import Option

__all__ = [
    "GENERATION",
    "KINDS",
    "LABEL",
    "LENS_GENERATION",
    "MODEL",
    "NO_GENERATION",
    "POSITION",
    "PRESENTATION",
    "PROMPT",
    "SALIENCY_METHODS",
    "SIGNED_FACTOR_METHODS",
    "TARGET",
    "WIDTH",
    "Kind",
    "Option",
    "one_token_problem",
]
