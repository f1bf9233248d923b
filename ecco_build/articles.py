"""Read articles: YAML front matter, Markdown tokens and validated directives.

Nothing here loads a model. Every problem is collected as a `Problem(path, line, …)`
so that one run reports all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ecco_build import formulas
from ecco_build.errors import Problem, did_you_mean
from ecco_build.options import OptionError, load_yaml
from ecco_build.registry import KINDS

# Prose blocks written like directives: `:::{note}` … `:::`. An optional title follows the
# kind (`:::{warning} Slow on CPU`). They hold Markdown, compute nothing.
CALLOUTS = {"note": "Note", "warning": "Warning", "aside": ""}
DIRECTIVE_INFO = re.compile(r"^\{([A-Za-z][\w-]*)\}\s*(.*)$")
OPTION_LINE = re.compile(r"^:([A-Za-z][\w-]*):(?:[ \t]+(.*?))?\s*$")
BLOCK_INDICATOR = re.compile(r"^[|>][+-]?$")


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()
    url: str = ""
    orcid: str = ""


@dataclass(frozen=True)
class FrontMatter:
    title: str
    description: str = ""
    authors: tuple[Author, ...] = ()
    date: dt.date | None = None
    updated: dt.date | None = None
    draft: bool = False
    tags: tuple[str, ...] = ()
    bibliography: str = ""
    citation_style: str = ""
    hero: str = ""
    doi: str = ""
    subtitle: str = ""


FRONT_KEYS = {
    "title": "the article title (required)",
    "description": "one or two sentences for the index, feeds and previews (and under the title)",
    "subtitle": "a line under the title, when it should differ from the description",
    "authors": "a list of names or {name, affiliation(s), url, orcid}",
    "date": "publication date, YYYY-MM-DD",
    "updated": "date of the last substantial change, YYYY-MM-DD",
    "draft": "true to leave the article off the index and the feed",
    "tags": "a list of tags",
    "bibliography": "a BibTeX file for [@key] citations, relative to the article",
    "citation_style": "numbered or author-year",
    "hero": 'an image beside the article, or "#fig-label" to draw that figure into the social card',
    "doi": "the article's DOI, e.g. 10.5281/zenodo.1234567",
}


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
            directive = directive_at.get(token.map[0] + 1) if fence else None
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


def highlight(code: str, lang: str, attrs: str) -> str:
    """Code blocks highlighted at build time by pygments; unknown languages stay plain."""
    if not lang:
        return ""
    from pygments import highlight as render
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    # Returned starting with <pre, markdown-it uses it as is instead of wrapping it again.
    html = render(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code class="language-{escape(lang)}">{html}</code></pre>\n'


def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": True, "highlight": highlight})
    md.use(front_matter_plugin).use(colon_fence_plugin).use(anchors_plugin, min_level=2, max_level=4)
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(attrs_plugin)
    formulas.use(md)
    return md


def find_articles(articles_dir: Path) -> list[Path]:
    """`name.md` files and `name/index.md` folders, sorted; files starting with _ are skipped."""
    found = []
    for path in sorted(articles_dir.glob("*.md")):
        if not path.name.startswith("_"):
            found.append(path)
    for path in sorted(articles_dir.glob("*/index.md")):
        if not path.parent.name.startswith("_"):
            found.append(path)
    return found


def read_article(source: Path, shown: str, md: MarkdownIt, problems: list[Problem]) -> Article | None:
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, 1, f"not UTF-8 text ({exc.reason}); save it as UTF-8"))
        return None
    tokens = md.parse(text)
    front = _front_matter(tokens, shown, problems)
    directives = []
    for token in tokens:
        match = DIRECTIVE_INFO.match(token.info) if token.type in ("fence", "colon_fence") else None
        if match and match.group(1) in CALLOUTS:
            continue  # prose blocks, rendered by render.callout
        if match:
            directive = parse_directive(token, match.group(1), shown, len(directives) + 1, problems)
            if directive:
                directives.append(directive)
    slug = source.parent.name if source.name == "index.md" else source.stem
    if front is None:
        return None
    return Article(source, shown, slug, front, text, tokens, tuple(directives))


def _front_matter(tokens: list[Token], path: str, problems: list[Problem]) -> FrontMatter | None:
    token = next((t for t in tokens if t.type == "front_matter"), None)
    if token is None:
        problems.append(Problem(path, 1, "no front matter; start the file with ---, title: …, ---"))
        return None
    try:
        data = load_yaml(token.content) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 1 + (mark.line + 1 if mark else 0)
        problems.append(Problem(path, line, f"front matter is not valid YAML: {exc.problem}"))  # type: ignore[attr-defined]
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, 2, "front matter must be a mapping of key: value lines"))
        return None
    lines = _key_lines(token.content, offset=2)
    ok = True

    def fail(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.append(Problem(path, lines.get(key, 2), message))

    for key in data:
        if key not in FRONT_KEYS:
            fail(key, f'unknown front matter key "{key}"; {did_you_mean(str(key), FRONT_KEYS)}')
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", "front matter needs a title: line, e.g. title: How a code model closes brackets")
    dates = {}
    for key in ("date", "updated"):
        value = data.get(key)
        if value is not None and not isinstance(value, dt.date):
            fail(key, f"{key} must be a date written YYYY-MM-DD, not {value!r}")
        dates[key] = value if isinstance(value, dt.date) else None
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        fail("draft", f"draft must be true or false, not {draft!r}")
    tags = data.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        fail("tags", "tags must be a list of words, e.g. tags: [saliency, code]")
        tags = []
    authors = _authors(data.get("authors", []), lambda m: fail("authors", m))
    description = data.get("description", "")
    if not isinstance(description, str):
        fail("description", "description must be text")
    bibliography = data.get("bibliography", "")
    if not isinstance(bibliography, str):
        fail("bibliography", "bibliography must be a file name, e.g. bibliography: refs.bib")
    subtitle = data.get("subtitle", "")
    if not isinstance(subtitle, str):
        fail("subtitle", "subtitle must be text")
        subtitle = ""
    doi = data.get("doi", "")
    if not isinstance(doi, str) or (doi and not re.match(r"^10\.\d{4,9}/\S+$", doi)):
        fail("doi", f"doi must look like 10.1234/abc (without https://doi.org/), not {doi!r}")
        doi = ""
    hero = data.get("hero", "")
    if not isinstance(hero, str):
        fail("hero", "hero must be an image file name, e.g. hero: figure.png")
    citation_style = data.get("citation_style", "")
    if citation_style not in ("", "numbered", "author-year"):
        fail("citation_style", f"citation_style must be numbered or author-year, not {citation_style!r}")
    if not ok:
        return None
    return FrontMatter(
        title=title.strip(),
        description=description.strip(),
        authors=authors,
        date=dates["date"],
        updated=dates["updated"],
        draft=draft,
        tags=tuple(tags),
        bibliography=bibliography,
        citation_style=citation_style,
        hero=hero,
        doi=doi,
        subtitle=subtitle.strip(),
    )


def _authors(value: Any, fail) -> tuple[Author, ...]:
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        fail("authors must be a list")
        return ()
    authors = []
    for item in value:
        if isinstance(item, str):
            authors.append(Author(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            affiliations = item.get("affiliations", item.get("affiliation", []))
            if isinstance(affiliations, str):
                affiliations = [affiliations]
            authors.append(
                Author(item["name"], tuple(affiliations), item.get("url", ""), item.get("orcid", ""))
            )
        else:
            fail(f"each author needs a name, e.g. - name: Ada Lovelace; got {item!r}")
    return tuple(authors)


def _key_lines(yaml_text: str, offset: int) -> dict[str, int]:
    lines = {}
    for number, line in enumerate(yaml_text.splitlines()):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number + offset)
    return lines


def parse_directive(
    token: Token, kind_name: str, path: str, number: int, problems: list[Problem]
) -> Directive | None:
    """Split a fence body into options and caption, then validate against the kind."""
    fence_line = token.map[0] + 1 if token.map else 1
    before = len(problems)
    kind = KINDS.get(kind_name)
    if kind is None:
        problems.append(
            Problem(
                path,
                fence_line,
                f'unknown directive kind "{kind_name}"; {did_you_mean(kind_name, [*KINDS, *CALLOUTS])}',
            )
        )
        return None
    raw, caption = _split_body(token.content, fence_line, path, problems)
    if len(problems) > before:
        return None  # options could not be read; checking them further would only add noise
    known = kind.option_map
    options: dict[str, Any] = {}
    for name, (value, line, is_text) in raw.items():
        option = known.get(name)
        if option is None:
            problems.append(
                Problem(path, line, f'unknown option "{name}" for {kind_name}; {did_you_mean(name, known)}')
            )
            continue
        try:
            options[name] = option.from_text(value) if is_text else option.check(value)
        except OptionError as exc:
            problems.append(Problem(path, line, str(exc)))
    for option in kind.options:
        if option.name in options:
            continue
        if option.required:
            problems.append(
                Problem(path, fence_line, f"{kind_name} needs a :{option.name}: option ({option.doc})")
            )
        else:
            options[option.name] = option.default
    for name in ("prompt",):
        if isinstance(options.get(name), str) and not options[name].strip():
            problems.append(Problem(path, raw[name][1], f":{name}: is empty; give the model some text"))
    if len(problems) > before:
        return None
    return Directive(kind_name, options, caption, path, fence_line, number)


def _split_body(
    body: str, fence_line: int, path: str, problems: list[Problem]
) -> tuple[dict[str, tuple[Any, int, bool]], str]:
    """Options as {name: (value, line, value_is_raw_text)} and the caption Markdown."""
    lines = body.split("\n")
    first = fence_line + 1  # line number of lines[0]
    raw: dict[str, tuple[Any, int, bool]] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            problems.append(Problem(path, first, "option block opened with --- is never closed with ---"))
            return raw, ""
        block = "\n".join(lines[1:end])
        try:
            data = load_yaml(block) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = first + 1 + (mark.line if mark else 0)
            problems.append(Problem(path, line, f"option block is not valid YAML: {exc.problem}"))  # type: ignore[attr-defined]
            return raw, ""
        if not isinstance(data, dict):
            problems.append(Problem(path, first + 1, "option block must be key: value lines"))
            return raw, ""
        key_lines = _key_lines(block, offset=first + 1)
        for name, value in data.items():
            raw[_normalise(str(name))] = (value, key_lines.get(str(name), first), False)
        return raw, "\n".join(lines[end + 1 :]).strip()
    i = 0
    while i < len(lines):
        match = OPTION_LINE.match(lines[i])
        if not match:
            break
        name, value, line = _normalise(match.group(1)), match.group(2) or "", first + i
        i += 1
        if BLOCK_INDICATOR.match(value):
            start = i
            # The block is the indented lines that follow; a blank line belongs to it only
            # when an indented line comes next.
            while i < len(lines) and (_indented(lines[i]) or not lines[i].strip()):
                if not lines[i].strip() and not (i + 1 < len(lines) and _indented(lines[i + 1])):
                    break
                i += 1
            indicator = value if value[1:] else value + "-"  # a bare | drops the final newline
            try:
                text = load_yaml(f"v: {indicator}\n" + "\n".join(lines[start:i]))["v"] or ""
            except yaml.YAMLError as exc:
                problems.append(Problem(path, line, f"cannot read the {name} block: {exc}"))
                continue
            if name in raw:
                problems.append(Problem(path, line, f"option :{name}: is given twice"))
            raw[name] = (text, line, False)
            continue
        if name in raw:
            problems.append(Problem(path, line, f"option :{name}: is given twice"))
        raw[name] = (value, line, True)
    return raw, "\n".join(lines[i:]).strip()


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


def _normalise(name: str) -> str:
    return name.replace("-", "_")
