"""No script from any input: math, BibTeX, raw HTML in Markdown, link URLs; and the
Content-Security-Policy on every page (its effect in a browser: tests/browser/test_csp.py)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ecco_build import urls
from ecco_build.build import build
from ecco_build.document import citations, formulas
from ecco_build.errors import ArticleErrors

# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fd0be1a50000000049454e44ae426082"
)

HOSTILE = """
---
title: Hostile
bibliography: refs.bib
---
## Heading <b>bold</b>

Prose <script>window.__pwned = 1</script> and <img src="x" onerror="window.__pwned = 2">, cited [@ok].[^n]

<script>window.__pwned = 3</script>

:::{note}
Callout <img src="x" onerror="window.__pwned = 4">
:::

![A picture](pic.png "Caption <script>window.__pwned = 5</script>"){#fig-pic}

:::{generate}
:prompt: hi
:max_new_tokens: 2
Directive caption <script>window.__pwned = 6</script>.
:::

[^n]: Footnote <script>window.__pwned = 7</script>
"""

BIB = """
@article{ok,
  title = {A Fine Paper},
  author = {Doe, Jane},
  journal = {Journal},
  year = {2020},
  url = {https://example.org/paper?a=1&b=2},
}
@misc{evil,
  title = {Evil},
  author = {Eve, Mallory},
  year = {2021},
  url = {javascript:alert(1)},
  doi = {10.1/x"onmouseover="alert(2)},
  eprint = {1234" onclick="alert(3)},
}
@weird{broken, title = {No style formats this type}}
"""


class _Live(HTMLParser):
    """Markup in a page that could run script: inline scripts, event attributes, and
    href/src values with a scheme that is not http(s), mailto or data:image."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.found.append(f"inline <script> at {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src") and value is not None and not urls.is_safe(value):
                if not value.startswith("data:image/"):
                    self.found.append(f"<{tag} {name}={value!r}>")


def live_markup(page: str) -> list[str]:
    parser = _Live()
    parser.feed(page)
    return parser.found


def hostile_site(make_site, extra: str = "") -> Path:
    site = make_site({"h.md": HOSTILE}, extra=extra)
    (site / "articles" / "refs.bib").write_text(BIB)
    (site / "articles" / "pic.png").write_bytes(PNG)
    return site


def test_raw_html_is_text_by_default_and_own_markup_still_renders(make_site):
    site = hostile_site(make_site)
    build(site)
    page = (site / "_site" / "h" / "index.html").read_text()
    assert live_markup(page) == []
    body = page.split('<div class="article-body">')[1]
    assert "<b>" not in body and '<img src="x"' not in body
    for shown in (
        "Heading &lt;b&gt;bold&lt;/b&gt;",  # heading
        # (as text, the quotes become typographic ones)
        "Prose &lt;script&gt;window.__pwned = 1&lt;/script&gt; and "
        "&lt;img src=“x” onerror=“window.__pwned = 2”&gt;",  # prose
        "&lt;script&gt;window.__pwned = 3&lt;/script&gt;",  # an HTML block
        "Callout &lt;img src=“x” onerror=“window.__pwned = 4”&gt;",  # callout
        "Caption &lt;script&gt;window.__pwned = 5&lt;/script&gt;",  # image caption
        "Directive caption &lt;script&gt;window.__pwned = 6&lt;/script&gt;",  # figure caption
        "Footnote &lt;script&gt;window.__pwned = 7&lt;/script&gt;",  # footnote
    ):
        assert shown in body, shown
    # ecco-build's own html tokens are not raw HTML from the author: they still render.
    assert '<span class="citation" tabindex="0"><a href="#ref-ok">1</a>' in body
    assert '<div class="callout callout-note" role="note">' in body
    assert body.count("<figure") == 2 and "<ecco-generate" in body
    assert '<section class="references">' in body


def test_raw_html_passes_through_when_the_site_allows_it(make_site):
    site = hostile_site(make_site, extra="raw_html = true")
    build(site)
    page = (site / "_site" / "h" / "index.html").read_text()
    assert "<script>window.__pwned = 1</script>" in page
    assert '<img src="x" onerror="window.__pwned = 4">' in page
    assert "Heading <b>bold</b>" in page
    assert len(live_markup(page)) == 7  # 4 scripts and 2 onerror; the CSP stops them all


def test_markdown_links_with_script_urls_are_not_live(make_site):
    site = make_site(
        {
            "l.md": "---\ntitle: L\n---\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) "
            "[c](vbscript:x) ![d](data:text/html,<script>alert(1)</script>) "
            "[e](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(1)> "
            '![f](pic.png){onerror="alert(1)" style="x" .page}\n'
        }
    )
    (site / "articles" / "pic.png").write_bytes(PNG)
    build(site)
    page = (site / "_site" / "l" / "index.html").read_text()
    assert live_markup(page) == []
    body = page.split('<div class="article-body">')[1]
    assert "[a](javascript:alert(1))" in body and "&lt;javascript:alert(1)&gt;" in body
    assert '<img src="pic.png" alt="f" class="page" />' in body


def test_math_text_is_escaped():
    assert formulas.to_mathml(r"\text{<script>alert(1)</script>}", False) == (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow>'
        "<mtext>&lt;script&gt;alert(1)&lt;/script&gt;</mtext></mrow></math>"
    )
    assert "<mtext>&lt;img/src/onerror=alert(1)&gt;</mtext>" in formulas.to_mathml(
        r"\text{<img/src/onerror=alert(1)>}", False
    )
    assert "<mtext>&lt;/math&gt;&lt;b&gt;</mtext>" in formulas.to_mathml(r"\text{</math><b>}", True)
    # Attributes are escaped, and style (CSS that can fetch URLs) is dropped.
    assert '<mstyle mathcolor="red&quot; onclick=&quot;x">' in formulas.to_mathml(
        r'\color{red" onclick="x}{y}', False
    )
    assert "style=" not in formulas.to_mathml(r"\style{background:url(https://x.test/)}{x}", False)
    assert '<mrow href="https://example.org/?a=1&amp;b=2">' in formulas.to_mathml(
        r"\href{https://example.org/?a=1&b=2}{x}", False
    )


FORMULAS = [
    r"a^2 + b^2 = c^2",
    r"\frac{1}{n}\sum_{i=1}^n x_i < \infty \;\&\; y",
    r"\begin{pmatrix}1&2\\3&4\end{pmatrix}",
    r"\begin{array}{|c|l|}\hline a&b\\ \hline\end{array}",
    r"\sqrt[3]{x} \overline{x} \hat{x} \left( \frac{a}{b} \right) \mathbb{R}",
    r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
    r"\boxed{x} \cancel{y} \color{red}{z} \colorbox{blue}{w} \hspace{1em} \,",
    r"\overbrace{a+b}^{n} \underbrace{c}_{m} \xrightarrow[a]{b} \binom{n}{k}",
    r"\text{a \"q\" & b} \mathbf{x} \operatorname{argmax}_x f(x) \lim_{x\to 0} \int_0^1",
]


@pytest.mark.parametrize("latex", FORMULAS)
def test_safe_mathml_keeps_ordinary_formulas_whole(latex):
    """The allowlist loses nothing latex2mathml writes for ordinary formulas."""
    from latex2mathml.converter import convert

    def events(markup: str) -> list:
        class Events(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.seen = []

            def handle_starttag(self, tag, attrs):
                self.seen.append((tag, sorted(a for a in attrs if a[0] != "border-color")))

            def handle_startendtag(self, tag, attrs):
                self.handle_starttag(tag, attrs)
                self.seen.append(f"/{tag}")

            def handle_endtag(self, tag):
                self.seen.append(f"/{tag}")

            def handle_data(self, data):
                self.seen.append(data)

        parser = Events()
        parser.feed(markup)
        parser.close()
        return parser.seen

    assert events(formulas.to_mathml(latex, True)) == events(convert(latex, display="block"))


def test_unsafe_href_and_huge_formulas_are_errors_with_clipped_echo(make_site):
    braces = "{" * 6000
    site = make_site(
        {
            "m.md": "---\ntitle: M\n---\nA $\\href{javascript:alert(1)}{x}$ link.\n\n"
            "Safe $\\href{https://example.org/}{x}$ one.\n\n"
            f"Huge ${braces}$ formula.\n\n"
            f"Deep ${'{' * 3000}x{'}' * 3000}$ formula.\n"
        }
    )
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    problems = [str(p) for p in exc.value.problems]
    assert problems[:2] == [
        "articles/m.md:4: formula $\\href{javascript:alert(1)}{x}$ cannot be rendered (\\href to "
        "javascript:alert(1): links may only use http, https, mailto or relative links); fix its LaTeX",
        f"articles/m.md:8: formula ${'{' * 200}… (6000 characters)$ cannot be rendered "
        "(a { is never closed); fix its LaTeX",
    ]
    assert problems[2] == (
        f"articles/m.md:10: formula ${'{' * 200}… (6001 characters)$ cannot be rendered "
        "(it nests too deeply); fix its LaTeX"
    )
    assert len(problems) == 3


def test_bibtex_links_are_safe_and_only_cited_entries_are_formatted(make_site, monkeypatch):
    formatted = []
    format_entry = citations.format_entry
    monkeypatch.setattr(
        citations, "format_entry", lambda entry: formatted.append(entry.key) or format_entry(entry)
    )
    site = make_site({"c.md": "---\ntitle: C\nbibliography: refs.bib\n---\nSee [@ok; @evil].\n"})
    (site / "articles" / "refs.bib").write_text(BIB)
    build(site)
    assert formatted == ["ok", "evil"]  # once each (check and render share it); never @broken
    page = (site / "_site" / "c" / "index.html").read_text()
    assert live_markup(page) == []
    refs = page.split('<section class="references">')[1]
    assert (
        'URL: <a href="https://example.org/paper?a=1&amp;b=2">https://example.org/paper?a=1&amp;b=2</a>'
        in refs
    )
    # The javascript: URL is shown as text; quotes in a doi or eprint stay inside the href.
    assert "URL: javascript:alert(1), " in refs
    assert '<a href="https://arxiv.org/abs/1234&quot; onclick=&quot;alert(3)">' in refs
    assert '<a href="https://doi.org/10.1/x&quot;onmouseover=&quot;alert(2)">' in refs


def test_a_cited_entry_pybtex_cannot_format_is_an_error_at_its_line(make_site):
    site = make_site({"c.md": "---\ntitle: C\nbibliography: refs.bib\n---\nText.\n\nSee [@broken].\n"})
    (site / "articles" / "refs.bib").write_text(BIB)
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        "articles/c.md:7: citation @broken: its entry in refs.bib cannot be formatted "
        "(pybtex cannot format entries of type @weird); fix the entry"
    ]


def test_a_large_bibliography_is_parsed_once_per_file(make_site, monkeypatch):
    import pybtex.database

    parsed = []
    parse_file = pybtex.database.parse_file
    monkeypatch.setattr(
        pybtex.database, "parse_file", lambda *a, **k: parsed.append(a) or parse_file(*a, **k)
    )
    entries = "\n".join(
        f"@misc{{k{i}, title = {{T{i}}}, author = {{A{i}, B}}, year = 2000}}" for i in range(500)
    )
    articles = {f"a{i}.md": f"---\ntitle: A{i}\n---\nSee [@k{i}].\n" for i in range(3)}
    site = make_site(articles, extra='bibliography = "refs.bib"')
    (site / "refs.bib").write_text(entries)
    build(site)
    assert len(parsed) == 1
    assert '<li id="ref-k2">' in (site / "_site" / "a2" / "index.html").read_text()


def test_every_page_carries_the_content_security_policy(make_site):
    site = make_site(
        {
            "a.md": "---\ntitle: A\ntags: [x]\n---\n:::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n",
            "b.md": "---\ntitle: B\n---\nText.\n",
        }
    )
    build(site)
    pages = sorted((site / "_site").rglob("*.html"))
    assert len(pages) == 5  # index, two articles, one tag page, one figure's embed page
    for page in pages:
        html = page.read_text()
        head = html.split("</head>")[0]
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        assert len(policies) == 1, page
        assert head.index("Content-Security-Policy") < head.index("<script"), page
        directives = dict(d.strip().split(" ", 1) for d in policies[0].split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert directives["form-action"] == "'none'"
        assert directives["connect-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"] + directives["default-src"]
        assert live_markup(html) == [], page
        # The theme is applied before paint by a classic (blocking) script file.
        assert re.search(r'<script src="(\.\./)*static/js/theme-init\.js"></script>', head), page
    assert (site / "_site" / "static" / "js" / "theme-init.js").is_file()


def test_templates_hold_no_inline_script_or_event_attribute():
    templates = Path(__file__).parent.parent / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path.name}: {tag}"
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text), path.name
