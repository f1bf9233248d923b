"""A figure embedded by iframe in a page of another origin (a second localhost port), with the
host script (static/js/embed-host.js): the figure hydrates and answers hover in the frame, the
frame takes its content's height, messages from anywhere else are ignored, and nothing is
requested outside the two local servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.render.figure_files import FigureFiles
from tests.browser import browser_page, only_from, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
FIGURE = FigureFiles("authoring", "fig-loop")  # a generate figure of the example site
HOST = """<!doctype html>
<html><head><meta charset="utf-8"><title>A blog</title></head>
<body style="margin:0">
<h1>A post on another site</h1>
<iframe id="figure" class="ecco-embed" src="{site}{embed}" title="Figure 1" width="100%" height="300"
  style="border:0;max-width:100%"></iframe>
<iframe id="liar" src="{host}liar.html" height="150" style="border:0"></iframe>
<iframe id="inline" height="150" style="border:0" srcdoc="&lt;script&gt;{spam}&lt;/script&gt;"></iframe>
<script src="{site}static/js/embed-host.js"></script>
</body></html>
"""
# An iframe whose src is on the host's origin but whose page goes on to the figure's site: its
# messages come from the site's origin, not its src's, and must not resize it.
LIAR = """<!doctype html><meta charset="utf-8"><script src="liar.js"></script>"""
LIAR_JS = 'location.replace("{site}{embed}");'
# A frame with no src (the host's own content, same origin as the host) posting all the time.
SPAM = "setInterval(() =&gt; parent.postMessage({type: 'ecco-embed-height', height: 900}, '*'), 50)"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(ROOT, out=tmp_path_factory.mktemp("embed-host") / "site").out


def heights(page):
    return page.evaluate(
        "[...document.querySelectorAll('iframe')].map((f) => Math.round(f.getBoundingClientRect().height))"
    )


def test_the_host_script_fits_the_iframe_and_ignores_other_messages(site, tmp_path):
    with serve(site) as site_url, serve(tmp_path) as host_url:
        assert site_url != host_url
        values = {"site": site_url, "host": host_url, "embed": FIGURE.embed, "spam": SPAM}
        (tmp_path / "index.html").write_text(HOST.format(**values))
        (tmp_path / "liar.html").write_text(LIAR)
        (tmp_path / "liar.js").write_text(LIAR_JS.format(**values))
        with browser_page(width=900, height=800) as page:
            outside = only_from(page, site_url, host_url)
            page.goto(host_url + "index.html")
            frame = page.frame_locator("#figure")
            token = frame.locator(".ecco-token.output[role=button]").nth(2)
            token.wait_for()
            token.hover()
            assert frame.locator(".ecco-candidates-title").inner_text().startswith("Step 3:")
            inner = page.locator("#figure").element_handle().content_frame()

            def fitted() -> bool:
                content = inner.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
                return abs(heights(page)[0] - content) <= 2 and content > 300

            page.wait_for_timeout(300)
            assert fitted(), (heights(page), inner.evaluate("document.documentElement.scrollHeight"))
            closed = heights(page)[0]
            frame.locator(".ecco-notes summary").click()  # the figure grows: the frame follows
            page.wait_for_function(
                f"document.querySelector('#figure').getBoundingClientRect().height > {closed + 20}"
            )
            page.wait_for_timeout(200)
            assert fitted()
            # The liar frame shows the figure (its messages arrive, from the site's origin) but
            # its src says the host's origin; the srcdoc frame's origin is "null"; the host
            # window itself is no iframe. None of them moves any frame.
            liar = page.locator("#liar").element_handle().content_frame()
            assert liar.url == site_url + FIGURE.embed
            liar.locator(".ecco-token.output[role=button]").first.wait_for()
            page.evaluate("window.postMessage({type: 'ecco-embed-height', height: 40}, '*')")
            page.wait_for_timeout(500)
            now = heights(page)
            assert now[1:] == [150, 150], now
            assert fitted()
            assert page.errors == []
            assert inner.evaluate("document.querySelector('.site-header, .site-footer')") is None
    assert outside == []


def test_the_embed_page_follows_the_theme_parameter(site):
    with serve(site) as url, browser_page() as page:
        page.emulate_media(color_scheme="light")
        backgrounds = {}
        for theme in ("dark", "light"):
            page.goto(f"{url}{FIGURE.embed}?theme={theme}")
            assert page.evaluate("document.documentElement.dataset.theme") == theme
            backgrounds[theme] = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        page.goto(url + FIGURE.embed)
        assert page.evaluate("document.documentElement.dataset.theme") is None  # the system's
        assert (
            page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            == backgrounds["light"]
        )
        page.emulate_media(color_scheme="dark")
        assert (
            page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == backgrounds["dark"]
        )
        assert backgrounds["dark"] != backgrounds["light"]
        page.goto(f"{url}{FIGURE.embed}?theme=%3Cscript%3E")  # anything else is ignored
        assert page.evaluate("document.documentElement.dataset.theme") is None
        assert page.errors == []
