"""<ecco-layer-predictions> in headless Debian Chromium: a candidate's trajectory through the layers."""

import json

import pytest

from tests.browser import browser_page, built_site, serve

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Lens
---
:::{layer-predictions}
:prompt: The capital of France is
:top_k: 4
:::

:::{layer-predictions}
:prompt: "def f(x):\\n    return x"
:top_k: 10
:::

:::{layer-predictions}
:prompt: The capital of France is
:top_k: 40
:::
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "l", ARTICLE)


def data_of(figure):
    return json.loads(figure.locator("script[type='application/json']").text_content())["result"]


def test_layer_predictions_follow_a_candidate_through_the_layers(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "l/index.html")
        predictions = page.locator("ecco-layer-predictions").first
        data = data_of(predictions)
        top_token = data["top"][-1][0]["id"]
        predictions.locator(".ecco-candidate-cell").first.hover()  # the last layer's top candidate
        same = predictions.locator(".ecco-candidate-cell.is-same").evaluate_all(
            "ns => ns.map(n => Number(n.dataset.id))"
        )
        expected = sum(1 for layer in data["top"] for c in layer if c["id"] == top_token)
        assert same == [top_token] * expected
        assert page.errors == []


GRID = """el => {
  const box = el.querySelector(".ecco-layer-scroll .ecco-scroll").getBoundingClientRect();
  const cells = [...el.querySelectorAll(".ecco-candidate-cell")];
  const outside = cells.filter((c) => {
    const b = c.getBoundingClientRect();
    return b.right > box.right + 1 || b.left < box.left - 1;
  });
  const text = ".ecco-candidate-cell code, .ecco-candidate-cell small, .ecco-layer-label";
  const sizes = [...el.querySelectorAll(text)].map((n) => parseFloat(getComputedStyle(n).fontSize));
  return { cells: cells.length, outside: outside.length, smallest: Math.min(...sizes),
    cue: getComputedStyle(el.querySelector(".ecco-scroll-cue")).display,
    page: document.documentElement.scrollWidth };
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_grid_fits_or_shows_a_scroll_cue(site, width):
    with serve(site / "_site") as url, browser_page(width=width) as page:
        page.goto(url + "l/index.html")
        figures = page.locator("ecco-layer-predictions")
        figures.nth(2).locator(".ecco-candidate-cell").first.wait_for()
        page.wait_for_timeout(200)
        for i in range(3):
            m = figures.nth(i).evaluate(GRID)
            k = len(data_of(figures.nth(i))["top"][0])
            assert m["smallest"] >= 13, m
            assert m["page"] <= width, m  # the page itself never scrolls sideways
            if width <= 480 or k <= 10:
                # Phones stack each layer's candidates; a desktop fits ten columns.
                assert m["outside"] == 0 and m["cue"] == "none", (i, m)
            else:
                assert m["outside"] > 0 and m["cue"] == "block", (i, m)
        assert page.errors == []


def test_one_tab_stop_arrows_enter_and_escape(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "l/index.html")
        figure = page.locator("ecco-layer-predictions").nth(1)
        cells = figure.locator(".ecco-candidate-cell")
        cells.first.wait_for()
        stops = "ns => ns.filter(n => n.tabIndex >= 0).length"
        assert figure.locator(".ecco-layer-grid [tabindex]").evaluate_all(stops) == 1
        cells.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        k = len(data_of(figure)["top"][0])
        focused = figure.evaluate(
            "el => [...el.querySelectorAll('.ecco-candidate-cell')].indexOf(document.activeElement)"
        )
        assert focused == k + 1  # one layer down, one candidate right
        assert figure.locator(".ecco-layer-grid [tabindex]").evaluate_all(stops) == 1
        page.keyboard.press("Enter")
        assert cells.nth(k + 1).get_attribute("aria-selected") == "true"
        page.mouse.move(5, 5)
        token = cells.nth(k + 1).get_attribute("data-id")
        same = figure.locator(".ecco-candidate-cell.is-same").evaluate_all("ns => ns.map(n => n.dataset.id)")
        assert same and set(same) == {token}
        page.keyboard.press("Escape")
        assert figure.locator(".ecco-candidate-cell[aria-selected=true]").count() == 0
        assert figure.locator(".ecco-candidate-cell.is-same").count() == 0 or page.evaluate(
            "document.activeElement.classList.contains('ecco-candidate-cell')"
        )
        assert page.errors == []
