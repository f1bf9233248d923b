"""Math in articles: `$…$` inline and `$$…$$` display, rendered to MathML at build time.

MathML needs no JavaScript, no fonts from a CDN and no network; browsers render it natively.
latex2mathml (a maintained converter) does the conversion. It accepts some broken input
silently, so two checks of our own turn those into errors: unbalanced braces, and commands
it does not know (which it would print as text).

latex2mathml copies `\\text{…}` verbatim into its output string, so `\\text{<script>…}` would be
live markup, and `\\href{javascript:…}` becomes a live link. That string is never used: the
MathML is written from latex2mathml's element tree by `safe_markup`, keeping only an allowlist
of MathML elements and attributes, with every text and attribute value escaped. `\\href` keeps
its link only for the schemes `urls.is_safe` allows; `check` reports any other.
"""

from __future__ import annotations

import functools
import re
from html import escape, unescape
from xml.etree.ElementTree import Element

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ecco_build import urls
from ecco_build.document.lines import line_of
from ecco_build.errors import Problem, clip

UNKNOWN_COMMAND = re.compile(r"<m[io]>\\\\?([A-Za-z]+)</m[io]>")
MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"

# MathML Core's presentation elements, plus menclose (boxes, strikes). Left out on purpose:
# annotation-xml (an HTML integration point, like mtext was) and maction.
ELEMENTS = frozenset(
    "math mrow mi mo mn ms mtext mspace msub msup msubsup munder mover munderover mmultiscripts "
    "mprescripts none mfrac msqrt mroot mstyle merror mpadded mphantom mtable mtr mtd menclose "
    "semantics annotation".split()
)
VOID = frozenset({"mspace", "mprescripts", "none"})
# Presentation attributes: none of them loads anything or runs anything. `style` (CSS that can
# fetch URLs) and event handlers are never copied; `href` is judged on its own.
ATTRIBUTES = frozenset(
    "display displaystyle scriptlevel mathvariant mathcolor mathbackground mathsize dir class "
    "accent accentunder fence form largeop lspace rspace maxsize minsize movablelimits "
    "separator stretchy symmetric linethickness notation depth height width voffset linebreak "
    "columnalign columnlines columnspacing columnspan rowalign rowlines rowspacing rowspan "
    "encoding".split()
)
SAFE_SCHEMES_SHOWN = ", ".join(urls.SAFE_SCHEMES) + " or relative links"


class FormulaError(ValueError):
    pass


def safe_markup(root: Element, unsafe_links: list[str]) -> str:
    """MathML for latex2mathml's element tree, from the allowlists, every value escaped.

    latex2mathml keeps user text as written (`\\text{<b>}` holds "<b>") and its own symbols as
    character references ("&#x0003C;"): text is decoded, then escaped. An element outside the
    allowlist keeps its content but loses its tag; a link with an unsafe scheme loses its
    `href` and is added to `unsafe_links`. A loop, not recursion: formulas nest deeply."""
    out = []
    stack: list[tuple[Element, bool]] = [(root, False)]  # (element, its children are written)
    while stack:
        element, done = stack.pop()
        tag = str(element.tag)
        if done:
            out.append((f"</{tag}>" if tag in ELEMENTS else "") + _text(element.tail))
            continue
        if tag in ELEMENTS:
            attributes = "".join(
                _attribute(tag, name, value, unsafe_links) for name, value in element.items()
            )
            if tag in VOID and not len(element) and not element.text:
                out.append(f"<{tag}{attributes} />" + _text(element.tail))
                continue
            out.append(f"<{tag}{attributes}>")
        out.append(_text(element.text))
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    return "".join(out)


def _attribute(tag: str, name: str, value: str, unsafe_links: list[str]) -> str:
    if name == "xmlns" and tag == "math":
        return f' xmlns="{MATHML_NAMESPACE}"'
    if name in ATTRIBUTES or (name == "href" and urls.is_safe(value)):
        return f' {name}="{escape(value)}"'
    if name == "href":
        unsafe_links.append(value)
    return ""


def _text(text: str | None) -> str:
    return escape(unescape(text), quote=False) if text else ""


@functools.lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool) -> str:
    """Safe MathML for a formula; cached, because validation and rendering both convert it."""
    from latex2mathml.converter import convert_to_element

    depth = 0
    for char in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            raise FormulaError("a } closes nothing")
    if depth:
        raise FormulaError("a { is never closed")
    try:
        tree = convert_to_element(latex, display="block" if display else "inline")
    except RecursionError:
        raise FormulaError("it nests too deeply") from None
    except Exception as exc:  # latex2mathml's parse errors share no base class
        raise FormulaError(
            clip(f"{type(exc).__name__.removesuffix('Error')}{': ' + str(exc) if str(exc) else ''}")
        ) from None
    unsafe_links: list[str] = []
    mathml = safe_markup(tree, unsafe_links)
    unknown = UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise FormulaError(f"unknown command \\{clip(unknown.group(1))}")
    if unsafe_links:
        raise FormulaError(f"\\href to {clip(unsafe_links[0])}: links may only use {SAFE_SCHEMES_SHOWN}")
    return mathml


def check(tokens: list[Token], path: str, problems: list[Problem]) -> None:
    for token in tokens:
        line = line_of(token)
        found = (
            [token]
            if token.type == "math_block"
            else [c for c in token.children or [] if c.type == "math_inline"]
        )
        for math in found:
            try:
                to_mathml(math.content, display=math.type == "math_block")
            except FormulaError as exc:
                shown = clip(math.content.strip().replace("\n", " "))
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
