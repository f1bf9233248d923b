"""Site features: cross-references, contents, highlighted code, feed, sitemap, social tags, theme."""

import xml.etree.ElementTree as ET

import pytest

from ecco_build.build import build
from ecco_build.errors import ArticleErrors
from tests.browser import browser_page, serve

ARTICLE = """
---
title: Features & more
description: A test of <everything>.
date: 2026-05-04
tags: [one, two]
---
## First section

See [](#fig-gen) and [the second figure](#figure-2), and [](#second-part).

:::{generate}
:prompt: hi
:max_new_tokens: 2
:label: fig-gen
:::

### Second part

```python
def f(x):
    return x + 1
```

:::{generate}
:prompt: ho
:max_new_tokens: 2
:::
"""


@pytest.fixture
def site(make_site):
    root = make_site(
        {
            "feat.md": ARTICLE,
            "draft.md": "---\ntitle: Draft\ndraft: true\ndate: 2026-06-01\n---\nText.\n",
            "old.md": "---\ntitle: Old\ndate: 2025-01-01\n---\nText.\n",
        },
        extra='base_url = "https://example.test/site/"',
    )
    build(root)
    return root


def test_cross_references_and_contents(site):
    page = (site / "_site" / "feat" / "index.html").read_text()
    assert '<a href="#fig-gen" class="cross-ref">Figure 1</a>' in page
    assert '<a href="#figure-2">the second figure</a>' in page
    assert '<a href="#second-part" class="cross-ref">Second part</a>' in page
    assert 'id="fig-gen"' in page and 'id="figure-2"' in page
    toc = page.split('<nav aria-label="Table of contents">')[1].split("</nav>")[0]
    assert '<li class="level-2"><a href="#first-section">First section</a></li>' in toc
    assert '<li class="level-3"><a href="#second-part">Second part</a></li>' in toc


def test_broken_reference_and_duplicate_label_are_errors(make_site):
    site = make_site(
        {
            "a.md": "---\ntitle: A\n---\nSee [](#fig-gne).\n\n:::{generate}\n:prompt: x\n:label: fig-gen\n"
            ":::\n\n:::{generate}\n:prompt: y\n:label: fig-gen\n:::\n"
        }
    )
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        'articles/a.md:4: link to "#fig-gne": no figure label or heading has that id; '
        'did you mean "fig-gen"?',
        'articles/a.md:11: label "fig-gen" is also used by the figure on line 6',
    ]


def test_code_is_highlighted_with_light_and_dark_styles(site):
    page = (site / "_site" / "feat" / "index.html").read_text()
    assert '<pre class="highlight"><code class="language-python"><span class="k">def</span>' in page
    css = (site / "_site" / "static" / "css" / "code.css").read_text()
    assert ".highlight .k" in css and ":root[data-theme=dark] .highlight .k" in css


def test_feed_sitemap_and_social_tags(site):
    feed = ET.parse(site / "_site" / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.find("a:title", ns).text for e in feed.findall("a:entry", ns)]
    assert titles == ["Features & more", "Old"]  # newest first, drafts left out
    links = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]
    assert links[0] == "https://example.test/site/feat/index.html"
    sitemap = ET.parse(site / "_site" / "sitemap.xml").getroot()
    locs = [u[0].text for u in sitemap]
    assert (
        "https://example.test/site/index.html" in locs
        and "https://example.test/site/draft/index.html" not in locs
    )
    page = (site / "_site" / "feat" / "index.html").read_text()
    assert '<meta property="og:title" content="Features &amp; more">' in page
    assert '<meta property="og:description" content="A test of &lt;everything&gt;.">' in page
    assert '<link rel="canonical" href="https://example.test/site/feat/">' in page
    index = (site / "_site" / "index.html").read_text()
    assert "Draft" not in index and index.index("Features &amp; more") < index.index("Old")


@pytest.mark.browser
def test_theme_toggle_follows_system_then_remembers(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.emulate_media(color_scheme="dark")
        page.goto(url + "feat/index.html")
        background = "getComputedStyle(document.documentElement).backgroundColor"
        assert page.evaluate(background) == "rgb(21, 23, 26)"  # the system's dark setting
        toggle = page.locator(".theme-toggle")
        assert toggle.inner_text() == "Light mode"
        toggle.click()
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        assert page.evaluate(background) == "rgb(255, 255, 255)"
        page.reload()
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        assert page.locator(".theme-toggle").inner_text() == "Dark mode"
        assert page.errors == []


def test_math_renders_to_mathml_and_bad_formulas_are_errors(make_site):
    site = make_site(
        {"m.md": "---\ntitle: M\n---\nInline $a^2 + b^2$ and display:\n\n$$\n\\frac{1}{n}\\sum_i x_i\n$$\n"}
    )
    build(site)
    page = (site / "_site" / "m" / "index.html").read_text()
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><msup><mi>a</mi>' in page
    assert 'display="block"><mrow><mfrac>' in page and "$" not in page.split("<main")[1]
    (site / "articles" / "m.md").write_text(
        "---\ntitle: M\n---\nOne $x^{2$.\n\nTwo $\\fancy x$ and $\\left( x$.\n"
    )
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        "articles/m.md:4: formula $x^{2$ cannot be rendered (a { is never closed); fix its LaTeX",
        "articles/m.md:6: formula $\\fancy x$ cannot be rendered (unknown command \\fancy); fix its LaTeX",
        "articles/m.md:6: formula $\\left( x$ cannot be rendered (ExtraLeftOrMissingRight); fix its LaTeX",
    ]


def test_prices_are_not_math(make_site):
    site = make_site({"p.md": "---\ntitle: P\n---\nIt costs $5 and $10 today.\n"})
    build(site)
    assert "It costs $5 and $10 today." in (site / "_site" / "p" / "index.html").read_text()


NOTES = """
---
title: Notes
---
## Section

A claim that needs a note.[^why] And another sentence with a second note.[^two]

More text.

[^why]: Because the *final norm* matters.
[^two]: A second note.
"""


@pytest.mark.browser
def test_footnotes_become_sidenotes_and_popovers(make_site):
    site = make_site({"n.md": NOTES})
    build(site)
    page_html = (site / "_site" / "n" / "index.html").read_text()
    assert '<li id="fn1" class="footnote-item"><p>Because the <em>final norm</em> matters.' in page_html
    with serve(site / "_site") as url:
        with browser_page(width=1400) as page:  # wide: notes sit in the right margin
            page.goto(url + "n/index.html")
            note = page.locator("#sidenote-1")
            assert note.is_visible() and note.inner_text() == "1. Because the final norm matters."
            text_box = page.locator(".article-body > p").first.bounding_box()
            assert note.bounding_box()["x"] > text_box["x"] + text_box["width"]
            assert page.locator("section.footnotes").is_hidden()
        with browser_page(width=390, height=800, touch=True) as page:  # phone: the reference opens a popover
            page.goto(url + "n/index.html")
            ref = page.locator("sup.footnote-ref > a").first
            assert page.locator("#sidenote-1").is_hidden()
            ref.focus()
            page.keyboard.press("Enter")
            assert page.locator("#sidenote-1").is_visible() and ref.get_attribute("aria-expanded") == "true"
            page.keyboard.press("Escape")
            assert page.locator("#sidenote-1").is_hidden()
            assert page.evaluate("document.activeElement.id") == "fnref1"
            page.locator("sup.footnote-ref > a").nth(1).tap()
            assert page.locator("#sidenote-2").is_visible()
            assert page.errors == []


def test_callouts_and_asides(make_site):
    site = make_site(
        {
            "c.md": "---\ntitle: C\n---\n:::{note}\nA *note*.\n:::\n\n:::{warning} Slow on CPU\n"
            "Takes <b>minutes</b>.\n:::\n\n:::{aside}\nIn the margin.\n:::\n\n:::{nte}\nx\n:::\n"
        }
    )
    with pytest.raises(
        ArticleErrors, match=r'articles/c.md:16: unknown directive kind "nte"; did you mean "note"\?'
    ):
        build(site)
    text = (site / "articles" / "c.md").read_text()
    (site / "articles" / "c.md").write_text(text.replace(":::{nte}\nx\n:::\n", ""))
    build(site)
    page = (site / "_site" / "c" / "index.html").read_text()
    note = '<div class="callout callout-note" role="note">\n<p class="callout-title">ℹ Note</p>\n'
    assert note + "<p>A <em>note</em>.</p>" in page
    # Raw HTML is text unless site.toml sets raw_html = true.
    assert '<p class="callout-title">⚠ Slow on CPU</p>\n<p>Takes &lt;b&gt;minutes&lt;/b&gt;.</p>' in page
    assert '<aside class="margin-note"><p>In the margin.</p>' in page


BIB = """
@article{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  journal = {Advances in Neural Information Processing Systems},
  year = {2017}
}
@inproceedings{sundararajan2017,
  title = {Axiomatic Attribution for Deep Networks},
  author = {Sundararajan, Mukund and Taly, Ankur},
  booktitle = {Proceedings of ICML},
  year = {2017}
}
"""


def test_citations_numbered_and_author_year(make_site):
    text = (
        "---\ntitle: C\nbibliography: refs.bib\n---\n"
        "IG [@sundararajan2017] and both [@vaswani2017; @sundararajan2017].\n"
    )
    site = make_site({"c.md": text})
    (site / "articles" / "refs.bib").write_text(BIB)
    build(site)
    page = (site / "_site" / "c" / "index.html").read_text()
    assert 'IG [<span class="citation" tabindex="0"><a href="#ref-sundararajan2017">1</a>' in page
    assert '<a href="#ref-vaswani2017">2</a>' in page
    refs = page.split('<section class="references">')[1]
    assert refs.index('id="ref-sundararajan2017"') < refs.index('id="ref-vaswani2017"')
    assert "Attention is all you need" in refs
    (site / "articles" / "c.md").write_text(
        text.replace("bibliography: refs.bib", "bibliography: refs.bib\ncitation_style: author-year")
    )
    build(site)
    page = (site / "_site" / "c" / "index.html").read_text()
    assert '(<span class="citation" tabindex="0"><a href="#ref-vaswani2017">Vaswani et al., 2017</a>' in page
    assert '<a href="#ref-sundararajan2017">Sundararajan and Taly, 2017</a>' in page


def test_citation_errors(make_site):
    site = make_site(
        {
            "c.md": "---\ntitle: C\nbibliography: refs.bib\n---\nText.\n\nSee [@vaswani2071].\n",
            "d.md": "---\ntitle: D\n---\nSee [@x].\n",
            "e.md": "---\ntitle: E\nbibliography: missing.bib\n---\nText.\n",
        }
    )
    (site / "articles" / "refs.bib").write_text(BIB)
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        'articles/c.md:7: unknown citation key @vaswani2071 in refs.bib; did you mean "vaswani2017"?',
        "articles/d.md:4: citation @x but no bibliography: add `bibliography: refs.bib` to the front matter "
        "or site.toml",
        f"articles/e.md:1: bibliography missing.bib not found at {site / 'articles' / 'missing.bib'}",
    ]


@pytest.mark.browser
def test_citation_hover_shows_reference(make_site):
    site = make_site({"c.md": "---\ntitle: C\nbibliography: refs.bib\n---\nSee [@vaswani2017].\n"})
    (site / "articles" / "refs.bib").write_text(BIB)
    build(site)
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "c/index.html")
        hover = page.locator(".citation-hover").first
        assert hover.is_hidden()
        page.locator(".citation").first.hover()
        assert hover.is_visible() and "Attention is all you need" in hover.inner_text()
        page.mouse.move(1, 1)
        page.locator(".citation").first.focus()
        assert hover.is_visible()


def test_tag_pages(site):
    page = (site / "_site" / "tags" / "two" / "index.html").read_text()
    assert "Articles tagged “two”" in page and 'href="../../feat/index.html"' in page and "Old" not in page
    index = (site / "_site" / "index.html").read_text()
    assert 'href="tags/one/index.html"' in index
    article = (site / "_site" / "feat" / "index.html").read_text()
    assert 'href="../tags/two/index.html"' in article


def test_local_links_images_and_alt_text(make_site):
    site = make_site(
        {
            "a.md": "---\ntitle: A\n---\nSee [B](b.md#part) and ![a plot](plot.png) and ![](plot.png).\n",
            "b.md": "---\ntitle: B\n---\n## Part\n\nBack to [A](a.md).\n",
        },
        extra='base_url = "https://example.test/"',
    )
    (site / "articles" / "plot.png").write_bytes(b"\x89PNG fake")
    result = build(site)
    assert result.warnings == (
        "articles/a.md:4: image plot.png has no alt text; "
        "describe it in ![…](…) for readers who cannot see it",
    )
    page = (site / "_site" / "a" / "index.html").read_text()
    assert '<a href="../b/index.html#part">B</a>' in page and '<img src="plot.png" alt="a plot"' in page
    assert (site / "_site" / "a" / "plot.png").read_bytes() == b"\x89PNG fake"
    (site / "articles" / "a.md").write_text(
        "---\ntitle: A\n---\n[C](c.md), ![x](gone.png), ![y](../up.png)\n"
    )
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        "articles/a.md:4: link to c.md: there is no article c.md",
        "articles/a.md:4: link to gone.png: no such file beside the article "
        f"({site / 'articles' / 'gone.png'})",
        "articles/a.md:4: link to ../up.png: keep linked files in or below the article's folder (no ..)",
    ]


def test_social_card_and_hero(site, make_site):
    from PIL import Image

    card = site / "_site" / "feat" / "card.png"
    assert Image.open(card).size == (1200, 630)
    page = (site / "_site" / "feat" / "index.html").read_text()
    assert '<meta property="og:image" content="https://example.test/site/feat/card.png">' in page


def test_standalone_images_are_numbered_figures(make_site):
    site = make_site(
        {
            "i.md": "---\ntitle: I\n---\nSee [](#fig-plot) and [the first one](#figure-1).\n\n"
            ":::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n\n"
            '![A plot of *loss*](plot.png "Loss **falls** with steps"){#fig-plot}\n\n'
            "Inline ![icon](plot.png) stays an image.\n"
        }
    )
    (site / "articles" / "plot.png").write_bytes(b"\x89PNG")
    build(site)
    page = (site / "_site" / "i" / "index.html").read_text()
    assert '<a href="#fig-plot" class="cross-ref">Figure 2</a>' in page
    assert '<a href="#figure-1" class="cross-ref">Figure 1</a>' not in page  # the link text was given
    assert 'id="figure-1" data-kind="generate"' in page
    figure = (
        '<figure class="image-figure l-body" id="fig-plot">\n'
        '<img src="plot.png" alt="A plot of loss" loading="lazy">\n'
        '<figcaption><a class="figure-number" href="#fig-plot">Figure 2</a>: '
        "Loss <strong>falls</strong> with steps"
    )
    assert figure in page
    assert 'Inline <img src="plot.png" alt="icon"' in page
    assert (site / "_site" / "i" / "plot.png").is_file()


def test_doi_orcid_and_scholar_tags(make_site):
    site = make_site(
        {
            "d.md": "---\ntitle: D\nsubtitle: A line under it\ndoi: 10.5281/zenodo.123\n"
            "authors:\n  - name: Ada\n"
            "    orcid: 0000-0002-1825-0097\n---\nText.\n",
            "e.md": "---\ntitle: E\ndoi: https://doi.org/10.1/x\n---\nText.\n",
        }
    )
    with pytest.raises(ArticleErrors, match=r"articles/e.md:3: doi must look like 10.1234/abc"):
        build(site)
    (site / "articles" / "e.md").unlink()
    build(site)
    page = (site / "_site" / "d" / "index.html").read_text()
    assert '<a href="https://doi.org/10.5281/zenodo.123">10.5281/zenodo.123</a>' in page
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in page
    assert '<meta name="citation_doi" content="10.5281/zenodo.123">' in page
    assert '<p class="description">A line under it</p>' in page


def test_heading_order_warnings_and_wide_images(make_site):
    site = make_site(
        {"h.md": "---\ntitle: H\n---\n# Title again\n\n## Part\n\n#### Skipped\n\n![wide](p.png){.page}\n"},
        extra='base_url = "https://x.test/"',
    )
    (site / "articles" / "p.png").write_bytes(b"\x89PNG")
    result = build(site)
    assert result.warnings == (
        "articles/h.md:4: a # heading competes with the title; start sections at ##",
        "articles/h.md:8: heading level 4 follows level 2; use ### here",
    )
    assert (
        '<figure class="image-figure l-page" id="figure-1">'
        in (site / "_site" / "h" / "index.html").read_text()
    )
