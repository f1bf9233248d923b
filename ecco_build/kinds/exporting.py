"""What a kind's export hooks draw with (render/exports.py writes the files): the two export
themes, the figure's frame (number, caption excerpt, credit line) and, for the token figures
(generate, saliency), SVG drawn directly.

Every piece of text reaches the SVG through `text()`: XML-escaped, with characters that XML
cannot hold replaced, so a token such as `</text><script>` stays text. Widths are estimated
from character counts in a monospace font (wide East Asian characters count twice), so no font
needs to be measured and nothing here imports a drawing library.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from ecco_build.kinds.palette import DARK, LIGHT, Colour, Palette, rgb
from ecco_build.kinds.tokens import label

MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
SANS = "DejaVu Sans, Helvetica, Arial, sans-serif"
WIDTH = 640  # the width every export is drawn at (CSS pixels; the PNG has twice as many)
PAD = 16


@dataclass(frozen=True)
class ExportTheme:
    """The page's colours in one theme (static/css/ecco.css), and its palette."""

    name: str
    palette: Palette
    background: str
    text: str
    muted: str
    rule: str

    def tint(self, colour: Colour, alpha: float) -> str:
        """`colour` at `alpha` over the background, as the page's rgba(…) tints look: "#rrggbb"."""
        back = [int(self.background[i : i + 2], 16) for i in (1, 3, 5)]
        mixed = (round(b + alpha * (c - b)) for c, b in zip(colour, back, strict=True))
        return "#" + "".join(f"{v:02x}" for v in mixed)


THEMES = {
    "light": ExportTheme("light", LIGHT, "#ffffff", "#1a1a1a", "#5f6368", "#e0e3e7"),
    "dark": ExportTheme("dark", DARK, "#15171a", "#e6e6e6", "#a0a6ad", "#30343a"),
}


@dataclass(frozen=True)
class ExportMeta:
    """What every export carries besides the figure: its number, a plain-text excerpt of its
    caption and the model that made it ("demo · builtin:demo")."""

    number: int
    caption: str
    model: str

    def credit(self, method: str) -> str:
        return f"{self.model} · {method} · ecco-build"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value: Any) -> Any:
    """A JSON-like value with every string's characters that XML cannot hold replaced by U+FFFD
    (vl-convert aborts the whole process on such a character in a chart's text)."""
    if isinstance(value, str):
        return _NOT_XML.sub("\ufffd", value)
    if isinstance(value, list):
        return [xml_safe(v) for v in value]
    if isinstance(value, dict):
        return {xml_safe(k): xml_safe(v) for k, v in value.items()}
    return value


def text(value: str) -> str:
    """Text made safe as SVG character data or a quoted attribute value."""
    return escape(_NOT_XML.sub("\ufffd", value), {'"': "&quot;", "'": "&apos;"})


def ems(value: str) -> float:
    """The width of `value` in a monospace font, in ems (0.6 a character, wide ones twice)."""
    wide = sum(1 for c in value if unicodedata.east_asian_width(c) in "WF")
    return 0.6 * (len(value) + wide)


def header(meta: ExportMeta, theme: ExportTheme) -> tuple[list[str], int]:
    """ "Figure N" and the caption excerpt (two lines at most); the parts and their height."""
    parts = [
        f'<text x="{PAD}" y="{PAD + 14}" font-family="{SANS}" font-size="15" font-weight="bold" '
        f'fill="{theme.text}">Figure {meta.number}</text>'
    ]
    y = PAD + 14
    for line in textwrap.wrap(meta.caption, width=84)[:2]:
        y += 18
        parts.append(
            f'<text x="{PAD}" y="{y}" font-family="{SANS}" font-size="12" fill="{theme.muted}">'
            f"{text(line)}</text>"
        )
    return parts, y + 14


def footer(credit: str, theme: ExportTheme, y: int) -> tuple[list[str], int]:
    """The small credit line at `y`; the parts and the height below it."""
    line = f'<text x="{PAD}" y="{y + 11}" font-family="{SANS}" font-size="10" fill="{theme.muted}">'
    return [line + text(credit) + "</text>"], y + 11 + PAD


def legend(
    title: str, low: str, high: str, colour: Colour, theme: ExportTheme, y: int
) -> tuple[list[str], int]:
    """A colour scale from a faint to a full tint of `colour`, labelled; parts and the next y."""
    stops = "".join(f'<stop offset="{a}" stop-color="{theme.tint(colour, a)}"/>' for a in (0.06, 0.5, 1))
    gradient = f'<defs><linearGradient id="scale">{stops}</linearGradient></defs>'
    attrs = f'font-family="{SANS}" font-size="10" fill="{theme.muted}"'
    # The title on its own line, the scale below it: a long title never runs into the labels.
    row = y + 16
    parts = [
        gradient,
        f'<text x="{PAD}" y="{y + 10}" {attrs}>{text(title)}</text>',
        f'<text x="{PAD}" y="{row + 10}" {attrs}>{text(low)}</text>',
        f'<rect x="{PAD + 36}" y="{row + 1}" width="140" height="10" fill="url(#scale)" '
        f'stroke="{theme.rule}"/>',
        f'<text x="{PAD + 182}" y="{row + 10}" {attrs}>{text(high)}</text>',
    ]
    return parts, row + 22


def token_rows(
    tokens: list[dict], alphas: list[float | None], outlined: set[int], theme: ExportTheme, y: int
) -> tuple[list[str], int]:
    """Token boxes (their labels, kinds/tokens.py), wrapped at the export's width and after a
    newline, each tinted by its alpha of the positive colour (None: not tinted) and outlined when
    its index is in `outlined`. The parts and the y below them."""
    size, height, x, parts, after_newline = 13, 22, PAD, [], False
    for i, (token, alpha) in enumerate(zip(tokens, alphas, strict=True)):
        shown = label(token["text"])
        if len(shown) > 24:
            shown = shown[:23] + "…"
        width = ems(shown) * size + 8
        if (after_newline or x + width > WIDTH - PAD) and x > PAD:
            x, y = PAD, y + height + 6
        fill = theme.background if alpha is None else theme.tint(theme.palette.positive, alpha)
        stroke = palette_rgb(theme.palette.positive) if i in outlined else theme.rule
        ink = "#ffffff" if alpha is not None and alpha > 0.55 else theme.text
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{height}" rx="3" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if i in outlined else 1}"/>'
            f'<text x="{x + 4:.1f}" y="{y + 15}" font-family="{MONO}" font-size="{size}" '
            f'fill="{ink}" xml:space="preserve">{text(shown)}</text>'
        )
        x, after_newline = x + width + 4, "\n" in token["text"]
    return parts, y + height + 12


def svg_document(parts: list[str], height: int, theme: ExportTheme, title: str) -> str:
    """The SVG file: a background the size of the export, then the parts."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img"><title>{text(title)}</title>'
        f'<rect width="{WIDTH}" height="{height}" fill="{theme.background}"/>' + "".join(parts) + "</svg>\n"
    )


def token_figure(
    meta: ExportMeta,
    theme: ExportTheme,
    rows: tuple[list[dict], list[float | None], set[int]],
    scale: tuple[str, str, str],
    method: str,
) -> str:
    """A token figure: the frame's header, the token rows, the colour scale (title, low, high)
    and the credit line naming `method`."""
    head, y = header(meta, theme)
    body, y = token_rows(*rows, theme, y)
    key, y = legend(*scale, theme.palette.positive, theme, y)
    foot, y = footer(meta.credit(method), theme, y)
    return svg_document(head + body + key + foot, y, theme, f"Figure {meta.number}. {meta.caption}")


def chart_frame(meta: ExportMeta, theme: ExportTheme, method: str) -> dict:
    """The Vega-Lite pieces every chart export shares: its title (number, caption excerpt),
    credit line and the theme's colours, as top-level spec properties."""
    return {
        "title": {
            "text": f"Figure {meta.number}",
            "subtitle": textwrap.wrap(meta.caption, width=84)[:2] + [meta.credit(method)],
            "anchor": "start",
            "fontSize": 15,
            "subtitleFontSize": 11,
            "color": theme.text,
            "subtitleColor": theme.muted,
            "subtitlePadding": 4,
            "offset": 10,
        },
        "background": theme.background,
        "padding": PAD,
        "config": {
            "font": SANS,
            "view": {"stroke": None},
            "axis": {
                "labelColor": theme.text,
                "titleColor": theme.muted,
                "domainColor": theme.rule,
                "tickColor": theme.rule,
                "gridColor": theme.rule,
            },
            "legend": {"labelColor": theme.text, "titleColor": theme.muted},
            "text": {"color": theme.text},
        },
    }


def palette_rgb(colour: Colour) -> str:
    return f"rgb({rgb(colour)})"
