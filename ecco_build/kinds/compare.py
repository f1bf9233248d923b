"""Comparing models on the same text (:models:): which tokens of two panels stand for the same
piece of text, and saliency's difference view.

The rule, for any two tokenizers: every token covers a span of characters of its panel's text
(the token texts, joined, are the text), and its **anchor** is a hash of the text up to the end
of that span. The text starts where the prompt's first characters first appear in it, so a start
token that one tokenizer adds and another does not (`<s>`, `[CLS]`) belongs to no text and has no
counterpart (its anchor is NONE). Two panels' tokens are the same token when their anchors are
equal, that is when their texts agree up to there and both tokens end at the same character.
Where the models read or wrote different texts, or split a word differently, a token has no
counterpart, and the other panels say so rather than show a guess. With one tokenizer (the
shipped demo and llama models share theirs) and one text, every token has its counterpart at
the same position.

The difference view subtracts the first model's saliency share from another's, token by token,
for each output token both panels explain (same anchor, same start). Where the tokenizers split
the input differently, the shares are summed over the smallest pieces of text both split at
(shares add up, so nothing is lost): with one tokenizer, those pieces are the tokens.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ecco_build.kinds.tokens import page_token

ANCHOR_HEX = 10  # 40 bits: distinct texts collide with odds of 2^-40 per pair
NONE = "-"  # the anchor of a token before the text starts
PROMPT_START = 16  # characters of the prompt looked for to find where the text starts


def ends(tokens: list[dict[str, Any]]) -> list[int]:
    """The character offset where each token's text ends."""
    found, at = [], 0
    for token in tokens:
        at += len(token["text"])
        found.append(at)
    return found


def text_start(tokens: list[dict[str, Any]], prompt: str) -> int:
    """Where the panel's text starts: the first appearance of the prompt's first characters in
    the joined token texts (0 when they do not appear, the tokenizer having changed them)."""
    found = "".join(t["text"] for t in tokens).find(prompt[:PROMPT_START])
    return max(found, 0)


def anchors(tokens: list[dict[str, Any]], prompt: str = "") -> list[str]:
    """Each token's anchor: a hash of the text up to the token's end, the text starting at
    `text_start` (see the module's rule); NONE for a token that ends before it starts."""
    start = text_start(tokens, prompt) if prompt else 0
    digest, found, at = hashlib.sha256(), [], 0
    for token in tokens:
        text = token["text"]
        piece = text[max(0, start - at) :]
        at += len(text)
        if at <= start:
            found.append(NONE)
            continue
        digest.update(piece.encode("utf-8", "surrogatepass"))
        found.append(digest.copy().hexdigest()[:ANCHOR_HEX])
    return found


def output_positions(result: dict[str, Any]) -> list[int]:
    """The positions of the figure's output tokens, in the order its steps or columns number
    them (data-step, data-column): the explained `targets`, else every token after the prompt."""
    targets = result.get("targets")
    if isinstance(targets, list):
        return targets
    return list(range(result.get("prompt_length", len(result["tokens"])), len(result["tokens"])))


START_TOKEN = {"text": "", "display": "start token"}  # the segment of tokens before the text


def _segments(a_ends: list[int], b_ends: list[int], start: int) -> list[int]:
    """The ends of the segments before `start`: 0 first when either side has tokens before its
    text starts (their own segment), then the boundaries both splits share, `start` last."""
    shared = sorted({e for e in a_ends if 0 < e < start} & {e for e in b_ends if 0 < e < start})
    prefix = any(e <= 0 for e in (*a_ends, *b_ends))
    return [*([0] if prefix and start > 0 else []), *shared, start]


def _summed(shares: list[float], token_ends: list[int], bounds: list[int]) -> list[float]:
    """Per segment, the shares of the tokens ending in it (a token ending at or before 0 counts
    in the first)."""
    sums, segment = [0.0] * len(bounds), 0
    for value, end in zip(shares, token_ends, strict=False):
        while segment < len(bounds) - 1 and end > bounds[segment]:
            segment += 1
        sums[segment] += value
    return sums


class Side:
    """One panel's saliency result: its anchors, and its token ends counted from where its text
    starts (a start token's end is 0 or less)."""

    def __init__(self, result: dict[str, Any], prompt: str) -> None:
        self.result = result
        start = text_start(result["tokens"], prompt)
        self.ends = [e - start for e in ends(result["tokens"])]
        self.text = "".join(t["text"] for t in result["tokens"])[start:]
        self.anchors = anchors(result["tokens"], prompt)


def _row(a: Side, b: Side, k: int, j: int, methods: list[str]) -> dict[str, Any] | None:
    """The difference at output step k of `a` and step j of `b`, whose anchors agree; None when
    the output token starts at different characters (the models split it differently)."""
    pa, pb = a.result["targets"][k], b.result["targets"][j]
    start = a.ends[pa - 1] if pa else 0
    if start != (b.ends[pb - 1] if pb else 0):
        return None
    bounds = _segments(a.ends[:pa], b.ends[:pb], start)
    starts = [0, *bounds[:-1]]
    row: dict[str, Any] = {
        "a_step": k,
        "b_step": j,
        "output": page_token({"text": a.result["tokens"][pa]["text"]}),
        "segments": [
            START_TOKEN if e == 0 else page_token({"text": a.text[s:e]})
            for s, e in zip(starts, bounds, strict=True)
        ],
        "methods": {},
    }
    for method in methods:
        share_a = _summed(a.result["methods"][method]["share"][k], a.ends[:pa], bounds)
        share_b = _summed(b.result["methods"][method]["share"][j], b.ends[:pb], bounds)
        row["methods"][method] = {
            "a": [round(x, 6) for x in share_a],
            "b": [round(y, 6) for y in share_b],
            "diff": [round(y - x, 6) for x, y in zip(share_a, share_b, strict=True)],
        }
    return row


def difference(a: dict[str, Any], b: dict[str, Any], prompt: str) -> dict[str, Any]:
    """Saliency's difference view of result `b` against result `a` on the same `prompt` (share in
    b minus share in a): a row per output token of `a` with a counterpart in `b`, for each
    method both computed, and how many output tokens of `a` have none."""
    methods = [m for m in a["methods"] if m in b["methods"]]
    first, other = Side(a, prompt), Side(b, prompt)
    b_steps = {other.anchors[p]: j for j, p in enumerate(b["targets"])}
    rows, missing = [], 0
    for k, position in enumerate(a["targets"]):
        j = b_steps.get(first.anchors[position])
        row = None if j is None else _row(first, other, k, j, methods)
        if row is None:
            missing += 1
        else:
            rows.append(row)
    return {"methods": methods, "rows": rows, "unmatched": missing}
