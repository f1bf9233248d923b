"""Front matter as a careless or hostile author writes it: every failure is `path:line`, never a
traceback, and the work is bounded."""

import datetime as dt
import time

import pytest

from ecco_build.document.articles import read_article
from ecco_build.document.markdown import markdown_parser
from ecco_build.validate import parse_directive


def read(tmp_path, text: str | bytes):
    """(article or None, ["path:line: message", …]) for one article file."""
    source = tmp_path / "a.md"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    problems = []
    article = read_article(source, "articles/a.md", markdown_parser(), problems, parse_directive)
    return article, [str(p) for p in problems]


def errors(tmp_path, text: str) -> list[str]:
    article, problems = read(tmp_path, text)
    assert article is None
    return problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: a\x0bb\n---\n", "articles/a.md:2: front matter holds the character U+000B"),
        ("---\ntitle: T\n\x0c\n---\n", "articles/a.md:3: front matter holds the character U+000C"),
        ("---\ntitle: T\x1c\ndate: x\n---\n", "articles/a.md:2: front matter holds the character U+001C"),
        ("---\ntitle: T\n\x1e: 5\n---\n", "articles/a.md:3: front matter holds the character U+001E"),
    ],
)
def test_control_characters_are_located_errors(tmp_path, text, expected):
    assert errors(tmp_path, text) == [f"{expected}, which YAML does not allow; remove it"]


def test_lines_after_line_breaks_yaml_counts_but_markdown_does_not(tmp_path):
    """YAML also breaks lines at U+2028 and U+0085; the line reported is still the file's."""
    text = '---\ndescription: "one\u2028two\x85three"\ntitle: T\ndraft: perhaps\n---\n'
    assert errors(tmp_path, text) == ["articles/a.md:4: draft must be true or false, not 'perhaps'"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "title: !!int x",
            "has x, which YAML cannot read as !!int (invalid literal for int() with base 10: 'x')",
        ),
        (
            "title: !!float nope",
            "has nope, which YAML cannot read as !!float (could not convert string to float: 'nope')",
        ),
        ("title: !!bool maybe", "has maybe, which YAML cannot read as !!bool"),
        (
            "date: 2026-13-45",
            "has 2026-13-45, which is not a date (month must be in 1..12); write dates as YYYY-MM-DD",
        ),
        (
            "date: 2026-02-30",
            "has 2026-02-30, which is not a date (day is out of range for month); write dates as YYYY-MM-DD",
        ),
        ("date: !!timestamp soon", "has soon, which is not a date; write dates as YYYY-MM-DD"),
        ("tags: !!set [a]", "is not valid YAML: expected a mapping node, but found sequence"),
        (
            "title: !!python/object:os.system x",
            "is not valid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
        ),
    ],
)
def test_tags_and_impossible_dates_are_located_errors(tmp_path, line, message):
    assert errors(tmp_path, f"---\ndraft: false\n{line}\n---\n") == [
        f"articles/a.md:3: front matter {message}"
    ]


@pytest.mark.parametrize("field", ["title", "description", "subtitle", "tags", "authors"])
def test_lone_surrogates_are_refused_where_read(tmp_path, field):
    value = '["\\udc80"]' if field in ("tags", "authors") else '"a \\ud800 b"'
    code = "dc80" if field in ("tags", "authors") else "d800"
    text = f"---\ndraft: false\n{field}: {value}\n---\n"
    assert errors(tmp_path, text) == [
        f"articles/a.md:3: front matter has the lone surrogate \\u{code}, half of a UTF-16 pair and not a "
        "character; write the character itself"
    ]


def billion_laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines)


def test_alias_bomb_is_refused_quickly_with_a_short_message(tmp_path):
    start = time.perf_counter()
    # Before, `draft: *a9` was echoed with repr: 9**10 strings, past 60 s and 254 MB of message.
    problems = errors(tmp_path, f"---\ntitle: T\n{billion_laughs(9)}\ndraft: *a9\n---\n")
    assert time.perf_counter() - start < 2
    assert problems == [
        "articles/a.md:3: front matter uses an anchor (&a0); YAML anchors and aliases are not supported "
        "here: write each value out"
    ]


def test_an_alias_is_refused_at_its_own_line(tmp_path):
    assert errors(tmp_path, "---\ntitle: T\ntags: [a]\ndescription: *x\n---\n") == [
        "articles/a.md:4: front matter uses an alias (*x); YAML anchors and aliases are not supported here: "
        "write each value out"
    ]


def test_echoed_values_are_clipped(tmp_path):
    [message] = errors(tmp_path, "---\ntitle: T\ndate: " + "x" * 5000 + "\n---\n")
    assert message == (
        "articles/a.md:3: date must be a date written YYYY-MM-DD, not '" + "x" * 199 + "… (5002 characters)"
    )
    [message] = errors(tmp_path, "---\ntitle: T\ndraft: [" + "1, " * 3000 + "1]\n---\n")
    assert message == "articles/a.md:3: draft must be true or false, not a list of 3001 items"


def test_author_fields_are_each_checked(tmp_path):
    text = """---
title: T
authors:
  - name: 5
  - name: Ada
    affiliation: 5
  - name: Bob
    url: javascript:alert(1)
  - name: Cy
    orcid: 5
  - name: Di
    orcid: not-an-orcid
  - name: Ed
    email: ed@example.org
  - 7
  - name: Fay
    affiliation: A
    affiliations: [B]
---
"""
    assert errors(tmp_path, text) == [
        "articles/a.md:4: each author needs a name, e.g. - name: Ada Lovelace; got 5",
        "articles/a.md:6: affiliation must be text or a list of texts, not 5",
        "articles/a.md:8: url must be an http(s), mailto or relative link, not 'javascript:alert(1)'",
        "articles/a.md:10: orcid must look like 0000-0002-1825-0097, not 5",
        "articles/a.md:12: orcid must look like 0000-0002-1825-0097, not 'not-an-orcid'",
        'articles/a.md:14: unknown author key "email"; valid: affiliation, affiliations, name, orcid, url',
        "articles/a.md:15: each author needs a name, e.g. - name: Ada Lovelace; got 7",
        "articles/a.md:18: give an author affiliation or affiliations, not both",
    ]


def test_good_authors_are_kept(tmp_path):
    text = """---
title: T
authors:
  - Ada Lovelace
  - name: Bob
    affiliations: [Here, There]
    url: https://example.org/bob
    orcid: https://orcid.org/0000-0002-1825-0097
---
"""
    article, problems = read(tmp_path, text)
    assert problems == []
    ada, bob = article.front.authors
    assert ada.name == "Ada Lovelace" and ada.url == "" and ada.affiliations == ()
    assert bob.affiliations == ("Here", "There") and bob.url == "https://example.org/bob"
    assert bob.orcid == "0000-0002-1825-0097"


def test_byte_order_mark_is_not_text(tmp_path):
    article, problems = read(tmp_path, "\ufeff---\ntitle: With a BOM\n---\nText.\n".encode())
    assert problems == []
    assert article.front.title == "With a BOM" and not article.text.startswith("\ufeff")


def test_duplicate_keys_name_both_lines(tmp_path):
    assert errors(tmp_path, "---\ntitle: A\ndraft: false\ntitle: B\n---\n") == [
        'articles/a.md:4: front matter gives the key "title" twice (lines 2 and 4); YAML would keep only '
        "the last: remove one"
    ]
    assert errors(tmp_path, "---\ntitle: A\nauthors:\n  - name: A\n    'name': B\n---\n") == [
        'articles/a.md:5: front matter gives the key "name" twice (lines 4 and 5); YAML would keep only '
        "the last: remove one"
    ]


def test_a_date_with_a_time_is_its_day(tmp_path):
    article, problems = read(tmp_path, "---\ntitle: T\ndate: 2026-01-02 10:30:00\nupdated: 2026-01-03\n---\n")
    assert problems == []
    assert article.front.date == dt.date(2026, 1, 2) and type(article.front.date) is dt.date


def test_problems_are_located_at_their_key(tmp_path):
    text = "---\ntitle: T\n# a comment\n'draft': 1\ntags: [a, '']\n---\n"
    assert errors(tmp_path, text) == [
        "articles/a.md:4: draft must be true or false, not 1",
        "articles/a.md:5: tags must be a list of words, e.g. tags: [saliency, code]",
    ]


def test_tags_are_bounded(tmp_path):
    """Each tag is a page listing every tag: thousands of tags were a build of many minutes."""
    many = ", ".join(f"t{i}" for i in range(5000))
    assert errors(tmp_path, f"---\ntitle: T\ntags: [{many}]\n---\n") == [
        "articles/a.md:3: give at most 20 tags of at most 60 characters each"
    ]
    assert errors(tmp_path, f"---\ntitle: T\ntags: [{'x' * 61}]\n---\n") == [
        "articles/a.md:3: give at most 20 tags of at most 60 characters each"
    ]
