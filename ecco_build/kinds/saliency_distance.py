"""Attribution by distance: how far back from the output token a saliency figure's attribution
lies (`:view: distance`). It answers "how far back does this model look?".

For each method, the share at distance d (d = 1 is the token just before the output token) is
the mean over the explained output tokens of the share of the input token d places back; the
profile sums to 1 over d. Targets closer than d to the start of the text add 0 there, so the
tail of a profile reads "of all the attribution, this much came from that far back".

The chart is a Vega-Lite spec built with altair (imported inside the functions) and drawn to
SVG with vl-convert at build time, as the view's static fallback: on a transparent background,
its text a grey that keeps 3:1 contrast on the light and the dark page, its lines in the
factor palette's first colours.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from ecco_build.kinds.exporting import SANS, ExportTheme
from ecco_build.kinds.palette import LIGHT
from ecco_build.kinds.schema import Option


def profile(result: dict[str, Any], method: str) -> list[float]:
    """The method's share at distances 1, 2, … up to the farthest input token."""
    targets = result["targets"]
    totals = [0.0] * max(targets)
    for target, row in zip(targets, result["methods"][method]["share"], strict=True):
        for position, value in enumerate(row):
            totals[target - position - 1] += value
    return [total / len(targets) for total in totals]


def reach(values: list[float], mass: float = 0.5) -> int:
    """The smallest distance within which `mass` of the profile lies (1-based)."""
    running = 0.0
    for distance, value in enumerate(values, start=1):
        running += value
        if running >= mass - 1e-9:
            return distance
    return len(values)


# What the chart draws: one saliency result, or a comparison's, (model alias, result) by model.
Subject = dict[str, Any] | list[tuple[str, dict[str, Any]]]


def figure_series(subject: Subject) -> list[tuple[str, list[float]]]:
    """A line per method, or per model of a comparison (per model and method when there are
    several methods), labelled."""
    if isinstance(subject, dict):
        return [(method.replace("_", " "), profile(subject, method)) for method in subject["methods"]]
    several = any(len(result["methods"]) > 1 for _, result in subject)
    return [
        (f"{alias} · {method.replace('_', ' ')}" if several else alias, profile(result, method))
        for alias, result in subject
        for method in result["methods"]
    ]


def summary(subject: Subject) -> list[dict[str, Any]]:
    """Per line of the chart, for the text under it: its label, the share at distance 1 and the
    distances holding half and 90% of its attribution."""
    return [
        {"label": label, "first": values[0], "half": reach(values), "most": reach(values, 0.9)}
        for label, values in figure_series(subject)
    ]


def derived(result: dict[str, Any]) -> dict[str, Any]:
    """What the distance chart says, for the {value} role: `distance/<method>/first` (the share
    on the token just before), `/half` and `/most` (the distances holding 50% and 90%), and
    `/profile/<d-1>` (the share at distance d)."""
    found = {}
    for method in result["methods"]:
        values = profile(result, method)
        found[method] = {
            "first": values[0],
            "half": reach(values),
            "most": reach(values, 0.9),
            "profile": values,
        }
    return {"distance": found}


def targets_of(subject: Subject) -> int:
    """How many output tokens the profiles average over (the first model's, in a comparison)."""
    return len((subject if isinstance(subject, dict) else subject[0][1])["targets"])


def spec(series: list[tuple[str, list[float]]], theme: ExportTheme, width: int = 400) -> dict[str, Any]:
    """A line per series (label, profile): share of attribution against distance back."""
    import altair as alt

    rows = [
        {"series": label, "distance": d, "share": value}
        for label, values in series
        for d, value in enumerate(values, start=1)
    ]
    colours = theme.palette.factors
    scale = alt.Scale(
        domain=[label for label, _ in series],
        range=["#" + "".join(f"{c:02x}" for c in colours[i % len(colours)]) for i in range(len(series))],
    )
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(
                "distance:Q",
                title="distance back from the output token (tokens)",
                scale=alt.Scale(domainMin=1),
            ),
            y=alt.Y("share:Q", title="share of attribution", axis=alt.Axis(format="%")),
            color=alt.Color(
                "series:N",
                scale=scale,
                legend=alt.Legend(title=None, orient="top", columns=2, labelFontSize=12, labelLimit=260),
            ),
        )
        .properties(width=width, height=200)
    )
    return themed(chart.to_dict(), theme)


def themed(found: dict[str, Any], theme: ExportTheme) -> dict[str, Any]:
    """The spec with the theme's background, font and text colours."""
    axis = {
        "labelColor": theme.text,
        "titleColor": theme.muted,
        "domainColor": theme.rule,
        "gridColor": theme.rule,
    }
    config = {"font": SANS, "view": {"stroke": None}, "axis": axis, "legend": {"labelColor": theme.text}}
    return {**found, "background": theme.background, "config": {**found.get("config", {}), **config}}


# The fallback's colours: the page shows it on either theme's background.
NEUTRAL = ExportTheme("neutral", LIGHT, "transparent", "#80868b", "#80868b", "#9aa0a6")


def fallback_svg(subject: Subject) -> Markup:
    """The distance chart as inline SVG (vl-convert), for the view's static fallback. Its text
    is numbers and method names only; vl-convert escapes it."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec(figure_series(subject), NEUTRAL))
    width = re.search(r'<svg[^>]* width="(\d+)"', svg)
    # Scaled to the column (viewBox kept), never wider than drawn; a phone shows it whole.
    sized = re.sub(r'(<svg[^>]*?) width="\d+" height="\d+"', r"\1", svg, count=1)
    style = f'style="width:100%;max-width:{width.group(1) if width else 600}px;height:auto"'
    labelled = sized.replace('class="marks"', f'class="marks ecco-distance-chart" role="img" {style}', 1)
    title = "<title>Share of attribution by distance back from the output token</title>"
    return Markup(labelled.replace(">", ">" + title, 1))


# The presentation option that draws the chart (a result=False option: no recompute).
DISTANCE = Option(
    "distance",
    bool,
    False,
    "Draw each method's share of attribution by distance back from the output token under the figure.",
    result=False,
)
DISTANCE_FILTERS = {
    "saliency_distance_svg": fallback_svg,
    "saliency_distance_summary": summary,
    "saliency_distance_targets": targets_of,
}
