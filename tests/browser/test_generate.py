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
        first.locator(".ecco-token.output[role=button]").first.wait_for()
        assert first.locator(".ecco-fallback").is_hidden()
        data = figure_data(page, 0)
        steps = data["result"]["steps"]
        # The first output token is selected on load.
        assert first.locator(".ecco-candidates-title").inner_text().startswith("Step 1:")
        second_before = second.locator(".ecco-candidates").inner_text()
        for step in (2, 0, 3):
            first.locator(".ecco-token.output[role=button]").nth(step).hover()
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
        tokens = first.locator(".ecco-token.output[role=button]")
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
        second.locator(".ecco-token.output[role=button]").first.wait_for()
        page.wait_for_timeout(300)
        assert dialogs == []
        assert second.locator("img").count() == 0 and second.locator("script:not([type])").count() == 0
        text = second.locator(".ecco-generate-view .ecco-token-line").inner_text()
        assert "<script>alert(1)</script>" in text.replace("\n", "")
        assert "onerror=alert(2)>" in text.replace("\n", "")


def tab_stops(figure):
    return figure.locator(".ecco-generate-view [tabindex]").evaluate_all(
        "ns => ns.filter(n => n.tabIndex >= 0).length"
    )


def test_one_tab_stop_arrows_enter_and_escape(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "b/index.html")
        first = page.locator("ecco-generate").nth(0)
        tokens = first.locator(".ecco-token.output[role=button]")
        tokens.first.wait_for()
        assert tab_stops(first) == 1
        page.keyboard.press("Tab")
        for _ in range(5):  # into the first figure: its tab stop is its first output token
            if tokens.first.evaluate("n => n === document.activeElement"):
                break
            page.keyboard.press("Tab")
        assert tokens.first.evaluate("n => n === document.activeElement")
        page.keyboard.press("ArrowRight")
        assert tab_stops(first) == 1 and tokens.nth(1).get_attribute("tabindex") == "0"
        page.keyboard.press(" ")
        assert tokens.nth(1).get_attribute("aria-pressed") == "true"
        page.keyboard.press("Escape")
        assert tokens.nth(1).get_attribute("aria-pressed") == "false"
        page.keyboard.press("Enter")
        assert tokens.nth(1).get_attribute("aria-pressed") == "true"
        # Tab leaves the figure's tokens in one step.
        page.keyboard.press("Tab")
        assert not first.locator(".ecco-generate-view .ecco-token-line").evaluate(
            "n => n.contains(document.activeElement)"
        )
        assert page.errors == []


CODE = """
---
title: Code
---
:::{generate}
:prompt: "def f(x):\\n    if x:\\n        return 1\\n"
:max_new_tokens: 6
:::
"""


@pytest.fixture(scope="module")
def code_site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "c", CODE)


@pytest.mark.parametrize("width", [1280, 390])
def test_code_keeps_its_indentation_and_whitespace_labels(code_site, width):
    with serve(code_site / "_site") as url, browser_page(width=width) as page:
        page.goto(url + "c/index.html")
        figure = page.locator("ecco-generate")
        figure.locator(".ecco-token.output[role=button]").first.wait_for()
        assert figure.get_attribute("data-text") == "code"
        line = figure.locator(".ecco-generate-view .ecco-token-line")
        assert line.evaluate("n => getComputedStyle(n).whiteSpace") == "pre-wrap"
        assert "monospace" in line.evaluate("n => getComputedStyle(n).fontFamily")
        text = line.inner_text().replace("⏎", "")
        assert "\n    if x:\n        return 1" in text  # indentation at the start of its lines
        # No box around every token: prompt tokens carry no border.
        assert (
            figure.locator(".ecco-token.prompt").first.evaluate("n => getComputedStyle(n).borderTopStyle")
            == "none"
        )
        data = figure_data(page, 0)["result"]
        for token in data["tokens"]:
            if token["text"].strip() == "" and token["text"]:
                assert token["display"] not in ("", " ", "⏎") or token["text"] == "\n"
        assert page.errors == []
