"""The "Embed and export" panel in a figure's notes, in Chromium: Tab reaches each Copy button,
Enter copies its snippet to the clipboard, the polite live region says so; when the clipboard
refuses, the snippet is selected and the live region says how to copy it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecco_build.build import build
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(ROOT, out=tmp_path_factory.mktemp("embed-panel") / "site").out


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_tab_and_enter_copy_each_snippet_and_the_live_region_says_so(site):
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url + "authoring/index.html")
            figure = page.locator("#fig-loop")
            status = figure.locator(".ecco-copy-status")
            assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"
            figure.locator(".ecco-notes summary").focus()
            page.keyboard.press("Enter")  # opens the notes
            for which in ("iframe", "component"):
                button = f'#fig-loop button[data-copy="fig-loop-embed-{which}"]'
                tab_to(page, button)
                page.keyboard.press("Enter")
                page.wait_for_function(
                    "(s) => s.textContent.startsWith('Copied')", arg=status.element_handle()
                )
                expected = figure.locator(f"#fig-loop-embed-{which}").input_value()
                assert page.evaluate("navigator.clipboard.readText()") == expected
                assert expected.startswith("<iframe " if which == "iframe" else '<script type="module"')
                assert which.replace("component", "web-component") in status.inner_text()
            # Every figure's panel has its two buttons, shown now that the script ran.
            figures = page.locator("figure.ecco-figure[data-kind]").count()
            assert page.locator(".ecco-embed-panel button.ecco-copy:not([hidden])").count() == 2 * figures
            # A page where the clipboard is unavailable: the snippet is selected instead.
            page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
            figure.locator('button[data-copy="fig-loop-embed-iframe"]').focus()
            page.keyboard.press("Enter")
            page.wait_for_function(
                "(s) => s.textContent.startsWith('Could not copy')", arg=status.element_handle()
            )
            selected = page.evaluate("document.activeElement.id + ':' + document.activeElement.selectionEnd")
            assert (
                selected
                == f"fig-loop-embed-iframe:{len(figure.locator('#fig-loop-embed-iframe').input_value())}"
            )
            assert errors == []
        finally:
            browser.close()
