"""Social cards: a 1200×630 PNG per article (site title, article title, description), drawn
with Pillow at build time, for OpenGraph/Twitter previews and index cards.

Front matter `hero: figure.png` uses that image instead; `hero: "#fig-label"` shows the named
figure. With exports on (site.toml `exports`, the default) the card is composed from that
figure's light PNG export (render/exports.py), so one drawing serves both: `card_for` notes a
`HeroCard` and the build composes it once the exports are drawn. With exports off, the figure's
kind draws a small static rendering of its data into the card (`Kind.draw_card`: tinted tokens,
a rank heatmap or sparklines) with Pillow alone, so such a build loads neither altair nor
vl-convert. Token text drawn here becomes pixels, never markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ecco_build.contain import SiteFiles
from ecco_build.document import links
from ecco_build.document.articles import Article, Directive
from ecco_build.kinds.drawing import HEIGHT, WIDTH, tint
from ecco_build.kinds.palette import BLUE
from ecco_build.kinds.registry import KINDS
from ecco_build.render.figure_files import FigureFiles


@dataclass(frozen=True)
class HeroCard:
    """A card to compose from a figure's export once the exports are drawn."""

    path: Path  # the card, in the staging folder
    site_title: str
    title: str
    image: Path  # the figure's light PNG export, in the staging folder


def card_for(
    article: Article,
    site_title: str,
    out: Path,
    files: SiteFiles,
    result_of: Callable[[Directive], dict[str, Any]],
    heroes: list[HeroCard] | None = None,
) -> str:
    """The article's social image, relative to the site: its hero image, or a drawn card
    (showing the figure named by `hero: "#label"`, if any; `result_of` gives its stored record).
    `heroes` (exports on) collects the cards to compose from a figure's export instead."""
    hero = article.front.hero
    if hero and not hero.startswith("#"):
        links.copy(article, hero, out, files)  # checked like a link by links.check
        return f"{article.slug}/{quote(hero)}"
    figure, front = None, article.front
    if hero:
        named = next(f for f in article.figures.values() if f.directive and f.id == hero[1:])
        if heroes is not None:
            export = out / FigureFiles(article.slug, named.id).png("light")
            heroes.append(HeroCard(out / article.slug / "card.png", site_title, front.title, export))
            return f"{article.slug}/card.png"
        figure = result_of(named.directive)  # type: ignore[arg-type]
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


def heading(draw, site_title: str, title: str, lines: int, big_size: int) -> int:
    """The card's band, site title and article title (`lines` at most); the y below them.
    Only what fits is drawn: Pillow renders a whole string into one bitmap before clipping it,
    and a megabyte-long title would be a bitmap of hundreds of millions of pixels."""
    from PIL import ImageFont

    draw.rectangle((0, 0, WIDTH, 14), fill=BLUE)
    small, big = ImageFont.load_default(size=30), ImageFont.load_default(size=big_size)
    draw.text((70, 50), fitted(site_title, 60), font=small, fill=(95, 99, 104))
    y = 110
    for line in textwrap.wrap(fitted(title, 200), width=32)[:lines]:
        draw.text((70, y), line, font=big, fill=(26, 26, 26))
        y += big_size + 14
    return y


def compose_card(card: HeroCard) -> None:
    """A hero card: the heading, then the figure's export scaled into the space below it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    y = heading(ImageDraw.Draw(image), card.site_title, card.title, 2, 52) + 6
    with Image.open(card.image) as export:
        figure = export.convert("RGB")
    figure.thumbnail((WIDTH - 140, HEIGHT - y - 24), Image.Resampling.LANCZOS)
    image.paste(figure, ((WIDTH - figure.width) // 2, y))
    card.path.parent.mkdir(parents=True, exist_ok=True)
    image.save(card.path, compress_level=6)


def draw_card(path: Path, site_title: str, title: str, description: str, figure: dict | None = None) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    medium = ImageFont.load_default(size=34)
    y = heading(draw, site_title, title, 2 if figure else 3, 60 if figure else 64) + 16
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
