"""Social cards: a 1200×630 PNG per article (site title, article title, description), drawn
with Pillow at build time, for OpenGraph/Twitter previews and index cards.

Front matter `hero: figure.png` uses that image instead; `hero: "#fig-label"` draws the
named figure's data into the card: its kind draws it (`Kind.draw_card`: tinted tokens, a rank
heatmap or sparklines), a static rendering made from the JSON, so no browser is needed at
build time. Token text drawn here becomes pixels, never markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ecco_build.contain import SiteFiles
from ecco_build.document import links
from ecco_build.document.articles import Article, Directive
from ecco_build.kinds.drawing import HEIGHT, WIDTH, tint
from ecco_build.kinds.palette import BLUE
from ecco_build.kinds.registry import KINDS


def card_for(
    article: Article,
    site_title: str,
    out: Path,
    files: SiteFiles,
    result_of: Callable[[Directive], dict[str, Any]],
) -> str:
    """The article's social image, relative to the site: its hero image, or a drawn card
    (showing the figure named by `hero: "#label"`, if any; `result_of` gives its stored record)."""
    hero = article.front.hero
    if hero and not hero.startswith("#"):
        links.copy(article, hero, out, files)  # checked like a link by links.check
        return f"{article.slug}/{quote(hero)}"
    figure = None
    if hero:
        directive = next(f.directive for f in article.figures.values() if f.directive and f.id == hero[1:])
        figure = result_of(directive)
    front = article.front
    draw_card(out / article.slug / "card.png", site_title, front.title, front.description, figure)
    return f"{article.slug}/card.png"


def draw_figure(draw, font, data: dict[str, Any]) -> None:
    """The figure's data drawn below the text: its kind draws it."""
    KINDS[data["kind"]].draw_card(draw, font, data["result"])


def fitted(text: str, limit: int) -> str:
    """At most `limit` characters of one line of text, ending "..." if it was cut (the bundled
    font has no ellipsis character)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def draw_card(path: Path, site_title: str, title: str, description: str, figure: dict | None = None) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=BLUE)
    small, big, medium = (ImageFont.load_default(size=s) for s in (30, 60 if figure else 64, 34))
    # Only what fits is drawn: Pillow renders a whole string into one bitmap before clipping it,
    # and a megabyte-long title would be a bitmap of hundreds of millions of pixels.
    draw.text((70, 50), fitted(site_title, 60), font=small, fill=(95, 99, 104))
    y = 110
    for line in textwrap.wrap(fitted(title, 200), width=32)[: 2 if figure else 3]:
        draw.text((70, y), line, font=big, fill=(26, 26, 26))
        y += 74
    y += 16
    for line in textwrap.wrap(fitted(description, 300), width=58)[: 2 if figure else 3]:
        draw.text((70, y), line, font=medium, fill=(95, 99, 104))
        y += 44
    if figure is not None:
        draw_figure(draw, ImageFont.load_default(size=26), figure)
    else:
        # A row of tinted "tokens", the visual signature of the explorables.
        for i, alpha in enumerate((0.15, 0.5, 0.9, 0.3, 0.7, 0.2, 0.45)):
            draw.rounded_rectangle((70 + i * 110, 540, 160 + i * 110, 580), radius=6, fill=tint(BLUE, alpha))
    path.parent.mkdir(parents=True, exist_ok=True)
    # zlib level 6: 17 ms a card against 39 ms for optimize=True, for files 7% larger (a
    # 200-article site spent 7.8 of its 8.7 s build in PNG encoding at the maximum level).
    image.save(path, compress_level=6)
