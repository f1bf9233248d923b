"""The colours the figures share, defined once: the blue of shares and ranks, and the ten
factor colours (kept in step with static/js/ecco-scale.js, ecco-heatmap.js and ecco-factors.js).
PNG cards read the tuples; templates and filters write them as CSS with `rgb`."""

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
