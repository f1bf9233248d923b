"""<ecco-compare> in headless Debian Chromium: pinning a token in one panel pins the same token
(equal anchors) in the others, unpinning too, and a panel without it says so; saliency's
difference view shows share in b minus share in a, read from the panels' own JSON, for the
pinned token and the chosen method, and repaints with the theme; the panels stack on a phone
and sit side by side on a wide page; the web-component snippet builds a working comparison
on another origin; hostile text stays text.

The tiny GPT-2 ("tiny", and the same model again as "twin") and a tiny GPT-NeoX ("neox") share
one byte-level tokenizer, so a shared text has a counterpart for every token; their random
weights continue a prompt differently, so generated tokens mostly have none."""

from __future__ import annotations

import html
import json
import re

import pytest

from ecco_build.build import build
from ecco_build.kinds.packing import unpack
from tests import tiny_models
from tests.browser import browser_page, serve
from tests.browser.test_web_component import HOST, preview
from tests.conftest import write_site

pytestmark = pytest.mark.browser

HOSTILE = "</script><img src=x onerror=window.__pwned=1>"
ARTICLE = """
---
title: Compare
---
Text.

```{saliency}
:models: [tiny, neox]
:prompt: "def area(width, height):\\n    return"
:target: " width * height"
:method: [integrated_gradients, occlusion]
:n_steps: 8
:tolerance: 0
:width: page
:label: fig-sal
Saliency, side by side.
```

```{generate}
:models: [tiny, twin, neox]
:prompt: "for i in range("
:max_new_tokens: 4
:label: fig-gen
Generation.
```

```{saliency}
:models: [tiny, neox]
:prompt: "HOSTILE"
:target: " x"
:method: occlusion
:label: fig-hostile
Markup in the prompt.
```
""".replace("HOSTILE", HOSTILE)
READY = """() => [...document.querySelectorAll("ecco-compare")].every((c) => c.view)
  && [...document.querySelectorAll("ecco-compare .ecco-explorable")].every((e) => e.view)"""
# Per panel of a figure: [model, pinned output step or null, status line].
PINS = """(figure) => [...figure.querySelectorAll(".ecco-panel")].map((panel) => {
  const element = panel.querySelector(".ecco-explorable");
  const node = (element.shadowRoot ?? element).querySelector('[data-step][aria-pressed="true"]');
  const status = panel.querySelector(".ecco-panel-status").textContent;
  return [panel.dataset.model, node ? Number(node.dataset.step) : null, status];
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    models = {
        "tiny": tiny_model_dir["gpt2"],
        "twin": tiny_model_dir["gpt2"],
        "neox": tiny_models.build("gpt_neox", tmp_path_factory.mktemp("neox") / "neox"),
    }
    root = write_site(tmp_path_factory.mktemp("compare") / "site", {"c.md": ARTICLE}, models)
    build(root)
    return root / "_site"


def open_page(page, url: str) -> None:
    page.goto(url + "c/index.html")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(READY)


def panel_data(figure, n: int) -> dict:
    """Panel n's page form, decoded in Python from the JSON in the page."""
    script = figure.locator(".ecco-panel").nth(n).locator("script[type='application/json']")
    return unpack(json.loads(script.text_content()))


def pins(page, label: str) -> list:
    return page.locator(f"#{label}").evaluate(PINS)


def wait_pins(page, label: str, steps: list) -> None:
    """Wait until the panels of figure `label` pin these output steps (None: nothing)."""
    page.wait_for_function(
        f"(steps) => JSON.stringify(({PINS})(document.querySelector('#{label}')).map((p) => p[1]))"
        " === JSON.stringify(steps)",
        arg=steps,
    )


def test_a_pin_in_one_panel_pins_the_same_token_in_the_other(site):
    with serve(site) as url, browser_page() as page:
        open_page(page, url)
        figure = page.locator("#fig-sal")
        assert figure.evaluate("(f) => f.dataset.link") is None  # linked.js leaves it alone
        outputs = [figure.locator(".ecco-panel").nth(n).get_attribute("data-outputs").split() for n in (0, 1)]
        assert outputs[0] == outputs[1] and len(outputs[0]) >= 3  # one tokenizer, one text
        assert pins(page, "fig-sal") == [["tiny", None, ""], ["neox", None, ""]]
        figure.locator(".ecco-panel").nth(0).locator('[data-step="2"]').click()
        wait_pins(page, "fig-sal", [2, 2])
        # From the other panel, by keyboard: Enter pins, Escape unpins everywhere.
        second = figure.locator(".ecco-panel").nth(1).locator('[data-step="1"]')
        second.focus()
        page.keyboard.press("Enter")
        wait_pins(page, "fig-sal", [1, 1])
        page.keyboard.press("Escape")
        wait_pins(page, "fig-sal", [None, None])
        # A click on the pinned token unpins it in both panels too.
        first = figure.locator(".ecco-panel").nth(0).locator('[data-step="0"]')
        first.click()
        wait_pins(page, "fig-sal", [0, 0])
        first.click()
        wait_pins(page, "fig-sal", [None, None])
        assert page.errors == []


def test_generate_links_where_the_texts_agree_and_says_where_they_do_not(site):
    with serve(site) as url, browser_page() as page:
        open_page(page, url)
        figure = page.locator("#fig-gen")
        outputs = [
            figure.locator(".ecco-panel").nth(n).get_attribute("data-outputs").split() for n in range(3)
        ]
        assert outputs[0] == outputs[1]  # the same model twice
        differ = [k for k, anchor in enumerate(outputs[0]) if anchor not in outputs[2]]
        assert differ, "the two random models wrote the same text: pick another prompt"
        k = differ[0]
        figure.locator(".ecco-panel").nth(0).locator(f'[data-step="{k}"]').click()
        page.wait_for_function(f"() => ({PINS})(document.querySelector('#fig-gen'))[1][1] === {k}")
        state = pins(page, "fig-gen")
        assert state[0][1] == k and state[1][1] == k and state[2][1] is None
        assert state[0][2] == state[1][2] == ""
        assert state[2][2].startswith("neox: no counterpart for “") and "differs here" in state[2][2]
        # Pinning elsewhere moves every pin; unpinning clears the status line.
        figure.locator(".ecco-panel").nth(1).locator(f'[data-step="{k}"]').click()  # unpins (it is pinned)
        wait_pins(page, "fig-gen", [None, None, None])
        assert [p[2] for p in pins(page, "fig-gen")] == ["", "", ""]
        # neox's own output token k: pinned in neox, and said missing in tiny and twin where absent.
        neox = figure.locator(".ecco-panel").nth(2).locator(f'[data-step="{k}"]')
        neox.click()
        page.wait_for_function(f"() => ({PINS})(document.querySelector('#fig-gen'))[2][1] === {k}")
        state = pins(page, "fig-gen")
        if outputs[2][k] not in outputs[0]:
            for model, pinned, status in state[:2]:
                assert pinned is None and status.startswith(f"{model}: no counterpart")
        assert page.errors == []


def difference_values(figure) -> list[tuple[float, str]]:
    """The difference view's tokens: (their value, their label) in order."""
    return figure.locator(".ecco-difference-line .ecco-token:not(.is-target)").evaluate_all(
        "ns => ns.map((n) => [Number(n.dataset.diff), n.getAttribute('aria-label')])"
    )


def expected(figure, method: str, step: int) -> list[float]:
    a, b = panel_data(figure, 0)["result"], panel_data(figure, 1)["result"]
    share_a, share_b = a["methods"][method]["share"][step], b["methods"][method]["share"][step]
    return [y - x for x, y in zip(share_a, share_b, strict=True)]


def check_numbers(figure, method: str, step: int) -> None:
    values = difference_values(figure)
    wanted = expected(figure, method, step)
    assert len(values) == len(wanted)
    for (value, label), diff in zip(values, wanted, strict=True):
        assert value == pytest.approx(diff, abs=2e-3)
        shown = float(re.search(r": [+−±](\d+\.\d) pp", label).group(1))
        assert shown == pytest.approx(abs(100 * diff), abs=0.25), label
        assert ("−" in label.split(" pp")[0]) == (round(100 * diff, 1) < 0) or round(100 * diff, 1) == 0, (
            label
        )


def test_the_difference_view_is_share_b_minus_share_a_of_the_pinned_token(site):
    with serve(site) as url, browser_page() as page:
        open_page(page, url)
        figure = page.locator("#fig-sal")
        view = figure.locator(".ecco-difference")
        assert view.locator(".ecco-fallback").is_hidden()
        # Nothing pinned: the first output token.
        assert "step 1 in tiny, 1 in neox" in view.locator(".ecco-difference-title").inner_text()
        check_numbers(figure, "integrated_gradients", 0)
        steps = len(figure.locator(".ecco-panel").nth(0).get_attribute("data-outputs").split())
        for step in (steps - 1, 1):
            figure.locator(".ecco-panel").nth(1).locator(f'[data-step="{step}"]').click()
            title = view.locator(".ecco-difference-title")
            page.wait_for_function(
                "([n, s]) => n.textContent.includes(`step ${s + 1} in tiny`)",
                arg=[title.element_handle(), step],
            )
            check_numbers(figure, "integrated_gradients", step)
        # Another method, from the difference view's switcher: the panels follow, and the numbers.
        view.locator("select").select_option("occlusion")
        title = view.locator(".ecco-difference-title").element_handle()
        page.wait_for_function("(n) => n.textContent.includes('occlusion')", arg=title)
        check_numbers(figure, "occlusion", 1)
        panels = figure.locator(".ecco-panel .ecco-switcher select").evaluate_all(
            "ss => ss.map((s) => s.value)"
        )
        assert panels == ["occlusion", "occlusion"]
        shown = figure.locator(".ecco-panel .ecco-saliency-status").all_text_contents()
        assert all(text.endswith(", occlusion).") for text in shown), shown  # and show it
        # And back, from a panel's own switcher.
        figure.locator(".ecco-panel").nth(0).locator(".ecco-switcher select").select_option(
            "integrated_gradients"
        )
        title = view.locator(".ecco-difference-title").element_handle()
        page.wait_for_function("(n) => n.textContent.includes('integrated gradients')", arg=title)
        check_numbers(figure, "integrated_gradients", 1)
        assert view.locator("select").input_value() == "integrated_gradients"
        # Hover shows the value in words; the legend names both ends.
        view.locator(".ecco-difference-line .ecco-token").first.hover()
        assert re.search(r"[+−±]\d+\.\d pp \(", view.locator(".ecco-difference-status").inner_text())
        legend = view.locator(".ecco-legend").inner_text()
        assert "tiny more" in legend and "neox more" in legend and re.search(r"±\d+\.\d pp", legend)
        assert page.errors == []


def test_the_panels_stack_on_a_phone_and_sit_side_by_side_on_a_wide_page(site):
    boxes = """(f) => [...f.querySelectorAll(".ecco-panel")].map((p) => {
      const r = p.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, r.width]; })"""
    with serve(site) as url, browser_page(390, 844, touch=True) as page:
        open_page(page, url)
        for label in ("fig-sal", "fig-gen"):
            figure = page.locator(f"#{label}")
            panels = figure.evaluate(boxes)
            width = figure.locator(".ecco-panels").evaluate("(n) => n.getBoundingClientRect().width")
            for above, below in zip(panels, panels[1:], strict=False):
                assert below[1] >= above[3] - 0.5  # below, not beside
            assert all(abs(p[4] - width) < 1 for p in panels)  # each full width
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        # Tapping links on a phone too.
        page.locator("#fig-sal .ecco-panel").nth(1).locator('[data-step="1"]').tap()
        wait_pins(page, "fig-sal", [1, 1])
        assert page.errors == []
    with serve(site) as url, browser_page(1280, 900) as page:
        open_page(page, url)
        a, b = page.locator("#fig-sal").evaluate(boxes)
        assert abs(a[1] - b[1]) < 1 and b[0] >= a[2]  # same row, b right of a
        assert a[4] > 400  # the page width, not the body column's halves
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280


def colour(background: str) -> str:
    """The colour of a painted background, without its opacity: "31, 95, 191"."""
    return ", ".join(re.findall(r"\d+", background)[:3])


def test_the_difference_view_repaints_in_dark_mode(site):
    with serve(site) as url, browser_page() as page:
        open_page(page, url)
        tokens = page.locator("#fig-sal .ecco-difference-line .ecco-token:not(.is-target)")
        before = tokens.evaluate_all("ns => ns.map((n) => n.style.background)")
        light = {"31, 95, 191", "200, 55, 45"}  # palette.css: --ecco-positive, --ecco-negative
        assert {colour(b) for b in before} <= light and colour(before[0]) in light
        page.locator(".theme-toggle").click()
        page.wait_for_function(
            "(b) => [...document.querySelectorAll('#fig-sal .ecco-difference-line .ecco-token')]"
            ".some((n, i) => i < b.length && n.style.background !== b[i])",
            arg=before,
        )
        after = tokens.evaluate_all("ns => ns.map((n) => n.style.background)")
        dark = {"110, 160, 245", "245, 105, 95"}  # the same, dark
        assert [colour(a) for a in after] == [
            {"31, 95, 191": "110, 160, 245", "200, 55, 45": "245, 105, 95"}[colour(b)] for b in before
        ]
        assert {colour(a) for a in after} <= dark
        legend = page.locator("#fig-sal .ecco-difference .ecco-legend-bar").evaluate(
            "(n) => n.style.background"
        )
        assert "110, 160, 245" in legend
        assert page.errors == []


def test_hostile_text_stays_text(site):
    with serve(site) as url, browser_page() as page:
        open_page(page, url)
        figure = page.locator("#fig-hostile")
        assert figure.locator("img").count() == 0
        line = figure.locator(".ecco-difference-line").text_content()
        assert "<img src=x onerror=" in line
        titles = figure.locator(".ecco-panel-model").all_text_contents()
        assert [t.split()[0] for t in titles[:2]] == ["tiny", "neox"]
        figure.locator(".ecco-panel").nth(0).locator('[data-step="0"]').click()
        assert "</script>" in figure.locator(".ecco-panels").text_content()
        assert page.evaluate("() => window.__pwned") is None
        assert page.errors == []


def snippet(site, label: str) -> str:
    page = (site / "c" / "index.html").read_text()
    found = re.search(rf'<textarea id="{label}-embed-component"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1))


def test_the_snippet_builds_the_comparison_on_another_origin(site, tmp_path):
    code = snippet(site, "fig-sal")
    assert "<ecco-compare src=" in code and 'src="../static/js/ecco.js"' in code
    with preview(site) as site_url, serve(tmp_path) as host_url, browser_page() as page:
        (tmp_path / "index.html").write_text(HOST.format(head="", body=code.replace("../", site_url)))
        page.goto(host_url + "index.html")
        compare = page.locator("ecco-compare")
        page.wait_for_function(
            "() => { const c = document.querySelector('ecco-compare');"
            " return c.view && [...c.children].length === 2 && [...c.children].every((e) => e.view); }"
        )
        assert compare.evaluate("(c) => !!c.shadowRoot") is True
        titles = compare.locator(".ecco-panel-model").all_text_contents()
        assert [t.split()[0] for t in titles] == ["tiny", "neox", "Difference"]
        panels = compare.locator("ecco-saliency")
        assert panels.evaluate_all("es => es.map((e) => !!e.shadowRoot && e.children.length)") == [0, 0]
        panels.nth(0).locator('[data-step="2"]').click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('ecco-compare > ecco-saliency')]"
            ".map((e) => e.shadowRoot.querySelector('[aria-pressed=\"true\"]')?.dataset.step)"
            ".join() === '2,2'"
        )
        assert "step 3 in tiny, 3 in neox" in compare.locator(".ecco-difference-title").inner_text()
        # Laid out by the embed stylesheet: side by side in a wide host.
        tops = compare.locator(".ecco-panel").evaluate_all(
            "ps => ps.map((p) => Math.round(p.getBoundingClientRect().top))"
        )
        assert tops[0] == tops[1]
        assert page.errors == []
