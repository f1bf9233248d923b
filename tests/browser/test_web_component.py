"""The web-component route: a page on another origin (a second localhost port) loads
static/js/ecco.js from the site and pastes one element of each kind with an absolute `src`. In
Chromium every figure hydrates in its own shadow root, answers hover and keys, follows light and
dark, requests nothing outside the two local servers; a hostile host stylesheet does not change
the figures and the figures' styles do not change the host page; a bad `src` says what is wrong
in the element. The site is served by `ecco-build serve`'s own handler (its CORS header)."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.serve import _State, bind
from tests.browser import browser_page, only_from, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
KINDS = ("generate", "saliency", "rankings", "rankings-watch", "layer-predictions", "factors")
HOSTILE = """<style>
* { font-size: 40px !important; display: block !important; line-height: 3 !important }
* { letter-spacing: 3px; word-spacing: 9px; text-transform: uppercase; font-style: italic;
    text-shadow: 1px 1px red; white-space: nowrap; visibility: visible; text-align: center }
span { color: red } div { background: lime } p { margin: 3em; font-family: cursive }
table, td, th, code { border: 5px dashed orange; padding: 9px }
</style>"""
HOST = """<!doctype html>
<html><head><meta charset="utf-8"><title>A blog</title>{head}</head>
<body>
<h1>A post on another site</h1>
<p id="para">Some text <span id="span">in a span</span>, <code>code</code> and a
<span class="ecco-token output is-selected ecco-legend" id="lookalike">look-alike</span>.</p>
<table id="table"><tr><th>a</th><td>1</td></tr></table>
{body}
</body></html>
"""
MODULE = '<script type="module" src="{site}static/js/ecco.js"></script>'
# What a figure's look is made of: compared inside each shadow root with and without HOSTILE.
LOOK = """els => els.map((host) => {
  const root = host.shadowRoot;
  if (!root) return null;
  const nodes = [...root.querySelectorAll("*")];
  return [Math.round(root.firstElementChild.getBoundingClientRect().height), ...nodes.map((n) => {
    const s = getComputedStyle(n);
    return [n.tagName, s.fontSize, s.fontFamily, s.lineHeight, s.color, s.backgroundColor, s.display,
            s.borderTopWidth, s.paddingTop, s.marginTop, s.letterSpacing, s.wordSpacing, s.textTransform,
            s.fontStyle, s.textShadow, s.whiteSpace, s.textAlign].join("|");
  })];
})"""
# The host's own elements, compared before and after the figures load.
HOST_LOOK = """() => ["html", "body", "#para", "#span", "#lookalike", "code", "#table", "th", "td", "h1"]
.map((q) => {
  const s = getComputedStyle(document.querySelector(q));
  return [q, s.fontSize, s.fontFamily, s.lineHeight, s.color, s.backgroundColor, s.display, s.boxSizing,
          s.borderTopWidth, s.paddingTop, s.marginTop, s.boxShadow, s.textDecorationLine].join("|");
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(ROOT, out=tmp_path_factory.mktemp("web-component") / "site").out


@pytest.fixture(scope="module")
def data(site) -> dict[str, str]:
    """A data/ file of each kind: the site writes every figure's page form there."""
    found = {}
    for path in sorted((site / "data").glob("*.json")):
        if ".compare-" in path.name:  # a comparison's, for <ecco-compare src> (test_compare.py)
            continue
        record = json.loads(path.read_text())
        if record["kind"] == "saliency" and len(record["result"]["targets"]) < 2:
            continue  # the test hovers the second output token
        found.setdefault(record["kind"], f"data/{path.name}")
    assert set(KINDS) <= set(found), found
    return found


@contextmanager
def preview(folder: Path) -> Iterator[str]:
    """The site served as `ecco-build serve` serves it (its handler, with the CORS header)."""
    server = bind(0, folder, _State())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def elements(site_url: str, data: dict[str, str], attributes: str = "") -> str:
    return "\n".join(
        f'<ecco-{kind} id="{kind}" src="{site_url}{data[kind]}"{attributes}></ecco-{kind}>' for kind in KINDS
    )


def hydrated(page) -> None:
    for kind in KINDS:
        page.wait_for_selector(f"#{kind}.is-hydrated", state="attached", timeout=15_000)


def test_the_preview_sends_cors_headers_to_local_pages_only(site):
    with preview(site) as url:
        for origin, expected in (
            ("http://127.0.0.1:5173", "http://127.0.0.1:5173"),
            ("http://localhost:8001", "http://localhost:8001"),
            ("https://example.com", None),
        ):
            request = urllib.request.Request(url + "static/js/ecco.js", headers={"Origin": origin})
            with urllib.request.urlopen(request) as response:
                assert response.headers.get("Access-Control-Allow-Origin") == expected, origin


def test_every_kind_hydrates_on_another_origin_and_answers_hover_and_keys(site, data, tmp_path):
    with preview(site) as site_url, serve(tmp_path) as host_url, browser_page() as page:
        assert site_url != host_url
        (tmp_path / "index.html").write_text(
            HOST.format(head=MODULE.format(site=site_url), body=elements(site_url, data))
        )
        outside = only_from(page, site_url, host_url)
        page.goto(host_url + "index.html")
        hydrated(page)
        # Every view is in the element's shadow root; the light DOM stays as the host wrote it.
        shadows = page.locator(
            "ecco-generate, ecco-saliency, ecco-rankings, ecco-rankings-watch, "
            "ecco-layer-predictions, ecco-factors"
        )
        assert (
            shadows.evaluate_all("els => els.map((el) => !!el.shadowRoot && el.children.length)") == [0] * 6
        )
        for kind, view in zip(
            KINDS,
            ("generate", "saliency", "rankings", "rankings", "layer-predictions", "factors"),
            strict=True,
        ):
            assert page.locator(f"#{kind} .ecco-{view}-view").count() == 1, kind
        # Hover: saliency shades the inputs of the hovered output token, in the palette's blue.
        outputs = page.locator("#saliency .ecco-token.output[role=button]")
        outputs.nth(1).hover()
        assert page.locator("#saliency .ecco-saliency-status").inner_text().startswith("Output token 2,")
        shaded = page.locator("#saliency .ecco-token[data-share]").first.evaluate("n => n.style.background")
        assert shaded.startswith("rgba(31, 95, 191,"), shaded
        # Keys: one tab stop in generate; arrows move, Enter pins.
        tokens = page.locator("#generate .ecco-token.output[role=button]")
        tokens.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        assert tokens.nth(1).get_attribute("aria-pressed") == "true"
        page.mouse.move(1, 1)
        assert page.locator("#generate .ecco-candidates-title").inner_text().startswith("Step 2:")
        # A heatmap cell reports itself on hover.
        page.locator("#rankings .ecco-heatmap td").first.hover()
        assert "rank" in page.locator("#rankings .ecco-tooltip").inner_text()
        assert outside == []
        assert page.errors == []


def test_a_hostile_host_stylesheet_does_not_change_the_figures(site, data, tmp_path):
    looks = []
    with preview(site) as site_url, serve(tmp_path) as host_url, browser_page() as page:
        for name, hostile in (("plain", ""), ("hostile", HOSTILE)):
            head = MODULE.format(site=site_url) + hostile
            (tmp_path / f"{name}.html").write_text(HOST.format(head=head, body=elements(site_url, data)))
            page.goto(host_url + f"{name}.html")
            hydrated(page)
            page.wait_for_timeout(100)  # heatmap cells are painted on the next frame
            looks.append(page.locator("#" + ", #".join(KINDS)).evaluate_all(LOOK))
            # The hostile sheet is in force on the host's own elements (so this test can fail).
            size = page.locator("#para").evaluate("n => getComputedStyle(n).fontSize")
            assert size == ("40px" if hostile else "16px")
        assert page.errors == []
    plain, hostile = looks
    assert all(plain) and len(plain) == len(KINDS)
    for kind, before, after in zip(KINDS, plain, hostile, strict=True):
        assert before == after, (kind, [(a, b) for a, b in zip(before, after, strict=False) if a != b][:3])


def test_the_figures_styles_do_not_change_the_host_page(site, data, tmp_path):
    with preview(site) as site_url, serve(tmp_path) as host_url, browser_page() as page:
        (tmp_path / "index.html").write_text(HOST.format(head="", body=elements(site_url, data)))
        page.goto(host_url + "index.html")
        before = page.evaluate(HOST_LOOK)
        page.add_script_tag(url=site_url + "static/js/ecco.js", type="module")
        hydrated(page)
        assert page.evaluate(HOST_LOOK) == before
        assert page.errors == []


def test_theme_attribute_and_colour_scheme(site, data, tmp_path):
    with preview(site) as site_url, serve(tmp_path) as host_url, browser_page() as page:
        body = (
            f'<ecco-saliency id="auto" src="{site_url}{data["saliency"]}"></ecco-saliency>'
            f'<ecco-saliency id="light" theme="light" src="{site_url}{data["saliency"]}"></ecco-saliency>'
        )
        (tmp_path / "index.html").write_text(HOST.format(head=MODULE.format(site=site_url), body=body))
        page.emulate_media(color_scheme="dark")
        page.goto(host_url + "index.html")
        for name in ("auto", "light"):
            page.wait_for_selector(f"#{name}.is-hydrated", state="attached")
        panel = "el => getComputedStyle(el.shadowRoot.firstElementChild).backgroundColor"
        shade = "el => el.shadowRoot.querySelector('.ecco-token[data-share]').style.background"
        assert page.locator("#auto").evaluate(panel) == "rgb(30, 33, 38)"  # the dark --panel
        assert page.locator("#light").evaluate(panel) == "rgb(246, 247, 249)"
        assert page.locator("#auto").evaluate(shade).startswith("rgba(110, 160, 245,")  # dark --ecco-positive
        assert page.locator("#light").evaluate(shade).startswith("rgba(31, 95, 191,")
        page.locator("#light").evaluate("el => el.setAttribute('theme', 'dark')")
        assert page.locator("#light").evaluate(panel) == "rgb(30, 33, 38)"
        assert page.locator("#light").evaluate(shade).startswith("rgba(110, 160, 245,")
        assert page.errors == []


def test_a_bad_src_says_what_is_wrong_in_the_element(site, data, tmp_path):
    with (
        preview(site) as site_url,
        serve(site) as no_cors_url,
        serve(tmp_path) as host_url,
        browser_page() as page,
    ):
        body = (
            f'<ecco-saliency id="missing" src="{site_url}data/missing.json"></ecco-saliency>'
            f'<ecco-saliency id="text" src="{site_url}static/js/ecco.js"></ecco-saliency>'
            f'<ecco-saliency id="kind" src="{site_url}{data["rankings"]}"></ecco-saliency>'
            f'<ecco-saliency id="cors" src="{no_cors_url}{data["saliency"]}"></ecco-saliency>'
            f'<ecco-saliency id="fine" src="{site_url}{data["saliency"]}"></ecco-saliency>'
        )
        (tmp_path / "index.html").write_text(HOST.format(head=MODULE.format(site=site_url), body=body))
        page.goto(host_url + "index.html")
        page.wait_for_selector("#fine.is-hydrated", state="attached")
        expected = {
            "missing": "HTTP 404",
            "text": "is not JSON",
            "kind": "holds a “rankings” figure, not a “saliency” one",
            "cors": "Access-Control-Allow-Origin",
        }
        for name, words in expected.items():
            error = page.locator(f"#{name} .ecco-error")
            error.wait_for()
            text = error.inner_text()
            assert text.startswith("This figure could not be shown:") and words in text, (name, text)
            assert error.get_attribute("role") == "alert"
            assert page.locator(f"#{name} .ecco-loading").count() == 0
            assert page.locator(f"#{name}.is-hydrated").count() == 0


def test_figures_in_ecco_build_pages_stay_in_the_light_dom(site):
    with serve(site) as url, browser_page() as page:
        page.goto(url + "brackets/index.html")
        page.wait_for_selector("ecco-saliency.is-hydrated", state="attached")
        assert page.locator("ecco-saliency").evaluate("el => el.shadowRoot === null")
        assert page.locator("ecco-saliency > .ecco-saliency-view").count() == 1
        assert not re.search(
            r"ecco-embed\.css", " ".join(page.evaluate("performance.getEntries().map(e => e.name)"))
        )
        assert page.errors == []
