"""The explicit map of directive kinds → (options, version, compute, element).

No discovery, no import side effects: `compute` is a "module:function" string that is
imported only when a job actually runs, so validating and rendering never import torch.
Bump a kind's `version` whenever its computation or JSON schema changes; the version is
part of every job key, so stale results are recomputed rather than served.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

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
    Option("seed", int, 0, "Random seed for sampling.", minimum=0),
    Option("stop_at_eos", bool, True, "Stop when the model emits its end-of-text token."),
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
}
