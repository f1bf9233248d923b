"""Local links and images in articles, checked at build time.

- `other.md` (or `other.md#section`) links to another article and is rewritten to its page;
- a relative path to a file beside the article (an image, a PDF) is copied next to the page;
  a `?query` or `#fragment` stays in the link, and the name is percent-decoded to find the
  file (markdown-it encodes `my plot.png` as `my%20plot.png`; the page keeps the encoding);
- a link to a missing article or file, an absolute path, a path with `..`, or a file that
  resolves outside the site or is private (see contain.py) is an error with its line; an image
  without alt text is a warning (an error with --strict).
External URLs (with a scheme), mailto: and in-page `#fragments` (checked by references.py)
are left alone. The hero image follows the same rules.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from markdown_it.token import Token

from ecco_build import active
from ecco_build.contain import Refused, SiteFiles, is_inside
from ecco_build.document.articles import Article
from ecco_build.document.lines import line_of
from ecco_build.errors import EccoBuildError, Problem, clip, did_you_mean

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
NO_PARENT = "keep linked files in or below the article's folder (no ..)"


def split(value: str) -> tuple[str, str]:
    """A local link → (the file's name on disk, the ?query#fragment that follows it):
    'my%20plot.png?v=2#x' → ('my plot.png', '?v=2#x')."""
    end = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
    return unquote(value[:end]), value[end:]


def article_name(path: str) -> str:
    """The article a `.md` link names: `other.md` → other, `other/index.md` → other."""
    pure = PurePosixPath(path)
    return pure.parent.name if pure.name == "index.md" else pure.stem


def local(child: Token) -> tuple[str, str] | None:
    """(attribute, value) if the inline token `child` links or shows a local file."""
    name = "href" if child.type == "link_open" else "src" if child.type == "image" else None
    value = str(child.attrGet(name) or "") if name else ""
    return (name, value) if name and value and not EXTERNAL.match(value) and split(value)[0] else None


def local_targets(tokens: list[Token]) -> list[tuple[str, int]]:
    """(value, line) for every local link and image that names a file."""
    found = []
    for token in tokens:
        line = line_of(token)
        found += [(link[1], line) for link in map(local, token.children or []) if link]
    return found


def check(
    article: Article,
    tokens: list[Token],
    slugs: dict[str, Path],
    files: SiteFiles,
    problems: list[Problem],
    warnings: list[str],
) -> list[Path]:
    """Check the links and images in `tokens` (the article's prose) and its hero; `slugs` maps
    article names to their Markdown files. Returns the resolved files the page will copy."""
    warnings.extend(_alt_text_warnings(article, tokens))
    copied = [_hero(article, files, problems)]
    copied += [_link(article, value, line, slugs, files, problems) for value, line in local_targets(tokens)]
    return sorted({path for path in copied if path is not None})


def _alt_text_warnings(article: Article, tokens: list[Token]) -> list[str]:
    """A warning for each image without alt text."""
    found = []
    for token in tokens:
        line = line_of(token)
        for child in token.children or []:
            if child.type == "image" and not child.content.strip():
                found.append(
                    f"{article.path}:{line}: image {clip(str(child.attrGet('src')))} has no alt text; "
                    "describe it in ![…](…) for readers who cannot see it"
                )
    return found


def _hero(article: Article, files: SiteFiles, problems: list[Problem]) -> Path | None:
    """The hero image file to copy, if the hero is one; a "#label" hero must name a figure."""
    hero = article.front.hero
    if hero.startswith("#"):
        labels = {figure.id for figure in article.figures.values() if figure.directive}
        if hero[1:] not in labels:
            problems.append(
                Problem(
                    article.path,
                    2,
                    f'hero "{clip(hero)}" names no analysis figure of this article; '
                    f"{did_you_mean(hero[1:], labels) if labels else 'it has none'}",
                )
            )
        return None
    if not hero:
        return None
    try:
        found = _file(article, hero, files)
    except Refused as exc:
        problems.append(Problem(article.path, 2, f"hero image {clip(hero)}: {exc}"))
        return None
    if found is None:
        problems.append(Problem(article.path, 2, f"hero image {clip(hero)} not found beside the article"))
    return found


def _link(
    article: Article, value: str, line: int, slugs: dict[str, Path], files: SiteFiles, problems: list[Problem]
) -> Path | None:
    """The file a local link or image at `line` names, to copy; None for a link to an article
    (which must exist) or a target that is a problem."""
    path, _ = split(value)
    shown = clip(unquote(value))
    if path.endswith(".md") and not PurePosixPath(path).is_absolute():
        if article_name(path) not in slugs:
            problems.append(Problem(article.path, line, f"link to {shown}: there is no article {clip(path)}"))
        return None
    try:
        found = _file(article, path, files)
    except Refused as exc:
        problems.append(Problem(article.path, line, f"link to {shown}: {exc}"))
        return None
    if found is None:
        missing = clip(str(article.source.parent / path))
        problems.append(
            Problem(article.path, line, f"link to {shown}: no such file beside the article ({missing})")
        )
    return found


def _file(article: Article, path: str, files: SiteFiles) -> Path | None:
    """The resolved file that a link or the hero names, beside the article; None if missing."""
    pure = PurePosixPath(path)
    if pure.is_absolute():
        raise Refused(
            "absolute paths are not supported; link with a path relative to the article "
            "(other.md for another article, plot.png for a file beside it)"
        )
    if ".." in pure.parts:
        raise Refused(NO_PARENT)
    found = files.publishable(article.source.parent, path, "the article")
    if found is not None:
        try:
            active.check(found)
        except active.ActiveContent as exc:
            raise Refused(f"it {exc}") from None
        except OSError as exc:
            raise Refused(f"it cannot be read ({exc.strerror})") from None
    return found


def copy(article: Article, path: str, out: Path, files: SiteFiles) -> None:
    """Copy the file `path` (as checked by `check`) next to the article's page in `out`."""
    try:
        found = _file(article, path, files)
    except Refused as exc:
        found, reason = None, str(exc)
    else:
        reason = "it is missing"
    target = out / article.slug / path
    if found is None or not is_inside(target, out):
        # `check` refuses every such path before anything is built: the file changed since.
        raise EccoBuildError(f"{article.path}: cannot copy {clip(path)}: {reason}; build again")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(found, target)


def rewrite(tokens: list[Token], article: Article, out: Path, files: SiteFiles) -> list[Token]:
    """Copy linked files next to the page and point `.md` links at article pages."""
    result = []
    for token in tokens:
        changed = False
        new_children = []
        for child in token.children or []:
            link = local(child)
            if link:
                name, value = link
                path, suffix = split(value)
                if path.endswith(".md"):
                    child = child.copy()
                    child.attrSet(name, f"../{quote(article_name(path))}/index.html{suffix}")
                    changed = True
                else:
                    copy(article, path, out, files)
            new_children.append(child)
        result.append(token.copy(children=new_children) if changed else token)
    return result
