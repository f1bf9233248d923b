"""The palette has one source, ecco_build/kinds/palette.py: static/css/palette.css is written
from it (scripts/update_palette.py), and the figures' scripts and stylesheet read the CSS custom
properties instead of keeping their own copies of the colours."""

import re
from pathlib import Path

from ecco_build.kinds.palette import BLUE, FACTOR_COLOURS, css

ROOT = Path(__file__).parents[1]
STATIC = ROOT / "static"
PALETTE_CSS = STATIC / "css" / "palette.css"


def properties() -> dict[str, str]:
    return dict(re.findall(r"(--ecco-[\w-]+):\s*([^;]+);", PALETTE_CSS.read_text()))


def test_palette_css_is_generated_from_the_python_palette():
    # If this fails, run `python scripts/update_palette.py`.
    assert PALETTE_CSS.read_text() == css()


def test_palette_css_holds_the_python_colours():
    found = properties()
    assert found["--ecco-positive"] == found["--ecco-rank"] == " ".join(map(str, BLUE))
    assert int(found["--ecco-factor-count"]) == len(FACTOR_COLOURS)
    for i, colour in enumerate(FACTOR_COLOURS):
        assert found[f"--ecco-factor-{i}"] == " ".join(map(str, colour))


def colour_literals(colour: tuple[int, int, int]) -> re.Pattern:
    """The colour's channels written in a row, however separated: "31,95,191", [31, 95, 191]."""
    return re.compile(r"\b" + r"\s*,\s*".join(map(str, colour)) + r"\b")


def test_scripts_and_stylesheets_keep_no_copy_of_the_palette():
    negative = tuple(map(int, properties()["--ecco-negative"].split()))
    sources = [*STATIC.glob("js/**/*.js"), *STATIC.glob("css/*.css")]
    assert sources
    for path in sources:
        if path == PALETTE_CSS:
            continue
        text = path.read_text()
        for colour in (BLUE, negative, *FACTOR_COLOURS):
            assert not colour_literals(colour).search(text), f"{path.relative_to(ROOT)} copies {colour}"


def test_every_property_the_scripts_read_is_defined():
    defined = set(properties())
    read = set()
    for path in STATIC.glob("js/**/*.js"):
        read |= set(re.findall(r"""["'`](--ecco-[a-z-]*[a-z])["'`]""", path.read_text()))
    read |= set(re.findall(r"var\((--ecco-[\w-]+)\)", (STATIC / "css" / "ecco.css").read_text()))
    assert read, "the scripts read no palette property"
    assert read <= defined
