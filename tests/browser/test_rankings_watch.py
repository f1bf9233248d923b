"""<ecco-rankings-watch> in headless Debian Chromium: the blank, and tooltips that match the JSON."""

import json

import pytest

from tests.browser import browser_page, built_site, serve

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Lens
---
:::{rankings-watch}
:prompt: The keys to the cabinet
:watch: [" are", " is"]
:::
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "l", ARTICLE)


def data_of(figure):
    return json.loads(figure.locator("script[type='application/json']").text_content())["result"]


def test_rankings_watch_cells_and_tooltips(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "l/index.html")
        watch = page.locator("ecco-rankings-watch")
        watch.locator(".ecco-rankings-view td").first.wait_for()
        data = data_of(watch)
        assert watch.locator(".ecco-rankings-view .ecco-blank").inner_text() == "____"
        cell = watch.locator(".ecco-rankings-view td[data-layer='1'][data-column='1']")
        cell.focus()
        assert f"rank {data['rank'][1][1]}," in watch.locator(".ecco-tooltip").inner_text()
        assert page.errors == []
