"""The colours the figures share, defined once: the blue of shares and ranks, and the ten
factor colours. PNG cards read the tuples; templates and filters write them as CSS with `rgb`; the
figures' scripts read them from static/css/palette.css, which `css()` writes (a test keeps the file
in step)."""

from __future__ import annotations

Colour = tuple[int, int, int]

BLUE: Colour = (31, 95, 191)

# Ten distinct factor colours, factor i takes FACTOR_COLOURS[i % 10].
FACTOR_COLOURS: tuple[Colour, ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)


def rgb(colour: Colour, separator: str = ",") -> str:
    """The colour's channels as CSS writes them inside rgb(…)/rgba(…): "31,95,191"."""
    return separator.join(str(channel) for channel in colour)


def factor_colour(index: int) -> Colour:
    return FACTOR_COLOURS[index % len(FACTOR_COLOURS)]


def css() -> str:
    """static/css/palette.css: the palette as CSS custom properties on :root, which the figures'
    scripts read (static/js/lib/palette.js) and ecco.css uses. Channels are written "r g b", so
    both `rgb(var(--ecco-positive) / 0.5)` and the scripts' own rgba(…) work. The red of negative
    values is the figures' only colour that no card draws, so it is defined here."""
    negative: Colour = (200, 55, 45)
    lines = [
        "/* Generated from ecco_build/kinds/palette.py by scripts/update_palette.py: do not edit. */",
        ":root {",
        f"  --ecco-positive: {rgb(BLUE, ' ')};",
        f"  --ecco-negative: {rgb(negative, ' ')};",
        f"  --ecco-rank: {rgb(BLUE, ' ')};",
        f"  --ecco-factor-count: {len(FACTOR_COLOURS)};",
    ]
    lines += [f"  --ecco-factor-{i}: {rgb(colour, ' ')};" for i, colour in enumerate(FACTOR_COLOURS)]
    return "\n".join([*lines, "}", ""])
