"""The explicit map of directive kinds → (options, version, compute, element).

No discovery, no import side effects: `compute` is a "module:function" string that is
imported only when a job actually runs, so validating and rendering never import torch.
Bump a kind's `version` whenever its computation or JSON schema changes; the version is
part of every job key, so stale results are recomputed rather than served.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from ecco_build.options import Option


@dataclass(frozen=True)
class Kind:
    name: str
    doc: str
    version: int
    options: tuple[Option, ...]
    compute: str  # "module:function" taking (loaded_model, options) → JSON-able dict
    element: str  # custom element tag, also the JS file name: static/js/<element>.js

    @property
    def option_map(self) -> dict[str, Option]:
        return {o.name: o for o in self.options}

    @property
    def template(self) -> str:
        return f"directives/{self.name}.html"

    def compute_function(self) -> Callable:
        module, _, function = self.compute.partition(":")
        return getattr(importlib.import_module(module), function)


MODEL = Option("model", str, "", "Model alias from site.toml [models.*]; default: default_model.")
PROMPT = Option("prompt", str, None, "Input text given to the model.", required=True)
LABEL = Option("label", str, "", "Figure label for cross-references, e.g. fig-brackets.", result=False)
WIDTH = Option(
    "width", "choice", "body", "Layout width of the figure.", ("body", "page", "screen"), result=False
)
PRESENTATION = (LABEL, WIDTH)

GENERATION = (
    Option("max_new_tokens", int, 16, "Number of tokens to generate.", minimum=1, maximum=1024),
    Option("do_sample", bool, False, "Sample instead of greedy decoding."),
    Option("temperature", float, 1.0, "Sampling temperature.", minimum=0.01, maximum=10),
    Option("top_k", int, 0, "Sample only from the k most likely tokens (0: no limit).", minimum=0),
    Option("top_p", float, 1.0, "Nucleus sampling mass (1: no limit).", minimum=0.01, maximum=1),
    # 2**32 - 1: the seed range numpy and most tools accept (torch.manual_seed takes up to
    # 2**64 - 1); a bigger number would fail inside torch, after the model has loaded.
    Option("seed", int, 0, "Random seed for sampling.", minimum=0, maximum=2**32 - 1),
    Option("stop_at_eos", bool, True, "Stop when the model emits its end-of-text token."),
)

TARGET = Option(
    "target", str, "", "Continuation to explain instead of generating one (text after the prompt)."
)
POSITION = Option(
    "position",
    int,
    -1,
    "Token index (0-based over prompt + output) whose next-token prediction is shown; negative counts back "
    "from the end of the prompt (-1: the last prompt token).",
)
NO_GENERATION = (
    replace(GENERATION[0], default=0, minimum=0, doc="Tokens to generate first (0: none)."),
    *GENERATION[1:],
)
# layer-predictions' :top_k: is its candidate count (what authors set most), so the sampling
# top-k of its optional generation is :sample_top_k: there (analyses.generate reads either).
LENS_GENERATION = tuple(
    replace(o, name="sample_top_k", doc="Sample only from the k most likely tokens (0: no limit).")
    if o.name == "top_k"
    else o
    for o in NO_GENERATION
)

SALIENCY_METHODS = ("integrated_gradients", "gradient_x_input", "gradient", "occlusion")

SIGNED_FACTOR_METHODS = ("pca", "ica")  # they factor variation over tokens: two tokens at least


def one_token_problem(method: str) -> str:
    """The rule for a signed factorisation of a one-token text (check and the analysis both say it)."""
    return (
        f":method: {method} factors how activations vary from token to token, and the text is "
        "1 token; give a longer prompt (or :max_new_tokens:), or use :method: nmf"
    )


KINDS: dict[str, Kind] = {
    "generate": Kind(
        name="generate",
        doc="Continue the prompt; show each token's probability and the model's other candidates.",
        version=1,
        options=(
            MODEL,
            PROMPT,
            *GENERATION,
            Option("candidates", int, 10, "Candidates stored per step.", minimum=1, maximum=50),
            *PRESENTATION,
        ),
        compute="ecco_build.analyses.generate:compute",
        element="ecco-generate",
    ),
    "saliency": Kind(
        name="saliency",
        doc="Which input tokens drive each output token (hover an output token).",
        version=1,
        options=(
            MODEL,
            PROMPT,
            Option(
                "target",
                str,
                "",
                "Continuation to explain instead of generating one (text after the prompt).",
            ),
            *GENERATION,
            Option(
                "method",
                "choices",
                ["integrated_gradients"],
                "Attribution method(s); several share one model load.",
                SALIENCY_METHODS,
            ),
            Option(
                "target_scalar",
                "choice",
                "log_probability",
                "What is attributed: the output token's log-probability, probability or logit.",
                ("log_probability", "probability", "logit"),
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
            Option(
                "batch_size", int, 0, "Integrated-gradients steps per forward pass (0: automatic).", minimum=0
            ),
            Option(
                "view",
                "choice",
                "minimal",
                "minimal: shaded tokens; detailed: bars and values.",
                ("minimal", "detailed"),
                result=False,
            ),
            *PRESENTATION,
        ),
        compute="ecco_build.analyses.saliency:compute",
        element="ecco-saliency",
    ),
    "layer-predictions": Kind(
        name="layer-predictions",
        doc="Logit lens: the top-k next tokens at every layer for one position.",
        version=1,
        options=(
            MODEL,
            PROMPT,
            TARGET,
            *LENS_GENERATION,
            POSITION,
            Option("top_k", int, 10, "Candidates shown per layer.", minimum=1, maximum=50),
            *PRESENTATION,
        ),
        compute="ecco_build.analyses.lens:layer_predictions",
        element="ecco-layer-predictions",
    ),
    "rankings": Kind(
        name="rankings",
        doc="Logit lens: the rank of each output token at every layer (heatmap).",
        version=1,
        options=(MODEL, PROMPT, TARGET, *GENERATION, *PRESENTATION),
        compute="ecco_build.analyses.lens:rankings",
        element="ecco-rankings",
    ),
    "rankings-watch": Kind(
        name="rankings-watch",
        doc="Logit lens: the rank of chosen candidate tokens at every layer for one position.",
        version=1,
        options=(
            MODEL,
            PROMPT,
            POSITION,
            Option("watch", "list[str]", None, 'Tokens to follow, e.g. [" is", " are"].', required=True),
            Option("first_token", bool, False, "Score a multi-token watch string by its first token."),
            *PRESENTATION,
        ),
        compute="ecco_build.analyses.lens:rankings_watch",
        element="ecco-rankings-watch",
    ),
    "factors": Kind(
        name="factors",
        doc="Factorise MLP neuron activations (NMF by default): which neuron groups fire on which tokens.",
        version=1,
        options=(
            MODEL,
            PROMPT,
            *NO_GENERATION,
            Option(
                "layers", "layers", "all", 'Layers to include: "all", a range like 0-5, or a list [0, 2, 4].'
            ),
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
                ("nmf", "pca", "ica"),
            ),
            Option("per_layer", bool, False, "Factorise each layer separately (one panel per layer)."),
            Option("top_neurons", int, 10, "Neurons listed per factor.", minimum=1, maximum=100),
            *PRESENTATION,
        ),
        compute="ecco_build.analyses.factors:compute",
        element="ecco-factors",
    ),
}
