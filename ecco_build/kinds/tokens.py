"""Tokens, shared by every kind's result: the TypedDicts and their checks.

Sizes in the result docstrings: T tokens (prompt and output), n output tokens explained or
ranked, L layer rows (the embeddings, then one per block), k candidates or factors, W watched
tokens. Numbers are finite: the store writes NaN and ±inf as null (`store.round_numbers`), and
null stands for a number in one place only, integrated gradients' `worst_relative_delta`, which
is infinite when a target's f(x) equals f(baseline) but its delta is not zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NotRequired, TypedDict

from ecco_build.shapes import Record


class Token(TypedDict):
    """A model token as the figures show it (made by `tokens.token_entry`).

    id: vocabulary index, an integer ≥ 0.
    text: the exact text the token adds (possibly "").
    display: its visible form (⏎ for a newline, ∅ for ""), present only when it differs from text.
    space, newline, partial: layout flags, present (and true) only when they hold.
    """

    id: int
    text: str
    display: NotRequired[str]
    space: NotRequired[bool]
    newline: NotRequired[bool]
    partial: NotRequired[bool]


class Candidate(Token):
    """A token the model considered, with p: its probability, in [0, 1]."""

    p: float


class WatchedToken(Token):
    """A token an author asked to follow, with asked: the :watch: string it was made from."""

    asked: str


def check_token(r: Record) -> None:
    r.integer("id", low=0)
    r.string("text")
    r.string("display", optional=True)
    for flag in ("space", "newline", "partial"):
        r.boolean(flag, optional=True)


def check_candidate(r: Record) -> None:
    check_token(r)
    r.number("p", low=0, high=1)


def tokens(r: Record, name: str = "tokens", check: Callable[[Record], None] = check_token) -> int | None:
    """Check a list of tokens; its length, or None when it is not a list of objects."""
    found = r.records(name)
    for token in found or ():
        check(token)
    return None if found is None else len(found)


def below(limit: int | None) -> int | None:
    return None if limit is None else limit - 1
