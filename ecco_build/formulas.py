"""Math in articles: `$…$` inline and `$$…$$` display, rendered to MathML at build time.

MathML needs no JavaScript, no fonts from a CDN and no network; browsers render it natively.
latex2mathml (a maintained converter) does the conversion. It accepts some broken input
silently, so two checks of our own turn those into errors: unbalanced braces, and commands
it does not know (which it would print as text).
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ecco_build.errors import Problem

UNKNOWN_COMMAND = re.compile(r"<m[io]>\\\\?([A-Za-z]+)</m[io]>")


class FormulaError(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool) -> str:
    """MathML for a formula; cached, because validation and rendering both convert it."""
    from latex2mathml.converter import convert

    depth = 0
    for char in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            raise FormulaError("a } closes nothing")
    if depth:
        raise FormulaError("a { is never closed")
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml's parse errors share no base class
        raise FormulaError(
            f"{type(exc).__name__.removesuffix('Error')}{': ' + str(exc) if str(exc) else ''}"
        ) from None
    unknown = UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise FormulaError(f"unknown command \\{unknown.group(1)}")
    return mathml


def check(tokens: list[Token], path: str, problems: list[Problem]) -> None:
    for token in tokens:
        line = token.map[0] + 1 if token.map else 1
        found = (
            [token]
            if token.type == "math_block"
            else [c for c in token.children or [] if c.type == "math_inline"]
        )
        for math in found:
            try:
                to_mathml(math.content, display=math.type == "math_block")
            except FormulaError as exc:
                shown = math.content.strip().replace("\n", " ")
                problems.append(
                    Problem(path, line, f"formula ${shown}$ cannot be rendered ({exc}); fix its LaTeX")
                )


def use(md: MarkdownIt) -> None:
    """Parse dollar math and render it as MathML."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    # Pandoc's rules: no space inside the dollars, no digit after the closing one ("$5 and $10").
    md.use(dollarmath_plugin, double_inline=True, allow_space=False, allow_digits=False)
    md.add_render_rule(
        "math_inline", lambda self, tokens, i, options, env: to_mathml(tokens[i].content, False)
    )
    md.add_render_rule(
        "math_inline_double", lambda self, tokens, i, options, env: to_mathml(tokens[i].content, True)
    )
    md.add_render_rule(
        "math_block", lambda self, tokens, i, options, env: to_mathml(tokens[i].content, True) + "\n"
    )
