"""`rankings-watch`: the logit lens's rank of chosen candidate tokens at every layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from ecco_build.errors import clip
from ecco_build.kinds.charts import rank_chart
from ecco_build.kinds.exporting import ExportMeta, ExportTheme
from ecco_build.kinds.kind import Kind
from ecco_build.kinds.lens import check_lens, check_rank_table, draw_rank_grid, rank_shade
from ecco_build.kinds.options import MODEL, POSITION, PRESENTATION, PROMPT, Common, TokenizerView
from ecco_build.kinds.schema import Option
from ecco_build.kinds.tokens import (
    Token,
    WatchedToken,
    below,
    check_token,
    label,
    page_token,
    tokens,
    with_page_tokens,
)
from ecco_build.shapes import Record

VERSION = 1
DOC = "Logit lens: the rank of chosen candidate tokens at every layer for one position."
OPTIONS = (
    MODEL,
    PROMPT,
    POSITION,
    Option("watch", "list[str]", None, 'Tokens to follow, e.g. [" is", " are"].', required=True),
    Option("first_token", bool, False, "Score a multi-token watch string by its first token."),
    *PRESENTATION,
)
# The smallest valid directive: its required options.
EXAMPLE = {"prompt": "The keys to the cabinet", "watch": [" is", " are"]}


@dataclass(frozen=True)
class Options(Common):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    position: int
    watch: tuple[str, ...]
    first_token: bool


def watch_problem(text: str, pieces: list[str], first_token: bool) -> str | None:
    """Why a :watch: string that the tokenizer splits into `pieces` cannot be watched, or None."""
    if len(pieces) == 1 or (first_token and pieces):
        return None
    return (
        f":watch: {clip(text)!r} is {len(pieces)} tokens {clip(repr(pieces))}, not one; "
        "watch a single token or set :first_token: true to score it by its first token"
    )


def check_tokens(options: Options, facts: TokenizerView) -> list[str]:
    """Each watched string is one token (or :first_token: scores it by its first)."""
    found = (watch_problem(text, facts.token_pieces(text), options.first_token) for text in options.watch)
    return [problem for problem in found if problem]


class RankingsWatchResult(TypedDict):
    """`rankings-watch`: the rank of chosen tokens at every layer, for the token after `position`.

    lens: how layers are read, "normed".
    prompt_length: how many of `tokens` are the prompt (all of them: nothing is generated).
    tokens: (T,) Token.
    position: the token after which the watched tokens are ranked, 0 ≤ position < T.
    first_token: whether multi-token :watch: strings were scored by their first token.
    watch: (W,) WatchedToken, W ≥ 1.
    layers: (L,) layer labels, "embeddings" and then "1", "2", …; L ≥ 1.
    rank: (L, W) integers ≥ 1: 1 + the number of vocabulary entries with a larger logit.
    p: (L, W) each watched token's probability at each layer, in [0, 1].
    """

    lens: str
    prompt_length: int
    tokens: list[Token]
    position: int
    first_token: bool
    watch: list[WatchedToken]
    layers: list[str]
    rank: list[list[int]]
    p: list[list[float]]


def check_watched(r: Record) -> None:
    check_token(r)
    r.string("asked")


def check_result(r: Record) -> None:
    count, layers = check_lens(r)
    r.integer("position", low=0, high=below(count))
    r.boolean("first_token")
    watched = tokens(r, "watch", check_watched)
    if watched == 0:
        r.fail(r.path("watch"), "is empty: there is no token to watch")
    check_rank_table(r, layers, watched, "result.watch")


def page_form(data: dict) -> dict:
    """The record as a page carries it: the running text and the watched tokens with their
    visible forms (kinds/tokens.py `page_token`)."""
    result = with_page_tokens(data["result"])
    result["watch"] = [page_token(w) for w in result["watch"]]
    return {**data, "result": result}


def chart(data: dict, meta: ExportMeta, theme: ExportTheme) -> dict:
    """The export: the rank heatmap, a column per watched token."""
    result = data["result"]
    after = label(result["tokens"][result["position"]]["text"])
    method = f"logit lens ({result['lens']}): rank of each watched token after “{after}”"
    return rank_chart(result, [label(w["text"]) for w in result["watch"]], meta, theme, method)


KIND = Kind(
    name="rankings-watch",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=RankingsWatchResult,
    check_result=check_result,
    requires="causal",
    draw_card=draw_rank_grid,
    example=EXAMPLE,
    filters={"rank_shade": rank_shade},
    check_tokens=check_tokens,
    page_form=page_form,
    compute="ecco_build.analyses.rankings_watch:compute",
    chart=chart,
)
