"""Where a markdown-it token sits in its article."""

from __future__ import annotations

from markdown_it.token import Token


def line_of(token: Token) -> int:
    """The 1-based line a token starts on; 1 for a token without a source map (inline ones)."""
    return token.map[0] + 1 if token.map else 1
