"""The palette has one source, ecco_build/kinds/palette.py: static/css/palette.css is written
from it (scripts/update_palette.py), and the figures' scripts and stylesheet read the CSS custom
properties instead of keeping their own copies of the colours."""

import re
from pathlib import Path

import pytest

from ecco_build.kinds.palette import BLUE, DARK, FACTOR_COLOURS, LIGHT, Palette, contrast, css, luminance

ROOT = Path(__file__).parents[1]
STATIC = ROOT / "static"
PALETTE_CSS = STATIC / "css" / "palette.css"


def properties(block: int = 0) -> dict[str, str]:
    """The custom properties of one rule of palette.css: 0 the light :root, 1 the system's dark,
    2 the toggle's dark."""
    rules = re.findall(r"\{([^{}]*)\}", PALETTE_CSS.read_text())
    return dict(re.findall(r"(--ecco-[\w-]+):\s*([^;]+);", rules[block]))


def test_palette_css_is_generated_from_the_python_palette():
    # If this fails, run `python scripts/update_palette.py`.
    assert PALETTE_CSS.read_text() == css()


def written(colour) -> str:
    return " ".join(map(str, colour))


@pytest.mark.parametrize(("block", "palette"), [(0, LIGHT), (1, DARK), (2, DARK)])
def test_palette_css_holds_the_python_colours(block, palette):
    found = properties(block)
    assert found["--ecco-positive"] == written(palette.positive)
    assert found["--ecco-negative"] == written(palette.negative)
    assert found["--ecco-rank"] == written(palette.rank)
    assert found["--ecco-selected"] == written(palette.selected)
    assert int(found["--ecco-factor-count"]) == len(palette.factors)
    for i, colour in enumerate(palette.factors):
        assert found[f"--ecco-factor-{i}"] == written(colour)
    assert written(LIGHT.positive) == written(BLUE) and LIGHT.factors == FACTOR_COLOURS


def test_the_dark_set_applies_where_the_dark_theme_does():
    text = PALETTE_CSS.read_text()
    assert '@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"]) {' in text
    assert ':root[data-theme="dark"] {' in text
    # ecco.css's own dark theme uses the same two selectors.
    stylesheet = (STATIC / "css" / "ecco.css").read_text()
    assert ':root:not([data-theme="light"])' in stylesheet and ':root[data-theme="dark"]' in stylesheet


PAGE = {"light": (255, 255, 255), "dark": (21, 23, 26)}  # ecco.css --background


def test_contrast_follows_wcag():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert luminance((255, 255, 255)) == pytest.approx(1) and luminance((0, 0, 0)) == 0


@pytest.mark.parametrize(("name", "palette"), [("light", LIGHT), ("dark", DARK)])
def test_the_selected_highlight_stands_out_from_every_factor_colour(name, palette: Palette):
    # The selected factor's background against each factor's colour (its number's border and
    # sparkline): WCAG's 3:1 for graphical objects.
    for i, colour in enumerate(palette.factors):
        ratio = contrast(palette.selected, colour)
        assert ratio >= 3, f"{name} factor {i} {colour} on the highlight {palette.selected}: {ratio:.2f}:1"


@pytest.mark.parametrize(("name", "palette"), [("light", LIGHT), ("dark", DARK)])
def test_the_full_colours_read_on_their_own_page(name, palette: Palette):
    # The full-strength ends of the scales and every factor colour against the page they are
    # drawn on: 3:1 at least, so the dark set is chosen for the dark page, not inverted.
    page = PAGE[name]
    for colour in (palette.positive, palette.negative, palette.rank, *palette.factors):
        assert contrast(colour, page) >= 3, f"{name}: {colour} on {page}"


def test_the_dark_set_is_its_own():
    assert DARK.positive != LIGHT.positive and DARK.negative != LIGHT.negative
    assert DARK.selected != LIGHT.selected and not set(DARK.factors) & set(LIGHT.factors)


def colour_literals(colour: tuple[int, int, int]) -> re.Pattern:
    """The colour's channels written in a row, however separated: "31,95,191", [31, 95, 191]."""
    return re.compile(r"\b" + r"\s*,\s*".join(map(str, colour)) + r"\b")


def test_scripts_and_stylesheets_keep_no_copy_of_the_palette():
    sources = [*STATIC.glob("js/**/*.js"), *STATIC.glob("css/*.css")]
    assert sources
    for path in sources:
        if path == PALETTE_CSS:
            continue
        text = path.read_text()
        for colour in {c for p in (LIGHT, DARK) for c in (p.positive, p.negative, p.selected, *p.factors)}:
            assert not colour_literals(colour).search(text), f"{path.relative_to(ROOT)} copies {colour}"


def test_every_property_the_scripts_read_is_defined():
    defined = set(properties())
    read = set()
    for path in STATIC.glob("js/**/*.js"):
        read |= set(re.findall(r"""["'`](--ecco-[a-z-]*[a-z])["'`]""", path.read_text()))
    read |= set(re.findall(r"var\((--ecco-[\w-]+)\)", (STATIC / "css" / "ecco.css").read_text()))
    assert read, "the scripts read no palette property"
    assert read <= defined
