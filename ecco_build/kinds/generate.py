"""`generate`: continue the prompt; each token's probability and the model's other candidates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from ecco_build.kinds.drawing import draw_tokens
from ecco_build.kinds.exporting import ExportMeta, ExportTheme, token_figure
from ecco_build.kinds.kind import Kind
from ecco_build.kinds.options import GENERATION, MODEL, PRESENTATION, PROMPT, Common, Generation
from ecco_build.kinds.schema import Option
from ecco_build.kinds.tokens import (
    Candidate,
    Token,
    check_candidate,
    flow_parts,
    page_token,
    text_style,
    tokens,
    with_page_tokens,
)
from ecco_build.shapes import Record

VERSION = 1
DOC = "Continue the prompt; show each token's probability and the model's other candidates."
OPTIONS = (
    MODEL,
    PROMPT,
    *GENERATION,
    Option("candidates", int, 10, "Candidates stored per step.", minimum=1, maximum=50),
    *PRESENTATION,
)
# The smallest valid directive: its required options.
EXAMPLE = {"prompt": "The cat sat on the"}


@dataclass(frozen=True)
class Options(Common, Generation):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    candidates: int


class GenerateStep(TypedDict):
    """One generated token.

    p: the model's own (temperature 1) probability of the chosen token, in [0, 1].
    candidates: (k,) Candidate, the most likely tokens at this step, most likely first.
    """

    p: float
    candidates: list[Candidate]


class GenerateResult(TypedDict):
    """`generate`: a prompt continued token by token.

    prompt_length: how many of `tokens` are the prompt, 0 ≤ prompt_length ≤ T.
    tokens: (T,) Token, the prompt and then each generated token.
    steps: (T − prompt_length,) GenerateStep, one per generated token, in order.
    text: the generated text, decoded.
    stopped_at_eos: whether generation ended at the end-of-text token.
    """

    prompt_length: int
    tokens: list[Token]
    steps: list[GenerateStep]
    text: str
    stopped_at_eos: bool


def check_result(r: Record) -> None:
    count = tokens(r)
    prompt_length = r.integer("prompt_length", low=0, high=count)
    r.string("text")
    r.boolean("stopped_at_eos")
    generated = None if count is None or prompt_length is None else count - prompt_length
    because = f"result.tokens has {generated} after the prompt_length of {prompt_length}"
    for step in r.records("steps", generated, because) or ():
        step.number("p", low=0, high=1)
        for candidate in step.records("candidates") or ():
            check_candidate(candidate)


def page_form(data: dict[str, Any]) -> dict[str, Any]:
    """The record as a page carries it: every token and candidate with its visible forms
    (kinds/tokens.py `page_token`)."""
    result = with_page_tokens(data["result"])
    result["steps"] = [
        {**step, "candidates": [page_token(c) for c in step["candidates"]]} for step in result["steps"]
    ]
    return {**data, "result": result}


def draw_card(draw, font, result: dict) -> None:
    """The tokens, the generated ones tinted by their probability and outlined."""
    row, start = result["tokens"], result["prompt_length"]
    alphas = [None] * start + [0.15 + 0.85 * s["p"] for s in result["steps"]]
    draw_tokens(draw, font, row, alphas, 440, set(range(start, len(row))))


def draw_svg(data: dict, meta: ExportMeta, theme: ExportTheme) -> str:
    """The export: the tokens, the generated ones outlined and shaded by their probability."""
    result = data["result"]
    row, start = result["tokens"], result["prompt_length"]
    alphas = [None] * start + [0.06 + 0.94 * s["p"] for s in result["steps"]]
    scale = ("probability of each generated token", "0%", "100%")
    return token_figure(meta, theme, (row, alphas, set(range(start, len(row)))), scale, "generation")


KIND = Kind(
    name="generate",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=GenerateResult,
    check_result=check_result,
    requires="causal",
    draw_card=draw_card,
    example=EXAMPLE,
    page_form=page_form,
    filters={"text_style": text_style, "flow_parts": flow_parts},
    draw_svg=draw_svg,
)
