"""Card primitives: what the kinds' `draw_card` functions draw with into a 1200×630 social card
(see cards.py). They take a Pillow ImageDraw; Pillow itself is imported only by cards.py."""

from __future__ import annotations

from ecco_build.kinds.palette import BLUE, Colour
from ecco_build.kinds.tokens import label

WIDTH, HEIGHT = 1200, 630


def tint(colour: Colour, alpha: float) -> Colour:
    return tuple(int(255 - alpha * (255 - c)) for c in colour)  # type: ignore[return-value]


# The label symbols (kinds/tokens.py) that the bundled card font lacks, spelled in ASCII.
CARD_SPELLING = {"⏎": "\\n", "→": "\\t", "∅": "", "␣": "·"}


def shown(token: dict) -> str:
    """The token's label (kinds/tokens.py `label`), with the symbols the bundled font lacks
    spelled in ASCII."""
    text = label(token["text"])
    for symbol, spelling in CARD_SPELLING.items():
        text = text.replace(symbol, spelling)
    return text


def draw_tokens(
    draw, font, tokens: list[dict], alphas: list[float | None], top: int, outlined: set[int]
) -> None:
    """One row of token boxes, as many as fit, ending at the last token."""
    x, boxes = 70, []
    for token, alpha in zip(reversed(tokens), reversed(alphas), strict=True):
        text = shown(token)[:14]
        width = draw.textlength(text, font=font) + 16
        if sum(b[1] for b in boxes) + width + 8 * len(boxes) > WIDTH - 140:
            break
        boxes.append((text, width, alpha))
    marked = {len(tokens) - 1 - i for i in outlined}
    for i, (text, width, alpha) in enumerate(reversed(boxes)):
        index_from_end = len(boxes) - 1 - i
        fill = tint(BLUE, alpha) if alpha is not None else (246, 247, 249)
        dark = alpha is not None and alpha > 0.55
        draw.rounded_rectangle(
            (x, top, x + width, top + 44),
            radius=5,
            fill=fill,
            outline=BLUE if index_from_end in marked else (201, 206, 214),
            width=3 if index_from_end in marked else 1,
        )
        draw.text((x + 8, top + 8), text, font=font, fill=(255, 255, 255) if dark else (26, 26, 26))
        x += width + 8


def draw_grid(draw, values: list[list[float]], top: int, height: int) -> None:
    """A heatmap of values in [0, 1] (rows bottom-up, like the layer figures)."""
    rows, cols = len(values), max(len(r) for r in values)
    cell_w = min(90, (WIDTH - 140) // max(cols, 1))
    cell_h = min(30, height // max(rows, 1))
    for r, row in enumerate(reversed(values)):
        for c, v in enumerate(row):
            x, y = 70 + c * cell_w, top + r * cell_h
            draw.rectangle((x, y, x + cell_w - 3, y + cell_h - 3), fill=tint(BLUE, 0.06 + 0.94 * v))
