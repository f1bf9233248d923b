"""<ecco-saliency> in headless Debian Chromium: shading follows the JSON, keyboard, independence."""

import json

import pytest

from ecco_build.kinds.packing import unpack
from tests.browser import browser_page, built_site, serve

pytestmark = pytest.mark.browser

ARTICLE = """
---
title: Saliency
---
:::{saliency}
:prompt: def area(width, height):
:max_new_tokens: 4
:method: [integrated_gradients, gradient_x_input]
:n_steps: 8
First.
:::

:::{saliency}
:prompt: "for i in range(10):"
:target: " print(i)"
:method: occlusion
:view: detailed
Second.
:::
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tiny_model_dir):
    return built_site(tmp_path_factory, tiny_model_dir, "s", ARTICLE)


def shares(figure):
    return figure.locator(".ecco-saliency-view .ecco-token").evaluate_all(
        "nodes => nodes.map(n => n.dataset.share === undefined ? null : Number(n.dataset.share))"
    )


def test_hover_shades_inputs_by_json_values(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "s/index.html")
        first, second = page.locator("ecco-saliency").nth(0), page.locator("ecco-saliency").nth(1)
        first.locator(".ecco-token.output[role=button]").first.wait_for()
        data = unpack(json.loads(first.locator("script[type='application/json']").text_content()))["result"]
        second_before = shares(second)
        for step in (1, 3):
            first.locator(".ecco-token.output[role=button]").nth(step).hover()
            expected = data["methods"]["integrated_gradients"]["share"][step]
            got = shares(first)
            position = data["targets"][step]
            assert got[:position] == pytest.approx(expected, abs=1e-9)
            assert all(v is None for v in got[position:])
            status = first.locator(".ecco-saliency-status").inner_text()
            assert status.startswith(f"Output token {step + 1},")
        # The method switcher changes the shading to the other method's values.
        first.locator("select").select_option("gradient_x_input")
        expected = data["methods"]["gradient_x_input"]["share"][3]
        assert shares(first)[: data["targets"][3]] == pytest.approx(expected, abs=1e-9)
        assert shares(second) == second_before
        assert page.errors == []


def test_keyboard_moves_between_outputs(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "s/index.html")
        second = page.locator("ecco-saliency").nth(1)
        outputs = second.locator(".ecco-token.output[role=button]")
        outputs.first.focus()
        page.keyboard.press("ArrowRight")
        assert second.locator(".ecco-saliency-status").inner_text().startswith("Output token 2,")
        data = unpack(json.loads(second.locator("script[type='application/json']").text_content()))["result"]
        signed = data["methods"]["occlusion"]["signed"][1]
        values = second.locator(".ecco-saliency-view .ecco-token .ecco-share").all_inner_texts()
        top = max(abs(v) for v in signed)
        assert values[0].replace("−", "-") == f"{signed[0]:+.2g}" or top == 0


def test_packed_arrays_decode_in_the_browser_as_in_python(site):
    """The page carries shares and signed values as float16 (ecco_build/packing.py); the
    browser's decoder gives exactly Python's values, which are the stored ones to 3 digits."""
    stored = {}
    for path in (site / "data").glob("saliency-*.json"):
        record = json.loads(path.read_text())
        stored[record["key"]] = record["result"]
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "s/index.html")
        page.locator("ecco-saliency .ecco-token.output[role=button]").first.wait_for()
        for figure in page.locator("ecco-saliency").all():
            raw = json.loads(figure.locator("script[type='application/json']").text_content())
            for method in raw["result"]["methods"].values():
                assert "norm" not in method and set(method["share"]) == {"f16", "rows"}
            decoded = page.evaluate(
                "async raw => (await import('./../static/js/lib/data.js')).unpack(raw)", raw
            )
            assert decoded == unpack(raw)
            result = decoded["result"]
            full = stored[decoded["key"]]
            for name, method in result["methods"].items():
                for key in ("share", "signed"):
                    for row, full_row in zip(method[key], full["methods"][name][key], strict=True):
                        assert row == pytest.approx(full_row, rel=1e-3, abs=1e-7)
        assert page.errors == []


def test_one_tab_stop_enter_pins_escape_unpins(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "s/index.html")
        first = page.locator("ecco-saliency").nth(0)
        outputs = first.locator(".ecco-token.output[role=button]")
        outputs.first.wait_for()
        stops = "ns => ns.filter(n => n.tabIndex >= 0).length"
        assert first.locator(".ecco-token-line [tabindex]").evaluate_all(stops) == 1
        outputs.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert first.locator(".ecco-token-line [tabindex]").evaluate_all(stops) == 1
        page.keyboard.press("Enter")
        assert outputs.nth(2).get_attribute("aria-pressed") == "true"
        page.mouse.move(5, 5)
        assert first.locator(".ecco-saliency-status").inner_text().startswith("Output token 3,")
        page.keyboard.press("Escape")
        assert outputs.nth(2).get_attribute("aria-pressed") == "false"
        page.keyboard.press(" ")
        assert outputs.nth(2).get_attribute("aria-pressed") == "true"
        assert page.errors == []


def test_theme_change_repaints_with_the_dark_palette(site):
    with serve(site / "_site") as url, browser_page() as page:
        page.goto(url + "s/index.html")
        first = page.locator("ecco-saliency").nth(0)
        first.locator(".ecco-token.output[role=button]").first.wait_for()
        token = first.locator(".ecco-saliency-view .ecco-token").first
        light = token.evaluate("n => n.style.background")
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        page.wait_for_timeout(100)
        dark = token.evaluate("n => n.style.background")
        from ecco_build.kinds.palette import DARK

        assert light != dark and dark.startswith(f"rgba({', '.join(map(str, DARK.positive))}")
        assert page.errors == []
