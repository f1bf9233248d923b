"""Mutation operators over the text of articles: math, citations and document structure."""

from __future__ import annotations

import random

from tests.fuzz.sitedraft import (
    BIB,
    FIGURES,
    INTRO,
    Draft,
    append,
    article,
    directive_spans,
    front_line,
    prose,
    put,
    text,
)

SCRIPTS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<base href="https://evil.test/">',
    '<object data="javascript:alert(1)"></object>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<!-- <script>alert(1)</script> -->",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
)


def _math(draft: Draft, rng: random.Random, formula: str) -> None:
    display = rng.random() < 0.3
    prose(draft, rng, f"$$\n{formula}\n$$" if display else f"Inline ${formula}$ math.")


def unbalanced_math(draft: Draft, rng: random.Random) -> None:
    """A formula with unbalanced braces or environments: $\\frac{a}{b$, $x}$, a lone \\begin."""
    formula = rng.choice(
        ("\\frac{a}{b", "x}", "\\begin{matrix} a", "\\left( x", "{{{", "\\sqrt[", "a^", "\\")
    )
    _math(draft, rng, formula)


def math_text_markup(draft: Draft, rng: random.Random) -> None:
    """Raw HTML inside \\text{…} or \\mathrm{…}: <script>, <img onerror>, a </mtext> break-out."""
    inner = rng.choice(
        ("<script>alert(1)</script>", "<img/src/onerror=alert(1)>", "</mtext><script>alert(1)</script>")
        + ("<svg onload=alert(1)>", "&lt;script&gt;", '"><img src=x onerror=alert(1)>')
    )
    macro = rng.choice(("\\text", "\\mathrm", "\\operatorname", "\\textbf", "\\mbox"))
    _math(draft, rng, f"{macro}{{{inner}}}")


def math_href(draft: Draft, rng: random.Random) -> None:
    """\\href or \\url with javascript:, data:, a leading space or mixed case, in math."""
    url = rng.choice(
        (
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        )
    )
    formula = rng.choice((f"\\href{{{url}}}{{x}}", f"\\url{{{url}}}", f"\\href{{{url}}}{{\\text{{y}}}}"))
    _math(draft, rng, formula)


def huge_math(draft: Draft, rng: random.Random) -> None:
    """A 6,000-brace formula, a 100,000-character formula or 500 nested \\frac."""
    formula = rng.choice(
        ("{" * 6000 + "x" + "}" * 6000, "x+" * 50_000 + "x", "\\frac{" * 500 + "1" + "}{2}" * 500, "{" * 6000)
    )
    _math(draft, rng, formula)


def math_macros(draft: Draft, rng: random.Random) -> None:
    """Unknown or dangerous macros: \\notamacro, \\def, \\input{/etc/passwd}, \\newcommand, \\require."""
    formula = rng.choice(
        ("\\notamacro{x}", "\\def\\a{\\a}\\a", "\\input{/etc/passwd}", "\\newcommand{\\x}{\\x}\\x")
        + (
            "\\require{html}",
            "\\include{../../outside/secret.txt}",
            "\\htmlClass{x}{y}",
            "\\style{color:red}{x}",
        )
    )
    _math(draft, rng, formula)


def math_in_blocks(draft: Draft, rng: random.Random) -> None:
    """Bad math or markup in \\text inside a directive caption, a callout or a footnote."""
    formula = rng.choice(("$\\frac{a}{$", "$\\text{<script>alert(1)</script>}$", "$\\href{javascript:x}{y}$"))
    place = rng.choice(("caption", "callout", "footnote"))
    if place == "caption":
        _caption(draft, rng, f"Formula {formula}.")
    elif place == "callout":
        prose(draft, rng, f":::{{note}}\nA callout with {formula}.\n:::")
    else:
        prose(draft, rng, f"Text.[^m]\n\n[^m]: A footnote with {formula}.")


def _caption(draft: Draft, rng: random.Random, line: str) -> None:
    lines = text(draft, FIGURES).split("\n")
    spans = directive_spans("\n".join(lines))
    if spans:
        lines.insert(rng.choice(spans)[1], line)
        put(draft, FIGURES, "\n".join(lines))


def unknown_citation(draft: Draft, rng: random.Random) -> None:
    """A citation the bibliography lacks, an empty key, odd keys, or 2,000 citations in one paragraph."""
    cite = rng.choice(
        ("[@nobody]", "[@]", "[@lee1999; @nobody]", "[@lee 1999]", "[@<b>x</b>]", "[@lee1999] " * 2000)
    )
    append(draft, INTRO, f"Claimed {cite}.")


def bibliography_outside(draft: Draft, rng: random.Random) -> None:
    """bibliography: an outside .bib by ../ or absolute path, /etc/passwd, a folder, a missing file."""
    value = rng.choice(
        ("../../outside/outside.bib", "@@BOX@@/outside/outside.bib", "/etc/passwd", "..", "/", "none.bib")
        + ("../site.toml", "./refs.bib/", "refs.bib\x00.txt")
    )
    front_line(draft, INTRO, f"bibliography: {value!r}".replace("'", '"'), replace="bibliography")
    append(draft, INTRO, "Outside [@outside2020] and [@lee1999].")


def malformed_bib(draft: Draft, rng: random.Random) -> None:
    """A malformed .bib: an unclosed brace, garbage, duplicate keys, Latin-1, binary, or empty."""
    source = text(draft, BIB)
    choice = rng.choice(
        ("unclosed", "garbage", "duplicate", "latin1", "binary", "empty", "no-key", "crossref")
    )
    new = {
        "unclosed": source + "@article{broken,\n title = {x\n",
        "garbage": "this is not bibtex { } @@@ ",
        "duplicate": source + source,
        "binary": "\x00\x01\x02@article{",
        "empty": "",
        "no-key": "@article{,\n title = {x}\n}\n" + source,
        "crossref": source + "@article{x, crossref = {x}}\n@article{lee1999x, crossref = {missing}}\n",
    }.get(choice)
    if choice == "latin1":
        draft.files[BIB] = source.replace("Lee", "Lée").encode("latin-1")
    else:
        put(draft, BIB, new or "")


def huge_bib(draft: Draft, rng: random.Random) -> None:
    """A 5,000-entry .bib, of which one entry is cited."""
    entries = "".join(
        f"@article{{k{i},\n  title = {{Title {i}}},\n  author = {{Author, A{i} and Other, B}},\n"
        f"  journal = {{J}},\n  year = {{{1900 + i % 120}}}\n}}\n"
        for i in range(5000)
    )
    put(draft, BIB, text(draft, BIB) + entries)


def bib_injection(draft: Draft, rng: random.Random) -> None:
    """A cited BibTeX entry with url = {javascript:…}, a <script> title, an \\href or a doi URL."""
    field = rng.choice(
        (
            "url = {javascript:alert(1)}",
            "title = {<script>alert(1)</script>}",
            "title = {\\href{javascript:alert(1)}{x}}",
            "doi = {javascript:alert(1)}",
            "author = {<img src=x onerror=alert(1)>}",
            "url = { JavaScript:alert(1)}",
        )
    )
    entry = f"@misc{{evil,\n  {field},\n  title = {{T}},\n  author = {{Evil, E.}},\n  year = {{2020}}\n}}\n"
    put(draft, BIB, text(draft, BIB) + entry)
    append(draft, INTRO, "Evil [@evil].")


def raw_html(draft: Draft, rng: random.Random) -> None:
    """Raw HTML in prose: <script>, <img onerror>, <iframe>, <svg onload>, <base>, <object>, <style>."""
    prose(draft, rng, rng.choice(SCRIPTS))


def html_in_heading(draft: Draft, rng: random.Random) -> None:
    """Raw HTML or script in a heading (and so in the contents list and the anchor)."""
    prose(draft, rng, f"{'#' * rng.randint(1, 4)} Part {rng.choice(SCRIPTS)}")


def html_in_caption(draft: Draft, rng: random.Random) -> None:
    """Raw HTML in a directive caption or an image's title caption."""
    if rng.random() < 0.5:
        _caption(draft, rng, rng.choice(SCRIPTS))
    else:
        prose(draft, rng, f'![alt](plot.png "{rng.choice(SCRIPTS).replace(chr(34), chr(39))}")')


def html_in_footnote(draft: Draft, rng: random.Random) -> None:
    """Raw HTML in a footnote (which becomes a sidenote)."""
    prose(draft, rng, f"Noted.[^h]\n\n[^h]: {rng.choice(SCRIPTS)}")


def html_in_callout(draft: Draft, rng: random.Random) -> None:
    """Raw HTML in a callout's body or title."""
    markup = rng.choice(SCRIPTS)
    kind = rng.choice(("note", "warning", "aside"))
    block = rng.choice((f":::{{{kind}}}\n{markup}\n:::", f":::{{{kind}}} {markup}\nBody.\n:::"))
    prose(draft, rng, block)


def deep_nesting(draft: Draft, rng: random.Random) -> None:
    """Very deep nesting: 10,000 > quotes, 5,000 list levels, 50,000 * or [ characters."""
    block = rng.choice(
        (
            ">" * 10_000 + " deep",
            "\n".join("  " * i + "- x" for i in range(5_000)),
            "*" * 50_000 + "x",
            "[" * 50_000 + "x",
            "<div>" * 10_000,
            "_" * 20_000 + "a" + "_" * 20_000,
        )
    )
    prose(draft, rng, block)


def long_lines(draft: Draft, rng: random.Random) -> None:
    """A 1 MB line of prose, 100,000 short lines, or a 200,000-character word in a table."""
    block = rng.choice(
        ("word " * 200_000, "a\n" * 100_000, "| a | b |\n|---|---|\n| " + "x" * 200_000 + " | y |")
    )
    prose(draft, rng, block)


def attrs_injection(draft: Draft, rng: random.Random) -> None:
    """Attribute syntax carrying handlers on images, links and headings: {onerror=…}, {#x onclick=…}."""
    block = rng.choice(
        (
            "![x](plot.png){onerror=alert(1)}",
            "[x](https://example.test/){onclick=alert(1)}",
            "![x](plot.png){#fig-x onload=alert(1)}",
            "[x](https://example.test/){href=javascript:alert(1)}",
            '![x](plot.png){src="javascript:alert(1)"}',
            "![x](plot.png){.page style=x}",
            '[x](https://example.test/){formaction="javascript:alert(1)"}',
        )
    )
    prose(draft, rng, block)


def active_file(draft: Draft, rng: random.Random) -> None:
    """A linked SVG or HTML file beside the article that holds <script> (published as is)."""
    name, content = rng.choice(
        (
            ("evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            ("evil.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            ("evil.html", "<html><body><script>alert(1)</script></body></html>"),
        )
    )
    draft.files[f"site/articles/{name}"] = content
    prose(draft, rng, rng.choice((f"![an image]({name})", f"[a file]({name})")))


def entity_obfuscation(draft: Draft, rng: random.Random) -> None:
    """Links hidden behind entities, escapes or case: &#106;avascript:, java&#x09;script:, JAVASCRIPT:."""
    url = rng.choice(
        (
            "&#106;avascript:alert(1)",
            "java&#x09;script:alert(1)",
            "JAVASCRIPT:alert(1)",
            "javascript&colon;alert(1)",
        )
        + ("java%0ascript:alert(1)", "\\javascript:alert(1)", "<javascript:alert(1)>")
    )
    prose(draft, rng, rng.choice((f"[x]({url})", f"![x]({url})", f"[x][r]\n\n[r]: {url}")))


def document_rewrites(draft: Draft, rng: random.Random) -> None:
    """Structural surprises: only front matter, a setext heading made of ---, a stray fence, a table."""
    path = article(draft, rng)
    source = text(draft, path)
    head, _, _ = source.partition("\n---\n\n")
    new = rng.choice(
        (
            head + "\n---\n",
            source + "\nTitle\n---\n\nMore\n===\n",
            source + "\n```\nunclosed code\n",
            source + "\n| a |\n|---|\n| <script>alert(1)</script> |\n",
            source + "\n" + "---\n" * 100,
        )
    )
    put(draft, path, new)
