"""The export of a `factors` figure (its `chart` hook; factors.py is the kind's room): the first
block's factors as sparklines, one line per factor in its palette colour over the tokens, token
labels below (every one, or every n-th when they would crowd)."""

from __future__ import annotations

import math

from ecco_build.kinds.charts import finish, heads
from ecco_build.kinds.exporting import ExportMeta, ExportTheme
from ecco_build.kinds.tokens import label

WIDTH, ROW = 600, 30


def sparse_labels(tokens: list[dict]) -> list[str]:
    """Every token's label, or every n-th one's when they would crowd (one per 12 pixels)."""
    step = math.ceil(len(tokens) / (WIDTH / 12))
    return [label(t["text"]) if i % step == 0 else "" for i, t in enumerate(tokens)]


def chart(data: dict, meta: ExportMeta, theme: ExportTheme) -> dict:
    import altair as alt

    result = data["result"]
    block = result["blocks"][0]
    values = [
        {"factor": f + 1, "column": t, "value": v}
        for f, row in enumerate(block["factors"])
        for t, v in enumerate(row)
    ]
    x = alt.X("column:O", axis=None, scale=alt.Scale(paddingInner=0))
    rows = []
    for f in range(len(block["factors"])):
        colour = theme.palette.factors[f % len(theme.palette.factors)]
        axis = alt.Axis(
            labels=False,
            ticks=False,
            domain=False,
            grid=False,
            titleAngle=0,
            titleAlign="right",
            titleColor=f"rgb{colour}",
            titleFontWeight="bold",
            titleBaseline="middle",
        )
        line = (
            alt.Chart()
            .transform_filter(alt.datum.factor == f + 1)
            .mark_line(color=f"rgb{colour}", strokeWidth=1.6)
        )
        y = alt.Y("value:Q", title=str(f + 1), axis=axis, scale=alt.Scale(zero=False, nice=False))
        rows.append(line.encode(x=x, y=y).properties(width=WIDTH, height=ROW))
    labelled = heads(sparse_labels(result["tokens"]), x, WIDTH, angle=300)
    chart = alt.vconcat(*rows, labelled, data=alt.Data(values=values), spacing=4).resolve_scale(x="shared")
    layers = block["layers"]
    span = f"layer {layers[0]}" if len(layers) == 1 else f"layers {layers[0]}–{layers[-1]}"
    method = f"{result['method'].upper()} of MLP activations, {span}, {block['components']} factors"
    return finish(chart, meta, theme, method)
