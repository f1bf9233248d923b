"""`layer-predictions`: the logit lens's top-k next tokens at every layer for one position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from ecco_build.kinds.drawing import draw_grid
from ecco_build.kinds.kind import Kind
from ecco_build.kinds.lens import check_lens
from ecco_build.kinds.options import (
    LENS_GENERATION,
    MODEL,
    POSITION,
    PRESENTATION,
    PROMPT,
    TARGET,
    Common,
    LensGeneration,
)
from ecco_build.kinds.schema import Option
from ecco_build.kinds.tokens import Candidate, Token, below, check_candidate, with_page_tokens
from ecco_build.shapes import Record

VERSION = 1
DOC = "Logit lens: the top-k next tokens at every layer for one position."
OPTIONS = (
    MODEL,
    PROMPT,
    TARGET,
    *LENS_GENERATION,
    POSITION,
    Option("top_k", int, 10, "Candidates shown per layer.", minimum=1, maximum=50),
    *PRESENTATION,
)
# The smallest valid directive: its required options.
EXAMPLE = {"prompt": "The capital of France is"}


@dataclass(frozen=True)
class Options(Common, LensGeneration):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    target: str
    position: int
    top_k: int


class LayerPredictionsResult(TypedDict):
    """`layer-predictions`: the logit lens's top candidates at every layer for one position.

    lens: how layers are read, "normed" (the final norm, then the unembedding).
    masked: true for a masked LM (the prediction is for the token at `position`), false for a
        causal model (the token after it).
    prompt_length: how many of `tokens` are the prompt, 0 ≤ prompt_length ≤ T.
    tokens: (T,) Token.
    position: the token whose prediction is shown, 0 ≤ position < T.
    layers: (L,) layer labels, "embeddings" and then "1", "2", …; L ≥ 1.
    top: (L, k) Candidate: row l holds the k most likely tokens at layers[l], most likely
        first; every row has the same k ≥ 1.
    """

    lens: str
    masked: bool
    prompt_length: int
    tokens: list[Token]
    position: int
    layers: list[str]
    top: list[list[Candidate]]


def check_result(r: Record) -> None:
    count, layers = check_lens(r)
    r.boolean("masked")
    r.integer("position", low=0, high=below(count))
    top = r.array("top", layers, f"result.layers has {layers}")
    where = r.path("top")
    width = len(top[0]) if top and isinstance(top[0], list) else None
    if width == 0:
        r.fail(f"{where}[0]", "is empty: there is no candidate")
    for layer, row in enumerate(top or ()):
        row = r.array_at(row, f"{where}[{layer}]", width, f"{where}[0] has {width}")
        for c, candidate in enumerate(row or ()):
            entry = r.record_at(candidate, f"{where}[{layer}][{c}]")
            if entry is not None:
                check_candidate(entry)


def page_form(data: dict[str, Any]) -> dict[str, Any]:
    """The record as a page carries it: every token and candidate with its visible forms
    (kinds/tokens.py `page_token`)."""
    return {**data, "result": with_page_tokens(data["result"], "top")}


def draw_card(draw, font, result: dict) -> None:
    """A heatmap of the top candidates' probabilities, one row per layer."""
    draw_grid(draw, [[c["p"] for c in row] for row in result["top"]], 400, 200)


KIND = Kind(
    name="layer-predictions",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=LayerPredictionsResult,
    check_result=check_result,
    requires="causal_or_masked_lm",
    draw_card=draw_card,
    example=EXAMPLE,
    page_form=page_form,
    compute="ecco_build.analyses.layer_predictions:compute",
)
