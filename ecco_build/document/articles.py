"""Read articles: YAML front matter, Markdown tokens and directives.

Nothing here loads a model or knows a kind: what a directive fence becomes is the caller's
`DirectiveParser` (validate.parse_directive checks it against its kind). Every problem is
collected as a `Problem(path, line, …)` so that one run reports all of them.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ecco_build import contain
from ecco_build.document.fences import CALLOUTS, DIRECTIVE_INFO
from ecco_build.document.frontmatter import FrontMatter, front_matter
from ecco_build.document.lines import line_of
from ecco_build.errors import Problem, clip, display_path


@dataclass(frozen=True)
class Directive:
    """One analysis figure in an article, with validated options (defaults filled in)."""

    kind: str
    options: dict[str, Any]
    caption: str
    path: str  # the article, as shown in messages
    line: int  # 1-based line of the opening fence
    number: int  # 1-based position among the article's directives

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Article:
    source: Path
    path: str  # as shown in messages, relative to the site
    slug: str
    front: FrontMatter
    text: str
    tokens: list[Token] = field(repr=False)
    directives: tuple[Directive, ...]

    @functools.cached_property
    def figures(self) -> dict[int, Figure]:
        """Numbered figures in reading order, by the index of their token: directive fences and
        paragraphs holding one image. Unlabelled figures get the id figure-N."""
        directive_at = {d.line: d for d in self.directives}
        found: dict[int, Figure] = {}
        for i, token in enumerate(self.tokens):
            fence = token.map and token.type in ("fence", "colon_fence")
            directive = directive_at.get(line_of(token)) if fence else None
            image = None if directive else lone_image(self.tokens, i)
            number = len(found) + 1
            if directive is not None:
                found[i] = Figure(
                    number, directive.options.get("label") or f"figure-{number}", directive, None
                )
            elif image is not None:
                found[i] = Figure(number, str(image.attrGet("id") or f"figure-{number}"), None, image)
        return found


@dataclass(frozen=True)
class Figure:
    number: int
    id: str
    directive: Directive | None  # an analysis figure, or
    image: Token | None  # a stand-alone Markdown image

    def line(self, article: Article, index: int) -> int:
        return self.directive.line if self.directive else (article.tokens[index].map or [0])[0] + 1


def lone_image(tokens: list[Token], i: int) -> Token | None:
    """The image token if tokens[i] opens a paragraph that holds one image and nothing else."""
    if tokens[i].type != "paragraph_open" or i + 1 >= len(tokens):
        return None
    children = [c for c in tokens[i + 1].children or [] if not (c.type == "text" and not c.content.strip())]
    return children[0] if len(children) == 1 and children[0].type == "image" else None


def find_articles(articles_dir: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """`name.md` files and `name/index.md` folders, sorted; names starting with _ are skipped,
    and hidden ones (an editor's `.#name.md` lock, or `...md`, whose page would be `../`).
    Each must be a file that resolves, after symbolic links, inside the site folder `root`
    (resolved); anything else (a folder named x.md, a dangling link, a loop, a link out of the
    site) is a problem."""
    entries = [p for p in sorted(articles_dir.iterdir()) if not p.name.startswith(("_", "."))]
    candidates = [p for p in entries if p.name.endswith(".md")]
    # lexists: a dangling or looping index.md is reported, not skipped as glob would
    candidates += [p / "index.md" for p in entries if p.is_dir() and os.path.lexists(p / "index.md")]
    found = []
    for path in candidates:
        try:
            if contain.resolve(path, root) is not None:
                found.append(path)
        except contain.Refused as exc:
            reason = str(exc)
            if path.is_dir():
                reason += "; rename it (an article in a folder is name/index.md)"
            problems.append(Problem(display_path(path, root), 1, f"cannot read this article: {reason}"))
    return found


# (fence token, kind name, article path as shown, directive number, problems) → the directive,
# or None when `problems` got why not
DirectiveParser = Callable[[Token, str, str, int, list[Problem]], "Directive | None"]

# Folders of the built site that are not articles: an article's page is <slug>/index.html.
SITE_FOLDERS = ("data", "embed", "exports", "static", "tags")


def read_article(
    source: Path, shown: str, md: MarkdownIt, problems: list[Problem], parse_directive: DirectiveParser
) -> Article | None:
    """The article at `source` (`shown` in messages), its directives made by `parse_directive`;
    None if it cannot be read or its front matter is wrong."""
    try:
        # utf-8-sig: a byte-order mark that an editor wrote before the opening --- is not text.
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, 1, f"not UTF-8 text ({exc.reason}); save it as UTF-8"))
        return None
    except OSError as exc:
        problems.append(Problem(shown, 1, f"cannot be read ({exc.strerror or exc}); check its permissions"))
        return None
    tokens = md.parse(text)
    front = front_matter(tokens, shown, problems)
    lines = text.split("\n")  # markdown-it's lines: read_text already made "\r\n" and "\r" "\n"
    directives = []
    for token in tokens:
        match = DIRECTIVE_INFO.match(token.info) if token.type in ("fence", "colon_fence") else None
        if not match:
            continue
        if not _closed(token, lines):
            fence, end = clip(f"{token.markup}{{{match.group(1)}}}", 80), clip(token.markup, 80)
            problems.append(Problem(shown, line_of(token), f"{fence} is never closed; end it with {end}"))
            continue
        if match.group(1) in CALLOUTS:
            continue  # prose blocks, rendered by render.callout
        directive = parse_directive(token, match.group(1), shown, len(directives) + 1, problems)
        if directive:
            directives.append(directive)
    slug = source.parent.name if source.name == "index.md" else source.stem
    if slug in SITE_FOLDERS:
        message = f'article name "{slug}" is the built site\'s own {slug}/ folder; rename the article'
        problems.append(Problem(shown, 1, message))
        return None
    if front is None:
        return None
    return Article(source, shown, slug, front, text, tokens, tuple(directives))


def _closed(token: Token, lines: list[str]) -> bool:
    """Whether a fence ends with its closing line. markdown-it closes an unclosed fence at the end
    of the document (or of its list item or quote), which would make the rest of the article the
    fence's body without a word."""
    start, end = token.map or (0, 0)
    if end - start < 2:
        return False
    last = lines[end - 1].lstrip(" \t>")  # inside a quote or list item the line keeps its prefix
    marker = re.escape(token.markup[:1])
    return re.fullmatch(f"{marker}{{{len(token.markup)},}}[ \t]*", last) is not None
