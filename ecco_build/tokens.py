"""Moved to ecco_build/analyses/tokens.py; removed in wave 3."""

from ecco_build.analyses.tokens import (  # noqa: F401
    _display,
    _wordish,
    candidate_tokens,
    sequence_tokens,
    token_entry,
)
