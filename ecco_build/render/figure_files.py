"""Where a figure's own files live in the built site, beside its article's page: the embed
page (an iframe target), its oEmbed record, and its exported images and chart spec.

One place names them, so the notes panel that links them, the pages that write them and the
tests that read them cannot disagree. Every path is relative to the site root; `slug` is the
article's folder (its page is `<slug>/index.html`) and `figure_id` the <figure>'s id.
"""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("light", "dark")


@dataclass(frozen=True)
class FigureFiles:
    slug: str
    figure_id: str

    @property
    def embed(self) -> str:
        """A minimal page holding just the figure, its caption and notes (iframe it)."""
        return f"embed/{self.slug}/{self.figure_id}.html"

    @property
    def oembed(self) -> str:
        """The oEmbed record of the embed page (type "rich": an iframe of it)."""
        return f"embed/{self.slug}/{self.figure_id}.oembed.json"

    def svg(self, theme: str) -> str:
        """The figure drawn as a static SVG in one theme ("light" or "dark")."""
        return f"exports/{self.slug}/{self.figure_id}.{theme}.svg"

    def png(self, theme: str) -> str:
        """The figure as a PNG at twice its CSS size, in one theme."""
        return f"exports/{self.slug}/{self.figure_id}.{theme}@2x.png"

    @property
    def chart_spec(self) -> str:
        """The Vega-Lite spec of a chart-like figure (rank heatmaps, rank-watch, layer
        prediction bars, factor sparklines), to restyle and render again."""
        return f"exports/{self.slug}/{self.figure_id}.vl.json"
