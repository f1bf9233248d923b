"""The colours the figures share, defined once: the blue of shares and ranks, the red of negative
values, the ten factor colours and the highlight of a selected item, each in a light set (on the
white page) and a dark set (chosen for the dark page, not inverted). PNG cards read the light
tuples; templates and filters write them as CSS with `rgb`; the figures' scripts read them from
static/css/palette.css, which `css()` writes (a test keeps the file in step, and another checks
that the selected highlight keeps a 3:1 contrast with every factor colour in both sets)."""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    positive: Colour  # shares, positive attributions, probabilities
    negative: Colour  # negative attributions
    rank: Colour  # the rank heatmaps
    selected: Colour  # the background of a selected token, factor or candidate
    factors: tuple[Colour, ...]  # factor i takes factors[i % 10]


LIGHT = Palette(
    positive=(31, 95, 191),
    negative=(200, 55, 45),
    rank=(31, 95, 191),
    selected=(255, 226, 130),
    # Tableau's ten, darkened where needed so each keeps 3:1 against the selected highlight.
    factors=(
        (31, 119, 180),
        (200, 90, 0),
        (30, 130, 30),
        (200, 30, 35),
        (130, 80, 180),
        (140, 86, 75),
        (190, 60, 150),
        (105, 105, 105),
        (125, 125, 0),
        (0, 125, 140),
    ),
)

# For the dark page (#15171a): lighter, clearer colours that stay bright as tints, and a deep
# amber highlight that the light factor colours stand out from.
DARK = Palette(
    positive=(110, 160, 245),
    negative=(245, 105, 95),
    rank=(110, 160, 245),
    selected=(92, 74, 8),
    factors=(
        (100, 170, 240),
        (255, 160, 60),
        (100, 200, 100),
        (255, 120, 110),
        (190, 150, 240),
        (205, 155, 135),
        (245, 150, 215),
        (175, 175, 175),
        (205, 205, 80),
        (80, 205, 220),
    ),
)

BLUE: Colour = LIGHT.positive
FACTOR_COLOURS: tuple[Colour, ...] = LIGHT.factors


def rgb(colour: Colour, separator: str = ",") -> str:
    """The colour's channels as CSS writes them inside rgb(…)/rgba(…): "31,95,191"."""
    return separator.join(str(channel) for channel in colour)


def factor_colour(index: int) -> Colour:
    return FACTOR_COLOURS[index % len(FACTOR_COLOURS)]


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: Colour) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Colour, b: Colour) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _properties(palette: Palette, indent: str) -> list[str]:
    lines = [
        f"--ecco-positive: {rgb(palette.positive, ' ')};",
        f"--ecco-negative: {rgb(palette.negative, ' ')};",
        f"--ecco-rank: {rgb(palette.rank, ' ')};",
        f"--ecco-selected: {rgb(palette.selected, ' ')};",
        f"--ecco-factor-count: {len(palette.factors)};",
    ]
    lines += [f"--ecco-factor-{i}: {rgb(colour, ' ')};" for i, colour in enumerate(palette.factors)]
    return [indent + line for line in lines]


def css() -> str:
    """static/css/palette.css: the palette as CSS custom properties on :root, which the figures'
    scripts read (static/js/lib/palette.js) and ecco.css uses. Channels are written "r g b", so
    both `rgb(var(--ecco-positive) / 0.5)` and the scripts' own rgba(…) work. The dark set
    applies as ecco.css's dark theme does: the system setting unless the toggle chose light,
    or the toggle's dark."""
    return "\n".join(
        [
            "/* Generated from ecco_build/kinds/palette.py by scripts/update_palette.py: do not edit. */",
            ":root {",
            *_properties(LIGHT, "  "),
            "}",
            "@media (prefers-color-scheme: dark) {",
            '  :root:not([data-theme="light"]) {',
            *_properties(DARK, "    "),
            "  }",
            "}",
            ':root[data-theme="dark"] {',
            *_properties(DARK, "  "),
            "}",
            "",
        ]
    )
