"""Each kind's result, written down: the JSON contract that the templates
(`templates/directives/<kind>.html`), the elements (`static/js/ecco-<kind>.js`), the social
cards (`cards.py`) and the page packing (`packing.py`) read, as a TypedDict whose docstring is
the contract, beside the check that a stored file meets it.

A data file is trusted only after it matches its kind's shape (DESIGN §10): fields present
with their types, finite numbers, lengths that agree, ranks ≥ 1, probabilities in [0, 1],
indices in range. `check_result` lists what is wrong; the store treats a file with problems
as missing, so that it is recomputed.

Sizes in the docstrings: T tokens (prompt and output), n output tokens explained or ranked,
L layer rows (the embeddings, then one per block), k candidates or factors, W watched tokens.
Numbers are finite: the store writes NaN and ±inf as null (`store.round_numbers`), and null
stands for a number in one place only, integrated gradients' `worst_relative_delta`, which is
infinite when a target's f(x) equals f(baseline) but its delta is not zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NotRequired, TypedDict

from ecco_build.errors import clip
from ecco_build.registry import KINDS, SALIENCY_METHODS
from ecco_build.shapes import Enough, Problems, Record

# ---------------------------------------------------------------------------------------------
# Tokens, shared by every kind


class Token(TypedDict):
    """A model token as the figures show it (made by `tokens.token_entry`).

    id: vocabulary index, an integer ≥ 0.
    text: the exact text the token adds (possibly "").
    display: its visible form (⏎ for a newline, ∅ for ""), present only when it differs from text.
    space, newline, partial: layout flags, present (and true) only when they hold.
    """

    id: int
    text: str
    display: NotRequired[str]
    space: NotRequired[bool]
    newline: NotRequired[bool]
    partial: NotRequired[bool]


class Candidate(Token):
    """A token the model considered, with p: its probability, in [0, 1]."""

    p: float


class WatchedToken(Token):
    """A token an author asked to follow, with asked: the :watch: string it was made from."""

    asked: str


def check_token(r: Record) -> None:
    r.integer("id", low=0)
    r.string("text")
    r.string("display", optional=True)
    for flag in ("space", "newline", "partial"):
        r.boolean(flag, optional=True)


def check_candidate(r: Record) -> None:
    check_token(r)
    r.number("p", low=0, high=1)


def tokens(r: Record, name: str = "tokens", check: Callable[[Record], None] = check_token) -> int | None:
    """Check a list of tokens; its length, or None when it is not a list of objects."""
    found = r.records(name)
    for token in found or ():
        check(token)
    return None if found is None else len(found)


def below(limit: int | None) -> int | None:
    return None if limit is None else limit - 1


# ---------------------------------------------------------------------------------------------
# generate


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


def check_generate(r: Record) -> None:
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


# ---------------------------------------------------------------------------------------------
# saliency

TARGET_SCALARS = ("log_probability", "probability", "logit")


class SaliencyMethod(TypedDict):
    """One attribution method. Row i is for the output token at targets[i] and has one value
    per earlier token: (n, targets[i]), a ragged triangle.

    share: each earlier token's share of the row's attribution (norm / Σ norm; all 0 when the
        row's norm is 0), in [0, 1]. The figures, fallbacks and cards shade by it.
    norm: the L2 norm of each token's attribution over the embedding dimensions, ≥ 0. Data
        folder only: `packing.page_form` leaves it out of pages.
    signed: the attribution summed over the embedding dimensions, any sign. Absent for
        `gradient` (a gradient norm has no sign).
    Integrated gradients adds n_steps (≥ 1, the steps used), n_steps_requested (≥ 1, :n_steps:),
    tolerance (≥ 0), baseline, delta, f_x and f_baseline ((n,) each: the completeness gap and
    the target scalar at the input and at the baseline) and worst_relative_delta (max over
    targets of |delta| / |f_x − f_baseline|, ≥ 0, or null when that is infinite).
    Occlusion adds baseline: the embedding that replaces each input token.
    """

    share: list[list[float]]
    norm: list[list[float]]
    signed: NotRequired[list[list[float]]]
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
    methods: {method name: SaliencyMethod}, one or more of registry.SALIENCY_METHODS, in the
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


def check_saliency(r: Record) -> None:
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
        if name not in SALIENCY_METHODS:
            valid = ", ".join(SALIENCY_METHODS)
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
    m.rows("signed", targets, rows, each, optional=name == "gradient")
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


# ---------------------------------------------------------------------------------------------
# The logit lens: layer-predictions, rankings, rankings-watch


def check_lens(r: Record) -> tuple[int | None, int | None]:
    """The fields the three lens kinds share; returns (T, L)."""
    r.string("lens")
    count = tokens(r)
    r.integer("prompt_length", low=0, high=count)
    layers = r.array("layers")
    if layers is not None:
        if not layers:
            r.fail(r.path("layers"), "is empty: there is no layer")
        for i, label in enumerate(layers):
            if not isinstance(label, str):
                r.fail(f"{r.path('layers')}[{i}]", "must be a string (a layer label)")
                layers = None
                break
    return count, None if layers is None else len(layers)


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


def check_layer_predictions(r: Record) -> None:
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


def check_rankings(r: Record) -> None:
    count, layers = check_lens(r)
    targets = r.numbers("targets", low=1, high=below(count), integer=True)
    if targets == []:
        r.fail(r.path("targets"), "is empty: there is no output token to rank")
    columns = None if targets is None else len(targets)
    check_rank_table(r, layers, columns, "result.targets")


def check_rank_table(r: Record, layers: int | None, columns: int | None, of: str) -> None:
    """rank (L, columns) integers ≥ 1 and p (L, columns) probabilities."""
    lengths = None if layers is None else [columns] * layers
    rows, each = f"result.layers has {layers}", f"{of} has {columns}"
    r.rows("rank", lengths, rows, each, low=1, integer=True)
    r.rows("p", lengths, rows, each, low=0, high=1)


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


def check_rankings_watch(r: Record) -> None:
    count, layers = check_lens(r)
    r.integer("position", low=0, high=below(count))
    r.boolean("first_token")
    watched = tokens(r, "watch", check_watched)
    if watched == 0:
        r.fail(r.path("watch"), "is empty: there is no token to watch")
    check_rank_table(r, layers, watched, "result.watch")


# ---------------------------------------------------------------------------------------------
# factors

FACTOR_METHODS = ("nmf", "pca", "ica")


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


class FactorBlock(TypedDict):
    """One factorisation of the neurons of `layers`.

    layers: the layers factorised together, integers ≥ 0, at least one.
    components: k ≥ 1, the number of factors.
    factors: (k, T) each factor's activation at each token (≥ 0 for NMF, signed otherwise).
    neurons: (k, top_neurons) FactorNeuron, each factor's neurons with the largest |loading|.
    error: the relative (Frobenius) reconstruction error, ≥ 0.
    elbow: FactorElbow, present when :components: is auto.
    """

    layers: list[int]
    components: int
    factors: list[list[float]]
    neurons: list[list[FactorNeuron]]
    error: float
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


def check_factors(r: Record) -> None:
    count = tokens(r)
    r.integer("prompt_length", low=0, high=count)
    r.string("method", FACTOR_METHODS)
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


# ---------------------------------------------------------------------------------------------
# The stored record around a result


class ModelRecord(TypedDict):
    """The weights that made a result: name (site.toml's source), revision, fingerprint (of the
    weight files), dtype, alias (site.toml's name for it), type (the transformers model_type);
    tf32 only when it was on."""

    name: str
    revision: str
    fingerprint: str
    dtype: str
    alias: str
    type: str
    tf32: NotRequired[bool]


class Provenance(TypedDict):
    """How a result was computed: the ecco_build, torch and transformers versions, the device
    and dtype, and seconds (≥ 0) of compute."""

    ecco_build: str
    torch: str
    transformers: str
    device: str
    dtype: str
    seconds: float


class StoredResult(TypedDict):
    """A data file, `data/<kind>-<key[:20]>.json`, as `run.compute_job` writes it.

    kind: the directive kind. version: the registry's Kind.version it was computed under.
    key: the job key (sha256 hex of kind, version, model and result options).
    model: ModelRecord. options: the result options. provenance: Provenance.
    result: the kind's result (GenerateResult, SaliencyResult, …; see CHECKS).
    """

    kind: str
    version: int
    key: str
    model: ModelRecord
    options: dict[str, Any]
    provenance: Provenance
    result: dict[str, Any]


CHECKS: dict[str, Callable[[Record], None]] = {
    "generate": check_generate,
    "saliency": check_saliency,
    "layer-predictions": check_layer_predictions,
    "rankings": check_rankings,
    "rankings-watch": check_rankings_watch,
    "factors": check_factors,
}


def check_result(kind: str, data: object, key: str | None = None) -> list[str]:
    """What is wrong with a stored record for a `kind` job (and, if given, that key): the first
    problems found, each naming its field; empty when the record matches its documented shape."""
    if not isinstance(data, dict):
        return [f"the file must hold a JSON object, not {type(data).__name__}"]
    problems = Problems()
    r = Record(data, "", problems)
    try:
        check_envelope(r, kind, key)
        result = r.record("result")
        if result is not None:
            CHECKS[kind](result)
    except Enough:
        pass
    return problems.found


def check_envelope(r: Record, kind: str, key: str | None) -> None:
    found = r.string("kind")
    if found is not None and found != kind:
        r.fail("kind", f"is {clip(found)!r}, not {kind!r}")
    version = r.integer("version")
    if version is not None and version != KINDS[kind].version:
        r.fail("version", f"is {version}, not {kind}'s version {KINDS[kind].version}")
    found = r.string("key")
    if found is not None and key is not None and found != key:
        r.fail("key", "belongs to another job")
    model = r.record("model")
    if model is not None:
        for name in ("name", "revision", "fingerprint", "dtype", "alias", "type"):
            model.string(name)
        model.boolean("tf32", optional=True)
    r.record("options")
    provenance = r.record("provenance")
    if provenance is not None:
        for name in ("ecco_build", "torch", "transformers", "device", "dtype"):
            provenance.string(name)
        provenance.number("seconds", low=0)
