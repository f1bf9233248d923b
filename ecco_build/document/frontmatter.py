"""Front matter: the YAML block at the top of an article, checked key by key.

Every problem is recorded at the line of the key (or list item) it concerns, and all of them
are reported in one run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from ecco_build import fields, safe_yaml
from ecco_build.errors import Problem, clip, did_you_mean
from ecco_build.errors import shown as shown_value
from ecco_build.fields import Collector, Field, FieldError, refuse
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
    collector = Collector(path, loaded.lines, first, problems)
    for key in data:
        if key not in FRONT_KEYS:
            name = clip(str(key), 80)
            collector.fail(f'unknown front matter key "{name}"; {did_you_mean(name, FRONT_KEYS)}', str(key))
    values = {
        f.name: collector.take(f.check, data.get(f.name, f.default), f.name, fallback=f.default)
        for f in FIELDS
    }
    return FrontMatter(**values) if len(problems) == before else None


def _title(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError("front matter needs a title: line, e.g. title: How a code model closes brackets")
    return value.strip()


def _date(value: Any, name: str) -> dt.date | None:
    if value is not None and not isinstance(value, dt.date):
        raise refuse("{name} must be a date written YYYY-MM-DD, not {value}", value, name)
    if isinstance(value, dt.datetime):
        value = value.date()  # 2026-01-02 10:00 is kept as its day: days compare with days
    return value


_WORDS = fields.strings("tags must be a list of words, e.g. tags: [saliency, code]", least=0, blank=False)


def _tags(value: Any, name: str) -> tuple[str, ...]:
    tags = _WORDS(value, name)
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        # every tag is a page that lists every tag: bounded, so the site stays small and fast
        raise FieldError(f"give at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters each")
    return tuple(tags)


def _doi(value: Any, name: str) -> str:
    if not isinstance(value, str) or (value and not re.match(r"^10\.\d{4,9}/\S+$", value)):
        raise refuse("{name} must look like 10.1234/abc (without https://doi.org/), not {value}", value, name)
    return value


# Every front matter key: what it means, its default, its validator. Checked in this order,
# which is the order their problems are reported in.
FIELDS: tuple[Field, ...] = (
    Field("title", "the article title (required)", None, _title),
    Field("date", "publication date, YYYY-MM-DD", None, _date),
    Field("updated", "date of the last substantial change, YYYY-MM-DD", None, _date),
    Field("draft", "true to leave the article off the index and the feed", False, fields.boolean()),
    Field("tags", "a list of tags", [], _tags),
    Field("authors", "a list of names or {name, affiliation(s), url, orcid}", [], lambda v, n: _authors(v)),
    Field(
        "description",
        "one or two sentences for the index, feeds and previews (and under the title)",
        "",
        fields.text("{name} must be text", strip=True),
    ),
    Field(
        "bibliography",
        "a BibTeX file for [@key] citations, relative to the article",
        "",
        fields.text("{name} must be a file name, e.g. bibliography: refs.bib"),
    ),
    Field(
        "subtitle",
        "a line under the title, when it should differ from the description",
        "",
        fields.text("{name} must be text", strip=True),
    ),
    Field("doi", "the article's DOI, e.g. 10.5281/zenodo.1234567", "", _doi),
    Field(
        "hero",
        'an image beside the article, or "#fig-label" to draw that figure into the social card',
        "",
        fields.text("{name} must be an image file name, e.g. hero: figure.png"),
    ),
    Field(
        "citation_style",
        "numbered or author-year",
        "",
        fields.choice(("", "numbered", "author-year"), "{name} must be numbered or author-year, not {value}"),
    ),
)
FRONT_KEYS = {f.name: f.doc for f in FIELDS}


AUTHOR_KEYS = ("name", "affiliation", "affiliations", "url", "orcid")
ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.ASCII)


def _authors(value: Any) -> tuple[Author, ...]:
    """Authors from front matter: a name, a {name, affiliation(s), url, orcid} mapping, or a list
    of them. Every field is checked: its text reaches the page, its url an href."""
    if isinstance(value, (str, dict)):
        entries: list[tuple[tuple[int, ...], Any]] = [((), value)]
    elif isinstance(value, list):
        entries = [((i,), item) for i, item in enumerate(value)]
    else:
        raise FieldError("authors must be a list of names or of name: … entries")
    authors, errors = [], []
    for where, item in entries:
        if isinstance(item, str) and item.strip():
            authors.append(Author(item.strip()))
        elif isinstance(item, dict):
            author = _author(item, where, errors)
            if author:
                authors.append(author)
        else:
            errors.append(
                FieldError(
                    f"each author needs a name, e.g. - name: Ada Lovelace; got {shown_value(item)}", *where
                )
            )
    if errors:
        raise FieldError(errors[0].message, each=tuple(errors))
    return tuple(authors)


def _author(item: dict, where: tuple[int, ...], errors: list[FieldError]) -> Author | None:
    def fail(message: str, key: str) -> None:
        errors.append(FieldError(message, *where, key))

    for key in item:
        if key not in AUTHOR_KEYS:
            name = clip(str(key), 80)
            fail(f'unknown author key "{name}"; {did_you_mean(name, AUTHOR_KEYS)}', str(key))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        fail(f"each author needs a name, e.g. - name: Ada Lovelace; got {shown_value(name)}", "name")
        name = ""
    if "affiliation" in item and "affiliations" in item:
        fail("give an author affiliation or affiliations, not both", "affiliations")
    affiliations = item.get("affiliations", item.get("affiliation", []))
    if isinstance(affiliations, str):
        affiliations = [affiliations]
    if not isinstance(affiliations, list) or not all(isinstance(a, str) and a.strip() for a in affiliations):
        key = "affiliations" if "affiliations" in item else "affiliation"
        fail(f"{key} must be text or a list of texts, not {shown_value(item.get(key))}", key)
        affiliations = []
    url = item.get("url", "")
    if not isinstance(url, str) or not is_safe(url):
        fail(f"url must be an http(s), mailto or relative link, not {shown_value(url)}", "url")
        url = ""
    orcid = item.get("orcid", "")
    bare = orcid.strip().removeprefix("https://orcid.org/") if isinstance(orcid, str) else None
    if bare is None or (bare and not ORCID.fullmatch(bare)):
        fail(f"orcid must look like 0000-0002-1825-0097, not {shown_value(orcid)}", "orcid")
        bare = ""
    if not name:
        return None
    return Author(name.strip(), tuple(a.strip() for a in affiliations), url.strip(), bare)
