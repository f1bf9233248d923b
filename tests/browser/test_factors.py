"""<ecco-factors> in headless Debian Chromium: hovering a factor recolours tokens by its values."""

import json

import pytest

from tests.browser import browser_page, built_site, serve

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Factors
---
:::{factors}
:prompt: "def area(width, height):\\n    return width * height, [1, 2]"
:components: 4
:::

:::{factors}
:prompt: for i in range(10)
:components: 3
:per_layer: true
:::
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "f", ARTICLE)


def token_state(figure):
    return figure.locator(".ecco-factors-view .ecco-token").evaluate_all(
        "ns => ns.map(n => [Number(n.dataset.factor), Number(n.dataset.value), n.style.background])"
    )


def test_hover_factor_two_recolours_tokens(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "f/index.html")
        first, second = page.locator("ecco-factors").nth(0), page.locator("ecco-factors").nth(1)
        first.locator(".ecco-factor").first.wait_for()
        data = json.loads(first.locator("script[type='application/json']").text_content())["result"]
        rows = data["blocks"][0]["factors"]
        default = token_state(first)
        # By default each token shows its dominant factor.
        for t, (factor, _value, _) in enumerate(default):
            assert factor == max(range(len(rows)), key=lambda f: abs(rows[f][t]))
        second_before = token_state(second)
        first.locator(".ecco-factor").nth(1).hover()
        state = token_state(first)
        peak = max(rows[1])
        for t, (factor, value, background) in enumerate(state):
            assert factor == 1 and value == pytest.approx(rows[1][t])
            alpha = float(background.rsplit(",", 1)[1].rstrip(")"))
            # Chromium keeps alpha to about two decimals.
            assert alpha == pytest.approx(0.08 + 0.8 * rows[1][t] / peak, abs=6e-3)
        page.mouse.move(1, 1)
        assert token_state(first) == default  # leaving restores the dominant view
        first.locator(".ecco-factor").nth(2).click()
        page.mouse.move(1, 1)
        assert {f for f, _, _ in token_state(first)} == {2}  # pinned
        assert token_state(second) == second_before
        # The per-layer figure switches layers.
        second.locator("select").select_option("1")
        assert second.locator(".ecco-factor").count() == 3
        assert page.errors == []


SIGNED = """
---
title: Signed
---
:::{factors}
:prompt: "def area(width, height):\\n    return width * height"
:components: 3
:method: pca
:::
"""


def test_signed_factors_use_a_diverging_scale(tmp_path_factory, tiny_model_dir):
    site = built_site(tmp_path_factory, tiny_model_dir, "signed", SIGNED)
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "signed/index.html")
        figure = page.locator("ecco-factors")
        figure.locator(".ecco-factor").first.hover()
        state = token_state(figure)
        assert {value < 0 for _, value, _ in state} == {True, False}
        for _, value, background in state:  # red exactly where the loading is negative
            assert ("200, 55, 45" in background) == (value < 0)
        assert "blue tokens load positively" in figure.locator(".ecco-tooltip").inner_text()
