"""`attention`: every layer's and head's attention weights for a text (small multiples, a head
picker, line and matrix views).

Weights are stored quantised (16 bits, q / 65535) and reach pages at 8 bits (q / 255) split by
layer: the page's own JSON holds the tokens, each head's pooled thumbnail and the head
statistics; `data/<file>.layer-<l>.json` holds layer l's heads at full resolution and is
fetched when a reader opens that layer (`parts`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import sys
from array import array
from dataclasses import dataclass
from typing import Any, TypedDict

from ecco_build.kinds.attention_drawing import draw_card, draw_svg, fallback_svg
from ecco_build.kinds.kind import Kind
from ecco_build.kinds.options import (
    MODEL,
    NO_GENERATION,
    PRESENTATION,
    PROMPT,
    TARGET,
    Common,
    Generation,
    TokenizerView,
    planned_output,
)
from ecco_build.kinds.schema import Option
from ecco_build.kinds.tokens import Token, tokens, tokens_page_form
from ecco_build.shapes import Record

VERSION = 1
DOC = "Attention weights of every layer and head (small multiples, head picker, lines or matrix)."
MAX_TOKENS = 256  # a figure's text; its weights grow with the square of it
THUMBNAIL = 24  # the small multiples' cells per side (block means of the full pattern)
OPTIONS = (
    MODEL,
    PROMPT,
    TARGET,
    *NO_GENERATION,
    Option("layer", int, 1, "Layer shown first (1 is the first block).", minimum=1, result=False),
    Option("head", int, 1, "Head shown first (1-based).", minimum=1, result=False),
    Option("average", bool, False, "Show the layer's heads averaged first.", result=False),
    Option(
        "view",
        "choice",
        "lines",
        "lines: query and key tokens joined by weighted lines; matrix: a query × key heatmap.",
        ("lines", "matrix"),
        result=False,
    ),
    *PRESENTATION,
)
EXAMPLE = {"prompt": "The cat sat on the mat"}
OPENERS, CLOSERS = "([{", ")]}"


@dataclass(frozen=True)
class Options(Common, Generation):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    target: str
    layer: int
    head: int
    average: bool
    view: str


def check_tokens(options: Options, facts: TokenizerView) -> list[str]:
    """An encoder reads a whole text (no continuation); :layer: exists; the text fits."""
    problems = []
    if facts.encoder and (options.target or options.max_new_tokens):
        problems.append("an encoder does not continue a text: put the whole text in :prompt:")
    if facts.n_layers is not None and options.layer > facts.n_layers:
        problems.append(f":layer: {options.layer} is past the model's last layer, {facts.n_layers}")
    length = facts.count_tokens(options.prompt) + planned_output(options, facts)
    if length > MAX_TOKENS:
        problems.append(f"the text is up to {length} tokens; an attention figure holds at most {MAX_TOKENS}")
    return problems


def bracket_pairs(texts: list[str]) -> list[tuple[int, int]]:
    """(closer position, opener position) for each token holding a closing bracket that closes
    one opened in an earlier token (brackets matched by character over the joined text)."""
    stack: list[tuple[str, int]] = []
    pairs = []
    for position, piece in enumerate(texts):
        for char in piece:
            if char in OPENERS:
                stack.append((char, position))
            elif char in CLOSERS:
                if stack and OPENERS.index(stack[-1][0]) == CLOSERS.index(char):
                    opener = stack.pop()[1]
                    if opener < position:
                        pairs.append((position, opener))
                else:
                    stack.clear()  # unbalanced text: start matching afresh
    return pairs


class AttentionResult(TypedDict):
    """`attention`: the attention weights of every layer and head.

    prompt_length: how many of `tokens` are the prompt, 0 ≤ prompt_length ≤ T.
    tokens: (T,) Token, the prompt and then any given or generated continuation.
    special: positions of the tokenizer's special tokens ([CLS], [SEP], <s>, …), ascending.
    causal: true for a causal model (its weights are 0 above the diagonal and not stored).
    layers: L ≥ 1, the model's blocks.
    heads: H ≥ 1, the query heads of each block.
    kv_heads: the model's key/value heads (H for multi-head attention; fewer for grouped-query
        attention, whose weights are still per query head).
    weights: {"u16": base64 of little-endian 16-bit q, "shape": [L, H, T, T], "causal"}; the
        weight of query i on key j in head h of layer l is q / 65535 (rows sum to 1 within
        T / 131070). A causal model's rows hold only keys j ≤ i (row i has i + 1 values).
    thumbnails: {"u8": base64 of bytes, "shape": [L, H, S, S]}, S = min(T, THUMBNAIL): each
        head's block-mean pattern scaled to its largest cell, q / 255.
    head_stats: (L, H) matrices of mean weights — "previous" (query on the token before it),
        "self", "first" (on token 0), "special" (on special tokens) and "bracket" (from a
        closing bracket to the one it closes); null when the text has no such tokens.
    """

    prompt_length: int
    tokens: list[Token]
    special: list[int]
    causal: bool
    layers: int
    heads: int
    kv_heads: int
    weights: dict[str, Any]
    thumbnails: dict[str, Any]
    head_stats: dict[str, list[list[float]] | None]


STATS = ("previous", "self", "first", "special", "bracket")


def packed_length(shape: list[int], causal: bool) -> int:
    *outer, rows, cols = shape
    per = rows * (rows + 1) // 2 if causal else rows * cols
    total = per
    for n in outer:
        total *= n
    return total


def check_packed(r: Record, name: str, key: str, shape: list[int], causal: bool, size: int) -> None:
    """A quantised array: base64 text under `key`, the expected shape, and as many values."""
    packed = r.record(name)
    if packed is None:
        return
    if packed.value.get("shape") != shape:
        packed.fail(packed.path("shape"), f"must be {shape} (the result's layers, heads and tokens)")
        return
    data = packed.string(key)
    if data is None:
        return
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        packed.fail(packed.path(key), "is not base64")
        return
    if len(raw) != packed_length(shape, causal) * size:
        packed.fail(packed.path(key), f"holds {len(raw)} bytes, not {packed_length(shape, causal) * size}")


def check_result(r: Record) -> None:
    count = tokens(r)
    r.integer("prompt_length", low=0, high=count)
    r.numbers("special", low=0, high=None if count is None else count - 1, integer=True)
    causal = r.boolean("causal")
    layers, heads = r.integer("layers", low=1), r.integer("heads", low=1)
    r.integer("kv_heads", low=1, high=heads)
    if None in (count, causal, layers, heads):
        return
    check_packed(r, "weights", "u16", [layers, heads, count, count], causal, 2)
    size = min(count, THUMBNAIL)
    check_packed(r, "thumbnails", "u8", [layers, heads, size, size], False, 1)
    stats = r.record("head_stats")
    if stats is None:
        return
    for name in STATS:
        if stats.take(name, optional=False) is not None:
            stats.rows(
                name, [heads] * layers, f"result.layers is {layers}", "result.heads is {n}", low=0, high=1
            )


STAT_NAMES = {
    "previous": "the previous token",
    "first": "the first token",
    "special": "special tokens",
    "bracket": "from a closing bracket to its opener",
}


def strongest(result: dict[str, Any]) -> list[tuple[str, int, int, float]]:
    """For the figure notes: per statistic, the head (1-based layer and head) with the largest
    mean weight, and that weight."""
    found = []
    for name, what in STAT_NAMES.items():
        table = result["head_stats"].get(name)
        if table:
            value, layer, head = max((v, i, h) for i, row in enumerate(table) for h, v in enumerate(row))
            found.append((what, layer + 1, head + 1, value))
    return found


def eight_bit(weights: dict[str, Any]) -> bytes:
    """The stored 16-bit weights (little-endian q / 65535) requantised to 8 bits (q / 255)."""
    values = array("H", base64.b64decode(weights["u16"]))
    if sys.byteorder == "big":  # array reads native order; the stored integers are little-endian
        values.byteswap()
    # 65535 / 255 = 257: round(q / 257) without floats.
    return bytes((q + 128) // 257 for q in values)


def parts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One file per layer: its heads' weights at 8 bits, {"u8", "shape": [H, T, T], "causal"}."""
    weights = data["result"]["weights"]
    layers, heads, count, _ = weights["shape"]
    per_layer = packed_length([heads, count, count], weights["causal"])
    eight = eight_bit(weights)  # decoded once for every layer
    return {
        f"layer-{layer + 1}": {
            "kind": "attention-layer",
            "layer": layer + 1,
            "weights": {
                "u8": base64.b64encode(eight[layer * per_layer : (layer + 1) * per_layer]).decode("ascii"),
                "shape": [heads, count, count],
                "causal": weights["causal"],
            },
        }
        for layer in range(layers)
    }


def page_form(data: dict[str, Any]) -> dict[str, Any]:
    """Tokens (with their visible forms), thumbnails and statistics; the weights stay in the
    layer parts, fetched on demand."""
    data = tokens_page_form(copy.copy(data))
    result = data["result"] = dict(data["result"])
    del result["weights"]
    result["parts"] = [f"layer-{layer + 1}" for layer in range(result["layers"])]
    return data


KIND = Kind(
    name="attention",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=AttentionResult,
    check_result=check_result,
    requires="any",
    draw_card=draw_card,
    example=EXAMPLE,
    page_form=page_form,
    parts=parts,
    filters={"attention_multiples": fallback_svg, "attention_strongest": strongest},
    check_tokens=check_tokens,
    draw_svg=draw_svg,
)
