"""The options several kinds share: Option constants and the groups they form, spliced into
each kind's options tuple in place (the order is part of every stored `options` object)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ecco_build.errors import EccoBuildError, Problem, clip, did_you_mean
from ecco_build.fields import Collector
from ecco_build.kinds.schema import FlatOptions, Option

if TYPE_CHECKING:
    from ecco_build.kinds.kind import Kind

T = TypeVar("T")

MODEL = Option("model", str, "", "Model alias from site.toml [models.*]; default: default_model.")
PROMPT = Option("prompt", str, None, "Input text given to the model.", required=True)
LABEL = Option("label", str, "", "Figure label for cross-references, e.g. fig-brackets.", result=False)
WIDTH = Option(
    "width", "choice", "body", "Layout width of the figure.", ("body", "page", "screen"), result=False
)
LINK = Option(
    "link",
    bool,
    True,
    "Share the selected output token with the article's other figures on the same prompt and model.",
    result=False,
)
MODELS = Option(
    "models",
    "aliases",
    [],
    "Compare 2 to 4 models side by side, e.g. [demo, llama]: a panel per model "
    "(not factors; replaces :model:).",
    result=False,
)
PRESENTATION = (LABEL, WIDTH, LINK, MODELS)

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
    link: bool
    models: tuple[str, ...]


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

    @property
    def sampling_top_k(self) -> int:
        """Sample only from the k most likely tokens (0: no limit): :top_k:."""
        return self.top_k


@dataclass(frozen=True)
class LensGeneration(Sampling):
    """layer-predictions' optional generation: its sampling top-k is :sample_top_k:."""

    max_new_tokens: int
    sample_top_k: int

    @property
    def sampling_top_k(self) -> int:
        """Sample only from the k most likely tokens (0: no limit): :sample_top_k:."""
        return self.sample_top_k


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


# name → (value, line, value_is_raw_text): a directive's options as its fence wrote them
RawOptions = dict[str, tuple[Any, int, bool]]


def validate_options(
    kind: Kind, raw: RawOptions, path: str, fence_line: int, problems: list[Problem]
) -> FlatOptions | None:
    """The flat options dict of a directive (defaults filled in, schema order), or None when
    `problems` got one: an unknown option, a bad value, a required option missing, an empty
    prompt, each at its option's line (or the fence's). Options keep the order they were
    written in, defaults follow."""
    before = len(problems)
    known = kind.option_map
    lines = {(name,): line for name, (_, line, _) in raw.items()}
    collector = Collector(path, lines, fence_line, problems)
    given: FlatOptions = {}
    for name, (value, _, is_text) in raw.items():
        option = known.get(name)
        if option is None:
            shown_name = clip(name, 80)
            collector.fail(
                f'unknown option "{shown_name}" for {kind.name}; {did_you_mean(shown_name, known)}', name
            )
            continue
        given[name] = collector.take(option.from_text if is_text else option.check, value, name)
    options = _with_defaults(kind, given, raw, collector)
    if isinstance(options.get(PROMPT.name), str) and not options[PROMPT.name].strip():
        collector.fail(":prompt: is empty; give the model some text", PROMPT.name)
    return None if len(problems) > before else options


def _with_defaults(kind: Kind, given: FlatOptions, raw: RawOptions, collector: Collector) -> FlatOptions:
    """`given` (in the order written), then the defaults of the options not written; a required
    one missing is a problem at the fence."""
    options = dict(given)
    for option in kind.options:
        if option.name in raw:  # given: valid, or already reported
            continue
        if option.required:
            collector.fail(f"{kind.name} needs a :{option.name}: option ({option.doc})")
        else:
            options[option.name] = option.default
    return options


class TokenizerView(Protocol):
    """What validation knows of a model without its weights (config.json and the tokenizer):
    enough for a kind's `check_tokens` and the generic context and position rules."""

    encoder: bool  # a masked LM's encoder, not a causal LM
    n_layers: int | None  # None when config.json does not say

    def token_pieces(self, text: str) -> list[str]: ...

    def count_tokens(self, text: str) -> int: ...


def planned_output(record: Any, facts: TokenizerView) -> int:
    """How many tokens follow the prompt: the target's, or at most :max_new_tokens: generated
    (0 for a kind with neither)."""
    target = getattr(record, TARGET.name, None)
    return len(facts.token_pieces(target)) if target else getattr(record, "max_new_tokens", 0)


def position_problem(position: int, prompt: int, output: int, exact: bool) -> str | None:
    """Why :position: cannot exist in a text of `prompt` tokens followed by `output` more
    (exactly, or at most when they are generated), or None. Agrees with resolve_position."""
    index = prompt + position if position < 0 else position
    total = prompt + output
    if 0 <= index < total:
        return None
    size = (
        f"it has {total} tokens, {prompt} in the prompt"
        if exact
        else f"the prompt has {prompt} tokens and at most {output} are generated"
    )
    back = f", or -1 to -{prompt} counting back from the end of the prompt" if prompt else ""
    return f":position: {clip(str(position))} is outside the text ({size}); use 0 to {total - 1}{back}"


def resolve_position(position: int, prompt_length: int, total: int) -> int:
    """The 0-based index :position: names in a text of `total` tokens whose first
    `prompt_length` are the prompt (negative: counting back from the prompt's end)."""
    index = prompt_length + position if position < 0 else position
    if not 0 <= index < total:
        raise EccoBuildError(
            f":position: {position} is outside the text (it has {total} tokens, "
            f"{prompt_length} in the prompt); "
            f"use 0 to {total - 1}, or -1 to -{prompt_length} counting back from the end of the prompt"
        )
    return index
