"""A directive's models, checked without weights (config.json and the tokenizer suffice) and
resolved to what its job keys name: its :model:, or each model of its :models: comparison.

A comparison is one figure with a panel per model, and each panel is the result its model
alone would give: the same options with that model, so one job per model, shared with any
single-model figure of the same options (adding a model to a comparison computes only its job).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ecco_build.document.articles import Directive
from ecco_build.errors import ModelLoadError, Problem, clip, did_you_mean
from ecco_build.kinds.kind import Kind
from ecco_build.kinds.options import MODELS, POSITION, TARGET, planned_output, position_problem
from ecco_build.kinds.registry import KINDS
from ecco_build.models import loader
from ecco_build.models.facts import ModelFacts, ModelInfo
from ecco_build.models.tokenizer import NoTokenizer
from ecco_build.plan import make_job


@dataclass(frozen=True)
class ResolvedModel:  # a directive's model, resolved: what its job key names
    ref: loader.ModelRef
    fingerprint: str


def check_directive(directive: Directive, info: ModelInfo) -> tuple[list[Problem], ResolvedModel | None]:
    """The directive's problems that need no weights (its model's config.json and tokenizer
    suffice), or its resolved model."""
    where = (directive.path, directive.line)
    config = info.config
    alias = directive.options.get("model") or config.default_model
    if not alias:
        return [Problem(*where, "no :model: given and site.toml sets no default_model")], None
    if alias not in config.models:
        hint = did_you_mean(alias, config.models) if config.models else "site.toml defines no models"
        return [
            Problem(
                *where,
                f'unknown model "{clip(alias)}"; {hint}; define it as [models.{clip(alias)}] in site.toml',
            )
        ], None
    try:
        ref, fingerprint, facts = info.ref(alias), info.fingerprint(alias), info.facts(alias)
        try:
            found = [] if facts is None else model_problems(directive, facts)
        except NoTokenizer:  # model absent: a stored result proves the token checks (:watch:, :foil:,
            found = []  # prompt length), computed and checked with these options and this tokenizer
        filename = make_job(directive, ref, fingerprint).filename  # without one, result_problems says why
        found = found or info.result_problems(alias, directive.kind, filename, directive.where)
        if found:
            return [Problem(*where, message) for message in found], None
        return [], ResolvedModel(ref, fingerprint)
    except ModelLoadError as exc:
        return [Problem(*where, str(exc))], None


def requirement_problem(kind: Kind, facts: ModelFacts) -> str | None:
    """Why the model cannot serve the kind (`kind.requires`), or None."""
    if not facts.encoder:
        return None
    if kind.requires == "causal":
        return (
            f'{kind.name} needs a text-generating model, but "{facts.alias}" is a '
            f"{facts.model_type} encoder; use a causal model such as builtin:demo"
        )
    if kind.requires == "causal_or_masked_lm" and not facts.has_head:
        return (
            f"{kind.name} needs a causal model or a masked LM with its MLM head, "
            f'but "{facts.alias}" is a {facts.model_type} encoder without one'
        )
    return None


def model_problems(directive: Directive, facts: ModelFacts) -> list[str]:
    """What config.json and the tokenizer tell about this directive, as messages: the kind's
    requirement, then its token rules, then the context and position rules."""
    kind = KINDS[directive.kind]
    requirement = requirement_problem(kind, facts)
    if requirement:
        return [requirement]
    record = kind.record_of(directive.options)
    problems = kind.check_tokens(record, facts)
    prompt = directive.options.get("prompt")
    if not isinstance(prompt, str):
        return problems
    count = facts.count_tokens(prompt)
    output = planned_output(record, facts)
    if facts.context and count + output > facts.context:
        problems.append(
            f"prompt is {count} tokens{f' + {output} of output' if output else ''}"
            f', more than the {facts.context}-token context of model "{facts.alias}"; shorten it'
        )
    position = directive.options.get(POSITION.name)
    if position is not None:
        problems.extend(
            _position_problems(position, count, output, bool(directive.options.get(TARGET.name)), facts)
        )
    return problems


def _position_problems(position: int, count: int, output: int, target: bool, facts: ModelFacts) -> list[str]:
    """As the lens reads :position:: over prompt + output on a causal model (the output being
    the target, or at most max_new_tokens generated); over the prompt alone on a masked LM,
    where a negative position means the [MASK] token."""
    output = 0 if facts.encoder else output
    message = position_problem(position, count, output, exact=target or not output)
    return [message] if message and not (facts.encoder and position < 0) else []


def with_model(directive: Directive, alias: str) -> Directive:
    """The directive as one panel of its comparison: the same options, with this model."""
    return replace(directive, options={**directive.options, "model": alias})


def check_models(directive: Directive, info: ModelInfo) -> tuple[list[Problem], tuple[ResolvedModel, ...]]:
    """The directive's model problems, or its resolved models: one for :model:, or one per
    alias of :models: in their order (the first is the figure's own, whose job its key names)."""
    aliases = directive.options.get(MODELS.name) or []
    if not aliases:
        problems, model = check_directive(directive, info)
        return problems, (model,) if model else ()
    where = (directive.path, directive.line)
    kind = KINDS[directive.kind]
    if kind.incomparable:
        return [Problem(*where, f"{kind.name} cannot compare models (:models:): {kind.incomparable}")], ()
    if directive.options.get("model"):
        message = ":model: and :models: are both given; list every model in :models: and drop :model:"
        return [Problem(*where, message)], ()
    problems, resolved = [], []
    for alias in aliases:
        found, model = check_directive(with_model(directive, alias), info)
        problems += [replace(p, message=f":models: {clip(alias)}: {p.message}") for p in found]
        if model:
            resolved.append(model)
    return problems, () if problems else tuple(resolved)
