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
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "l", ARTICLE)


def data_of(figure):
    return json.loads(figure.locator("script[type='application/json']").text_content())["result"]


def test_layer_predictions_follow_a_candidate_through_the_layers(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "l/index.html")
        predictions = page.locator("ecco-layer-predictions")
        data = data_of(predictions)
        top_token = data["top"][-1][0]["id"]
        predictions.locator(".ecco-candidate-cell").first.hover()  # the last layer's top candidate
        same = predictions.locator(".ecco-candidate-cell.is-same").evaluate_all(
            "ns => ns.map(n => Number(n.dataset.id))"
        )
        expected = sum(1 for layer in data["top"] for c in layer if c["id"] == top_token)
        assert same == [top_token] * expected
        assert page.errors == []
