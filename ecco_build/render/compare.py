"""A comparison figure (:models: [a, b, …]): one panel per model, side by side, in one figure.

Each panel is the kind's own explorable, drawn from its model's stored result exactly as a
single-model figure would be (the kind template's `attributes`, `fallback` and `notes` blocks,
rendered once per model), inside <ecco-compare>, which links the panels' selection by their
tokens' anchors (kinds/compare.py) and, for saliency, shows the difference view. The figure's
`after_element` block (saliency's distance chart) is rendered once, with every model's result.
"""

from __future__ import annotations

import hashlib
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup

from ecco_build.directive_models import with_model
from ecco_build.document.articles import Directive
from ecco_build.kinds import compare
from ecco_build.kinds.registry import KINDS
from ecco_build.render.figures import (
    DataFile,
    Placed,
    RenderedFigure,
    figure_context,
    part_files,
    part_name,
    script_json,
)
from ecco_build.store import dumps

COMPARE_ELEMENT = "ecco-compare"


def aliases_of(directive: Directive, shown: list[tuple[dict[str, Any], str]]) -> list[str]:
    """The model alias of each panel, in the order of :models:."""
    return directive.options.get("models") or [data["model"]["alias"] for data, _ in shown]


def _block(template: Template, name: str, context: dict[str, Any]) -> Markup:
    """One block of a kind's template rendered alone with `context` ("" if it has none)."""
    render = template.blocks.get(name)
    return Markup("".join(render(template.new_context(context)))) if render else Markup("")


def _panel(template: Template, context: dict[str, Any]) -> dict[str, Any]:
    """What _compare.html shows of one model: its explorable's parts and the anchors that link it."""
    result = context["result"]
    anchors = compare.anchors(result["tokens"], context["options"]["prompt"])
    return {
        **context,
        "alias": context["data"]["model"]["alias"],
        "attributes": _block(template, "attributes", context),
        "fallback": _block(template, "fallback", context),
        "notes": _block(template, "notes", context),
        "anchors": " ".join(anchors),
        "outputs": " ".join(anchors[p] for p in compare.output_positions(result)),
    }


def difference_views(
    kind: str, results: list[tuple[str, dict[str, Any]]], prompt: str
) -> list[dict[str, Any]]:
    """Saliency's difference views, (alias, result) by model on the same `prompt`: each later
    model against the first (none for other kinds)."""
    if kind != "saliency":
        return []
    (a, first), found = results[0], []
    for b, other in results[1:]:
        found.append({"a": a, "b": b, **compare.difference(first, other, prompt)})
    return found


def component_file(directive: Directive, shown: list[tuple[dict[str, Any], str]]) -> DataFile | None:
    """What the web-component snippet of a comparison fetches: <ecco-compare src> builds its
    panels from it, each fetching its model's data file (`src`, beside this one), and its
    difference views. None for a figure of one model. Named after the first model's data file
    (so a reused page's copy keeps it) and every model's job."""
    if len(shown) < 2:
        return None
    panels, kind, prompt = [], directive.kind, directive.options["prompt"]
    for alias, (data, filename) in zip(aliases_of(directive, shown), shown, strict=True):
        anchors = compare.anchors(data["result"]["tokens"], prompt)
        panels.append(
            {
                "model": alias,
                "type": data["model"].get("type", ""),
                "src": filename,
                "anchors": anchors,
                "outputs": [anchors[p] for p in compare.output_positions(data["result"])],
            }
        )
    record = {
        "kind": kind,
        "element": KINDS[kind].element,
        "panels": panels,
        "differences": difference_views(
            kind, [(p["model"], d["result"]) for p, (d, _) in zip(panels, shown, strict=True)], prompt
        ),
    }
    key = hashlib.sha256(" ".join(f for _, f in shown).encode()).hexdigest()[:12]
    return DataFile(part_name(shown[0][1], f"compare-{key}"), dumps(record))


def render_comparison(
    env: Environment,
    directive: Directive,
    shown: list[tuple[dict[str, Any], str]],
    placed: Placed,
    **context: Any,
) -> RenderedFigure:
    """The comparison figure of `directive`, one panel per (stored record, data file) in
    `shown`, in its :models: order; `context` as render_figure's. Its data files are every
    model's page form, the first model's as the figure's own."""
    kind = KINDS[directive.kind]
    template = env.get_template(kind.template)
    panels, files, parts = [], [], []
    # The aliases as :models: lists them: two aliases of one model share a stored record, whose
    # alias is the first's.
    for alias, (data, filename) in zip(aliases_of(directive, shown), shown, strict=True):
        own, data_file = figure_context(with_model(directive, alias), data, filename, placed)
        panels.append({**_panel(template, own), "alias": alias})
        files.append(data_file)
        parts.extend(part_files(kind, data, filename))
    compared = [(p["alias"], p["result"]) for p in panels]
    after = _block(template, "after_element", {**panels[0], "compared": compared})
    html = env.get_template("directives/_compare.html").render(
        figure=panels[0]["figure"],
        panels=panels,
        after=after,
        differences=[
            {**view, "payload": script_json(dumps(view))}
            for view in difference_views(kind.name, compared, directive.options["prompt"])
        ],
        **context,
    )
    return RenderedFigure(html, files[0], (*files[1:], *parts))
