"""<ecco-generate> in headless Debian Chromium: hover, keyboard, independence, no script injection."""

import json

import pytest

from tests.browser import browser_page, built_site, serve

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Browser
---
:::{generate}
:prompt: def area(width, height):
:max_new_tokens: 5
First.
:::

:::{generate}
:prompt: "<script>alert(1)</script> <img src=x onerror=alert(2)>"
:max_new_tokens: 4
Second.
:::
"""


def percent(p):
    return f"{100 * p:.1f}%" if p >= 0.001 else "<0.1%"


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "b", ARTICLE)


def figure_data(page, index):
    return json.loads(page.locator("ecco-generate script[type='application/json']").nth(index).text_content())


def panel_rows(figure):
    return [row.inner_text() for row in figure.locator(".ecco-candidate-list li").all()]


def test_hover_shows_candidates_and_figures_are_independent(site):
    with serve(site / "_site") as url, browser_page() as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "b/index.html")
        first, second = page.locator("ecco-generate").nth(0), page.locator("ecco-generate").nth(1)
        first.locator("button.ecco-token.output").first.wait_for()
        assert first.locator(".ecco-fallback").is_hidden()
        data = figure_data(page, 0)
        steps = data["result"]["steps"]
        # The first output token is selected on load.
        assert first.locator(".ecco-candidates-title").inner_text().startswith("Step 1:")
        second_before = second.locator(".ecco-candidates").inner_text()
        for step in (2, 0, 3):
            first.locator("button.ecco-token.output").nth(step).hover()
            title = first.locator(".ecco-candidates-title").inner_text()
            assert title.startswith(f"Step {step + 1}:")
            rows = panel_rows(first)
            assert len(rows) == len(steps[step]["candidates"])
            for row, candidate in zip(rows, steps[step]["candidates"], strict=True):
                assert percent(candidate["p"]) in row
                assert candidate.get("display", candidate["text"]).strip() in row
        assert second.locator(".ecco-candidates").inner_text() == second_before
        assert dialogs == [] and page.errors == []


def test_keyboard_and_pinning(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "b/index.html")
        first = page.locator("ecco-generate").nth(0)
        tokens = first.locator("button.ecco-token.output")
        tokens.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert first.locator(".ecco-candidates-title").inner_text().startswith("Step 3:")
        assert tokens.nth(2).evaluate("node => node === document.activeElement")
        page.keyboard.press("Enter")
        assert tokens.nth(2).get_attribute("aria-pressed") == "true"
        tokens.nth(0).hover()
        page.mouse.move(5, 5)  # leaving the tokens returns to the pinned one
        assert first.locator(".ecco-candidates-title").inner_text().startswith("Step 3:")


def test_hostile_prompt_renders_as_text(site):
    with serve(site / "_site") as url, browser_page() as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "b/index.html")
        second = page.locator("ecco-generate").nth(1)
        second.locator("button.ecco-token.output").first.wait_for()
        page.wait_for_timeout(300)
        assert dialogs == []
        assert second.locator("img").count() == 0 and second.locator("script:not([type])").count() == 0
        text = second.locator(".ecco-generate-view .ecco-token-line").inner_text()
        assert "<script>alert(1)</script>" in text.replace("\n", "")
        assert "onerror=alert(2)>" in text.replace("\n", "")
