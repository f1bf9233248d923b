"""<ecco-rankings> in headless Debian Chromium: tooltips match the JSON; figures independent."""

import json

import pytest

from tests.browser import browser_page, built_site, serve

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Lens
---
:::{rankings}
:prompt: def area(width, height):
:max_new_tokens: 4
:::

:::{rankings}
:prompt: for i in range(10):
:max_new_tokens: 3
:::
"""


def percent(p):
    return f"{100 * p:.1f}%" if p >= 0.001 else "<0.1%"


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "l", ARTICLE)


def data_of(figure):
    return json.loads(figure.locator("script[type='application/json']").text_content())["result"]


def test_rankings_cells_and_tooltips(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "l/index.html")
        first, second = page.locator("ecco-rankings").nth(0), page.locator("ecco-rankings").nth(1)
        first.locator(".ecco-rankings-view td").first.wait_for()
        data = data_of(first)
        layers = len(data["layers"])
        for layer, column in ((0, 1), (layers - 1, 3), (1, 0)):
            cell = first.locator(f".ecco-rankings-view td[data-layer='{layer}'][data-column='{column}']")
            assert int(cell.inner_text()) == data["rank"][layer][column]
            cell.hover()
            text = first.locator(".ecco-tooltip").inner_text()
            where = "the embeddings" if layer == 0 else f"layer {data['layers'][layer]}"
            assert (
                f"at {where}: rank {data['rank'][layer][column]}, "
                f"probability {percent(data['p'][layer][column])}" in text
            )
            selected = first.locator(".ecco-token.output.is-selected")
            assert selected.count() == 1
        assert second.locator(".ecco-tooltip").inner_text().startswith("Hover or focus a cell for details")
        assert second.locator(".is-selected").count() == 0
        assert page.errors == []
