"""Whole pages in Chromium: nothing is requested outside the site, and axe-core finds no
serious or critical accessibility violation, in light and in dark mode."""

from pathlib import Path

import pytest

from ecco_build.build import build
from tests.browser import browser_page, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]

EVERYTHING = """
---
title: Every kind
description: One figure of each kind.
date: 2026-01-01
---
## Figures

Text with a note.[^n] And math $x^2$. See [](#fig-gen).

:::{generate}
:prompt: def f(x):
:max_new_tokens: 3
:label: fig-gen
Generation.
:::

:::{saliency}
:prompt: def f(x):
:max_new_tokens: 2
:method: [integrated_gradients, occlusion]
:n_steps: 8
Saliency.
:::

:::{rankings}
:prompt: def f(x):
:max_new_tokens: 2
:::

:::{rankings-watch}
:prompt: The keys to the cabinet
:watch: [" is", " are"]
:::

:::{layer-predictions}
:prompt: The keys
:top_k: 4
:::

:::{factors}
:prompt: def f(x):\\n    return x
:components: 3
:::

:::{note}
A callout.
:::

[^n]: The note.
"""


def external_requests_and_violations(url: str, pages: list[str], scheme: str) -> tuple[list, list]:
    from axe_playwright_python.sync_playwright import Axe

    outside, serious = [], []
    with browser_page() as page:
        page.emulate_media(color_scheme=scheme)

        def route(request_route):
            request = request_route.request
            if request.url.startswith(url):
                request_route.continue_()
            else:
                outside.append(request.url)
                request_route.abort()

        page.route("**/*", route)
        failed = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        for path in pages:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            results = Axe().run(page).response
            for violation in results["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    nodes = [n["target"] for n in violation["nodes"][:3]]
                    serious.append(f"{path} [{scheme}]: {violation['id']} ({violation['help']}) at {nodes}")
        assert page.errors == []
        assert [f for f in failed if f.startswith(url)] == []
    return outside, serious


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_fixture_site_is_local_and_accessible(make_site, scheme):
    site = make_site({"every.md": EVERYTHING}, extra='base_url = "https://example.test/"')
    build(site)
    with serve(site / "_site") as url:
        outside, serious = external_requests_and_violations(url, ["index.html", "every/index.html"], scheme)
    assert outside == []
    assert serious == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_example_site_is_local_and_accessible(tmp_path, scheme):
    build(ROOT, out=tmp_path / "site")
    pages = ["index.html"] + sorted(
        str(p.relative_to(tmp_path / "site")) for p in (tmp_path / "site").glob("*/index.html")
    )
    with serve(tmp_path / "site") as url:
        outside, serious = external_requests_and_violations(url, pages, scheme)
    assert outside == []
    assert serious == []


def test_site_works_under_a_base_path_and_prints_its_fallbacks(make_site, tmp_path):
    """GitHub Pages project sites live under /<repo>/: every link is relative, so the same
    files work there; and the print stylesheet shows the static fallbacks, not the widgets."""
    import re
    import shutil

    site = make_site({"every.md": EVERYTHING}, extra='base_url = "https://example.test/repo/"')
    build(site)
    for page in (site / "_site").rglob("*.html"):
        for value in re.findall(r'(?:href|src)="([^"]*)"', page.read_text()):
            assert not value.startswith("/"), f"{page.name}: root-relative link {value}"
    host = tmp_path / "host"
    shutil.copytree(site / "_site", host / "repo")
    with serve(host) as url, browser_page() as page:
        bad = []
        page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", lambda r: bad.append(f"failed {r.url}"))
        for path in ("repo/index.html", "repo/every/index.html", "repo/feed.xml"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
        page.goto(url + "repo/every/index.html")
        page.locator("ecco-saliency .ecco-saliency-view").wait_for()
        page.emulate_media(media="print")
        assert page.locator("ecco-saliency .ecco-fallback").is_visible()
        # Closed <details> print open: the full attribution matrix and the figure notes.
        assert page.locator("ecco-saliency .ecco-fallback-table table").is_visible()
        assert page.locator(".ecco-notes dl").first.is_visible()
        assert page.locator("ecco-saliency .ecco-saliency-view").is_hidden()
        assert page.locator(".theme-toggle").is_hidden() or page.locator(".site-header").is_hidden()
        assert bad == [] and page.errors == []
