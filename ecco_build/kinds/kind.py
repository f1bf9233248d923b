"""What a directive kind is: the Kind record each kinds/<kind>.py fills in (registry.py lists them).

A kind's room is named by its kind name: kinds/<module>.py, analyses/<module>.py,
templates/directives/<name>.html and static/js/<element>.js, where module is the name with
"_" for "-" and element is "ecco-<name>". `compute` is a "module:function" string imported
only when a job actually runs, so validating and rendering never import torch. Bump a kind's
`version` whenever its computation or JSON schema changes; the version is part of every job
key, so stale results are recomputed rather than served.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ecco_build.kinds import options as groups
from ecco_build.kinds.schema import FlatOptions, Option
from ecco_build.shapes import Record

# What a kind needs of a model: a causal LM; a causal LM or a masked LM with its head; anything
# with MLP blocks.
Requires = Literal["causal", "causal_or_masked_lm", "any"]


# What computing any kind's results imports (the compute extra); a kind adds what else it needs.
COMPUTE_STACK = ("torch", "transformers", "safetensors", "numpy")


def missing_modules(names: tuple[str, ...]) -> list[str]:
    """Which of these top-level modules cannot be imported here; finds them, imports nothing."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken install, or an import hook refusing it
            found = False
        if not found:
            missing.append(name)
    return missing


def no_problems(record: Any, facts: groups.TokenizerView) -> list[str]:
    """The default token check: a kind whose options say nothing about tokens."""
    return []


def unchanged(data: dict[str, Any]) -> dict[str, Any]:
    """The default page form: the stored record as it is."""
    return data


@dataclass(frozen=True)
class Kind:
    name: str  # "rankings-watch"
    doc: str  # one line, printed by `ecco-build kinds`
    version: int  # in every job key; bump on any compute or result-shape change
    options: tuple[Option, ...]  # in order: the order of every stored `options` object
    record: type  # the kind's Options: a frozen dataclass, one typed field per option
    result: type  # the <Kind>Result TypedDict; its docstring is the JSON contract
    check_result: Callable[[Record], None]  # checks the stored "result" object
    requires: Requires
    draw_card: Callable[[Any, Any, dict], None]  # (PIL ImageDraw, font, result) → draws y ≥ 400
    example: Mapping[str, Any]  # the smallest valid option set (the required options)
    page_form: Callable[[dict[str, Any]], dict[str, Any]] = unchanged  # the record a page carries
    # Files fetched on demand beside the page form, {part name: record}: written to
    # data/<data file stem>.<part>.json (render/figures.py); the explorable names them by part.
    parts: Callable[[dict[str, Any]], dict[str, dict[str, Any]]] | None = None
    filters: Mapping[str, Callable[..., Any]] = field(default_factory=dict)  # jinja filters it brings
    # (Options record, tokenizer view) → problems with its options that only the model's
    # tokenizer or config.json can tell (:watch: one token, :layers: in range), as messages
    check_tokens: Callable[[Any, groups.TokenizerView], list[str]] = no_problems
    # "module:function" taking (loaded_model, options) → JSON-able dict; "" means the room's
    # own analyses/<module>.py:compute.
    compute: str = ""
    # The modules `compute` needs (checked with find_spec before any model loads)
    compute_requires: tuple[str, ...] = COMPUTE_STACK
    # The figure's exports (render/exports.py), given (stored record, kinds/exporting.py
    # ExportMeta, ExportTheme): a chart-like kind's Vega-Lite spec, built with altair (imported
    # inside the hook), or a token figure's SVG, drawn directly. A kind gives one of the two.
    chart: Callable[[dict[str, Any], Any, Any], dict[str, Any]] | None = None
    draw_svg: Callable[[dict[str, Any], Any, Any], str] | None = None
    # Why the kind cannot compare models side by side (:models:), or "" when it can
    incomparable: str = ""
    # Numbers the figure shows that its stored result does not hold, by name, for the {value}
    # role beside the result's own keys (saliency's "distance": what its distance chart says)
    derived: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if not self.compute:
            object.__setattr__(self, "compute", f"ecco_build.analyses.{self.module}:compute")

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @property
    def element(self) -> str:
        """The custom element tag, also the JS file name: static/js/<element>.js."""
        return f"ecco-{self.name}"

    @property
    def template(self) -> str:
        return f"directives/{self.name}.html"

    @property
    def option_map(self) -> dict[str, Option]:
        return {o.name: o for o in self.options}

    def defaults(self, **changes: Any) -> FlatOptions:
        """The flat options dict, in schema order: every default, then `changes` (validated)."""
        unknown = set(changes) - set(self.option_map)
        if unknown:
            raise KeyError(f"{self.name} has no option {', '.join(sorted(unknown))}")
        return {o.name: o.check(changes[o.name]) if o.name in changes else o.default for o in self.options}

    def record_of(self, flat: FlatOptions) -> Any:
        """The typed Options record of a flat, validated options dict."""
        return groups.record_of(self.record, self.options, flat)

    def flatten(self, record: Any) -> FlatOptions:
        """The flat options dict (what job keys and stored files hold) of an Options record."""
        return groups.flatten(record, self.options)

    def compute_function(self) -> Callable:
        module, _, function = self.compute.partition(":")
        return getattr(importlib.import_module(module), function)
