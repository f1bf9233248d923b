"""What the chart-like kinds' `chart` hooks share: altair (imported inside each function, so
validating and rendering a site with exports off never load it), the finished spec with the
export frame (kinds/exporting.py `chart_frame`), a row of token labels above a chart, and the
page's rank heatmap (the log shade of lens.py `rank_shade`, rank numbers in the cells).

Token labels are data (a text mark's field), never part of a Vega expression.
"""

from __future__ import annotations

import math
from typing import Any

from ecco_build.kinds.exporting import MONO, ExportMeta, ExportTheme, chart_frame, xml_safe

CELL_W, CELL_H = 64, 24


def finish(chart: Any, meta: ExportMeta, theme: ExportTheme, method: str) -> dict:
    """The chart's Vega-Lite spec with the frame: number, caption excerpt, credit, colours."""
    spec = chart.to_dict()
    frame = chart_frame(meta, theme, method)
    config = {**spec.get("config", {}), **frame.pop("config")}
    return xml_safe({**spec, **frame, "config": config})


def heads(labels: list[str], x: Any, width: int, angle: int = 0) -> Any:
    """A row of labels (token labels, already `label`led), one per x position, as a chart to
    stack above or below another with the same x field ("column")."""
    import altair as alt

    rows = [
        {"column": i, "label": text[:14] + ("…" if len(text) > 14 else "")} for i, text in enumerate(labels)
    ]
    mark = alt.Chart(alt.Data(values=rows)).mark_text(
        font=MONO, fontSize=11, angle=angle, align="center" if not angle else "right", baseline="bottom"
    )
    return mark.encode(x=x, text="label:N").properties(width=width, height=22 if not angle else 56)


def shade_scale(colour: tuple[int, int, int], theme: ExportTheme, full_at_low: bool, **scale: Any) -> Any:
    """A colour scale between the faint tint (alpha 0.06) and the full colour, mixed over the
    background as the page's rgba tints are; the full colour at the domain's low end or high."""
    import altair as alt

    ends = [theme.tint(colour, 0.06), theme.tint(colour, 1)]
    return alt.Scale(range=ends[::-1] if full_at_low else ends, interpolate="rgb", **scale)


def rank_chart(result: dict, labels: list[str], meta: ExportMeta, theme: ExportTheme, method: str) -> dict:
    """A rank heatmap: a row per layer (the last on top), a column per label, the rank in each
    cell on the page's log colour scale (white numbers where the shade is dark)."""
    import altair as alt

    layers, ranks = result["layers"], result["rank"]
    top = max(max(max(row) for row in ranks), 10)
    cells = [
        {"layer": layer, "column": c, "rank": rank, "p": p}
        for layer, row, probabilities in zip(layers, ranks, result["p"], strict=True)
        for c, (rank, p) in enumerate(zip(row, probabilities, strict=True))
    ]
    width = CELL_W * len(labels)
    x = alt.X("column:O", axis=None)
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=x, y=alt.Y("layer:N", sort=list(reversed(layers)), title="layer")
    )
    scale = shade_scale(theme.palette.rank, theme, True, type="log", domain=[1, top])
    rect = base.mark_rect(stroke=theme.background, strokeWidth=2).encode(
        color=alt.Color("rank:Q", scale=scale, legend=alt.Legend(title="rank (log scale)", orient="bottom"))
    )
    dark = f"datum.rank < {math.exp(0.45 * math.log(top)):.3f}"  # lens.py: "dark" above v = 0.55
    numbers = base.mark_text(fontSize=11).encode(
        text="rank:Q", color=alt.condition(dark, alt.value("#ffffff"), alt.value(theme.text))
    )
    grid = alt.layer(rect, numbers).properties(width=width, height=CELL_H * len(layers))
    chart = alt.vconcat(heads(labels, x, width), grid, spacing=2).resolve_scale(x="shared")
    return finish(chart, meta, theme, method)
