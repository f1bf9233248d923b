"""`rankings`: the logit lens's rank of each output token at every layer (a heatmap)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from ecco_build.kinds.charts import rank_chart
from ecco_build.kinds.exporting import ExportMeta, ExportTheme
from ecco_build.kinds.kind import Kind
from ecco_build.kinds.lens import check_lens, check_rank_table, draw_rank_grid, rank_shade
from ecco_build.kinds.options import GENERATION, MODEL, PRESENTATION, PROMPT, TARGET, Common, Generation
from ecco_build.kinds.tokens import Token, below, label, tokens_page_form
from ecco_build.shapes import Record

VERSION = 1
DOC = "Logit lens: the rank of each output token at every layer (heatmap)."
OPTIONS = (MODEL, PROMPT, TARGET, *GENERATION, *PRESENTATION)
# The smallest valid directive: its required options.
EXAMPLE = {"prompt": "The keys to the cabinet"}


@dataclass(frozen=True)
class Options(Common, Generation):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    target: str


class RankingsResult(TypedDict):
    """`rankings`: the rank of each output token at every layer.

    lens: how layers are read, "normed".
    prompt_length: how many of `tokens` are the prompt, 0 ≤ prompt_length ≤ T.
    tokens: (T,) Token, the prompt and then the output tokens.
    targets: (n,) the positions of the output tokens ranked, 1 ≤ targets[i] < T, n ≥ 1.
    layers: (L,) layer labels, "embeddings" and then "1", "2", …; L ≥ 1.
    rank: (L, n) integers ≥ 1: 1 + the number of vocabulary entries with a larger logit.
    p: (L, n) the output token's probability at each layer, in [0, 1].
    """

    lens: str
    prompt_length: int
    tokens: list[Token]
    targets: list[int]
    layers: list[str]
    rank: list[list[int]]
    p: list[list[float]]


def check_result(r: Record) -> None:
    count, layers = check_lens(r)
    targets = r.numbers("targets", low=1, high=below(count), integer=True)
    if targets == []:
        r.fail(r.path("targets"), "is empty: there is no output token to rank")
    columns = None if targets is None else len(targets)
    check_rank_table(r, layers, columns, "result.targets")


def chart(data: dict, meta: ExportMeta, theme: ExportTheme) -> dict:
    """The export: the rank heatmap, a column per output token."""
    result = data["result"]
    labels = [label(result["tokens"][t]["text"]) for t in result["targets"]]
    method = f"logit lens ({result['lens']}): rank of each output token"
    return rank_chart(result, labels, meta, theme, method)


KIND = Kind(
    name="rankings",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=RankingsResult,
    check_result=check_result,
    requires="causal",
    draw_card=draw_rank_grid,
    example=EXAMPLE,
    filters={"rank_shade": rank_shade},
    page_form=tokens_page_form,
    compute="ecco_build.analyses.rankings:compute",
    chart=chart,
)
