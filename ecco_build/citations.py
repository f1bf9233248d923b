"""Pandoc-style citations, `[@key]` or `[@a; @b]`, resolved at build time from BibTeX.

The bibliography is named by the article's front matter (`bibliography: refs.bib`, relative
to the article) or by site.toml (relative to the site). pybtex parses and formats the entries.
Styles: "numbered" ([1], in order of first citation) or "author-year" ((Vaswani et al., 2017),
listed alphabetically). Hovering or focusing a citation shows the reference; the list of
references ends the article. An unknown key is an error with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from markdown_it.token import Token

from ecco_build.errors import Problem, did_you_mean

CITATION = re.compile(r"\[(@[^\s;\]]+(?:\s*;\s*@[^\s;\]]+)*)\]")
STYLES = ("numbered", "author-year")


@dataclass(frozen=True)
class Bibliography:
    path: Path
    html: dict[str, str]  # key → formatted reference (HTML from pybtex)
    short: dict[str, str]  # key → "Vaswani et al., 2017"


def load(path: Path) -> Bibliography:
    """Parse a BibTeX file; raises ValueError with pybtex's message."""
    from pybtex.database import parse_file
    from pybtex.style.formatting.plain import Style

    try:
        database = parse_file(str(path), bib_format="bibtex")
        formatted = {
            e.key: e.text.render_as("html") for e in Style().format_entries(database.entries.values())
        }
    except Exception as exc:  # pybtex raises several unrelated types for bad input
        raise ValueError(str(exc).strip() or type(exc).__name__) from None
    short = {}
    for key, entry in database.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names) for p in people]
        who = (
            names[0] + (" et al." if len(names) > 2 else f" and {names[1]}" if len(names) == 2 else "")
            if names
            else key
        )
        short[key] = f"{who}, {entry.fields.get('year', 'n.d.')}"
    return Bibliography(path, formatted, short)


def cited(tokens: list[Token]) -> list[tuple[str, int]]:
    """(key, line) of every citation, in reading order."""
    found = []
    for token in tokens:
        if token.type != "inline":
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in token.children or []:
            if child.type == "text":
                for match in CITATION.finditer(child.content):
                    found += [(part.strip()[1:], line) for part in match.group(1).split(";")]
    return found


def check(tokens: list[Token], bibliography: Bibliography | None, path: str, problems: list[Problem]) -> None:
    for key, line in cited(tokens):
        if bibliography is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"citation @{key} but no bibliography: add `bibliography: refs.bib` "
                    "to the front matter or site.toml",
                )
            )
        elif key not in bibliography.html:
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown citation key @{key} in {bibliography.path.name}; "
                    f"{did_you_mean(key, bibliography.html)}",
                )
            )


def apply(tokens: list[Token], bibliography: Bibliography, style: str) -> tuple[list[Token], list[str]]:
    """Tokens with citations as linked, hoverable HTML, and the cited keys in order."""
    order: list[str] = [key for key, _ in cited(tokens)]
    order = list(dict.fromkeys(order))
    number = {key: i + 1 for i, key in enumerate(order)}

    def render(match: re.Match) -> str:
        keys = [part.strip()[1:] for part in match.group(1).split(";")]
        parts = []
        for key in keys:
            label = str(number[key]) if style == "numbered" else escape(bibliography.short[key])
            parts.append(
                f'<span class="citation" tabindex="0"><a href="#ref-{escape(key)}">{label}</a>'
                f'<span class="citation-hover" role="tooltip">{bibliography.html[key]}</span></span>'
            )
        joined = ", " if style == "numbered" else "; "
        return (
            ("[" if style == "numbered" else "(") + joined.join(parts) + ("]" if style == "numbered" else ")")
        )

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
                new_children.append(Token("text", "", 0, content=child.content[last : match.start()]))
                new_children.append(Token("html_inline", "", 0, content=render(match)))
                last = match.end()
            new_children.append(Token("text", "", 0, content=child.content[last:]))
        out.append(token.copy(children=new_children))
    if style == "author-year":
        order = sorted(order, key=lambda k: bibliography.short[k])
    return out, order


def references_html(bibliography: Bibliography, keys: list[str], style: str) -> str:
    if not keys:
        return ""
    tag = "ol" if style == "numbered" else "ul"
    items = "\n".join(f'<li id="ref-{escape(k)}">{bibliography.html[k]}</li>' for k in keys)
    return (
        f'<section class="references">\n<h2 id="references">References</h2>\n'
        f"<{tag}>\n{items}\n</{tag}>\n</section>\n"
    )
