"""Figure numbers, heading ids and `[](#id)` cross-references within an article.

Every directive figure is numbered in order; `:label: fig-x` names it, otherwise it is
`figure-N`. A link with no text to `#fig-x` renders as "Figure N", to a heading as the
heading's text. A link to an id that does not exist is an error with its line.
"""

from __future__ import annotations

from markdown_it.token import Token

from ecco_build.document.articles import Article
from ecco_build.document.lines import line_of
from ecco_build.errors import Problem, did_you_mean


def targets(article: Article, tokens: list[Token]) -> dict[str, str]:
    """id → the text a reference to it shows; `tokens` is the article's prose (prose.tokens)."""
    found = {figure.id: f"Figure {figure.number}" for figure in article.figures.values()}
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            found.setdefault(str(token.attrGet("id")), tokens[i + 1].content)
    return found


def headings(article: Article) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h2–h4 headings, for the table of contents."""
    out = []
    for i, token in enumerate(article.tokens):
        if token.type == "heading_open" and token.attrGet("id") and token.tag in ("h2", "h3", "h4"):
            out.append((int(token.tag[1]), str(token.attrGet("id")), article.tokens[i + 1].content))
    return out


def heading_warnings(article: Article) -> list[str]:
    """Headings should not skip levels (screen readers navigate by them); the title is the h1."""
    warnings, previous = [], 1
    for token in article.tokens:
        if token.type != "heading_open":
            continue
        level, line = int(token.tag[1]), (token.map or [0])[0] + 1
        if level == 1:
            warnings.append(
                f"{article.path}:{line}: a # heading competes with the title; start sections at ##"
            )
        elif level > previous + 1:
            warnings.append(
                f"{article.path}:{line}: heading level {level} follows level {previous}; "
                f"use {'#' * (previous + 1)} here"
            )
        previous = level
    return warnings


def check(article: Article, tokens: list[Token], problems: list[Problem]) -> None:
    """Duplicate labels, and `#id` links in `tokens` (the article's prose) that lead nowhere."""
    seen: dict[str, int] = {}
    for index, figure in article.figures.items():
        line = figure.line(article, index)
        if figure.id in seen:
            problems.append(
                Problem(
                    article.path,
                    line,
                    f'label "{figure.id}" is also used by the figure on line {seen[figure.id]}',
                )
            )
        seen[figure.id] = line
    known = targets(article, tokens)
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
            if href.startswith("#") and href[1:] not in known:
                line = line_of(token)
                problems.append(
                    Problem(
                        article.path,
                        line,
                        f'link to "{href}": no figure label or heading has '
                        f"that id; {did_you_mean(href[1:], known)}",
                    )
                )


def fill(tokens: list[Token], known: dict[str, str]) -> list[Token]:
    """A copy of `tokens` where text-less `[](#id)` links carry their target's text ("Figure 3")."""
    out = []
    for token in tokens:
        children = token.children or []
        if not any(_empty_ref(children, i, known) for i in range(len(children) - 1)):
            out.append(token)
            continue
        new_children = []
        for i, child in enumerate(children):
            if i < len(children) - 1 and _empty_ref(children, i, known):
                child = child.copy()
                child.attrSet("class", "cross-ref")
                new_children += [child, Token("text", "", 0, content=known[str(child.attrGet("href"))[1:]])]
            else:
                new_children.append(child)
        out.append(token.copy(children=new_children))
    return out


def _empty_ref(children: list[Token], i: int, known: dict[str, str]) -> bool:
    href = str(children[i].attrGet("href") or "") if children[i].type == "link_open" else ""
    return href.startswith("#") and href[1:] in known and children[i + 1].type == "link_close"
