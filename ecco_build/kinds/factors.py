"""`factors`: MLP neuron activations factorised (NMF by default) into groups that fire together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from markupsafe import Markup

from ecco_build.kinds import factors_chart
from ecco_build.kinds.drawing import WIDTH
from ecco_build.kinds.kind import COMPUTE_STACK, Kind
from ecco_build.kinds.options import (
    MODEL,
    NO_GENERATION,
    PRESENTATION,
    PROMPT,
    Common,
    Generation,
    TokenizerView,
    planned_output,
)
from ecco_build.kinds.palette import factor_colour, rgb
from ecco_build.kinds.schema import Option, parse_layers
from ecco_build.kinds.tokens import Token, below, tokens, tokens_page_form
from ecco_build.shapes import Record

VERSION = 2  # 2: each block records its fit (init, seed, iterations, convergence)
DOC = "Factorise MLP neuron activations (NMF by default): which neuron groups fire on which tokens."
METHODS = ("nmf", "pca", "ica")
SIGNED_METHODS = ("pca", "ica")  # they factor variation over tokens: two tokens at least
OPTIONS = (
    MODEL,
    PROMPT,
    *NO_GENERATION,
    Option("layers", "layers", "all", 'Layers to include: "all", a range like 0-5, or a list [0, 2, 4].'),
    Option(
        "components",
        "components",
        8,
        'Number of factors, or "auto" for the elbow of the error curve.',
    ),
    Option(
        "method",
        "choice",
        "nmf",
        "Factorisation: nmf (negatives clipped), pca or ica (signed).",
        METHODS,
    ),
    Option("per_layer", bool, False, "Factorise each layer separately (one panel per layer)."),
    Option("top_neurons", int, 10, "Neurons listed per factor.", minimum=1, maximum=100),
    *PRESENTATION,
)
# The smallest valid directive: its required options.
EXAMPLE = {"prompt": "Hello, world. (Yes!)"}


@dataclass(frozen=True)
class Options(Common, Generation):
    """The typed options (`KIND.record_of(flat)`): one field per option, named as it."""

    layers: str | int | tuple[int, ...]
    components: int | str
    method: str
    per_layer: bool
    top_neurons: int


def one_token_problem(method: str) -> str:
    """The rule for a signed factorisation of a one-token text (check and the analysis both say it)."""
    return (
        f":method: {method} factors how activations vary from token to token, and the text is "
        "1 token; give a longer prompt (or :max_new_tokens:), or use :method: nmf"
    )


def check_tokens(options: Options, facts: TokenizerView) -> list[str]:
    """:layers: are layers of the model (when config.json says how many), and a signed method
    has at least two tokens to factor."""
    problems = []
    layers = list(options.layers) if isinstance(options.layers, tuple) else options.layers
    try:
        if facts.n_layers:
            parse_layers(layers, facts.n_layers)
    except ValueError as exc:
        problems.append(str(exc))
    if (
        options.method in SIGNED_METHODS
        and facts.count_tokens(options.prompt) + planned_output(options, facts) < 2
    ):
        problems.append(one_token_problem(options.method))
    return problems


class FactorNeuron(TypedDict):
    """A neuron that loads strongly on a factor: layer (one of its block's layers), neuron
    (its index, 0 ≤ neuron < d_ff) and loading (any sign)."""

    layer: int
    neuron: int
    loading: float


class FactorElbow(TypedDict):
    """The error curve `:components: auto` chose from: k (m,) integers ≥ 1 and error (m,) the
    relative reconstruction error at each, ≥ 0."""

    k: list[int]
    error: list[float]


class FactorFit(TypedDict):
    """How scikit-learn fitted one block (a result computed again with these settings on the
    same activations gives the same factors).

    init: "nndsvda" (NMF), "full SVD" (PCA) or "unit-variance whitening" (ICA).
    seed: the random_state, an integer.
    iterations: the iterations run, ≥ 1; null for PCA (exact).
    max_iterations: the limit, ≥ 1; null for PCA.
    converged: whether the fit reached its tolerance before the limit.
    """

    init: str
    seed: int
    iterations: int | None
    max_iterations: int | None
    converged: bool


class FactorBlock(TypedDict):
    """One factorisation of the neurons of `layers`.

    layers: the layers factorised together, integers ≥ 0, at least one.
    components: k ≥ 1, the number of factors.
    factors: (k, T) each factor's activation at each token (≥ 0 for NMF, signed otherwise).
    neurons: (k, top_neurons) FactorNeuron, each factor's neurons with the largest |loading|.
    error: the relative (Frobenius) reconstruction error, ≥ 0; error² is the share of the
        activations' squared total the factors leave unexplained.
    fit: FactorFit, how the factorisation was fitted.
    elbow: FactorElbow, present when :components: is auto.
    """

    layers: list[int]
    components: int
    factors: list[list[float]]
    neurons: list[list[FactorNeuron]]
    error: float
    fit: FactorFit
    elbow: NotRequired[FactorElbow]


class FactorsResult(TypedDict):
    """`factors`: neuron activations factorised into groups that fire together.

    prompt_length: how many of `tokens` are the prompt, 0 ≤ prompt_length ≤ T.
    tokens: (T,) Token.
    method: "nmf", "pca" or "ica".
    clipped: whether negative activations were clipped to zero (NMF); the factors are signed
        otherwise.
    negative_share: the fraction of activations that were negative, in [0, 1].
    shape: [layers, d_ff, T] of the activations, integers ≥ 1.
    blocks: (blocks,) FactorBlock: one for all the layers, or one per layer (:per_layer:);
        their layers number shape[0] in all.
    """

    prompt_length: int
    tokens: list[Token]
    method: str
    clipped: bool
    negative_share: float
    shape: list[int]
    blocks: list[FactorBlock]


def check_result(r: Record) -> None:
    count = tokens(r)
    r.integer("prompt_length", low=0, high=count)
    r.string("method", METHODS)
    r.boolean("clipped")
    r.number("negative_share", low=0, high=1)
    shape = r.numbers("shape", 3, "it is [layers, d_ff, tokens]", low=1, integer=True)
    if shape is not None and count is not None and shape[2] != count:
        r.fail(f"{r.path('shape')}[2]", f"is {shape[2]} but result.tokens has {count}")
    blocks = r.records("blocks")
    if blocks == []:
        r.fail(r.path("blocks"), "is empty: there is no factorisation")
    layers = [check_factor_block(block, count, shape) for block in blocks or ()]
    if shape is not None and None not in layers and sum(layers) != shape[0]:  # type: ignore[arg-type]
        r.fail(r.path("blocks"), f"cover {sum(layers)} layers but result.shape[0] is {shape[0]}")  # type: ignore[arg-type]


def check_factor_block(b: Record, count: int | None, shape: list[int] | None) -> int | None:
    """Check one block; the number of its layers (None when they are malformed)."""
    layers = b.numbers("layers", low=0, integer=True)
    if layers == []:
        b.fail(b.path("layers"), "is empty: no layer was factorised")
    k = b.integer("components", low=1)
    b.number("error", low=0)
    fit = b.record("fit")
    if fit is not None:
        fit.string("init", ("nndsvda", "full SVD", "unit-variance whitening"))
        fit.integer("seed")
        fit.number("iterations", low=1, integer=True, nullable=True)
        fit.number("max_iterations", low=1, integer=True, nullable=True)
        fit.boolean("converged")
    lengths = None if k is None else [count] * k
    b.rows("factors", lengths, f"{b.path('components')} is {k}", "result.tokens has {n}")
    d_ff = None if shape is None else shape[1]
    where = b.path("neurons")
    for f, row in enumerate(b.array("neurons", k, f"{b.path('components')} is {k}") or ()):
        for i, item in enumerate(b.array_at(row, f"{where}[{f}]") or ()):
            neuron = b.record_at(item, f"{where}[{f}][{i}]")
            if neuron is None:
                continue
            layer = neuron.integer("layer", low=0)
            if layer is not None and layers is not None and layer not in layers:
                neuron.fail(neuron.path("layer"), f"is {layer}, not one of the block's layers")
            neuron.integer("neuron", low=0, high=below(d_ff))
            neuron.number("loading")
    elbow = b.record("elbow", optional=True)
    if elbow is not None:
        ks = elbow.numbers("k", low=1, integer=True)
        elbow.numbers(
            "error", None if ks is None else len(ks), f"{elbow.path('k')} has {len(ks or ())}", low=0
        )
    return None if layers is None else len(layers)


def dominant(block: dict, position: int) -> dict[str, Any]:
    """The strongest factor at a token, and its tint scaled to that factor's maximum."""
    values = [abs(row[position]) for row in block["factors"]]
    factor = max(range(len(values)), key=values.__getitem__)
    peak = max(abs(v) for v in block["factors"][factor]) or 1.0
    v = values[factor] / peak
    return {
        "factor": factor,
        "background": f"rgba({rgb(factor_colour(factor))},{0.08 + 0.8 * v:.3f})",
        "level": "dark" if v > 0.6 else "light",
    }


def factor_sparklines(block: dict) -> Markup:
    """Static SVG sparklines, one per factor, drawn from numbers only (no text from the model)."""
    width, height, gap = 240, 28, 6
    rows = block["factors"]
    total = len(rows) * (height + gap)
    parts = [
        f'<svg class="ecco-sparklines" viewBox="0 0 {width + 30} {total}" width="{width + 30}" '
        f'height="{total}" role="img" aria-label="Sparklines of {len(rows)} factors over the tokens">'
    ]
    for i, row in enumerate(rows):
        top = i * (height + gap)
        low, high = min(min(row), 0.0), max(max(row), 1e-12)
        step = width / max(1, len(row) - 1)
        points = " ".join(
            f"{30 + j * step:.1f},{top + height - (v - low) / (high - low) * height:.1f}"
            for j, v in enumerate(row)
        )
        parts.append(
            f'<text x="0" y="{top + height * 0.7:.0f}" font-size="12">{i + 1}</text>'
            f'<polyline fill="none" stroke="rgb({rgb(factor_colour(i))})" stroke-width="1.5" '
            f'points="{points}"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def draw_card(draw, font, result: dict) -> None:
    """Sparklines of the first block's first six factors over the tokens."""
    for f, row in enumerate(result["blocks"][0]["factors"][:6]):
        low, high = min(min(row), 0.0), max(max(row), 1e-12)
        y0 = 400 + f * 34
        step = (WIDTH - 140) / max(1, len(row) - 1)
        points = [(70 + i * step, y0 + 30 - (v - low) / (high - low) * 28) for i, v in enumerate(row)]
        draw.line(points, fill=factor_colour(f), width=3)


KIND = Kind(
    name="factors",
    doc=DOC,
    version=VERSION,
    options=OPTIONS,
    record=Options,
    result=FactorsResult,
    check_result=check_result,
    requires="any",
    draw_card=draw_card,
    example=EXAMPLE,
    filters={"dominant": dominant, "factor_sparklines": factor_sparklines},
    check_tokens=check_tokens,
    page_form=tokens_page_form,
    compute_requires=(*COMPUTE_STACK, "sklearn"),
    chart=factors_chart.chart,
    incomparable=(
        "each model's neurons are its own, so one model's factors have no counterpart in another's; "
        "write one factors figure per model, each with its :model:"
    ),
)
