"""Moved to ecco_build/render/cards.py (the card's frame) and ecco_build/kinds/ (drawing
primitives, palette, each kind's `draw_card`); removed in wave 3."""

from __future__ import annotations

from ecco_build.kinds.drawing import HEIGHT, WIDTH, draw_grid, draw_tokens, shown, tint
from ecco_build.kinds.palette import BLUE, FACTOR_COLOURS
from ecco_build.render.cards import draw_card, draw_figure, fitted

__all__ = [
    "BLUE",
    "FACTOR_COLOURS",
    "HEIGHT",
    "WIDTH",
    "draw_card",
    "draw_figure",
    "draw_grid",
    "draw_tokens",
    "fitted",
    "shown",
    "tint",
]
