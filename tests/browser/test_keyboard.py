"""One keyboard model in the heatmap and factor figures of the example site: each figure is one
tab stop, the arrow keys move the selection, Enter or Space pins it and Escape unpins."""

import json
from pathlib import Path

import pytest

from ecco_build.build import build
from tests.browser import browser_page, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
ONE_STOP = ("ECCO-RANKINGS", "ECCO-RANKINGS-WATCH", "ECCO-FACTORS")

HYDRATED = """() => [...document.querySelectorAll("*")]
  .filter((node) => node.tagName.startsWith("ECCO-"))
  .every((node) => node.view || node.querySelector(".ecco-error"))"""

# Where the focus is: the figure element around it (tag and its index among the page's
# figures), whether it is a form control (a figure's own <select> is a stop of its own), and
# the element itself.
WHERE = """() => {
  const node = document.activeElement;
  const figures = [...document.querySelectorAll("*")].filter((n) => n.tagName.startsWith("ECCO-"));
  const figure = node.closest(figures.map((n) => n.tagName.toLowerCase()).join(",") || "none");
  return { figure: figure ? `${figure.tagName}#${figures.indexOf(figure)}` : null,
           control: node.tagName === "SELECT", tag: node.tagName, body: node === document.body };
}"""


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "site"
    build(ROOT, out=out)
    return out


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(HYDRATED)


def tab_stops(page) -> dict[str, int]:
    """Tab through the whole page once: how many stops each figure holds (form controls aside)."""
    stops: dict[str, int] = {}
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(400):
        page.keyboard.press("Tab")
        where = page.evaluate(WHERE)
        if where["body"]:
            return stops
        if where["figure"] and not where["control"]:
            stops[where["figure"]] = stops.get(where["figure"], 0) + 1
    raise AssertionError("the focus never came back round to the page")


@pytest.mark.parametrize("article", ["brackets", "neurons", "minilm"])
def test_each_heatmap_and_factor_figure_is_one_tab_stop(example, article):
    with serve(example) as url, browser_page() as page:
        open_page(page, url + f"{article}/index.html")
        stops = tab_stops(page)
        ours = {figure: n for figure, n in stops.items() if figure.split("#")[0] in ONE_STOP}
        assert ours, stops
        assert set(ours.values()) == {1}, ours
        assert page.errors == []


def test_rankings_arrows_move_enter_pins_escape_unpins(example):
    with serve(example) as url, browser_page() as page:
        open_page(page, url + "brackets/index.html")
        figure = page.locator("ecco-rankings").first
        data = json.loads(figure.locator("script[type='application/json']").text_content())["result"]
        layers = len(data["layers"])
        status = figure.locator(".ecco-tooltip")
        cells = figure.locator(".ecco-heatmap td")
        assert figure.locator(".ecco-heatmap td[tabindex='0']").count() == 1
        figure.locator(".ecco-heatmap td[tabindex='0']").focus()

        def focused():
            return page.evaluate(
                "[document.activeElement.dataset.layer, document.activeElement.dataset.column]"
            )

        assert focused() == [str(layers - 1), "0"]  # the top row: the last layer
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        layer, column = layers - 2, 2
        assert focused() == [str(layer), str(column)]
        assert f"rank {data['rank'][layer][column]}," in status.inner_text()
        assert figure.locator(".ecco-token.output.is-selected").count() == 1
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")  # stops at the edge
        assert focused() == [str(layers - 1), str(column)]
        page.keyboard.press("End")
        assert focused() == [str(layers - 1), str(len(data["targets"]) - 1)]
        page.keyboard.press("Home")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        pinned = figure.locator(".ecco-heatmap td[aria-selected='true']")
        assert pinned.count() == 1
        assert pinned.get_attribute("data-layer") == str(layers - 2)
        # Hover elsewhere, leave: the pinned cell is shown again.
        cells.last.hover()
        assert f"rank {data['rank'][0][len(data['targets']) - 1]}," in status.inner_text()
        page.mouse.move(1, 1)
        assert f"rank {data['rank'][layers - 2][0]}," in status.inner_text()
        # The tab stop follows the focus: Tab leaves the table, Shift+Tab returns to that cell.
        assert figure.locator(".ecco-heatmap td[tabindex='0']").get_attribute("data-layer") == str(layers - 2)
        page.keyboard.press("Escape")
        assert pinned.count() == 0
        page.keyboard.press("Space")
        assert pinned.count() == 1
        page.keyboard.press("Space")  # again: unpins
        assert pinned.count() == 0
        assert page.errors == []


def test_rankings_watch_arrows_and_pin(example):
    with serve(example) as url, browser_page() as page:
        open_page(page, url + "brackets/index.html")
        figure = page.locator("ecco-rankings-watch").first
        figure.locator(".ecco-heatmap td[tabindex='0']").focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.dataset.column") == "1"
        page.keyboard.press("Enter")
        assert figure.locator("td[aria-selected='true'][data-column='1']").count() == 1
        page.keyboard.press("Escape")
        assert figure.locator("td[aria-selected='true']").count() == 0
        assert page.errors == []


def test_factors_arrows_move_enter_pins_escape_unpins(example):
    with serve(example) as url, browser_page() as page:
        open_page(page, url + "neurons/index.html")
        figure = page.locator("ecco-factors").first
        factors = figure.locator(".ecco-factor")
        assert figure.locator(".ecco-factor[tabindex='0']").count() == 1
        factors.first.focus()
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.dataset.factor") == "1"
        states = figure.locator(".ecco-factors-view .ecco-token").evaluate_all(
            "(nodes) => nodes.map((n) => n.dataset.factor)"
        )
        assert set(states) == {"1"}  # the focused factor alone
        assert "Factor 2" in figure.locator(".ecco-factor-neurons").inner_text()
        page.keyboard.press("ArrowRight")  # a single column: Right moves down too
        page.keyboard.press("Enter")
        assert figure.locator(".ecco-factor[aria-pressed='true']").get_attribute("data-factor") == "2"
        page.mouse.move(1, 1)
        page.keyboard.press("Escape")
        assert figure.locator(".ecco-factor[aria-pressed='true']").count() == 0
        page.keyboard.press("ArrowUp")
        page.keyboard.press(" ")
        assert figure.locator(".ecco-factor[aria-pressed='true']").get_attribute("data-factor") == "1"
        assert page.errors == []
