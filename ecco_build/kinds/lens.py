"""What the three logit-lens kinds (layer-predictions, rankings, rankings-watch) share: the
result fields and rank table checks, and the log rank shade of the heatmaps."""

from __future__ import annotations

import math

from ecco_build.kinds.drawing import draw_grid
from ecco_build.kinds.palette import BLUE, rgb
from ecco_build.kinds.tokens import tokens
from ecco_build.shapes import Record


def check_lens(r: Record) -> tuple[int | None, int | None]:
    """The fields the three lens kinds share; returns (T, L)."""
    r.string("lens")
    count = tokens(r)
    r.integer("prompt_length", low=0, high=count)
    layers = r.array("layers")
    if layers is not None:
        if not layers:
            r.fail(r.path("layers"), "is empty: there is no layer")
        for i, label in enumerate(layers):
            if not isinstance(label, str):
                r.fail(f"{r.path('layers')}[{i}]", "must be a string (a layer label)")
                layers = None
                break
    return count, None if layers is None else len(layers)


def check_rank_table(r: Record, layers: int | None, columns: int | None, of: str) -> None:
    """rank (L, columns) integers ≥ 1 and p (L, columns) probabilities."""
    lengths = None if layers is None else [columns] * layers
    rows, each = f"result.layers has {layers}", f"{of} has {columns}"
    r.rows("rank", lengths, rows, each, low=1, integer=True)
    r.rows("p", lengths, rows, each, low=0, high=1)


_BLUE = rgb(BLUE, ", ")


def rank_shade(rank: int, max_rank: int) -> dict[str, str]:
    """The log colour scale of the rank heatmaps (kept in step with static/js/lib/heatmap.js)."""
    v = max(0.0, 1 - math.log(rank) / math.log(max(max_rank, 10)))
    return {
        "background": f"rgba({_BLUE}, {0.06 + 0.94 * v:.3f})",
        "level": "dark" if v > 0.55 else "light",
    }


def draw_rank_grid(draw, font, result: dict) -> None:
    """A card's rank heatmap: darker where the rank is better, on the same log scale."""
    top_rank = math.log(max(max(max(r) for r in result["rank"]), 10))
    draw_grid(draw, [[1 - math.log(v) / top_rank for v in row] for row in result["rank"]], 400, 200)
