"""How an attention figure is drawn without a browser: its static fallback (an SVG of the
small multiples), its export and its social card. The thumbnails become one PNG sprite
(Pillow, imported when drawn) placed in an SVG with layer and head labels."""

from __future__ import annotations

import base64
from typing import Any

from markupsafe import Markup

from ecco_build.kinds.exporting import (
    PAD,
    SANS,
    WIDTH,
    ExportMeta,
    ExportTheme,
    footer,
    header,
    svg_document,
    text,
)
from ecco_build.kinds.palette import BLUE, Colour


def thumbnail_cells(result: dict[str, Any]) -> tuple[bytes, int]:
    thumbs = result["thumbnails"]
    return base64.b64decode(thumbs["u8"]), thumbs["shape"][-1]


def sprite_png(result: dict[str, Any], colour: Colour, cell: int = 3, gap: int = 4) -> tuple[bytes, int, int]:
    """The small multiples as one RGBA PNG (layers as rows, heads as columns; each cell `cell`
    pixels, heads `gap` apart): `colour` at the thumbnail's intensity. Returns (png, w, h)."""
    import io

    from PIL import Image

    raw, size = thumbnail_cells(result)
    layers, heads = result["layers"], result["heads"]
    side = size * cell
    width, height = heads * (side + gap) - gap, layers * (side + gap) - gap
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    tile = Image.new("RGBA", (size, size))
    for layer in range(layers):
        for head in range(heads):
            start = (layer * heads + head) * size * size
            tile.putdata([(*colour, max(q, 14)) for q in raw[start : start + size * size]])
            image.paste(tile.resize((side, side), Image.NEAREST), (head * (side + gap), layer * (side + gap)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), width, height


def small_multiples_svg(
    result: dict[str, Any], colour: Colour, ink: str, x: int = 0, y: int = 0
) -> tuple[str, int, int]:
    """An SVG group: layer and head labels around the sprite image. Returns (markup, w, h)."""
    png, width, height = sprite_png(result, colour)
    label_w, label_h = 28, 14
    href = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    step_x, step_y = (width + 4) / result["heads"], (height + 4) / result["layers"]
    attrs = f'font-family="{SANS}" font-size="9" fill="{ink}"'
    parts = [
        f'<image x="{x + label_w}" y="{y + label_h}" width="{width}" height="{height}" href="{href}" '
        'style="image-rendering:pixelated"/>'
    ]
    parts += [
        f'<text x="{x + label_w + h * step_x + 2:.0f}" y="{y + 10}" {attrs}>H{h + 1}</text>'
        for h in range(result["heads"])
    ]
    parts += [
        f'<text x="{x}" y="{y + label_h + l * step_y + 10:.0f}" {attrs}>L{l + 1}</text>'
        for l in range(result["layers"])  # noqa: E741
    ]
    return "".join(parts), width + label_w, height + label_h


def fallback_svg(result: dict[str, Any]) -> Markup:
    """The static fallback: every head's pattern (rows: layers, columns: heads)."""
    body, width, height = small_multiples_svg(result, BLUE, "currentColor")
    title = f"Attention patterns of {result['layers']} layers × {result['heads']} heads"
    return Markup(
        f'<svg class="ecco-attention-multiples" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img"><title>{text(title)}</title>{body}</svg>'
    )


def draw_svg(data: dict[str, Any], meta: ExportMeta, theme: ExportTheme) -> str:
    """The export: the small multiples with layer and head labels."""
    result = data["result"]
    head, y = header(meta, theme)
    body, width, height = small_multiples_svg(result, theme.palette.positive, theme.muted, PAD, y + 8)
    if width > WIDTH - 2 * PAD:  # many heads: the group is scaled to the export's width
        scale = (WIDTH - 2 * PAD) / width
        move = f"translate({PAD} {y + 8}) scale({scale:.4f}) translate({-PAD} {-(y + 8)})"
        body = f'<g transform="{move}">{body}</g>'
        height = round(height * scale)
    method = f"attention weights, {result['layers']} layers × {result['heads']} heads"
    foot, y = footer(meta.credit(method), theme, y + 8 + height + 10)
    return svg_document(head + [body] + foot, y, theme, f"Figure {meta.number}. {meta.caption}")


def draw_card(draw, font, result: dict) -> None:
    """The first layer's heads as small squares (block means), below the title."""
    raw, size = thumbnail_cells(result)
    heads = min(result["heads"], 12)
    cell = max(1, min(6, 1000 // (heads * (size + 2))))
    for head in range(heads):
        left = 70 + head * (size * cell + 12)
        for a in range(size):
            for b in range(size):
                q = raw[head * size * size + a * size + b] / 255
                shade = tuple(int(255 - q * (255 - c)) for c in BLUE)
                top = 420 + a * cell
                draw.rectangle([left + b * cell, top, left + (b + 1) * cell - 1, top + cell - 1], fill=shade)
