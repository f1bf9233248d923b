"""Saliency's attention-based methods (attention_rollout, attention_flow; computed in
analyses/attention.py): what their rows carry besides the shares, and how the figure notes sum
up their agreement with integrated gradients."""

from __future__ import annotations

from typing import Any

from ecco_build.shapes import Record, number_problem

# Attention-based methods have no gradient and no sign; each row carries its Spearman rank
# correlation with integrated gradients on the same target (a faithfulness cue).
ATTENTION_METHODS = ("attention_rollout", "attention_flow")


def check_agreement(m: Record, n: int | None, rows: str) -> None:
    """ig_n_steps ≥ 1 and spearman_ig: n values, each in [−1, 1] or null."""
    m.integer("ig_n_steps", low=1)
    correlations = m.array("spearman_ig", n, rows)
    for i, value in enumerate(correlations or ()):
        if value is not None and number_problem(value, -1, 1, False):
            m.fail(f"{m.path('spearman_ig')}[{i}]", "must be a number in [-1, 1] or null")


def spearman_summary(values: list[float | None]) -> dict[str, Any] | None:
    """The notes' summary of a method's per-target Spearman correlations with IG."""
    defined = sorted(v for v in values if v is not None)
    if not defined:
        return None
    middle = len(defined) // 2
    median = defined[middle] if len(defined) % 2 else (defined[middle - 1] + defined[middle]) / 2
    return {
        "median": median,
        "low": defined[0],
        "high": defined[-1],
        "count": len(defined),
        "undefined": len(values) - len(defined),
    }


AGREEMENT_FILTERS = {"spearman_summary": spearman_summary}
