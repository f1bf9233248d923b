"""One analysis figure: its kind's template (`templates/directives/<kind>.html`) rendered with
the stored result, and the result's page form either inlined as JSON or set aside as a data
file for the Renderer to write.

The template draws a static fallback readable without JavaScript plus the kind's custom element,
which hydrates from the JSON. Model and prompt text reaches the page only through autoescaped
templates or as JSON inside <script type="application/json"> with <, > and & escaped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ecco_build.document.articles import Directive
from ecco_build.kinds.registry import KINDS
from ecco_build.store import dumps

# Results up to this size are inlined into the page (works from file:// and saves a
# request); larger ones are fetched from data/ when the figure is shown. Every figure's page
# form is written to data/ either way: embedders' elements fetch it from there.
INLINE_LIMIT = 24_000


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root, e.g. "brackets/index.html"
    root: str  # relative prefix back to the site root, e.g. "../"


@dataclass(frozen=True)
class DataFile:
    name: str  # under the site's data/: the job's filename, "<kind>-<key[:20]>.json"
    text: str  # the result's page form, serialised


@dataclass(frozen=True)
class RenderedFigure:
    html: str
    # The page form as a file in data/, for every figure: the page fetches it when it is too
    # large to inline; the web-component snippet (embeds.py) always does.
    data_file: DataFile
    # The kind's parts, fetched on demand (an attention figure's layers): data/<stem>.<part>.json
    parts: tuple[DataFile, ...] = ()


def part_name(filename: str, part: str) -> str:
    """The data file of one part of a figure whose data file is `filename` ("x.json" → "x.<part>.json")."""
    return f"{filename.removesuffix('.json')}.{part}.json"


@dataclass(frozen=True)
class Placed:
    """Where a figure sits in its article: what its template shows around the analysis."""

    page: Page
    number: int  # "Figure 3"
    id: str  # the <figure>'s id, e.g. "fig-3" or the author's label
    caption: str  # the caption, rendered to HTML


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of rendered HTML (a caption), entities decoded, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def script_json(text: str) -> Markup:
    """Serialised JSON made safe to place inside <script type="application/json">."""
    text = text.strip().replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def linked(data: dict[str, Any]) -> dict[str, str] | None:
    """What links a figure to the article's others (static/js/linked.js): a key of its model and
    prompt tokens, and its output token ids, so that output k is linked only where both figures
    have the same token there. None for a figure with no output tokens."""
    result = data["result"]
    tokens, prompt_length = result.get("tokens"), result.get("prompt_length")
    if not isinstance(tokens, list) or not isinstance(prompt_length, int) or prompt_length >= len(tokens):
        return None
    ids = [token["id"] for token in tokens]
    model = data["model"]
    seed = json.dumps([model.get("name"), model.get("fingerprint"), ids[:prompt_length]])
    return {
        "key": hashlib.sha256(seed.encode()).hexdigest()[:16],
        "outputs": " ".join(map(str, ids[prompt_length:])),
    }


def part_files(kind: Any, data: dict[str, Any], filename: str) -> tuple[DataFile, ...]:
    """The kind's parts (fetched on demand) as data files beside the figure's own."""
    parts = kind.parts(data) if kind.parts else {}
    return tuple(DataFile(part_name(filename, name), dumps(record)) for name, record in parts.items())


def figure_context(
    directive: Directive, data: dict[str, Any], filename: str, placed: Placed
) -> tuple[dict[str, Any], DataFile]:
    """What the kind's template is given for one stored record (kind, options, provenance,
    result) whose data file is `filename`, and that data file: the page form, inlined when small."""
    kind = KINDS[directive.kind]
    text = dumps(kind.page_form(data))
    data_url = f"{placed.page.root}data/{filename}"
    inline = len(text) <= INLINE_LIMIT
    payload, src = (script_json(text), None) if inline else (None, data_url)
    figure = {
        "id": placed.id,
        "number": placed.number,
        "kind": kind.name,
        "element": kind.element,
        "width": directive.options.get("width", "body"),
        "where": directive.where,
        "caption": Markup(placed.caption),
        "link": linked(data) if directive.options.get("link", True) else None,
    }
    context = {
        "figure": figure,
        "data": data,
        "result": data["result"],
        "options": directive.options,
        "payload": payload,
        "src": src,
        "data_url": data_url,
        "page": placed.page,
    }
    return context, DataFile(filename, text)


def render_figure(
    env: Environment,
    directive: Directive,
    data: dict[str, Any],
    filename: str,
    placed: Placed,
    **context: Any,
) -> RenderedFigure:
    """The figure of `directive`, whose stored record (kind, options, provenance, result) is
    `data` and whose data file is `filename` (the job's). The kind gives the template, the
    element and the form the page carries. `context` goes to the template as it is (embeds.py:
    `panel`, the notes' embed panel; `embedded`, the article link of a figure on its embed page)."""
    kind = KINDS[directive.kind]
    own, data_file = figure_context(directive, data, filename, placed)
    html = env.get_template(kind.template).render(**own, **context)
    return RenderedFigure(html, data_file, part_files(kind, data, filename))
