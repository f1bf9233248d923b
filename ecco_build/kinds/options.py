"""The options several kinds share: Option constants and the groups they form, spliced into
each kind's options tuple in place (the order is part of every stored `options` object)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ecco_build.kinds.schema import FlatOptions, Option

T = TypeVar("T")

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


# ---------------------------------------------------------------------------------------------
# Typed records. Each kind's `Options` is a frozen dataclass with one field per option, named
# as the option, built from the groups below (field order is free: the flat form's order is the
# options tuple's). Lists become tuples, so a record shares no mutable arrays.


@dataclass(frozen=True)
class Common:
    """What every directive has: the model alias, the prompt, and how the figure is laid out."""

    model: str
    prompt: str
    label: str
    width: str


@dataclass(frozen=True)
class Sampling:
    do_sample: bool
    temperature: float
    top_p: float
    seed: int
    stop_at_eos: bool


@dataclass(frozen=True)
class Generation(Sampling):
    max_new_tokens: int
    top_k: int


@dataclass(frozen=True)
class LensGeneration(Sampling):
    """layer-predictions' optional generation: its sampling top-k is :sample_top_k:."""

    max_new_tokens: int
    sample_top_k: int


def record_of(record: type[T], options: tuple[Option, ...], flat: FlatOptions) -> T:
    """The typed record of a flat, validated options dict (lists become tuples)."""
    return record(**{o.name: _frozen(flat[o.name]) for o in options})


def flatten(record: Any, options: tuple[Option, ...]) -> FlatOptions:
    """The flat options dict of a record, in schema order (tuples become lists again)."""
    return {o.name: _thawed(getattr(record, o.name)) for o in options}


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _thawed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
