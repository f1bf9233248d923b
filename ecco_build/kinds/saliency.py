"""`saliency`: which input tokens drive each output token (input attribution)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from ecco_build.errors import clip
from ecco_build.kinds import saliency_distance
from ecco_build.kinds.drawing import draw_tokens
from ecco_build.kinds.exporting import ExportMeta, ExportTheme, token_figure
from ecco_build.kinds.kind import COMPUTE_STACK, Kind
from ecco_build.kinds.options import (
    GENERATION,
    MODEL,
    PRESENTATION,
    PROMPT,
    TARGET,
    Common,
    Generation,
    TokenizerView,
)
from ecco_build.kinds.packing import pack_rows
from ecco_build.kinds.saliency_attention import AGREEMENT_FILTERS, ATTENTION_METHODS, check_agreement
from ecco_build.kinds.saliency_distance import DISTANCE, DISTANCE_FILTERS
from ecco_build.kinds.schema import Option
from ecco_build.kinds.tokens import Token, below, check_token, label, page_token, tokens, with_page_tokens
from ecco_build.shapes import Record

VERSION = 1
DOC = "Which input tokens drive each output token (hover an output token)."
METHODS = ("integrated_gradients", "gradient_x_input", "gradient", "occlusion", *ATTENTION_METHODS)
TARGET_SCALARS = ("log_probability", "probability", "logit")
OPTIONS = (
    MODEL,
    PROMPT,
    TARGET,
    *GENERATION,
    Option(
        "method",
        "choices",
        ["integrated_gradients"],
        "Attribution method(s); several share one model load.",
        METHODS,
    ),
    Option(
        "target_scalar",
        "choice",
        "log_probability",
        "What is attributed: the output token's log-probability, probability or logit.",
        TARGET_SCALARS,
    ),
    Option("foil", str, "", 'Contrast token: attribute log p(output) − log p(foil), e.g. " Paris".'),
    Option(
        "baseline",
        "choice",
        "zero",
        "Integrated-gradients / occlusion baseline embedding.",
        ("zero", "pad", "unk", "mask", "eos"),
    ),
    Option(
        "n_steps",
        int,
        50,
        "Integrated-gradients quadrature steps (Gauss-Legendre).",
        minimum=1,
        maximum=1000,
    ),
    Option(
        "tolerance",
        float,
        0.01,
        "Double the IG steps (up to 800) while the worst convergence delta "
        "exceeds this fraction of |f(x) - f(baseline)|; 0 keeps n_steps fixed.",
        minimum=0,
        maximum=1,
    ),
    Option("batch_size", int, 0, "Integrated-gradients steps per forward pass (0: automatic).", minimum=0),
    Option(
        "view",
        "choice",
        "minimal",
        "minimal: shaded tokens; detailed: bars and values.",
        ("minimal", "detailed"),
        result=False,
    ),
    DISTANCE,
    *PRESENTATION,
)

# The smallest valid directive: its required options.
EXAMPLE = {"prompt": "The cat sat on the"}


@dataclass(frozen=True)
class Options(Common, Generation):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    target: str
    method: tuple[str, ...]
    target_scalar: str
    foil: str
    baseline: str
    n_steps: int
    tolerance: float
    batch_size: int
    view: str
    distance: bool


def foil_problem(text: str, pieces: list[str]) -> str | None:
    """Why a :foil: that the tokenizer splits into `pieces` cannot be the contrast token, or None."""
    if len(pieces) == 1:
        return None
    return (
        f":foil: {clip(text)!r} is {len(pieces)} tokens {clip(repr(pieces))}, not one; choose a single token"
    )


def check_tokens(options: Options, facts: TokenizerView) -> list[str]:
    """The :foil: (the contrast token, when given) is exactly one token."""
    if not options.foil:
        return []
    problem = foil_problem(options.foil, facts.token_pieces(options.foil))
    return [problem] if problem else []


class SaliencyMethod(TypedDict):
    """One attribution method. Row i is for the output token at targets[i] and has one value
    per earlier token: (n, targets[i]), a ragged triangle.

    share: each earlier token's share of the row's attribution (norm / Σ norm; all 0 when the
        row's norm is 0), in [0, 1]. The figures, fallbacks and cards shade by it.
    norm: the L2 norm of each token's attribution over the embedding dimensions, ≥ 0. Data
        folder only: `page_form` leaves it out of pages.
    signed: the attribution summed over the embedding dimensions, any sign. Absent for
        `gradient` (a gradient norm has no sign).
    attention_rollout and attention_flow (analyses/attention.py): `norm` holds the rollout or
    flow values (≥ 0), no `signed`; spearman_ig ((n,), each in [−1, 1] or null when undefined)
    is each row's rank correlation with integrated gradients' shares on the same target (with
    this figure's IG settings), and ig_n_steps the IG steps it was compared with.
    Integrated gradients adds n_steps (≥ 1, the steps used), n_steps_requested (≥ 1, :n_steps:),
    tolerance (≥ 0), baseline, delta, f_x and f_baseline ((n,) each: the completeness gap and
    the target scalar at the input and at the baseline) and worst_relative_delta (max over
    targets of |delta| / |f_x − f_baseline|, ≥ 0, or null when that is infinite).
    Occlusion adds baseline: the embedding that replaces each input token.
    """

    share: list[list[float]]
    norm: list[list[float]]
    signed: NotRequired[list[list[float]]]
    spearman_ig: NotRequired[list[float | None]]
    ig_n_steps: NotRequired[int]
    n_steps: NotRequired[int]
    n_steps_requested: NotRequired[int]
    tolerance: NotRequired[float]
    baseline: NotRequired[str]
    delta: NotRequired[list[float]]
    f_x: NotRequired[list[float]]
    f_baseline: NotRequired[list[float]]
    worst_relative_delta: NotRequired[float | None]


class SaliencyResult(TypedDict):
    """`saliency`: how much each input token drives each output token.

    prompt_length: how many of `tokens` are the prompt, 0 ≤ prompt_length ≤ T.
    tokens: (T,) Token, the prompt and then the output tokens.
    targets: (n,) the positions of the output tokens explained, 1 ≤ targets[i] < T, n ≥ 1.
    target_scalar: what is attributed: "log_probability", "probability" or "logit".
    foil: the contrast token (the scalar is log p(output) − log p(foil)), or null without one.
    methods: {method name: SaliencyMethod}, one or more of METHODS, in the
        order asked; the first is the one shown first.
    probabilities: (T − prompt_length,) the generated tokens' probabilities, in [0, 1]; absent
        when a :target: was given. No figure reads it.
    """

    prompt_length: int
    tokens: list[Token]
    targets: list[int]
    target_scalar: str
    foil: Token | None
    methods: dict[str, SaliencyMethod]
    probabilities: NotRequired[list[float]]


def check_result(r: Record) -> None:
    count = tokens(r)
    prompt_length = r.integer("prompt_length", low=0, high=count)
    targets = r.numbers("targets", low=1, high=below(count), integer=True)
    if targets == []:
        r.fail(r.path("targets"), "is empty: there is no output token to explain")
    r.string("target_scalar", TARGET_SCALARS)
    foil = r.record("foil", nullable=True)
    if foil is not None:
        check_token(foil)
    generated = None if count is None or prompt_length is None else count - prompt_length
    because = f"result.tokens has {generated} after the prompt_length of {prompt_length}"
    r.numbers("probabilities", generated, because, low=0, high=1, optional=True)
    methods = r.record("methods")
    if methods is None:
        return
    if not methods.value:
        r.fail(methods.where, "is empty: no attribution method was stored")
    for name in methods.value:
        if name not in METHODS:
            valid = ", ".join(METHODS)
            r.fail(methods.path(clip(name, 40)), f"is not a saliency method (valid: {valid})")
            continue
        method = methods.record(name)
        if method is not None:
            check_saliency_method(method, name, targets)


def check_saliency_method(m: Record, name: str, targets: list[int] | None) -> None:
    n = None if targets is None else len(targets)
    rows = f"result.targets has {n}"
    each = "result.targets[{i}] is {n} (one value per earlier token)"
    m.rows("share", targets, rows, each, low=0, high=1)
    m.rows("norm", targets, rows, each, low=0)
    m.rows("signed", targets, rows, each, optional=name in ("gradient", *ATTENTION_METHODS))
    if name in ATTENTION_METHODS:
        check_agreement(m, n, rows)
    if name == "integrated_gradients":
        m.integer("n_steps", low=1)
        m.integer("n_steps_requested", low=1)
        m.number("tolerance", low=0)
        m.string("baseline")
        for field in ("delta", "f_x", "f_baseline"):
            m.numbers(field, n, rows)
        m.number("worst_relative_delta", low=0, nullable=True)
    elif name == "occlusion":
        m.string("baseline")


def page_form(data: dict[str, Any]) -> dict[str, Any]:
    """The record as a page carries it: `share` and `signed` packed as float16 (kinds/packing.py),
    `norm` left out (no explorable reads it; the fallback is rendered from the full record),
    every token with its visible forms (kinds/tokens.py `page_token`).

    A saliency figure holds a triangle of values (each output token × every earlier token) per
    method: 100 tokens make 3,700 numbers per array, 97 KB as JSON text with three arrays.
    """
    data = copy.copy(data)
    result = data["result"] = with_page_tokens(data["result"])
    if result.get("foil"):
        result["foil"] = page_token(result["foil"])
    methods = result["methods"] = {name: dict(method) for name, method in result["methods"].items()}
    for method in methods.values():
        method.pop("norm", None)
        for key in ("share", "signed"):
            if key in method:
                method[key] = pack_rows(method[key])
    return data


def draw_card(draw, font, result: dict) -> None:
    """The first output token's input tokens, tinted by their share of its attribution."""
    method = next(iter(result["methods"].values()))
    position = result["targets"][0]
    share = method["share"][0]
    peak = max(share) or 1.0
    alphas = [0.08 + 0.92 * v / peak for v in share] + [None] * (len(result["tokens"]) - len(share))
    draw_tokens(draw, font, result["tokens"][: position + 1], alphas[: position + 1], 440, {position})


def draw_svg(data: dict, meta: ExportMeta, theme: ExportTheme) -> str:
    """The export: the last output token explained (outlined) and the tokens before it, shaded
    by their share of its attribution (the first method's), as the figure shows on hover."""
    result = data["result"]
    name, method = next(iter(result["methods"].items()))
    position, share = result["targets"][-1], method["share"][-1]
    peak = max(share, default=0) or 1.0
    alphas: list[float | None] = [0.06 + 0.94 * v / peak for v in share] + [None]
    scale = (f"share of “{label(result['tokens'][position]['text'])}”", "0", f"{peak:.0%}")
    rows = (result["tokens"][: position + 1], alphas, {position})
    return token_figure(meta, theme, rows, scale, name.replace("_", " "))


KIND = Kind(
    name="saliency",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=SaliencyResult,
    check_result=check_result,
    requires="causal",
    draw_card=draw_card,
    example=EXAMPLE,
    page_form=page_form,
    check_tokens=check_tokens,
    draw_svg=draw_svg,
    filters={**AGREEMENT_FILTERS, **DISTANCE_FILTERS},
    derived=saliency_distance.derived,
    compute_requires=(*COMPUTE_STACK, "scipy"),  # attention flow and the Spearman agreement
)
