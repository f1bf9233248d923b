"""The explicit list of directive kinds: KINDS maps each name to the `KIND` its kinds/<module>.py
defines, in the order `ecco-build kinds` prints them. No discovery, no import side effects:
adding a kind is its kind file (see kind.py for what it holds) and one line here.
"""

from __future__ import annotations

from ecco_build.kinds import (
    attention,
    factors,
    generate,
    layer_predictions,
    rankings,
    rankings_watch,
    saliency,
)
from ecco_build.kinds.kind import Kind, Requires

__all__ = ["KINDS", "Kind", "Requires"]

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        generate.KIND,
        saliency.KIND,
        layer_predictions.KIND,
        rankings.KIND,
        rankings_watch.KIND,
        factors.KIND,
        attention.KIND,
    )
}
