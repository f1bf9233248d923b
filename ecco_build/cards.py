"""Social cards: a 1200×630 PNG per article (site title, article title, description), drawn
with Pillow at build time, for OpenGraph/Twitter previews. An article's `hero` image, when
given, is used instead."""

from __future__ import annotations

import textwrap
from pathlib import Path

WIDTH, HEIGHT = 1200, 630


def draw_card(path: Path, site_title: str, title: str, description: str) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=(31, 95, 191))
    small, big, medium = (ImageFont.load_default(size=s) for s in (30, 64, 34))
    draw.text((70, 60), site_title, font=small, fill=(95, 99, 104))
    y = 150
    for line in textwrap.wrap(title, width=30)[:3]:
        draw.text((70, y), line, font=big, fill=(26, 26, 26))
        y += 80
    y += 20
    for line in textwrap.wrap(description, width=58)[:3]:
        draw.text((70, y), line, font=medium, fill=(95, 99, 104))
        y += 46
    # A row of tinted "tokens", the visual signature of the explorables.
    for i, alpha in enumerate((0.15, 0.5, 0.9, 0.3, 0.7, 0.2, 0.45)):
        shade = tuple(int(255 - alpha * (255 - c)) for c in (31, 95, 191))
        draw.rounded_rectangle((70 + i * 110, 540, 160 + i * 110, 580), radius=6, fill=shade)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
