"""<ecco-attention> in headless Debian Chromium: the head picker fetches a layer only when it is
opened, hover and "attended by" show the part file's weights, lines and matrix views, heads
averaged, one keyboard model, a phone, dark mode and a missing part file."""

import base64
import json
import shutil

import pytest

from ecco_build.build import build
from tests import tiny_models
from tests.browser import browser_page, serve
from tests.browser.test_csp import LISTEN
from tests.conftest import write_site

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Attention
---
Text.

```{attention}
:prompt: "def area(width, height):\\n    return (width * height)"
```

```{attention}
:model: llama
:prompt: "The keys to the cabinet are on the table, and the cabinet is in the hall by the door."
:max_new_tokens: 4
:view: matrix
:layer: 2
```

```{attention}
:model: bert
:prompt: "The capital of France is Paris."
:average: true
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    models = dict(tiny_model_dir)
    models["bert"] = tiny_models.build("bert", tmp_path_factory.mktemp("bert") / "bert")
    root = write_site(tmp_path_factory.mktemp("attention") / "site", {"a.md": ARTICLE}, models)
    build(root)
    return root / "_site"


def figure_data(page, n):
    """The page form and the data URL of figure n."""
    figure = page.locator("ecco-attention").nth(n)
    return json.loads(
        figure.locator(":scope > script[type='application/json']:not([data-part])").text_content()
    ), figure


def part_matrix(site, figure, layer, head):
    """Head `head` (0-based; None: the heads' mean) of a layer, decoded in Python from the part file."""
    data_url = figure.get_attribute("data-parts")
    part = json.loads(
        (site / data_url.replace("../", "").replace(".json", f".layer-{layer}.json")).read_text()
    )
    heads, count, _ = part["weights"]["shape"]
    raw = base64.b64decode(part["weights"]["u8"])
    causal = part["weights"]["causal"]
    per = count * (count + 1) // 2 if causal else count * count
    chosen = range(heads) if head is None else [head]
    matrix = [[0.0] * count for _ in range(count)]
    for h in chosen:
        at = h * per
        for i in range(count):
            for j in range(i + 1 if causal else count):
                matrix[i][j] += raw[at] / 255 / len(chosen)
                at += 1
    return matrix


def weights(figure, side):
    return figure.locator(f".ecco-attention-token.{side}").evaluate_all(
        "nodes => nodes.map(n => n.dataset.weight === undefined ? null : Number(n.dataset.weight))"
    )


def ready(page, url):
    page.goto(url + "a/index.html")
    page.wait_for_selector("ecco-attention >> nth=2 >> .ecco-attention-token")
    page.wait_for_function("document.querySelectorAll('ecco-attention .ecco-attention-token').length > 0")


def test_head_picker_fetches_a_layer_when_it_is_opened(site):
    with serve(site) as url, browser_page() as page:
        fetched = []
        page.on("request", lambda request: fetched.append(request.url) if ".layer-" in request.url else None)
        page.add_init_script(LISTEN)
        ready(page, url)
        for n in range(3):
            page.locator("ecco-attention").nth(n).locator(".ecco-attention-token").first.wait_for()
        data, first = figure_data(page, 0)
        name = first.get_attribute("data-parts").rsplit("/", 1)[1].removesuffix(".json")
        mine = lambda: [u for u in fetched if name in u]  # noqa: E731
        assert [u.rsplit("/", 1)[1] for u in mine()] == [f"{name}.layer-1.json"]
        assert len(fetched) == 3  # one part per figure: the layer each opens with
        first.locator("canvas[data-layer='2'][data-head='3']").click()
        first.locator(".ecco-attention-title", has_text="Layer 2 of 2, head 3 of 4").wait_for()
        assert [u.rsplit("/", 1)[1] for u in mine()] == [f"{name}.layer-1.json", f"{name}.layer-2.json"]
        assert first.locator("select").nth(0).input_value() == "2"
        assert first.locator("select").nth(1).input_value() == "3"
        assert first.locator("canvas[aria-selected='true']").evaluate_all(
            "c => c.map(n => n.dataset.layer + n.dataset.head)"
        ) == ["23"]
        # Back to layer 1 and on to layer 2 again: both are cached.
        first.locator("canvas[data-layer='1'][data-head='2']").click()
        first.locator(".ecco-attention-title", has_text="Layer 1 of 2, head 2").wait_for()
        first.locator("select").nth(0).select_option("2")
        first.locator(".ecco-attention-title", has_text="Layer 2 of 2, head 2").wait_for()
        assert len(mine()) == 2
        # Thumbnails: one per layer and head, drawn from the page form.
        assert (
            first.locator(".ecco-attention-multiples canvas").count()
            == data["result"]["layers"] * data["result"]["heads"]
        )
        assert page.evaluate("window.__violations") == []  # the site's Content-Security-Policy
        assert page.errors == []


def test_hover_shows_the_row_and_attended_by_the_column(site):
    with serve(site) as url, browser_page() as page:
        ready(page, url)
        data, first = figure_data(page, 0)
        tokens = data["result"]["tokens"]
        first.locator("canvas[data-layer='2'][data-head='4']").click()
        first.locator(".ecco-attention-title", has_text="Layer 2 of 2, head 4").wait_for()
        matrix = part_matrix(site, first, 2, 3)
        for i in (0, 5, len(tokens) - 1):
            first.locator(".ecco-attention-token.is-query").nth(i).hover()
            got = weights(first, "is-key")
            assert got[: i + 1] == pytest.approx(matrix[i][: i + 1], abs=1e-6)
            assert got[i + 1 :] == [None] * (len(tokens) - i - 1)  # causal: never attended
            best = max(range(i + 1), key=lambda j: (matrix[i][j], -j))
            status = first.locator(".ecco-tooltip").inner_text()
            label = tokens[best].get("display", tokens[best]["text"])
            assert status.startswith(
                f"“{tokens[i].get('display', tokens[i]['text'])}” attends most to “{label}”"
            )
            assert f"({100 * matrix[i][best]:.1f}%)" in status
        first.get_by_role("button", name="Attended by").click()
        assert first.get_by_role("button", name="Attended by").get_attribute("aria-pressed") == "true"
        first.locator(".ecco-attention-token.is-key").nth(2).hover()
        got = weights(first, "is-query")
        assert got[2:] == pytest.approx([matrix[i][2] for i in range(2, len(tokens))], abs=1e-6)
        assert got[:2] == [None, None]
        assert "is attended to most by" in first.locator(".ecco-tooltip").inner_text()
        assert page.errors == []


def test_matrix_view_and_heads_averaged(site):
    with serve(site) as url, browser_page() as page:
        ready(page, url)
        _, second = figure_data(page, 1)  # opens as a matrix, layer 2
        assert second.locator(".ecco-attention-matrix canvas").count() == 1
        assert second.get_by_role("button", name="Matrix view").get_attribute("aria-pressed") == "true"
        matrix = part_matrix(site, second, 2, 0)
        second.locator(".ecco-attention-token.is-query").nth(7).hover()
        assert weights(second, "is-key")[:8] == pytest.approx(matrix[7][:8], abs=1e-6)
        band = second.locator(".ecco-attention-band")
        assert band.is_visible()
        row = second.locator(".ecco-attention-token.is-query").nth(7).bounding_box()
        assert abs(band.bounding_box()["y"] - row["y"]) < 2  # the band lies on the query's row
        # The canvas holds the weights, largest fully opaque.
        alphas = second.locator(".ecco-attention-matrix canvas").evaluate(
            "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)"
            ".filter((_, k) => k % 4 === 3)"
        )
        count = len(matrix)
        top = max(max(r) for r in matrix)
        expected = [
            round(255 * (0.04 + 0.96 * matrix[i][j] / top)) for i in range(count) for j in range(count)
        ]
        assert alphas == pytest.approx(expected, abs=1.01)
        second.get_by_role("button", name="Matrix view").click()
        assert second.locator(".ecco-attention-lines").count() == 1
        # Heads averaged: the mean of the layer's heads, computed in the page.
        second.get_by_role("button", name="Heads averaged").click()
        second.locator(".ecco-attention-title", has_text="all 4 heads averaged").wait_for()
        assert second.locator("select").nth(1).is_disabled()
        mean = part_matrix(site, second, 2, None)
        second.locator(".ecco-attention-token.is-query").nth(9).hover()
        assert weights(second, "is-key")[:10] == pytest.approx(mean[9][:10], abs=1e-6)
        assert second.locator("canvas[aria-selected='true']").count() == 4  # the layer's heads
        _, third = figure_data(page, 2)  # an encoder: every token attends to every token
        third.locator(".ecco-attention-token.is-query").nth(0).hover()
        assert None not in weights(third, "is-key")
        assert sum(weights(third, "is-key")) == pytest.approx(1, abs=0.02)
        assert page.errors == []


def test_one_tab_stop_arrows_enter_pins_escape_unpins(site):
    with serve(site) as url, browser_page() as page:
        ready(page, url)
        _, first = figure_data(page, 0)
        queries = first.locator(".ecco-attention-token.is-query")
        assert first.locator(".ecco-attention-token[tabindex='0']").count() == 1
        assert first.locator(".ecco-attention-multiples canvas[tabindex='0']").count() == 1
        queries.first.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.dataset.position") == "2"
        page.keyboard.press("Enter")
        assert queries.nth(2).get_attribute("aria-pressed") == "true"
        pinned = weights(first, "is-key")
        queries.nth(4).hover()
        assert weights(first, "is-key") != pinned
        page.mouse.move(0, 0)  # leaving the tokens shows the pinned one again
        assert weights(first, "is-key") == pinned
        assert "Pinned" in first.locator(".ecco-tooltip").inner_text()
        page.keyboard.press("Escape")
        assert queries.nth(2).get_attribute("aria-pressed") == "false"
        assert set(weights(first, "is-key")) == {None}
        # The heads: one tab stop, arrows, Enter opens.
        first.locator(".ecco-attention-multiples canvas[tabindex='0']").focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        first.locator(".ecco-attention-title", has_text="Layer 2 of 2, head 2 of 4").wait_for()
        assert page.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_fits_and_dark_mode_is_designed(site, scheme):
    with serve(site) as url, browser_page(width=390, height=800) as page:
        page.emulate_media(color_scheme=scheme)
        ready(page, url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _, second = figure_data(page, 1)
        frame = second.locator(".ecco-attention-frame")
        frame.locator(".ecco-attention-matrix").wait_for()
        # A 40-odd-token matrix is wider than a phone: it scrolls in its box, behind a cue.
        assert "is-overflowing" in frame.get_attribute("class")
        assert second.locator(".ecco-scroll-cue").is_visible()
        for figure in page.locator("ecco-attention").all():
            box = figure.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        # Colours come from the palette of the scheme: a thumbnail's pixels are its positive colour.
        positive = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--ecco-positive')"
        )
        pixel = second.locator(".ecco-attention-multiples canvas").first.evaluate(
            "c => Array.from(c.getContext('2d').getImageData(0, 0, 1, 1).data.slice(0, 3))"
        )
        assert pixel == [int(v) for v in positive.split()]
        # Text on painted tokens, the status line and a pressed toggle: WCAG AA contrast.
        second.locator(".ecco-attention-token.is-query").nth(6).hover()
        contrasts = page.evaluate(CONTRASTS)
        assert min(contrasts) >= 4.5, contrasts
        assert page.errors == []


CONTRASTS = """() => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (node) => {
    let colour = [255, 255, 255], stack = [];
    for (let el = node; el; el = el.parentElement) stack.push(getComputedStyle(el).backgroundColor);
    for (const text of stack.reverse()) {
      const [r, g, b, a = 1] = rgb(text);
      colour = colour.map((c, i) => a * [r, g, b][i] + (1 - a) * c);
    }
    return colour;
  };
  const ratio = (node) => {
    const [a, b] = [lum(rgb(getComputedStyle(node).color)), lum(behind(node))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const figure = document.querySelectorAll("ecco-attention")[1];
  const nodes = [...figure.querySelectorAll(".ecco-attention-token.is-key[data-weight], .ecco-tooltip, "
    + ".ecco-toggle[aria-pressed='true']")];
  return nodes.map(ratio);
}"""


def test_a_missing_part_file_says_so(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    with serve(copy) as url, browser_page() as page:
        ready(page, url)
        _, first = figure_data(page, 0)
        part = copy / first.get_attribute("data-parts").replace("../", "").replace(".json", ".layer-2.json")
        part.unlink()
        first.locator("canvas[data-layer='2'][data-head='1']").click()
        error = first.locator(".ecco-error[role='alert']")
        error.wait_for()
        text = error.inner_text()
        assert text.startswith("Layer 2 could not be loaded: could not load ") and "HTTP 404" in text
        # The rest still works: layer 1 opens again.
        first.locator("canvas[data-layer='1'][data-head='1']").click()
        first.locator(".ecco-attention-token").first.wait_for()
        assert first.locator(".ecco-error").count() == 0
        assert page.errors == []


HOST = """<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>
<h1>Another site</h1>{figure}<script type="module" src="static/js/ecco.js"></script></body></html>"""


def test_the_entry_imports_it_once_one_is_in_the_page(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    src = (copy / "a" / "index.html").read_text().split('data-parts="../', 1)[1].split('"', 1)[0]
    (copy / "host.html").write_text(HOST.format(figure=f'<ecco-attention src="{src}"></ecco-attention>'))
    (copy / "late.html").write_text(HOST.format(figure=""))
    with serve(copy) as url, browser_page() as page:
        loaded = []
        page.on(
            "request", lambda r: loaded.append(r.url.rsplit("/", 1)[1]) if "ecco-attention" in r.url else None
        )
        page.goto(url + "late.html")
        page.wait_for_load_state("networkidle")
        assert loaded == []  # no figure, no attention module
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', "
            f"'<ecco-attention src=\"{src}\"></ecco-attention>')"
        )
        page.wait_for_function(
            "document.querySelector('ecco-attention').shadowRoot?.querySelector('.ecco-attention-token')"
        )
        assert loaded == ["ecco-attention.js"]
        page.goto(url + "host.html")
        token = page.locator("ecco-attention .ecco-attention-token.is-query").nth(
            3
        )  # playwright pierces the shadow root
        token.hover()
        assert page.locator("ecco-attention .ecco-attention-token.is-key[data-weight]").count() == 4
        assert page.errors == []


def test_an_inline_part_is_read_before_fetching(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page_file = copy / "a" / "index.html"
    html = page_file.read_text()
    data_url = html.split('data-parts="../', 1)[1].split('"', 1)[0]
    part_file = copy / data_url.replace(".json", ".layer-2.json")
    inline = f'<script type="application/json" data-part="layer-2">{part_file.read_text()}</script>'
    # After the figure's own payload, as the single-file export writes it.
    start = html.index("<ecco-attention")
    end = html.index("</script>", html.index('<script type="application/json">', start)) + len("</script>")
    page_file.write_text(html[:end] + inline + html[end:])
    part_file.unlink()
    with serve(copy) as url, browser_page() as page:
        fetched = []
        page.on("request", lambda request: fetched.append(request.url) if ".layer-2" in request.url else None)
        ready(page, url)
        _, first = figure_data(page, 0)
        first.locator("canvas[data-layer='2'][data-head='2']").click()
        first.locator(".ecco-attention-title", has_text="Layer 2 of 2, head 2").wait_for()
        first.locator(".ecco-attention-token.is-query").nth(3).hover()
        assert weights(first, "is-key")[:4] == pytest.approx(part_matrix(site, first, 2, 1)[3][:4], abs=1e-6)
        assert [u for u in fetched if data_url.rsplit("/", 1)[1].removesuffix(".json") in u] == []
        assert page.errors == []


HOSTILE_TEXT = '</script><img src=x onerror="window.__pwned=1"><b>bold</b>'


def test_hostile_tokens_stay_text_in_every_view(make_site):
    """A prompt made of markup reaches the attention figure's fallback, tokens, status line,
    matrix labels and notes as text: nothing runs, no element is made from it."""
    from ecco_build.build import build
    from tests.browser import browser_page, serve

    site = make_site(
        {"h.md": f"---\ntitle: H\n---\n:::{{attention}}\n:prompt: {json.dumps(HOSTILE_TEXT)}\n:::\n"}
    )
    build(site)
    html = (site / "_site" / "h" / "index.html").read_text()
    assert "<img src=x" not in html and "<b>bold</b>" not in html
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "h/index.html")
        page.wait_for_function("document.querySelector('ecco-attention').view")
        figure = page.locator("ecco-attention")
        visible = [token for token in figure.locator(".ecco-token").all() if token.is_visible()]
        assert visible
        for token in visible[:6]:
            token.hover()
        for button in figure.locator("button").all():
            if button.is_visible():
                button.click()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("ecco-attention img, ecco-attention b").count() == 0
        shown = "".join(token.inner_text() for token in visible)
        assert "<" in shown and "onerror" in shown  # the markup is there, as characters
        assert page.errors == []
