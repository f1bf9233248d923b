"""Front matter: the YAML block at the top of an article, checked key by key.

Every problem is recorded at the line of the key (or list item) it concerns, and all of them
are reported in one run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from ecco_build import safe_yaml
from ecco_build.errors import Problem, clip, did_you_mean
from ecco_build.errors import shown as shown_value
from ecco_build.urls import is_safe


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


# fail(message, *where): a problem at the line of the key (or list item) at path `where`
Fail = Callable[..., None]


def front_matter(tokens: list[Token], path: str, problems: list[Problem]) -> FrontMatter | None:
    """The article's front matter, every key checked; None if `problems` got one."""
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
    before = len(problems)

    def fail(message: str, *where: str | int) -> None:
        while where and where not in loaded.lines:
            where = where[:-1]
        problems.append(Problem(path, loaded.lines.get(where, first), message))

    for key in data:
        if key not in FRONT_KEYS:
            name = clip(str(key), 80)
            fail(f'unknown front matter key "{name}"; {did_you_mean(name, FRONT_KEYS)}', str(key))
    fields = {key: check(data.get(key, default), fail, key) for key, (default, check) in FIELDS.items()}
    return FrontMatter(**fields) if len(problems) == before else None


def _title(value: Any, fail: Fail, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        fail("front matter needs a title: line, e.g. title: How a code model closes brackets", key)
        return ""
    return value.strip()


def _date(value: Any, fail: Fail, key: str) -> dt.date | None:
    if value is not None and not isinstance(value, dt.date):
        fail(f"{key} must be a date written YYYY-MM-DD, not {shown_value(value)}", key)
    if isinstance(value, dt.datetime):
        value = value.date()  # 2026-01-02 10:00 is kept as its day: days compare with days
    return value if isinstance(value, dt.date) else None


def _draft(value: Any, fail: Fail, key: str) -> bool:
    if not isinstance(value, bool):
        fail(f"draft must be true or false, not {shown_value(value)}", key)
    return value


def _tags(value: Any, fail: Fail, key: str) -> tuple[str, ...]:
    tags = [value] if isinstance(value, str) else value
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        fail("tags must be a list of words, e.g. tags: [saliency, code]", key)
        return ()
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        # every tag is a page that lists every tag: bounded, so the site stays small and fast
        fail(f"give at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters each", key)
        return ()
    return tuple(tags)


def _text(message: str, strip: bool = True) -> Callable[[Any, Fail, str], str]:
    """A checker for a key whose value is text (stripped, or kept as written)."""

    def check(value: Any, fail: Fail, key: str) -> str:
        if not isinstance(value, str):
            fail(message, key)
            return ""
        return value.strip() if strip else value

    return check


def _doi(value: Any, fail: Fail, key: str) -> str:
    if not isinstance(value, str) or (value and not re.match(r"^10\.\d{4,9}/\S+$", value)):
        fail(f"doi must look like 10.1234/abc (without https://doi.org/), not {shown_value(value)}", key)
        return ""
    return value


def _citation_style(value: Any, fail: Fail, key: str) -> str:
    if value not in ("", "numbered", "author-year"):
        fail(f"citation_style must be numbered or author-year, not {shown_value(value)}", key)
    return value


# front matter key → (default, checker(value, fail, key) → the FrontMatter field). Checked in
# this order, which is the order their problems are reported in.
FIELDS: dict[str, tuple[Any, Callable[[Any, Fail, str], Any]]] = {
    "title": (None, _title),
    "date": (None, _date),
    "updated": (None, _date),
    "draft": (False, _draft),
    "tags": ([], _tags),
    "authors": ([], lambda value, fail, key: _authors(value, fail)),
    "description": ("", _text("description must be text")),
    "bibliography": ("", _text("bibliography must be a file name, e.g. bibliography: refs.bib", strip=False)),
    "subtitle": ("", _text("subtitle must be text")),
    "doi": ("", _doi),
    "hero": ("", _text("hero must be an image file name, e.g. hero: figure.png", strip=False)),
    "citation_style": ("", _citation_style),
}


AUTHOR_KEYS = ("name", "affiliation", "affiliations", "url", "orcid")
ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.ASCII)


def _authors(value: Any, fail: Fail) -> tuple[Author, ...]:
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


def _author(item: dict, where: tuple[str | int, ...], fail: Fail) -> Author | None:
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
