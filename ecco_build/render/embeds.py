"""Each figure's embed page (an iframe target holding just the figure, its caption and notes),
its oEmbed record, and the snippets and links of the "Embed and export" panel in its notes.

URLs: with a base_url the snippets and the oEmbed record use absolute URLs, ready to paste into
any blog. Without one the snippets are relative to an article page, so they work only inside
this site, and no oEmbed record is written (oEmbed consumers need absolute URLs). The embed
pages are written either way and link the site's CSS and scripts relatively (`../../static/`).

No input reaches a snippet unescaped: the caption is reduced to plain text and escaped into the
iframe's `title`; every other part is the build's own (paths, element names, job filenames).
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup

from ecco_build.config import SiteConfig
from ecco_build.document.articles import Article, Directive
from ecco_build.kinds.registry import KINDS
from ecco_build.render.compare import COMPARE_ELEMENT, aliases_of, component_name
from ecco_build.render.figure_files import FigureFiles, export_ids
from ecco_build.render.figures import Page, Placed, RenderedFigure, plain_text

# Chart-like kinds: their exports include a Vega-Lite spec (FigureFiles.chart_spec).
CHART_KINDS = frozenset({"rankings", "rankings-watch", "layer-predictions", "factors"})
# The iframe snippet's fixed height by kind, in px: a little over what the example site's
# figures need 720 px wide with their notes closed (measured: generate 429-478, saliency 296,
# rankings 557, rankings-watch 485, layer-predictions 494, factors 352-545, attention 874-971,
# saliency with its distance chart 690). Without the host
# script the iframe keeps it and scrolls inside when the content is taller (notes opened);
# with it, the iframe takes the content's height.
HEIGHTS = {
    "generate": 500,
    "saliency": 480,
    "rankings": 580,
    "rankings-watch": 500,
    "layer-predictions": 520,
    "factors": 560,
    "attention": 1000,
}
DEFAULT_HEIGHT = 520
WIDTH = 720  # the oEmbed record's width: the site's body column
TITLE_LIMIT = 200  # characters of caption text in the iframe's title


@dataclass(frozen=True)
class Panel:
    """What the notes panel shows: both snippets (text; the template escapes it) and links
    relative to the article page."""

    iframe: str
    component: str
    absolute: bool  # the snippets' URLs are absolute (the site has a base_url)
    embed_href: str  # the embed page
    host_script: str  # static/js/embed-host.js
    exports: tuple[tuple[str, str], ...]  # (label, href), empty when the site draws none


class Draw(Protocol):
    """Draws the figure placed somewhere (its article page, its embed page)."""

    def __call__(self, placed: Placed, **context: Any) -> RenderedFigure: ...


# A figure's stored records with their data files: one, or one per model of a comparison.
Shown = list[tuple[dict[str, Any], str]]


def elements(directive: Directive) -> tuple[str, ...]:
    """The custom elements a figure of `directive` uses: its kind's, and <ecco-compare> for a
    comparison (:models:)."""
    own = KINDS[directive.kind].element
    return (COMPARE_ELEMENT, own) if directive.options.get("models") else (own,)


def caption_text(caption_html: str) -> str:
    """The caption's text, whitespace collapsed, clipped to TITLE_LIMIT characters."""
    text = plain_text(caption_html)
    return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1].rstrip() + "…"


def figure_title(placed: Placed) -> str:
    text = caption_text(placed.caption)
    return f"Figure {placed.number}: {text}" if text else f"Figure {placed.number}"


def iframe_snippet(url: str, title: str, height: int) -> str:
    """The <iframe> a blog pastes; `title` is plain text (escaped here)."""
    return (
        f'<iframe class="ecco-embed" src="{escape(url)}" title="{escape(title)}" width="100%" '
        f'height="{int(height)}" style="border:0;max-width:100%" loading="lazy"></iframe>'
    )


def component_snippet(base: str, element: str, filename: str) -> str:
    """The entry module and the figure's element fetching its JSON from the site."""
    return (
        f'<script type="module" src="{escape(base)}static/js/ecco.js"></script>\n'
        f'<{element} src="{escape(base)}data/{escape(filename)}"></{element}>'
    )


def export_links(files: FigureFiles, kind: str, root: str, model: str = "") -> tuple[tuple[str, str], ...]:
    """The export links of a figure, or of one model's panel of a comparison (`model`)."""
    links = []
    of = f", {model}" if model else ""
    for theme in ("light", "dark"):
        links += [
            (f"SVG ({theme}{of})", root + files.svg(theme)),
            (f"PNG 2× ({theme}{of})", root + files.png(theme)),
        ]
    if kind in CHART_KINDS:
        links.append((f"Vega-Lite spec{f' ({model})' if model else ''}", root + files.chart_spec))
    return tuple(links)


def comparison_exports(
    slug: str, figure_id: str, kind: str, root: str, aliases: list[str]
) -> tuple[tuple[str, str], ...]:
    """A comparison's export links: each model's panel drawn alone, the first under the figure's
    own name (its oEmbed thumbnail), the others under `<id>-<alias>` (render/pages.py)."""
    links: list[tuple[str, str]] = []
    for name, alias in zip(export_ids(figure_id, aliases), aliases, strict=True):
        links += export_links(FigureFiles(slug, name), kind, root, alias)
    return tuple(links)


_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def rebase(caption_html: str, slug: str, figure_id: str) -> str:
    """The caption's relative links, written for the article page `<slug>/index.html`, made
    to work from its embed page `embed/<slug>/<id>.html`; a fragment other than the figure's
    own points into the article. (Attributes as markdown-it writes them: double-quoted.)"""

    def one(match: re.Match[str]) -> str:
        url = match.group(2)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("/") or url == f"#{figure_id}":
            return match.group(0)
        if not parts.path:  # "#other" or "?query": the article page's
            new = f"../../{slug}/index.html{url}"
        else:
            new = f"../../{slug}/{url}"
        return match.group(1) + new + match.group(3)

    return _URL_ATTRIBUTE.sub(one, caption_html)


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a PNG file's header; None if there is no such PNG (yet)."""
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


class Embeds:
    """Writes the embed page and oEmbed record of each figure into the staging folder `out`."""

    def __init__(self, config: SiteConfig, env: Environment, site: dict[str, Any], out: Path) -> None:
        self.config, self.env, self.site, self.out = config, env, site, out
        self.base = config.base_url.rstrip("/") + "/" if config.base_url else ""
        self.records: dict[str, tuple[dict[str, Any], str]] = {}  # written: path → (record, PNG)

    def panel(self, article: Article, directive: Directive, placed: Placed, shown: Shown) -> Panel:
        """The notes panel of a figure on its article page (`placed.page`); `shown`: its stored
        records and their data files (several for a comparison)."""
        files = FigureFiles(article.slug, placed.id)
        root = placed.page.root
        base = self.base or root
        height = self.height(directive, len(shown))
        exports: tuple[tuple[str, str], ...] = ()
        if self.config.exports and len(shown) > 1:
            exports = comparison_exports(
                article.slug, placed.id, directive.kind, root, aliases_of(directive, shown)
            )
        elif self.config.exports:
            exports = export_links(files, directive.kind, root)
        element, filename = (
            (COMPARE_ELEMENT, component_name(shown))
            if len(shown) > 1
            else (elements(directive)[0], shown[0][1])
        )
        return Panel(
            iframe=iframe_snippet(base + files.embed, figure_title(placed), height),
            component=component_snippet(base, element, filename),
            absolute=bool(self.base),
            embed_href=root + files.embed,
            host_script=root + "static/js/embed-host.js",
            exports=exports,
        )

    @staticmethod
    def height(directive: Directive, panels: int) -> int:
        """The iframe's height: its kind's, and a difference view's more for a saliency comparison
        (the panels sit side by side at 720 px; stacked, the host script fits the height)."""
        extra = 220 * (panels - 1) if panels > 1 and directive.kind == "saliency" else 0
        return HEIGHTS.get(directive.kind, DEFAULT_HEIGHT) + extra

    def write(
        self, article: Article, directive: Directive, draw: Draw, placed: Placed, panels: int = 1
    ) -> None:
        """The figure's embed page and, with a base_url, its oEmbed record; `draw` draws the
        figure (`panels`: how many models it shows)."""
        files = FigureFiles(article.slug, placed.id)
        page = Page(files.embed, "../../")
        caption = Markup(rebase(placed.caption, article.slug, placed.id))
        there = Placed(page, placed.number, placed.id, caption)
        article_href = f"../../{article.slug}/index.html#{placed.id}"
        figure = draw(there, embedded=article_href)
        title = figure_title(placed)
        html = self.env.get_template("embed.html").render(
            site=self.site,
            page=page,
            title=title,
            figure=Markup(figure.html),
            elements=elements(directive),
            oembed=self.base + files.oembed if self.base else "",
            canonical=f"{self.base}{article.slug}/#{placed.id}" if self.base else "",
        )
        self._text(files.embed, html)
        if self.base:
            record = self.oembed(article, directive, files, title, panels)
            self.records[files.oembed] = (record, files.png("light"))
            self._text(files.oembed, json.dumps(record, ensure_ascii=False, indent=1) + "\n")

    def finish(self) -> None:
        """Once the exports are drawn: the thumbnail (the light PNG, with the size the spec
        requires beside it) in each oEmbed record written by this build that lacks one."""
        if not self.config.exports:
            return
        for path, (record, png) in self.records.items():
            size = png_size(self.out / png)
            if size is None or "thumbnail_url" in record:
                continue
            record["thumbnail_url"] = self.base + png
            record["thumbnail_width"], record["thumbnail_height"] = size
            self._text(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")

    def oembed(
        self, article: Article, directive: Directive, files: FigureFiles, title: str, panels: int
    ) -> dict[str, Any]:
        """The oEmbed 1.0 record (type "rich") of the figure's embed page."""
        height = self.height(directive, panels)
        record: dict[str, Any] = {
            "version": "1.0",
            "type": "rich",
            "html": iframe_snippet(self.base + files.embed, title, height),
            "width": WIDTH,
            "height": height,
            "title": title,
            "provider_name": self.config.title,
            "provider_url": self.base,
        }
        authors = [a.name for a in article.front.authors] or [self.config.author.name]
        if any(authors):
            record["author_name"] = ", ".join(a for a in authors if a)
        size = png_size(self.out / files.png("light")) if self.config.exports else None
        if size is not None:  # the spec: a thumbnail_url comes with its width and height
            record["thumbnail_url"] = self.base + files.png("light")
            record["thumbnail_width"], record["thumbnail_height"] = size
        return record

    def _text(self, path: str, text: str) -> None:
        file = self.out / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
