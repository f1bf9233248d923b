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


# The visible forms of a token, decided here once from its exact `text` and carried by every
# kind's page form (`display`, `flow`), fallback (the `shown` filter) and card, so that the
# scripts never guess: `label` where a token stands alone (a candidate, a table cell, a status
# line) and `flow` where it sits in running text.
NEWLINE, SPACE, TAB, EMPTY, BYTE = "⏎", "␣", "→", "∅", "<byte>"


def _visible(char: str) -> str:
    """One character that has no glyph of its own, as text every font can draw."""
    if char == "\ufffd":  # a piece of a multi-byte character whose byte was not recorded
        return BYTE
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"<0x{code:02X}>"
    if char in "\u00a0\u200b\u200c\u200d\u2060\ufeff" or 0x80 <= code < 0xA0:
        return f"<U+{code:04X}>"
    return char


def _whitespace_label(run: str) -> str:
    """A run of spaces, tabs and newlines as a label: "⏎ +8", "⏎⏎", "␣", "␣×5", "→→"."""
    newlines = run.count("\n")
    if newlines:
        indent = run[run.rindex("\n") + 1 :]
        spaces, tabs = indent.count(" "), indent.count("\t")
        return NEWLINE * newlines + (f" +{spaces}" if spaces else "") + (" " + TAB * tabs if tabs else "")
    spaces, tabs = run.count(" "), run.count("\t")
    shown = (SPACE * spaces if spaces <= 3 else f"{SPACE}×{spaces}") if spaces else ""
    return shown + TAB * tabs


def label(text: str) -> str:
    """A token's text as a label that tells whitespace apart: "\\n" + 8 spaces → "⏎ +8", " " → "␣",
    "\\n\\n" → "⏎⏎", "" → "∅", a control byte → "<0x19>", a lone byte piece → "<byte>"; a word
    (with or without its leading space) stays as it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text == "":
        return EMPTY
    if not text.strip(" \t\n"):
        return _whitespace_label(text)
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] in " \t\n":
            j += 1
        run = text[i:j]
        if "\n" in run:
            out.append(_whitespace_label(run) + (" " if j < len(text) else ""))
        elif run:
            out.append(run.replace("\t", TAB))
        if j < len(text):
            out.append(_visible(text[j]))
            j += 1
        i = j
    return "".join(out)


def flow(text: str) -> str:
    """A token's text as running text shows it: the exact text (spaces, tabs and newlines kept, so
    code keeps its indentation), characters without a glyph spelled out, "" as "∅"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text == "":
        return EMPTY
    return "".join(c if c in " \t\n" else _visible(c) for c in text)


def shown(token: dict) -> str:
    """The token's label (the `shown` filter of the fallbacks)."""
    return label(token["text"])


def flow_parts(token: dict) -> list[str]:
    """The token's running form split at its newlines (the `flow_parts` filter: the fallbacks
    put a faint ⏎ and a real newline between the parts)."""
    return flow(token["text"]).split("\n")


def page_token(token: dict) -> dict:
    """A token entry as pages carry it: `display` its label and `flow` its running form, each
    present only when it differs from `text` (the stored `display` is replaced)."""
    entry = {k: v for k, v in token.items() if k not in ("display", "flow")}
    shown_label, shown_flow = label(token["text"]), flow(token["text"])
    if shown_label != token["text"]:
        entry["display"] = shown_label
    if shown_flow != token["text"]:
        entry["flow"] = shown_flow
    return entry


def looks_like_code(tokens: list[dict]) -> bool:
    """Whether running text is code: a newline followed by indentation (a space or a tab)."""
    text = "".join(t["text"] for t in tokens)
    return "\n " in text or "\n\t" in text


def text_style(result: dict) -> str:
    """How a figure sets its running text (the `text_style` filter, the figure's data-text):
    "code" (monospace, whitespace kept) or "prose" (flowing text)."""
    return "code" if looks_like_code(result.get("tokens") or []) else "prose"


def tokens_page_form(data: dict) -> dict:
    """The page form of a kind whose only tokens are its running text (`tokens`)."""
    return {**data, "result": with_page_tokens(data["result"])}


def with_page_tokens(result: dict, *candidates: str) -> dict:
    """A copy of a result whose `tokens` (and each named list of candidate lists, e.g. "top")
    carry their page forms (`page_token`); the stored result is left as it is."""
    result = dict(result)
    result["tokens"] = [page_token(t) for t in result["tokens"]]
    for name in candidates:
        result[name] = [[page_token(c) for c in row] for row in result[name]]
    return result
