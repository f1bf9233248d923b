"""`layer-predictions`: the logit lens's top-k next tokens at every layer for one position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from ecco_build.kinds.charts import CELL_H, CELL_W, finish, shade_scale
from ecco_build.kinds.drawing import draw_grid
from ecco_build.kinds.exporting import MONO, ExportMeta, ExportTheme
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
from ecco_build.kinds.tokens import Candidate, Token, below, check_candidate, label, with_page_tokens
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


def chart(data: dict, meta: ExportMeta, theme: ExportTheme) -> dict:
    """The export: a heatmap of each layer's top candidates (the last layer on top), each cell
    the candidate's label and probability, shaded by it."""
    import altair as alt

    result = data["result"]
    layers = result["layers"]
    cells = [
        {
            "layer": layer,
            "rank": r + 1,
            "p": c["p"],
            "label": label(c["text"])[:8],
            "percent": format(c["p"], ".0%"),
        }
        for layer, row in zip(layers, result["top"], strict=True)
        for r, c in enumerate(row)
    ]
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=alt.X("rank:O", title="candidate rank", axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("layer:N", sort=list(reversed(layers)), title="layer"),
    )
    scale = shade_scale(theme.palette.positive, theme, False, domain=[0, 1])
    legend = alt.Legend(
        title="probability", orient="bottom", format=".0%", values=[0, 0.25, 0.5, 0.75, 1], gradientLength=240
    )
    rect = base.mark_rect(stroke=theme.background, strokeWidth=2).encode(
        color=alt.Color("p:Q", scale=scale, legend=legend)
    )
    ink = alt.condition("datum.p > 0.55", alt.value("#ffffff"), alt.value(theme.text))
    words = base.mark_text(font=MONO, fontSize=11, dy=-6).encode(text="label:N", color=ink)
    numbers = base.mark_text(fontSize=9, dy=8).encode(text="percent:N", color=ink)
    width = CELL_W * len(result["top"][0])
    grid = alt.layer(rect, words, numbers).properties(width=width, height=(CELL_H + 12) * len(layers))
    side = "masked token" if result["masked"] else "next token after"
    where = label(result["tokens"][result["position"]]["text"])
    return finish(grid, meta, theme, f"logit lens ({result['lens']}): {side} “{where}”")


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
    chart=chart,
)
