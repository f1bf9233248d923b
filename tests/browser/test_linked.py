"""Linked figures: in the bracket article, the generate, saliency and rankings figures explain
the same prompt with the same model; pinning output token k in one pins k in the others, by
mouse, touch and keyboard, and `:link: false` takes a figure out."""

import shutil
from pathlib import Path

import pytest

from ecco_build.build import build
from tests.browser import browser_page, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
HYDRATED = """() => [...document.querySelectorAll("*")]
  .filter((node) => node.tagName.startsWith("ECCO-"))
  .every((node) => node.view || node.querySelector(".ecco-error"))"""

# For the page's first three figures (generate, saliency, rankings): the pinned output index.
PINNED = """() => [...document.querySelectorAll(".ecco-figure")].slice(0, 3).map((figure) => {
  const node = figure.querySelector('[aria-pressed="true"][data-step], td[aria-selected="true"]');
  return node ? Number(node.dataset.step ?? node.dataset.column) : null;
})"""


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "site"
    build(ROOT, out=out)
    return out


def open_brackets(page, url: str) -> None:
    page.goto(url + "brackets/index.html")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(HYDRATED)
    kinds = page.eval_on_selector_all(".ecco-figure", "(fs) => fs.slice(0, 3).map((f) => f.dataset.kind)")
    assert kinds == ["generate", "saliency", "rankings"]
    links = page.eval_on_selector_all(".ecco-figure", "(fs) => fs.slice(0, 3).map((f) => f.dataset.link)")
    assert links[0] and len(set(links)) == 1  # one prompt, one model


def test_a_click_in_one_figure_pins_the_same_output_token_in_the_others(example):
    with serve(example) as url, browser_page() as page:
        open_brackets(page, url)
        assert page.evaluate(PINNED) == [None, None, None]
        page.locator(".ecco-figure >> nth=0").locator('[data-step="1"]').click()
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[1,1,1]'")
        # from the heatmap back: column 0 pins step 0 in generate and saliency
        page.locator(".ecco-figure >> nth=2").locator('td[data-column="0"] >> nth=0').click()
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[0,0,0]'")
        assert page.errors == []


def test_keyboard_and_touch_link_too(example):
    with serve(example) as url, browser_page(touch=True) as page:
        open_brackets(page, url)
        page.locator(".ecco-figure >> nth=1").locator('[data-step="2"]').tap()
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[2,2,2]'")
        step = page.locator(".ecco-figure >> nth=0").locator('[data-step="1"]')
        step.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[1,1,1]'")
        page.keyboard.press("Escape")  # unpinning is linked too
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[null,null,null]'")
        step.tap()
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[1,1,1]'")
        step.tap()  # the pinned token again unpins it, everywhere
        page.wait_for_function(f"() => JSON.stringify(({PINNED})()) === '[null,null,null]'")
        assert page.errors == []


def test_link_false_takes_a_figure_out(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for name in ("site.toml", "articles", "data"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, site / name)
    article = site / "articles" / "brackets.md"
    text = article.read_text()
    saliency = text.index(":::{saliency}")
    article.write_text(
        text[:saliency] + ":::{saliency}\n:link: false" + text[saliency + len(":::{saliency}") :]
    )
    build(site)  # presentation options are not in the job key: the stored results are reused
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "brackets/index.html")
        page.wait_for_load_state("networkidle")
        page.wait_for_function(HYDRATED)
        assert page.locator(".ecco-figure >> nth=1").evaluate("(f) => f.dataset.link") is None
        page.locator(".ecco-figure >> nth=0").locator('[data-step="1"]').click()
        page.wait_for_function(f"() => ({PINNED})()[2] === 1")
        assert page.evaluate(PINNED) == [1, None, 1]
