"""Numbers in prose that come from a figure's result: the `{value}` role.

    the first `(` gets {value}`fig-saliency:/methods/integrated_gradients/share/0/10:percent`

reads one number from the stored result of the figure labelled `fig-saliency` in the same
article (of a comparison, `fig-compare@llama` reads model llama's panel, and the bare label its
first model's), at a JSON pointer (RFC 6901 path: object keys and list indices from 0) into its
`result` object, whose shape each kind documents (`ecco-build kinds`, and the <Kind>Result
docstrings in ecco_build/kinds/), and prints it in the format named last:

    percent          0.0652 → "6.5%"
    number           three significant digits: 0.7171 → "0.717"
    integer          rounded: 26.6 → "27"
    squared-percent  the square as a percent: a relative Frobenius error 0.717 → "51.4%",
                     the share of the squared total a factorisation leaves unexplained

The syntax and the label are checked with the article (`check`); the pointer is resolved when
the results are known, before anything is written (`problems`), so prose cannot drift from its
figures: recompute a figure and the sentence changes with it, or the build says why not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token
from markupsafe import escape

from ecco_build.document.articles import Article, Directive
from ecco_build.document.lines import line_of
from ecco_build.errors import ArticleErrors, Problem, clip, did_you_mean

ROLES = ("value",)
FORMATS: dict[str, Callable[[float], str]] = {
    "percent": lambda v: f"{v * 100:.1f}%",
    "number": lambda v: f"{v:.3g}",
    "integer": lambda v: f"{round(v):d}",
    "squared-percent": lambda v: f"{v * v * 100:.1f}%",
}
SYNTAX = (
    "write {value}`FIGURE-LABEL:/json/pointer:FORMAT` (FIGURE-LABEL@MODEL in a comparison), "
    "e.g. {value}`fig-x:/rank/0/3:integer`"
)


@dataclass(frozen=True)
class Reference:
    label: str
    pointer: tuple[str, ...]
    format: str
    model: str = ""  # a comparison's model (:models:), "" for the figure's first

    @property
    def path(self) -> str:
        return "/" + "/".join(self.pointer)


def parse(content: str) -> Reference | str:
    """The reference a role's content names, or what is wrong with it."""
    label, _, rest = content.strip().partition(":")
    pointer, _, format_name = rest.rpartition(":")
    if not label or not pointer.startswith("/"):
        return f"cannot read {clip(content)!r}; {SYNTAX}"
    if format_name not in FORMATS:
        return f'unknown format "{clip(format_name)}"; {did_you_mean(format_name, FORMATS)}'
    parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/"))
    label, _, model = label.partition("@")
    return Reference(label, parts, format_name, model)


def roles(tokens: list[Token]) -> Iterator[tuple[Token, Token]]:
    """(role token, the inline token holding it, whose line it is on) of every role."""
    for token in tokens:
        for child in token.children or ():
            if child.type == "myst_role":
                yield child, token


def check(article: Article, tokens: list[Token], problems: list[Problem]) -> None:
    """Every role names a known role, reads as a reference and points at an analysis figure
    of this article; `tokens` is the article's prose (prose.tokens)."""
    labels = {f.id: f.directive for f in article.figures.values() if f.directive is not None}
    for role, inline in roles(tokens):
        name = role.meta.get("name", "")
        if name not in ROLES:
            message = f'unknown role "{{{clip(name)}}}"; {did_you_mean(name, ROLES)}'
        else:
            found = parse(role.content)
            message = found if isinstance(found, str) else _label_problem(found, labels)
        if message:
            problems.append(Problem(article.path, line_of(inline), f"{{value}}: {message}"))


def _label_problem(reference: Reference, labels: dict[str, Directive]) -> str | None:
    if reference.label in labels:
        return _model_problem(reference, labels[reference.label].options.get("models") or [])
    if not labels:
        return "this article has no analysis figure to read from; give the directive a :label:"
    hint = did_you_mean(reference.label, labels)
    return f'no analysis figure "{clip(reference.label)}" in this article; {hint}'


def _model_problem(reference: Reference, models: list[str]) -> str | None:
    """Why the reference's model is not one of its figure's (`models`: its :models:), or None."""
    if not reference.model or reference.model in models:
        return None
    if not models:
        return f'{reference.label} shows one model; drop "@{clip(reference.model)}"'
    hint = did_you_mean(reference.model, models)
    return f'{reference.label} compares {", ".join(models)}, not "{clip(reference.model)}"; {hint}'


def lookup(result: Any, reference: Reference) -> float | str:
    """The number at the reference's pointer in `result`, or why there is none."""
    value = result
    for depth, part in enumerate(reference.pointer):
        where = "/" + "/".join(reference.pointer[: depth + 1])
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            return f"{where} is not in the result; {did_you_mean(part, value)}"
        elif isinstance(value, list):
            return f"{where}: the list has {len(value)} entries (indices 0 to {len(value) - 1})"
        else:
            return f"{where}: {where.rsplit('/', 1)[0] or '/'} is not a list or an object"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{reference.path} is {clip(repr(value), 40)}, not a number"
    return float(value)


def resolve(tokens: list[Token], path: str, result_of: Callable[[str, str], Any]) -> dict[str, float]:
    """Each role's content → its number, read from `result_of(label, model)` (the stored result
    of the figure with that label, of that model's panel in a comparison, "" for its first);
    `tokens` is the article's prose, nested Markdown included. Every pointer that leads to no
    number is an ArticleErrors at its line (the build then stops before its output replaces
    the site)."""
    numbers: dict[str, float] = {}
    found = []
    for role, inline in roles(tokens):
        reference = parse(role.content)
        if role.meta.get("name") not in ROLES or isinstance(reference, str):
            continue  # check() said so already
        value = lookup(result_of(reference.label, reference.model), reference)
        if isinstance(value, str):
            message = f"{{value}}`{clip(role.content)}`: in the result of {reference.label}, {value}"
            found.append(Problem(path, line_of(inline), message))
        else:
            numbers[role.content] = value
    if found:
        raise ArticleErrors(found)
    return numbers


def fill(tokens: list[Token], numbers: dict[str, float]) -> list[Token]:
    """The prose with each {value} role replaced by its formatted number (escaped HTML)."""
    for role, _ in roles(tokens):
        value, found = numbers.get(role.content), parse(role.content)
        if isinstance(value, float) and not isinstance(found, str):
            text = escape(FORMATS[found.format](value))
            role.type, role.content = "html_inline", f'<span class="ecco-value">{text}</span>'
    return tokens
