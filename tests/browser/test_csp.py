"""The Content-Security-Policy in Chromium: injected script is blocked by the policy itself
(raw HTML allowed on purpose), and the site's own pages run under it without a violation."""

from pathlib import Path

import pytest

from ecco_build.build import build
from tests.browser import browser_page, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]

INJECTED = """
---
title: Injected
---
Before.

<script>window.__pwned = 1</script>

An image <img src="x" onerror="window.__pwned = 2"> after.
"""

# Runs before the page's own code (playwright injects it, outside the page's policy) and
# records every violation the browser reports.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def watch(page) -> list[str]:
    """Record CSP violations (in window.__violations) and console errors (returned) of every
    page opened from now on."""
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    return console


def load(page, url: str) -> list[str]:
    """The page's CSP violations, once it and its data have loaded."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


def test_injected_script_is_blocked_by_the_policy(make_site):
    site = make_site({"i.md": INJECTED}, extra="raw_html = true")
    build(site)
    page_html = (site / "_site" / "i" / "index.html").read_text()
    assert "<script>window.__pwned = 1</script>" in page_html  # raw HTML, as the site asked
    with serve(site / "_site") as url, browser_page() as page:
        console = watch(page)
        violations = load(page, url + "i/index.html")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        # Both were stopped by the policy: the inline <script> and the onerror attribute.
        assert sorted(violations) == ["script-src-attr inline", "script-src-elem inline"]
        assert sum("Content Security Policy" in text for text in console) == 2
        assert page.errors == []


def test_without_raw_html_the_tags_are_text(make_site):
    site = make_site({"i.md": INJECTED})
    build(site)
    with serve(site / "_site") as url, browser_page() as page:
        console = watch(page)
        violations = load(page, url + "i/index.html")
        text = page.locator(".article-body").inner_text()
        assert "<script>window.__pwned = 1</script>" in text
        assert "An image <img src=“x” onerror=“window.__pwned = 2”> after." in text  # typographic quotes
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert violations == [] and console == [] and page.errors == []


# Each explorable (an ecco-* element) adds is-hydrated once its script has built the view.
FIGURES = """[...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('ecco-'))
  .map((e) => e.classList.contains('is-hydrated'))"""
HYDRATED = f"({FIGURES}).every(Boolean)"


def test_example_site_runs_under_its_policy(tmp_path):
    """Every explorable of the example site hydrates, the saved theme applies before paint,
    and the browser reports no violation of the policy."""
    build(ROOT, out=tmp_path / "site")
    pages = sorted(p.parent.name for p in (tmp_path / "site").glob("*/index.html"))
    figures = []
    with serve(tmp_path / "site") as url, browser_page() as page:
        console = watch(page)
        for name in pages:
            violations = load(page, f"{url}{name}/index.html")
            page.wait_for_function(HYDRATED)
            figures += page.evaluate(FIGURES)
            assert violations == [] and console == [], (name, violations, console)
        assert len(figures) >= 10 and all(figures)
        page.evaluate("localStorage.setItem('ecco-theme', 'dark')")
        page.reload()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.evaluate("window.__violations") == []
        assert page.errors == []
