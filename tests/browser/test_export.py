"""Articles opened from disk in Chromium: a one-file export hydrates every figure under its
hash-only policy; a normal build says, under each figure, why it stays static; over http it
says nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.export import export
from ecco_build.render import figures
from tests.browser import browser_page, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
NOTES = Path("/work/notes")

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def open_page(page, url: str) -> list[str]:
    """Load `url`; the console's errors (CSP, CORS, failed loads) are collected in the list."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.add_init_script(LISTEN)
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    return console


def screenshot(page, name: str) -> None:
    if NOTES.is_dir():
        page.screenshot(path=str(NOTES / name), full_page=False)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The brackets article; every figure's data set aside as a file first (as large results
    are), so the export must inline it."""
    out = tmp_path_factory.mktemp("export") / "brackets.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "INLINE_LIMIT", 0)
        export(ROOT, "articles/brackets.md", out=out)
    return out


def test_the_export_hydrates_every_figure_from_disk(exported):
    with browser_page() as page:
        console = open_page(page, exported.as_uri())
        figures = page.eval_on_selector_all(".ecco-explorable", "els => els.length")
        hydrated = page.eval_on_selector_all(".ecco-explorable.is-hydrated", "els => els.length")
        assert figures >= 5 and hydrated == figures
        assert page.evaluate("window.__violations") == []
        assert console == [] and page.errors == []
        assert page.locator(".ecco-file-notice").count() == 0
        screenshot(page, "export-file.png")


def test_the_export_responds_to_hover_and_the_theme_toggle(exported):
    with browser_page() as page:
        open_page(page, exported.as_uri())
        figure = page.locator("ecco-generate.is-hydrated").first
        before = figure.inner_html()
        figure.locator(".ecco-token.output[role=button]").nth(1).hover()
        assert figure.inner_html() != before
        theme = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--background')")
        page.click(".theme-toggle")
        after = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--background')")
        assert after != theme
        assert page.errors == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    build(ROOT, out=out)
    return out


def test_a_built_page_opened_from_disk_says_why_each_figure_is_static(built):
    with browser_page() as page:
        open_page(page, (built / "brackets" / "index.html").as_uri())
        figures = page.eval_on_selector_all(".ecco-explorable", "els => els.length")
        notices = page.locator(".ecco-explorable > .ecco-file-notice")
        assert figures >= 5 and notices.count() == figures
        assert "ecco-build export" in notices.first.inner_text()
        assert notices.first.is_visible()
        notices.first.scroll_into_view_if_needed()
        screenshot(page, "notice-file.png")


def test_over_http_there_is_no_notice(built):
    with serve(built) as url, browser_page() as page:
        open_page(page, url + "brackets/index.html")
        page.wait_for_load_state("networkidle")
        hydrated = page.eval_on_selector_all(".ecco-explorable.is-hydrated", "els => els.length")
        assert hydrated >= 5
        assert page.locator(".ecco-file-notice").count() == 0
