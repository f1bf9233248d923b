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


def _panel(template: Template, context: dict[str, Any], alias: str) -> dict[str, Any]:
    """What _compare.html shows of one model: its explorable's parts and the anchors that link it."""
    result = context["result"]
    anchors = compare.anchors(result["tokens"], context["options"]["prompt"])
    return {
        **context,
        "alias": alias,
        "attributes": _block(template, "attributes", context),
        "fallback": _block(template, "fallback", context),
        "notes": _block(template, "notes", context),
        "anchors": anchors,
        "outputs": [anchors[p] for p in compare.output_positions(result)],
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


def component_name(shown: list[tuple[dict[str, Any], str]]) -> str:
    """The data file the web-component snippet of a comparison fetches (component_record),
    named after the first model's data file (so a reused page's copy keeps it) and every
    model's job."""
    key = hashlib.sha256(" ".join(f for _, f in shown).encode()).hexdigest()[:12]
    return part_name(shown[0][1], f"compare-{key}")


def component_record(
    kind: str, panels: list[dict[str, Any]], differences: list[dict[str, Any]]
) -> dict[str, Any]:
    """What <ecco-compare src> builds its panels from: each model's alias, type, data file (`src`,
    beside this one) and anchors, and the difference views."""
    return {
        "kind": kind,
        "element": KINDS[kind].element,
        "panels": [
            {
                "model": p["alias"],
                "type": p["data"]["model"].get("type", ""),
                "src": p["filename"],
                "anchors": p["anchors"],
                "outputs": p["outputs"],
            }
            for p in panels
        ],
        "differences": differences,
    }


def render_comparison(
    env: Environment,
    directive: Directive,
    shown: list[tuple[dict[str, Any], str]],
    placed: Placed,
    **context: Any,
) -> RenderedFigure:
    """The comparison figure of `directive`, one panel per (stored record, data file) in
    `shown`, in its :models: order; `context` as render_figure's. Its data files are every
    model's page form, the first model's as the figure's own, and the web-component snippet's
    (component_name)."""
    kind = KINDS[directive.kind]
    template = env.get_template(kind.template)
    panels, files, parts = [], [], []
    # The aliases as :models: lists them: two aliases of one model share a stored record, whose
    # alias is the first's.
    for alias, (data, filename) in zip(aliases_of(directive, shown), shown, strict=True):
        own, data_file = figure_context(with_model(directive, alias), data, filename, placed)
        panels.append({**_panel(template, own, alias), "filename": filename})
        files.append(data_file)
        parts.extend(part_files(kind, data, filename))
    compared = [(p["alias"], p["result"]) for p in panels]
    views = difference_views(kind.name, compared, directive.options["prompt"])
    after = _block(template, "after_element", {**panels[0], "compared": compared})
    html = env.get_template("directives/_compare.html").render(
        figure=panels[0]["figure"],
        panels=panels,
        after=after,
        differences=[{**view, "payload": script_json(dumps(view))} for view in views],
        **context,
    )
    snippet = DataFile(component_name(shown), dumps(component_record(kind.name, panels, views)))
    return RenderedFigure(html, files[0], (*files[1:], *parts, snippet))
