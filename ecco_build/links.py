"""Local links and images in articles, checked at build time.

- `other.md` (or `other.md#section`) links to another article and is rewritten to its page;
- a relative path to a file beside the article (an image, a PDF) is copied next to the page;
- a link to a missing article or file is an error with its line; an image without alt text is
  a warning (an error with --strict).
External URLs (with a scheme), mailto: and in-page `#fragments` (checked by references.py)
are left alone.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath

from markdown_it.token import Token

from ecco_build.articles import Article
from ecco_build.errors import Problem, did_you_mean

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def local_targets(article: Article) -> list[tuple[Token, str, str, int]]:
    """(token, attribute, value, line) for every local link and image."""
    found = []
    for token in article.tokens:
        line = token.map[0] + 1 if token.map else 1
        for child in token.children or []:
            name = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            value = str(child.attrGet(name) or "") if name else ""
            if value and not EXTERNAL.match(value) and not value.startswith("#"):
                found.append((child, name, value, line))
    return found


def local_files(article: Article) -> list[Path]:
    """The files beside the article that its page copies: linked files, images, a hero image."""
    files = {
        article.source.parent / value.split("#")[0].split("?")[0]
        for _, _, value, _ in local_targets(article)
        if not value.split("#")[0].endswith(".md")
    }
    if article.front.hero and not article.front.hero.startswith("#"):
        files.add(article.source.parent / article.front.hero)
    return sorted(files)


def check(article: Article, slugs: dict[str, Path], problems: list[Problem], warnings: list[str]) -> None:
    """`slugs` maps article names to their Markdown files."""
    for token in article.tokens:
        line = token.map[0] + 1 if token.map else 1
        for child in token.children or []:
            if child.type == "image" and not child.content.strip():
                warnings.append(
                    f"{article.path}:{line}: image {child.attrGet('src')} has no alt text; "
                    "describe it in ![…](…) for readers who cannot see it"
                )
    hero = article.front.hero
    if hero.startswith("#"):
        labels = {figure.id for figure in article.figures.values() if figure.directive}
        if hero[1:] not in labels:
            problems.append(
                Problem(
                    article.path,
                    2,
                    f'hero "{hero}" names no analysis figure of this article; '
                    f"{did_you_mean(hero[1:], labels) if labels else 'it has none'}",
                )
            )
    elif hero and not (article.source.parent / hero).is_file():
        problems.append(Problem(article.path, 2, f"hero image {hero} not found beside the article"))
    for _, _, value, line in local_targets(article):
        path = value.split("#")[0].split("?")[0]
        if path.endswith(".md"):
            name = (
                PurePosixPath(path).stem
                if PurePosixPath(path).name != "index.md"
                else PurePosixPath(path).parent.name
            )
            if name not in slugs:
                problems.append(Problem(article.path, line, f"link to {value}: there is no article {path}"))
        elif ".." in PurePosixPath(path).parts:
            problems.append(
                Problem(
                    article.path,
                    line,
                    f"link to {value}: keep linked files in or below the article's folder (no ..)",
                )
            )
        elif not (article.source.parent / path).is_file():
            problems.append(
                Problem(
                    article.path,
                    line,
                    f"link to {value}: no such file beside the article ({article.source.parent / path})",
                )
            )


def rewrite(tokens: list[Token], article: Article, out: Path) -> list[Token]:
    """Copy linked files next to the page and point `.md` links at article pages."""
    result = []
    for token in tokens:
        children = token.children or []
        changed = False
        new_children = []
        for child in children:
            name = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            value = str(child.attrGet(name) or "") if name else ""
            if value and not EXTERNAL.match(value) and not value.startswith("#"):
                path, _, fragment = value.partition("#")
                if path.endswith(".md"):
                    pure = PurePosixPath(path)
                    slug = pure.parent.name if pure.name == "index.md" else pure.stem
                    child = child.copy()
                    child.attrSet(name, f"../{slug}/index.html" + (f"#{fragment}" if fragment else ""))
                    changed = True
                else:
                    target = out / article.slug / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(article.source.parent / path, target)
            new_children.append(child)
        result.append(token.copy(children=new_children) if changed else token)
    return result
