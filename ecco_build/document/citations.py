"""Pandoc-style citations, `[@key]` or `[@a; @b]`, resolved at build time from BibTeX.

The bibliography is named by the article's front matter (`bibliography: refs.bib`, relative
to the article) or by site.toml (relative to the site). pybtex parses and formats the entries.
Styles: "numbered" ([1], in order of first citation) or "author-year" ((Vaswani et al., 2017),
listed alphabetically). Hovering or focusing a citation shows the reference; the list of
references ends the article. An unknown key is an error with its line. A reference keeps a
link (its `url`, `doi`, `eprint` …) only for the schemes `urls.is_safe` allows, escaped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from ecco_build import urls
from ecco_build.document.lines import line_of
from ecco_build.errors import Problem, clip, did_you_mean

CITATION = re.compile(r"\[(@[^\s;\]]+(?:\s*;\s*@[^\s;\]]+)*)\]")
STYLES = ("numbered", "author-year")


@dataclass(frozen=True, eq=False)
class Bibliography:
    """A parsed BibTeX file. Parsing is cheap (under a second for 5,000 entries); formatting is
    not (37 s for all of them), so an entry is formatted only when an article cites it: `check`
    formats the cited ones (an entry pybtex cannot format is an error at its citation), and
    the page reuses them."""

    path: Path
    entries: dict[str, Any]  # key → pybtex Entry, parsed, not yet formatted
    _formatted: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def html(self, key: str) -> str:
        """The formatted reference (HTML); raises ValueError if pybtex cannot format it."""
        if key not in self._formatted:
            self._formatted[key] = format_entry(self.entries[key])
        return self._formatted[key]

    def short(self, key: str) -> str:
        """The author-year label, e.g. "Vaswani et al., 2017"."""
        entry = self.entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names) for p in people]
        who = (
            names[0] + (" et al." if len(names) > 2 else f" and {names[1]}" if len(names) == 2 else "")
            if names
            else key
        )
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


def load(path: Path) -> Bibliography:
    """Parse a BibTeX file (once per version of the file); raises ValueError with pybtex's message."""
    stat = path.stat()
    return _parse(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _parse(path: Path, mtime_ns: int, size: int) -> Bibliography:
    # The stat fields are part of the cache key only, so an edited file is parsed again.
    from pybtex.database import parse_file

    try:
        database = parse_file(str(path), bib_format="bibtex")
    except Exception as exc:  # pybtex raises several unrelated types for bad input
        raise ValueError(clip(str(exc).strip() or type(exc).__name__)) from None
    return Bibliography(path, dict(database.entries.items()))


def format_entry(entry: Any) -> str:
    """One reference as HTML, by pybtex's plain style; links only where `urls.is_safe`."""
    from pybtex.style.formatting.plain import Style

    try:
        text = Style().format_entry("", entry).text
    except AttributeError:  # pybtex looks up a `format_<type>` method for the entry type
        raise ValueError(f"pybtex cannot format entries of type @{clip(entry.type)}") from None
    except Exception as exc:  # FieldIsMissing and friends
        raise ValueError(clip(str(exc).strip() or type(exc).__name__)) from None
    return text.render(_safe_html_backend())


@functools.cache
def _safe_html_backend() -> Any:
    from pybtex.backends.html import Backend

    class SafeHTML(Backend):
        """pybtex's HTML, except links: pybtex writes a URL into `href` unescaped and with any
        scheme (`url = {javascript:…}`, or a `"` in a doi or eprint closing the attribute)."""

        @staticmethod
        def format_href(url: str, text: str, external: bool = False) -> str:
            if not text or not urls.is_safe(url):
                return text
            return f'<a href="{escape(url)}">{text}</a>'

    return SafeHTML()


def cited(tokens: list[Token]) -> list[tuple[str, int]]:
    """(key, line) of every citation, in reading order."""
    found = []
    for token in tokens:
        if token.type != "inline":
            continue
        line = line_of(token)
        for child in token.children or []:
            if child.type == "text":
                for match in CITATION.finditer(child.content):
                    found += [(part.strip()[1:], line) for part in match.group(1).split(";")]
    return found


def check(tokens: list[Token], bibliography: Bibliography | None, path: str, problems: list[Problem]) -> None:
    """Every citation names an entry, and every cited entry can be formatted."""
    for key, line in cited(tokens):
        if bibliography is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"citation @{clip(key)} but no bibliography: add `bibliography: refs.bib` "
                    "to the front matter or site.toml",
                )
            )
        elif key not in bibliography:
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown citation key @{clip(key)} in {bibliography.path.name}; "
                    f"{clip(did_you_mean(key, bibliography.entries))}",
                )
            )
        else:
            try:
                bibliography.html(key)
            except ValueError as exc:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"citation @{clip(key)}: its entry in {bibliography.path.name} cannot be "
                        f"formatted ({exc}); fix the entry",
                    )
                )


def apply(tokens: list[Token], bibliography: Bibliography, style: str) -> tuple[list[Token], list[str]]:
    """Tokens with citations as linked, hoverable HTML, and the cited keys in order."""
    order = list(dict.fromkeys(key for key, _ in cited(tokens)))
    number = {key: i + 1 for i, key in enumerate(order)}
    out = []
    for token in tokens:
        children = token.children or []
        if token.type != "inline" or not any(
            c.type == "text" and CITATION.search(c.content) for c in children
        ):
            out.append(token)
            continue
        new_children = []
        for child in children:
            if child.type != "text" or not CITATION.search(child.content):
                new_children.append(child)
                continue
            last = 0
            for match in CITATION.finditer(child.content):
                html = _citation_html(match, bibliography, number, style)
                new_children.append(Token("text", "", 0, content=child.content[last : match.start()]))
                new_children.append(Token("html_inline", "", 0, content=html))
                last = match.end()
            new_children.append(Token("text", "", 0, content=child.content[last:]))
        out.append(token.copy(children=new_children))
    if style == "author-year":
        order = sorted(order, key=bibliography.short)
    return out, order


def _citation_html(match: re.Match, bibliography: Bibliography, number: dict[str, int], style: str) -> str:
    """One `[@a; @b]` citation as links that show the entry on hover: [1, 2] or (Author 2020; …)."""
    keys = [part.strip()[1:] for part in match.group(1).split(";")]
    parts = []
    for key in keys:
        label = str(number[key]) if style == "numbered" else escape(bibliography.short(key))
        parts.append(
            f'<span class="citation" tabindex="0"><a href="#ref-{escape(key)}">{label}</a>'
            f'<span class="citation-hover" role="tooltip">{bibliography.html(key)}</span></span>'
        )
    joined = ", " if style == "numbered" else "; "
    return ("[" if style == "numbered" else "(") + joined.join(parts) + ("]" if style == "numbered" else ")")


def references_html(bibliography: Bibliography, keys: list[str], style: str) -> str:
    if not keys:
        return ""
    tag = "ol" if style == "numbered" else "ul"
    items = "\n".join(f'<li id="ref-{escape(k)}">{bibliography.html(k)}</li>' for k in keys)
    return (
        f'<section class="references">\n<h2 id="references">References</h2>\n'
        f"<{tag}>\n{items}\n</{tag}>\n</section>\n"
    )
