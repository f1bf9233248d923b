"""Read articles: YAML front matter, Markdown tokens and validated directives.

Nothing here loads a model. Every problem is collected as a `Problem(path, line, …)`
so that one run reports all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ecco_build import contain, formulas, safe_yaml
from ecco_build.errors import Problem, clip, did_you_mean, display_path
from ecco_build.options import OptionError
from ecco_build.options import shown as shown_value
from ecco_build.registry import KINDS
from ecco_build.urls import is_safe

# Prose blocks written like directives: `:::{note}` … `:::`. An optional title follows the
# kind (`:::{warning} Slow on CPU`). They hold Markdown, compute nothing.
CALLOUTS = {"note": "Note", "warning": "Warning", "aside": ""}
DIRECTIVE_INFO = re.compile(r"^\{([A-Za-z][\w-]*)\}\s*(.*)$")
OPTION_LINE = re.compile(r"^:([A-Za-z][\w-]*):(?:[ \t]+(.*?))?\s*$")
# What an author meant as an option line, well formed or not: `:name:`, `:_note:`, `:prompt :`,
# `:max new tokens:`. In the option area such a line that is not an OPTION_LINE is an error.
OPTION_SHAPED = re.compile(r"^:[ \t]*[\w-]+(?:[ \t]+[\w-]+)*[ \t]*:")
# `|` or `>`, then YAML's chomping (+ keep, - strip) and indentation (1-9) indicators in either order.
BLOCK_INDICATOR = re.compile(r"^[|>](?:[1-9][+-]?|[+-][1-9]?)?$")


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


MAX_TAGS, MAX_TAG_LENGTH = 20, 60

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


# `{#id .class width=300}` after an image, link or code span: no event handlers, no `style`, no
# URL-valued attributes.
INLINE_ATTRIBUTES = ("id", "class", "width", "height", "title", "lang")


def markdown_parser(raw_html: bool = False) -> MarkdownIt:
    """The article parser. `raw_html` (site.toml's setting) passes HTML written in Markdown
    through to pages; off, it is parsed as text and shown escaped, as Hugo does. The option
    acts on parsing only: ecco-build's own `html_block`/`html_inline` tokens (figures,
    callouts, citations) render either way. Links and images keep markdown-it's `validateLink`,
    which refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs."""
    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True, "highlight": highlight})
    md.use(front_matter_plugin).use(colon_fence_plugin).use(anchors_plugin, min_level=2, max_level=4)
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(attrs_plugin, allowed=INLINE_ATTRIBUTES)
    formulas.use(md)
    return md


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


def read_article(source: Path, shown: str, md: MarkdownIt, problems: list[Problem]) -> Article | None:
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
    front = _front_matter(tokens, shown, problems)
    lines = text.split("\n")  # markdown-it's lines: read_text already made "\r\n" and "\r" "\n"
    directives = []
    for token in tokens:
        match = DIRECTIVE_INFO.match(token.info) if token.type in ("fence", "colon_fence") else None
        if not match:
            continue
        if not _closed(token, lines):
            fence, end = clip(f"{token.markup}{{{match.group(1)}}}", 80), clip(token.markup, 80)
            problems.append(Problem(shown, token.map[0] + 1, f"{fence} is never closed; end it with {end}"))
            continue
        if match.group(1) in CALLOUTS:
            continue  # prose blocks, rendered by render.callout
        directive = parse_directive(token, match.group(1), shown, len(directives) + 1, problems)
        if directive:
            directives.append(directive)
    slug = source.parent.name if source.name == "index.md" else source.stem
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


def _front_matter(tokens: list[Token], path: str, problems: list[Problem]) -> FrontMatter | None:
    token = next((t for t in tokens if t.type == "front_matter"), None)
    if token is None:
        problems.append(Problem(path, 1, "no front matter; start the file with ---, title: …, ---"))
        return None
    first = (token.map[0] if token.map else 0) + 2  # the line after the opening ---
    try:
        loaded = safe_yaml.load(token.content, first_line=first)
    except safe_yaml.YamlError as exc:
        problems.append(Problem(path, exc.line, f"front matter {exc.message}"))
        return None
    data = {} if loaded.data is None else loaded.data
    if not isinstance(data, dict):
        problems.append(Problem(path, first, "front matter must be a mapping of key: value lines"))
        return None
    ok = True

    def fail(message: str, *where: str | int) -> None:
        """A problem at the line of the key (or list item) at path `where`."""
        nonlocal ok
        ok = False
        while where and where not in loaded.lines:
            where = where[:-1]
        problems.append(Problem(path, loaded.lines.get(where, first), message))

    for key in data:
        if key not in FRONT_KEYS:
            name = clip(str(key), 80)
            fail(f'unknown front matter key "{name}"; {did_you_mean(name, FRONT_KEYS)}', str(key))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("front matter needs a title: line, e.g. title: How a code model closes brackets", "title")
    dates = {}
    for key in ("date", "updated"):
        value = data.get(key)
        if value is not None and not isinstance(value, dt.date):
            fail(f"{key} must be a date written YYYY-MM-DD, not {shown_value(value)}", key)
        if isinstance(value, dt.datetime):
            value = value.date()  # 2026-01-02 10:00 is kept as its day: days compare with days
        dates[key] = value if isinstance(value, dt.date) else None
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        fail(f"draft must be true or false, not {shown_value(draft)}", "draft")
    tags = data.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        fail("tags must be a list of words, e.g. tags: [saliency, code]", "tags")
        tags = []
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        # every tag is a page that lists every tag: bounded, so the site stays small and fast
        fail(f"give at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters each", "tags")
        tags = []
    authors = _authors(data.get("authors", []), fail)
    description = data.get("description", "")
    if not isinstance(description, str):
        fail("description must be text", "description")
    bibliography = data.get("bibliography", "")
    if not isinstance(bibliography, str):
        fail("bibliography must be a file name, e.g. bibliography: refs.bib", "bibliography")
    subtitle = data.get("subtitle", "")
    if not isinstance(subtitle, str):
        fail("subtitle must be text", "subtitle")
        subtitle = ""
    doi = data.get("doi", "")
    if not isinstance(doi, str) or (doi and not re.match(r"^10\.\d{4,9}/\S+$", doi)):
        fail(f"doi must look like 10.1234/abc (without https://doi.org/), not {shown_value(doi)}", "doi")
        doi = ""
    hero = data.get("hero", "")
    if not isinstance(hero, str):
        fail("hero must be an image file name, e.g. hero: figure.png", "hero")
    citation_style = data.get("citation_style", "")
    if citation_style not in ("", "numbered", "author-year"):
        fail(
            f"citation_style must be numbered or author-year, not {shown_value(citation_style)}",
            "citation_style",
        )
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


AUTHOR_KEYS = ("name", "affiliation", "affiliations", "url", "orcid")
ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.ASCII)


def _authors(value: Any, fail: Callable[..., None]) -> tuple[Author, ...]:
    """Authors from front matter: a name, a {name, affiliation(s), url, orcid} mapping, or a list
    of them. Every field is checked: its text reaches the page, its url an href."""
    if isinstance(value, (str, dict)):
        entries = [(("authors",), value)]
    elif isinstance(value, list):
        entries = [(("authors", i), item) for i, item in enumerate(value)]
    else:
        fail("authors must be a list of names or of name: … entries", "authors")
        return ()
    authors = []
    for where, item in entries:
        if isinstance(item, str) and item.strip():
            authors.append(Author(item.strip()))
        elif isinstance(item, dict):
            author = _author(item, where, fail)
            if author:
                authors.append(author)
        else:
            fail(f"each author needs a name, e.g. - name: Ada Lovelace; got {shown_value(item)}", *where)
    return tuple(authors)


def _author(item: dict, where: tuple[str | int, ...], fail: Callable[..., None]) -> Author | None:
    for key in item:
        if key not in AUTHOR_KEYS:
            name = clip(str(key), 80)
            fail(f'unknown author key "{name}"; {did_you_mean(name, AUTHOR_KEYS)}', *where, str(key))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        fail(f"each author needs a name, e.g. - name: Ada Lovelace; got {shown_value(name)}", *where, "name")
        name = ""
    if "affiliation" in item and "affiliations" in item:
        fail("give an author affiliation or affiliations, not both", *where, "affiliations")
    affiliations = item.get("affiliations", item.get("affiliation", []))
    if isinstance(affiliations, str):
        affiliations = [affiliations]
    if not isinstance(affiliations, list) or not all(isinstance(a, str) and a.strip() for a in affiliations):
        key = "affiliations" if "affiliations" in item else "affiliation"
        fail(f"{key} must be text or a list of texts, not {shown_value(item.get(key))}", *where, key)
        affiliations = []
    url = item.get("url", "")
    if not isinstance(url, str) or not is_safe(url):
        fail(f"url must be an http(s), mailto or relative link, not {shown_value(url)}", *where, "url")
        url = ""
    orcid = item.get("orcid", "")
    bare = orcid.strip().removeprefix("https://orcid.org/") if isinstance(orcid, str) else None
    if bare is None or (bare and not ORCID.fullmatch(bare)):
        fail(f"orcid must look like 0000-0002-1825-0097, not {shown_value(orcid)}", *where, "orcid")
        bare = ""
    if not name:
        return None
    return Author(name.strip(), tuple(a.strip() for a in affiliations), url.strip(), bare)


def parse_directive(
    token: Token, kind_name: str, path: str, number: int, problems: list[Problem]
) -> Directive | None:
    """Split a fence body into options and caption, then validate against the kind."""
    fence_line = token.map[0] + 1 if token.map else 1
    before = len(problems)
    kind = KINDS.get(kind_name)
    if kind is None:
        name = clip(kind_name, 80)
        problems.append(
            Problem(
                path,
                fence_line,
                f'unknown directive kind "{name}"; {did_you_mean(name, [*KINDS, *CALLOUTS])}',
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
            shown_name = clip(name, 80)
            problems.append(
                Problem(
                    path,
                    line,
                    f'unknown option "{shown_name}" for {kind_name}; {did_you_mean(shown_name, known)}',
                )
            )
            continue
        try:
            options[name] = option.from_text(value) if is_text else option.check(value)
        except OptionError as exc:
            problems.append(Problem(path, line, str(exc)))
    for option in kind.options:
        if option.name in options or option.name in raw:  # given: valid, or already reported
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
    """Options as {name: (value, line, value_is_raw_text)} and the caption Markdown.

    Options come first: a YAML block between --- lines, or `:name: value` lines, blank lines
    between them allowed. A value `|` or `>` (with YAML's chomping and indentation indicators)
    starts a YAML block scalar, which runs as YAML says: up to the first non-blank line indented
    less than its content, blank lines inside it included. The caption is what follows. A line
    there that starts like an option (`:_note: x`, `:prompt : x`, `:prompt:x`) but is not one
    is an error at its line, never silently the start of the caption.
    """
    lines = body.split("\n")
    first = fence_line + 1  # line number of lines[0]
    if lines and lines[0].strip() == "---":
        return _option_block(lines, first, path, problems)
    raw: dict[str, tuple[Any, int, bool]] = {}
    i = 0
    while (found := _next_option(lines, i)) is not None:
        i = found
        line = first + i
        match = OPTION_LINE.match(lines[i])
        i += 1
        if not match:
            written = shown_value(lines[i - 1].strip())
            problems.append(Problem(path, line, f"{written} is not an option line; write :name: value"))
            continue
        name, value = _normalise(match.group(1)), match.group(2) or ""
        if BLOCK_INDICATOR.match(value):
            end = _block_end(lines, i, value)
            entry = _block_scalar(lines[i:end], value, name, line, path, problems)
            if end < len(lines) and lines[end].startswith("\t"):
                problems.append(
                    Problem(
                        path,
                        first + end,
                        f"this line starts with a tab, which ends the :{clip(name, 80)}: block above it; "
                        "indent the block with spaces (YAML does not indent with tabs)",
                    )
                )
            i = end
        else:
            entry = (value, line, True)
        if name in raw:
            where = f"lines {raw[name][1]} and {line}"
            twice = f"option :{clip(name, 80)}: is given twice ({where})"
            problems.append(Problem(path, line, f"{twice}; keep one"))
        raw[name] = entry
    return raw, "\n".join(lines[i:]).strip()


def _option_block(
    lines: list[str], first: int, path: str, problems: list[Problem]
) -> tuple[dict[str, tuple[Any, int, bool]], str]:
    """Options written as a YAML block between --- lines (lines[0] is the opening ---)."""
    raw: dict[str, tuple[Any, int, bool]] = {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(path, first, "option block opened with --- is never closed with ---"))
        return raw, ""
    try:
        loaded = safe_yaml.load("\n".join(lines[1:end]), first_line=first + 1)
    except safe_yaml.YamlError as exc:
        problems.append(Problem(path, exc.line, f"the option block {exc.message}"))
        return raw, ""
    data = {} if loaded.data is None else loaded.data
    if not isinstance(data, dict):
        problems.append(Problem(path, first + 1, "option block must be key: value lines"))
        return raw, ""
    for key, value in data.items():
        name, line = _normalise(str(key)), loaded.lines.get((str(key),), first + 1)
        if name in raw:  # max-new-tokens and max_new_tokens
            twice = f"option {clip(name, 80)} is given twice (lines {raw[name][1]} and {line})"
            problems.append(Problem(path, line, f"{twice}; keep one"))
        raw[name] = (value, line, False)
    stray = _next_option(lines, end + 1)
    if stray is not None:
        problems.append(
            Problem(
                path,
                first + stray,
                f"{shown_value(lines[stray].strip())} follows the option block; "
                "write it inside the block, as name: value",
            )
        )
    return raw, "\n".join(lines[end + 1 :]).strip()


def _next_option(lines: list[str], i: int) -> int | None:
    """The index of the next option line from i on, past blank lines; None where the caption
    starts. A line that merely looks like an option counts, so that it is reported."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i if i < len(lines) and OPTION_SHAPED.match(lines[i]) else None


def _block_end(lines: list[str], start: int, indicator: str) -> int:
    """The index after a block scalar that starts at lines[start]: YAML's rule, the first
    non-blank line indented less than the content (the indentation indicator's, or the first
    non-blank line's) or not at all. Blank lines before it belong to the block; its chomping
    indicator decides what they keep."""
    digits = [c for c in indicator if c.isdigit()]
    indent = int(digits[0]) if digits else None
    for k in range(start, len(lines)):
        if not lines[k].strip():
            continue
        spaces = len(lines[k]) - len(lines[k].lstrip(" "))
        if indent is None:
            indent = spaces
        if spaces == 0 or spaces < indent:
            return k
    return len(lines)


def _block_scalar(
    block: list[str], indicator: str, name: str, line: int, path: str, problems: list[Problem]
) -> tuple[Any, int, bool]:
    """The value of `:name: |` (at `line`) over the block's lines, read by YAML itself. A bare |
    or > drops the final newline (README: write |+ to keep it)."""
    if "+" not in indicator and "-" not in indicator:
        indicator += "-"
    try:
        loaded = safe_yaml.load(f"v: {indicator}\n" + "".join(f"{b}\n" for b in block), first_line=line)
    except safe_yaml.YamlError as exc:
        problems.append(Problem(path, exc.line, f"the :{clip(name, 80)}: block {exc.message}"))
        return "", line, False
    return loaded.data["v"] or "", line, False


def _normalise(name: str) -> str:
    return name.replace("-", "_")
