"""Moved to ecco_build/document/ (articles, fences, frontmatter, markdown) and validate.py
(parse_directive); removed in wave 3."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from ecco_build.document import articles as _document
from ecco_build.document.articles import (  # noqa: F401
    Article,
    Directive,
    Figure,
    _closed,
    find_articles,
    lone_image,
)
from ecco_build.document.fences import (  # noqa: F401
    BLOCK_INDICATOR,
    CALLOUTS,
    DIRECTIVE_INFO,
    OPTION_LINE,
    OPTION_SHAPED,
    _block_end,
    _block_scalar,
    _next_option,
    _normalise,
    _option_block,
)
from ecco_build.document.fences import split_body as _split_body  # noqa: F401
from ecco_build.document.frontmatter import (  # noqa: F401
    AUTHOR_KEYS,
    FRONT_KEYS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    ORCID,
    Author,
    FrontMatter,
    _author,
    _authors,
)
from ecco_build.document.frontmatter import front_matter as _front_matter  # noqa: F401
from ecco_build.document.markdown import (  # noqa: F401
    INLINE_ATTRIBUTES,
    highlight,
    markdown_parser,
)
from ecco_build.errors import Problem
from ecco_build.validate import parse_directive


def read_article(source: Path, shown: str, md: MarkdownIt, problems: list[Problem]) -> Article | None:
    """The article with its directives checked against their kinds (validate.parse_directive)."""
    return _document.read_article(source, shown, md, problems, parse_directive)
