"""Where a figure's own files live in the built site, beside its article's page: the embed
page (an iframe target), its oEmbed record, and its exported images and chart spec.

One place names them, so the notes panel that links them, the pages that write them and the
tests that read them cannot disagree. Every path is relative to the site root; `slug` is the
article's folder (its page is `<slug>/index.html`) and `figure_id` the <figure>'s id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

THEMES = ("light", "dark")


# A figure's id (its :label:, any text) names files only through this: letters, digits, ".",
# "_" and "-", at most 60 characters; an id that needs changing gets a short hash of itself, so
# two ids never share a file.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(figure_id: str) -> str:
    """The file name stem of a figure id: the id itself when it is a plain short name."""
    safe = _UNSAFE.sub("-", figure_id).strip("-.")[:60]
    if safe == figure_id:
        return safe
    return f"{safe or 'figure'}-{hashlib.sha256(figure_id.encode()).hexdigest()[:10]}"


def panel_id(figure_id: str, alias: str) -> str:
    """The name a comparison's panel of model `alias` is exported under (its first model's is
    the figure's own)."""
    return f"{figure_id}-{alias}"


def export_ids(figure_id: str, models: list[str]) -> list[str]:
    """The names a figure's exports go under: its id, and a panel id for each model of a
    comparison after the first (`models`: its :models:, empty for one model)."""
    return [figure_id, *(panel_id(figure_id, alias) for alias in models[1:])]


@dataclass(frozen=True)
class FigureFiles:
    slug: str
    figure_id: str

    @property
    def stem(self) -> str:
        return file_stem(self.figure_id)

    @property
    def embed(self) -> str:
        """A minimal page holding just the figure, its caption and notes (iframe it)."""
        return f"embed/{self.slug}/{self.stem}.html"

    @property
    def oembed(self) -> str:
        """The oEmbed record of the embed page (type "rich": an iframe of it)."""
        return f"embed/{self.slug}/{self.stem}.oembed.json"

    def svg(self, theme: str) -> str:
        """The figure drawn as a static SVG in one theme ("light" or "dark")."""
        return f"exports/{self.slug}/{self.stem}.{theme}.svg"

    def png(self, theme: str) -> str:
        """The figure as a PNG at twice its CSS size, in one theme."""
        return f"exports/{self.slug}/{self.stem}.{theme}@2x.png"

    @property
    def chart_spec(self) -> str:
        """The Vega-Lite spec of a chart-like figure (rank heatmaps, rank-watch, layer
        prediction bars, factor sparklines), to restyle and render again."""
        return f"exports/{self.slug}/{self.stem}.vl.json"
