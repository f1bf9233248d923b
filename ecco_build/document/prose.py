"""The prose of an article: its body and the Markdown nested inside it.

A directive's caption and a callout's body are Markdown inside a fence, and a stand-alone
image's title is its figure's caption; the article's own parse holds each as raw text. `bodies`
parses them with the article's parser and moves their line numbers to where the text sits in
the article; `tokens` splices each body in right after the token that holds it. The checks
(references, formulas, links, citations) and the page's rewriting (cross-reference text, local
links, citations) run over that one stream, so nested Markdown gets exactly what a paragraph
gets; `split` hands the rewritten bodies back to the renderer.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ecco_build.document.articles import Article
from ecco_build.document.fences import CALLOUTS, DIRECTIVE_INFO
from ecco_build.document.lines import line_of


def callout_kind(token: Token) -> str | None:
    """ "note", "warning" or "aside" for a callout fence; None for anything else."""
    if token.type not in ("fence", "colon_fence"):
        return None
    match = DIRECTIVE_INFO.match(token.info)
    return match.group(1) if match and match.group(1) in CALLOUTS else None


def bodies(article: Article, md: MarkdownIt) -> dict[int, list[Token]]:
    """Index in `article.tokens` → the tokens of the Markdown nested in that token, with the
    article's line numbers: callout bodies, directive captions and image-figure titles."""
    found = {}
    for i, token in enumerate(article.tokens):
        if callout_kind(token) and token.map:
            found[i] = _shifted(md.parse(token.content), line_of(token))
    for i, figure in article.figures.items():
        fence = article.tokens[i]
        if figure.directive is not None and figure.directive.caption and fence.map:
            # The caption is the fence body's tail, less surrounding blank lines.
            start = max(0, fence.content.rfind(figure.directive.caption))
            first = line_of(fence) + fence.content.count("\n", 0, start)
            found[i] = _shifted(md.parse(figure.directive.caption), first)
        elif figure.image is not None and figure.image.attrGet("title") and fence.map:
            found[i] = _shifted(md.parseInline(str(figure.image.attrGet("title"))), fence.map[0])
    return dict(sorted(found.items()))


def tokens(article: Article, md: MarkdownIt) -> list[Token]:
    """The article's tokens with every nested body spliced in after the token that holds it."""
    return flatten(article.tokens, bodies(article, md))


def flatten(main: list[Token], nested: dict[int, list[Token]]) -> list[Token]:
    out = []
    for i, token in enumerate(main):
        out.append(token)
        out.extend(nested.get(i, ()))
    return out


def split(flat: list[Token], nested: dict[int, list[Token]]) -> tuple[list[Token], dict[int, list[Token]]]:
    """Undo `flatten` on a rewritten copy of its output (one token out per token in)."""
    main: list[Token] = []
    bodies: dict[int, list[Token]] = {}
    position = 0
    while position < len(flat):
        i = len(main)
        main.append(flat[position])
        count = len(nested.get(i, ()))
        if count:
            bodies[i] = flat[position + 1 : position + 1 + count]
        position += 1 + count
    assert sum(map(len, bodies.values())) + len(main) == len(flat), "a rewrite changed the token count"
    return main, bodies


def _shifted(found: list[Token], first_line: int) -> list[Token]:
    """Tokens parsed from text that starts on the article's 0-based line `first_line`."""
    for token in found:
        if token.map:
            token.map = [token.map[0] + first_line, token.map[1] + first_line]
    return found
