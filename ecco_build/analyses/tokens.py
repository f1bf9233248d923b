"""Turn token ids into display pieces once, in Python, so the browser never guesses
tokenizer conventions (Ġ, ▁, ##, byte fallbacks).

A token entry is {"id", "text"} plus "display" when the visible form differs from the
exact text, and the flags "space", "newline", "partial" only when true.
"""

from __future__ import annotations

import unicodedata
from typing import Any


def _display(text: str) -> str:
    """Visible form: newlines as ⏎, tabs as →, other control characters as their ␀-style symbols."""
    if text == "":
        return "∅"
    shown = text.replace("\r", "").replace("\t", "→").replace("\n", "⏎")
    return "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else c for c in shown)


def token_entry(token_id: int, text: str, previous: str) -> dict[str, Any]:
    """A token as the explorables show it: exact text, visible form and layout flags."""
    first = text[:1]
    entry: dict[str, Any] = {"id": int(token_id), "text": text}
    display = _display(text)
    if display != text:
        entry["display"] = display  # omitted when equal to text, to keep the JSON small
    flags = {
        "space": first == " " and len(text) > 1,
        "newline": "\n" in text,
        # A piece that glues onto the previous word with no space (e.g. "ing" after "walk").
        "partial": bool(first) and _wordish(first) and bool(previous) and _wordish(previous[-1]),
    }
    entry.update({name: True for name, on in flags.items() if on})  # false flags are omitted
    return entry


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("L")


def sequence_tokens(tokenizer: Any, ids: list[int], start: int = 0) -> list[dict[str, Any]]:
    """Entries for ids[start:], each piece being the text its token adds to the decoded prefix.

    Decoding prefixes (not single tokens) keeps sentencepiece's leading spaces and joins
    multi-byte characters split over byte-level tokens; a token that ends inside a
    character contributes "" and the character is shown on the token that completes it.
    """
    entries = []
    texts = tokenizer.batch_decode([ids[:i] for i in range(start, len(ids) + 1)], skip_special_tokens=False)
    for i in range(start, len(ids)):
        before, after = texts[i - start], texts[i - start + 1]
        if after.startswith(before.rstrip("\ufffd")):
            piece = after[len(before.rstrip("\ufffd")) :]
            if piece.endswith("\ufffd") and i + 1 < len(ids):
                piece = piece.rstrip("\ufffd")
        else:
            piece = tokenizer.decode([ids[i]], skip_special_tokens=False)
        previous = entries[-1]["text"] if entries else (before[-1:] if before else "")
        entries.append(token_entry(ids[i], piece, previous))
    return entries


def candidate_tokens(tokenizer: Any, context_id: int | None, ids: list[int]) -> list[dict[str, Any]]:
    """Entries for alternative next tokens, decoded after `context_id` so leading spaces survive."""
    prefix = [context_id] if context_id is not None else []
    base = tokenizer.decode(prefix, skip_special_tokens=False) if prefix else ""
    texts = tokenizer.batch_decode([prefix + [i] for i in ids], skip_special_tokens=False)
    entries = []
    for token_id, text in zip(ids, texts, strict=True):
        piece = text[len(base) :] if text.startswith(base) else tokenizer.decode([token_id])
        entries.append(token_entry(token_id, piece, base[-1:]))
    return entries
