"""Pages that hold at every width: no page of the example site scrolls sideways, its sidenotes,
asides and figures stay inside the window, the text column sits in the same place with or
without a table of contents, footnote markers are not citation numbers, every index card has
its image and the byline falls back to the site's [author]."""

from pathlib import Path

import pytest

from ecco_build.build import build
from tests.browser import browser_page, serve
from tests.conftest import write_site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
WIDTHS = [360, 390, 768, 1024, 1280, 1366, 1440, 1920]

# Every explorable has built its view (or shown its error), so what is measured is the page a
# reader sees, not the static fallback.
HYDRATED = """() => [...document.querySelectorAll("*")]
  .filter((node) => node.tagName.startsWith("ECCO-"))
  .every((node) => node.view || node.querySelector(".ecco-error"))"""

# Boxes that must lie inside the window: margin notes, asides and whole figures (a figure wider
# than the column scrolls inside its own box).
OUTSIDE = """() => {
  const width = window.innerWidth;
  const boxes = ".sidenote, .margin-note, aside, figure, .callout, .ecco-scroll, pre";
  return [...document.querySelectorAll(boxes)].flatMap((node) => {
    const box = node.getBoundingClientRect();
    if (!box.width || !box.height) return [];
    if (box.left >= -0.5 && box.right <= width + 0.5) return [];
    const where = `${Math.round(box.left)}–${Math.round(box.right)}`;
    return [`${node.tagName.toLowerCase()}.${node.className} at ${where}`];
  });
}"""

# Blocks of the article body whose centre is not the window's (the floats in the margin aside).
OFF_CENTRE = """() => {
  const middle = document.documentElement.clientWidth / 2;
  const blocks = ".article-body > :not(.sidenote):not(.margin-note)";
  return [...document.querySelectorAll(blocks)].flatMap((node) => {
    const box = node.getBoundingClientRect();
    if (!box.width || Math.abs(box.left + box.width / 2 - middle) <= 1) return [];
    const centre = Math.round(box.left + box.width / 2);
    return [`${node.tagName.toLowerCase()}.${node.className} centred at ${centre}`];
  });
}"""


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "site"
    build(ROOT, out=out)
    return out


def example_pages(site: Path) -> list[str]:
    articles = sorted(
        f"{p.parent.name}/index.html" for p in site.glob("*/index.html") if p.parent.name != "tags"
    )
    tags = sorted(str(p.relative_to(site)) for p in site.glob("tags/*/index.html"))
    return ["index.html", *articles, *tags[:1]]


@pytest.fixture(scope="module")
def page():
    with browser_page() as page:
        yield page


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(HYDRATED)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(example, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    pages = example_pages(example)
    assert len(pages) >= 5
    problems = []
    with serve(example) as url:
        for name in pages:
            open_page(page, url + name)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{name}: the page is {scroll} px wide")
            problems += [f"{name}: {box}" for box in page.evaluate(OUTSIDE)]
            if name == "authoring/index.html" and width >= 1366:
                # The margin is wide enough: the aside and the footnote sit beside the text.
                notes = page.locator(".sidenote, .margin-note")
                assert notes.count() >= 2
                for box in [notes.nth(i).bounding_box() for i in range(notes.count())]:
                    column = page.locator(".title-block").bounding_box()
                    assert box["x"] >= column["x"] + column["width"], name
    assert problems == [], f"at {width} px"
    assert page.errors == []


@pytest.mark.parametrize("width", [390, 1024, 1366, 1440, 1920])
def test_the_text_column_is_centred_on_every_page(example, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    with serve(example) as url:
        for name in example_pages(example):
            open_page(page, url + name)
            column = page.locator(".title-block, .index > h1").first.bounding_box()
            inner = page.evaluate("document.documentElement.clientWidth")
            assert column["x"] + column["width"] / 2 == pytest.approx(inner / 2, abs=1), name
            # Code blocks, figures and callouts too: a margin note beside them must not push them.
            off = page.evaluate(OFF_CENTRE)
            assert off == [], f"{name} at {width} px"


PLAIN = """
---
title: {title}
description: Plain text.
date: 2026-01-0{day}
---
{body}

Text with a footnote.[^a]

[^a]: The note.
"""


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """Two articles with no figures and no authors, one with headings (a table of contents)."""
    long = "\n\n".join(f"## Part {i}\n\nSome text in part {i}." for i in range(1, 5))
    root = write_site(
        tmp_path_factory.mktemp("plain") / "site",
        {
            "toc.md": PLAIN.format(title="With contents", day=1, body=long),
            "bare.md": PLAIN.format(title="Without contents", day=2, body="Just text."),
        },
        {},
        extra='[author]\nname = "Ada Site-Author"\naffiliation = "Analytical Engines"',
    )
    build(root)
    return root / "_site"


def test_the_column_stays_put_without_a_table_of_contents(plain, page):
    with serve(plain) as url:
        for width in (390, 1280, 1366, 1440, 1920):
            page.set_viewport_size({"width": width, "height": 900})
            places = {}
            for name in ("toc", "bare"):
                open_page(page, url + f"{name}/index.html")
                places[name] = page.locator(".title-block h1").bounding_box()["x"]
            assert page.locator(".toc").count() == 0
            assert places["toc"] == pytest.approx(places["bare"], abs=1), f"at {width} px"


def test_the_byline_falls_back_to_the_site_author(plain):
    for name in ("toc", "bare"):
        html = (plain / name / "index.html").read_text()
        byline = html.split('<div class="byline">')[1].split("</div>")[0]
        assert "Ada Site-Author" in byline and "Analytical Engines" in byline
        assert '<meta name="citation_author" content="Ada Site-Author">' in html


def test_footnote_markers_are_superscripts_not_citation_numbers(example, page):
    page.set_viewport_size({"width": 1440, "height": 900})
    with serve(example) as url:
        open_page(page, url + "authoring/index.html")
        marker = page.locator("sup.footnote-ref > a").first
        assert marker.inner_text() == "1"  # no brackets, unlike the citation "[1]"
        assert page.locator(".citation > a").first.inner_text() == "1"
        sizes = page.evaluate(
            """() => [document.querySelector("sup.footnote-ref"), document.querySelector(".citation")]
              .map((node) => parseFloat(getComputedStyle(node).fontSize))"""
        )
        assert sizes[0] < 0.8 * sizes[1]  # the marker is small and raised; the citation is text size


def test_every_index_card_shows_the_articles_card(example, page):
    page.set_viewport_size({"width": 390, "height": 900})
    with serve(example) as url:
        open_page(page, url + "index.html")
        cards = page.locator(".card")
        images = page.locator(".card img.card-hero")
        assert cards.count() >= 4 and images.count() == cards.count()
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            page.wait_for_function("(img) => img.complete", arg=image.element_handle())
            assert image.evaluate("(img) => img.naturalWidth") > 0
            assert image.get_attribute("alt").strip()
            assert image.get_attribute("width") and image.get_attribute("height")


@pytest.mark.parametrize("width", [360, 390, 768, 1024, 1280, 1366, 1920])
def test_the_contents_sit_in_the_text_column_under_the_byline(example, page, width):
    """Narrow: a block under the byline, lined up with the text; wide: in the left margin."""
    page.set_viewport_size({"width": width, "height": 900})
    with serve(example) as url:
        open_page(page, url + "brackets/index.html")
        toc = page.locator(".toc").bounding_box()
        title = page.locator(".title-block").bounding_box()
        text = page.locator(".article-body > p").first.bounding_box()
        if width >= 1312:  # 82rem: the margin column
            assert toc["x"] + toc["width"] <= text["x"]
            assert toc["y"] == pytest.approx(text["y"], abs=40)
        else:
            assert toc["x"] == pytest.approx(title["x"], abs=1), "not in the text column"
            assert toc["y"] >= title["y"] + title["height"], "above the title"
            assert toc["y"] + toc["height"] <= text["y"]


@pytest.mark.parametrize("width", [360, 390])
def test_a_phone_layer_grid_keeps_its_candidates_in_columns(example, page, width):
    """Each layer's candidates wrap into equal columns: a short last line does not stretch."""
    page.set_viewport_size({"width": width, "height": 900})
    with serve(example) as url:
        open_page(page, url + "brackets/index.html")
        rows = page.evaluate(
            """() => [...document.querySelectorAll(".ecco-layer-row")].map((row) =>
              [...row.querySelectorAll(".ecco-candidate-cell")].map((cell) => {
                const box = cell.getBoundingClientRect();
                return [Math.round(box.left), Math.round(box.width)];
              }))"""
        )
    assert len(rows) >= 7
    widths = {w for row in rows for _, w in row}
    assert max(widths) - min(widths) <= 1, f"candidate widths {sorted(widths)}"
    # Every candidate starts at one of the columns that the first layer's first line sets.
    first = [x for x, _ in rows[0]]
    columns = first[: first.index(min(first), 1)] if first.count(min(first)) > 1 else first
    assert {x for row in rows for x, _ in row} <= set(columns)


# The figures' painted colours: rank cells and swatches, tinted tokens, factor lines.
PAINT = """() => [...document.querySelectorAll(
    "td[data-rank], .ecco-swatch, .ecco-token, .ecco-factor-number, polyline")]
  .map((node) => `${node.getAttribute("style")} ${node.getAttribute("stroke")}`)"""


def test_the_theme_toggle_repaints_every_figure(example, page):
    """Switching to dark with the page's button paints the figures as a dark system setting does."""
    page.set_viewport_size({"width": 1280, "height": 900})
    with serve(example) as url:
        for name in ("brackets", "minilm", "neurons"):
            page.emulate_media(color_scheme="dark")
            open_page(page, url + f"{name}/index.html")
            dark = page.evaluate(PAINT)
            page.emulate_media(color_scheme="light")
            open_page(page, url + f"{name}/index.html")
            light = page.evaluate(PAINT)
            page.locator(".theme-toggle").click()
            page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
            page.wait_for_timeout(100)  # the heatmaps paint in an animation frame
            toggled = page.evaluate(PAINT)
            page.evaluate("localStorage.clear()")
            assert light != dark and len(toggled) == len(dark) > 50, name
            changed = [i for i, (a, b) in enumerate(zip(toggled, dark, strict=True)) if a != b]
            assert changed == [], f"{name}: {len(changed)} nodes keep the light colours"
    page.emulate_media(color_scheme="light")
    assert page.errors == []
