"""Mutation operators over front matter and file encodings."""

from __future__ import annotations

import random

from tests.fuzz.sitedraft import TOML, Draft, article, front_line, put, text

FRONT_TEXT_KEYS = ("title", "description", "subtitle", "tags", "hero", "bibliography")


def yaml_tag(draft: Draft, rng: random.Random) -> None:
    """A YAML tag where a plain value is expected: `!!int x`, `!!float nope`, a Python tag."""
    value = rng.choice(
        (
            "!!int x",
            "!!float nope",
            "!!binary '%%%'",
            "!!python/object/apply:os.system [ls]",
            "!!timestamp yesterday",
            "!custom x",
            "!!set {a, b}",
            "!!omap [a: 1]",
            "!!str [1, 2]",
            "!!null x",
            "!!bool maybe",
        )
    )
    key = rng.choice((*FRONT_TEXT_KEYS, "date", "draft", "authors"))
    front_line(draft, article(draft, rng), f"{key}: {value}", replace=key)


def yaml_alias(draft: Draft, rng: random.Random) -> None:
    """Anchors and aliases: a list reused as the title, a merge key, an undefined or self alias."""
    key, lines = rng.choice(
        (
            ("title", "tags: &t [x, y]\ntitle: *t"),
            ("authors", "authors:\n  - &a {name: Ada}\n  - *a\n  - <<: *a\n    url: https://x.test"),
            ("description", "description: *missing"),
            ("tags", "tags: &self [a, *self]"),
            ("authors", "authors: &me\n  - name: Ada\n    affiliation: *me"),
        )
    )
    front_line(draft, article(draft, rng), lines, replace=key)


def alias_bomb(draft: Draft, rng: random.Random) -> None:
    """A billion-laughs alias bomb of 6 to 9 levels, ten aliases per level."""
    levels = rng.randint(6, 9)
    anchors = ['&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        anchors.append(f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    key = rng.choice(("tags", "title", "authors", "description", "bogus"))
    front_line(draft, article(draft, rng), f"{key}: [{', '.join(anchors)}]", replace=key)


def control_character(draft: Draft, rng: random.Random) -> None:
    """A raw control character (\\x0b, \\x0c, \\x1c, \\x1e, NUL, ESC, NEL, U+2028) in a value."""
    char = rng.choice(
        ("\x0b", "\x0c", "\x1c", "\x1e", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff")
    )
    key = rng.choice(("title", "description", "tags", "authors"))
    value = f"[a{char}b]" if key in ("tags", "authors") else f"A{char}B"
    front_line(draft, article(draft, rng), f"{key}: {value}", replace=key)


def lone_surrogate(draft: Draft, rng: random.Random) -> None:
    """A lone surrogate written as a YAML escape ("\\ud800") in a title, tag, author or path."""
    escape = rng.choice(("\\ud800", "\\udfff", "\\ud83d", "x\\udc00y"))
    key = rng.choice((*FRONT_TEXT_KEYS, "authors"))
    value = f'["{escape}"]' if key in ("tags", "authors") else f'"{escape}"'
    front_line(draft, article(draft, rng), f"{key}: {value}", replace=key)


def impossible_date(draft: Draft, rng: random.Random) -> None:
    """An impossible or extreme date: 2026-13-45, 2026-02-30, 0000-01-01, 99999-01-01, a bad time."""
    value = rng.choice(
        (
            "2026-13-45",
            "2026-02-30",
            "0000-01-01",
            "99999-01-01",
            "2026-1-1",
            "2026-01-01T25:61:00",
            "2026-01-01 10:00:00",
            "-2026-01-01",
            "1e309",
            "2026-01-01 junk",
        )
    )
    key = rng.choice(("date", "updated"))
    front_line(draft, article(draft, rng), f"{key}: {value}", replace=key)


def duplicate_key(draft: Draft, rng: random.Random) -> None:
    """A front-matter key given twice (YAML keeps the last; the error should point there)."""
    first, second = rng.choice(
        (
            ("title: First", "title: [not, text]"),
            ("date: 2026-01-01", "date: nope"),
            ("tags: [a]", "tags: 5"),
            ("draft: false", "draft: perhaps"),
            ("hero: hero.png", "hero: gone.png"),
        )
    )
    path = article(draft, rng)
    front_line(draft, path, first, replace=first.split(":")[0])
    front_line(draft, path, second)


def wrong_type(draft: Draft, rng: random.Random) -> None:
    """A front-matter value of the wrong type: a number, a list, a mapping, null, a nested author."""
    key, value = rng.choice(
        (
            ("title", "[a, b]"),
            ("title", "5"),
            ("title", "null"),
            ("description", "12"),
            ("tags", "{a: 1}"),
            ("tags", "[[a], {b: c}]"),
            ("draft", '"yes"'),
            ("authors", "5"),
            ("authors", "[{name: Ada, affiliation: 5}]"),
            ("authors", "[{name: [1]}]"),
            ("authors", "[{name: Ada, url: 5}]"),
            ("authors", "[{name: Ada, orcid: [x]}]"),
            ("authors", "[{name: Ada, affiliations: [1, {a: b}]}]"),
            ("authors", "[{affiliation: x}]"),
            ("date", "5"),
            ("date", "[2026-01-01]"),
            ("hero", "[]"),
            ("bibliography", "3"),
            ("bibliography", "[a.bib, b.bib]"),
            ("citation_style", "7"),
            ("doi", "10"),
            ("subtitle", "{a: 1}"),
            ("updated", "true"),
        )
    )
    front_line(draft, article(draft, rng), f"{key}: {value}", replace=key)


def unknown_key(draft: Draft, rng: random.Random) -> None:
    """An unknown or odd front-matter key: a misspelling, a number, null, a list as a key."""
    line = rng.choice(("titel: x", "autors: [a]", "123: x", "? [a, b]\n: c", "null: x", "true: x", "'': x"))
    front_line(draft, article(draft, rng), line)


def byte_order_mark(draft: Draft, rng: random.Random) -> None:
    """A UTF-8 byte-order mark at the start of an article or of site.toml."""
    path = rng.choice((article(draft, rng), TOML))
    put(draft, path, "\ufeff" + text(draft, path))


def huge_value(draft: Draft, rng: random.Random) -> None:
    """A huge value: a 1 MB title, 10,000 tags, a 200,000-character description, 5,000 authors."""
    key, value = rng.choice(
        (
            ("title", "T" * 1_000_000),
            ("tags", "[" + ", ".join(f"t{i}" for i in range(10_000)) + "]"),
            ("description", "word " * 40_000),
            ("authors", "[" + ", ".join(f"A{i}" for i in range(5_000)) + "]"),
        )
    )
    front_line(draft, article(draft, rng), f"{key}: {value}", replace=key)


def unclosed_front_matter(draft: Draft, rng: random.Random) -> None:
    """Front matter opened with --- and never closed, or closed with `...` or `+++`."""
    path = article(draft, rng)
    lines = text(draft, path).split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i] == "---"), None)
    if end is not None:
        lines[end] = rng.choice(("", "...", "+++", "----", " ---"))
    put(draft, path, "\n".join(lines))


def front_not_mapping(draft: Draft, rng: random.Random) -> None:
    """Front matter that is a list, a scalar, empty, only a comment, or several documents."""
    path = article(draft, rng)
    body = text(draft, path).split("\n---\n", 1)[-1]
    head = rng.choice(("- a\n- b", "just text", "", "# a comment", "title: A\n---\ntitle: B", "[", "{a: 1"))
    put(draft, path, f"---\n{head}\n---\n{body}")


def author_url_script(draft: Draft, rng: random.Random) -> None:
    """An author `url:` (or orcid) with a javascript:, data: or vbscript: URL."""
    url = rng.choice(
        (
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "' javascript:alert(1)'",
            '"java\\tscript:alert(1)"',
            '"data:text/html,<script>alert(1)</script>"',
            "vbscript:msgbox(1)",
        )
    )
    field = rng.choice(("url", "orcid"))
    front_line(draft, article(draft, rng), f"authors:\n  - name: Eve\n    {field}: {url}", replace="authors")


def deep_yaml(draft: Draft, rng: random.Random) -> None:
    """Deeply nested YAML flow collections (1,000 to 50,000 levels) in a value."""
    depth = rng.choice((1_000, 10_000, 50_000))
    opener, closer = rng.choice((("[", "]"), ("{a: ", "}")))
    key = rng.choice(("tags", "title", "authors"))
    front_line(draft, article(draft, rng), f"{key}: {opener * depth}x{closer * depth}", replace=key)


def line_endings(draft: Draft, rng: random.Random) -> None:
    """CRLF or lone-CR line endings, or no final newline, in an article or site.toml."""
    path = rng.choice((article(draft, rng), article(draft, rng), TOML))
    source = text(draft, path)
    new = rng.choice((source.replace("\n", "\r\n"), source.replace("\n", "\r"), source.rstrip("\n")))
    put(draft, path, new)


def latin1_article(draft: Draft, rng: random.Random) -> None:
    """An article saved as Latin-1 with non-ASCII text (é, ü, ß) in its title and prose."""
    path = article(draft, rng)
    source = text(draft, path).replace("title: ", "title: Café ", 1) + "\nNaïve Straße.\n"
    draft.files[path] = source.encode("latin-1", "replace")


def truncated_utf8(draft: Draft, rng: random.Random) -> None:
    """An article (or site.toml) cut in the middle of a multi-byte UTF-8 character."""
    path = rng.choice((article(draft, rng), TOML))
    data = (text(draft, path) + "\n# Über ✓").encode("utf-8", "surrogateescape")
    draft.files[path] = data[: -rng.choice((1, 2))]


def other_encoding(draft: Draft, rng: random.Random) -> None:
    """An article in UTF-16 (with its BOM) or UTF-8 holding an encoded surrogate (CESU-8)."""
    path = article(draft, rng)
    source = text(draft, path)
    if rng.random() < 0.5:
        draft.files[path] = source.encode("utf-16", "surrogateescape")
    else:
        draft.files[path] = source.encode("utf-8", "surrogateescape") + b"\xed\xa0\x80 text\n"


def nul_bytes(draft: Draft, rng: random.Random) -> None:
    """NUL bytes in prose, in a title, or in site.toml."""
    path = rng.choice((article(draft, rng), TOML))
    source = text(draft, path)
    cut = rng.randrange(len(source) + 1)
    put(draft, path, source[:cut] + "\x00" * rng.choice((1, 100)) + source[cut:])


def latin1_toml(draft: Draft, rng: random.Random) -> None:
    """site.toml saved as Latin-1 with a non-ASCII title."""
    source = text(draft, TOML).replace('title = "', 'title = "Résumé ', 1)
    draft.files[TOML] = source.encode("latin-1", "replace")
