"""Attention: every layer's and head's weights for a text, attention rollout and attention flow.

Weights come from an eager-attention forward (models/adapters.attention_weights): the fused
kernels return none. Grouped-query models' weights are per query head, as eager attention
computes them.

Rollout and flow follow Abnar & Zuidema (2020), "Quantifying Attention Flow in Transformers":
each layer's heads are averaged and the residual connection is added as the identity,
Â = ½·mean_h(A) + ½·I (rows renormalised to 1).
  rollout  R = Â_L · … · Â_1; row p says how much of position p's top-layer state each input
           position reaches through every path, products of weights along the path, summed.
  flow     the maximum flow from input node (0, j) to output node (L, p) in the layered graph
           whose edge (l−1, j) → (l, i) has capacity Â_l[i, j]. SciPy's Dinic implementation
           (C, integer capacities) solves each flow; capacities are scaled by FLOW_SCALE and
           rounded, so a flow value is exact to about L·T / FLOW_SCALE. One flow costs
           O(V²E) in the worst case with V = (L+1)·(p+1) nodes and E = L·(p+1)²/2 edges (a
           causal model's graph up to p); a figure solves one flow per (output, input) pair.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np
import torch

from ecco_build.analyses.sequence import encode_prompt, generate_steps
from ecco_build.analyses.tokens import sequence_tokens
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.attention import MAX_TOKENS, THUMBNAIL, Options, bracket_pairs
from ecco_build.models import adapters
from ecco_build.models.loader import LoadedModel

FLOW_SCALE = 2**20
# The work budget of attention flow, in edge visits (Σ over flows of the edges of its graph);
# about a minute on one CPU core. Above it a figure is refused before any flow runs.
FLOW_BUDGET = 2 * 10**9


def weights_of(lm: LoadedModel, ids: list[int]) -> np.ndarray:
    """(layers, heads, T, T) float64 attention weights, each row renormalised to sum to 1."""
    weights = adapters.attention_weights(lm.model, torch.tensor(ids, device=lm.device)).double().numpy()
    return weights / weights.sum(-1, keepdims=True)


def residual_attention(weights: np.ndarray) -> np.ndarray:
    """Â per layer, (L, T, T): heads averaged, plus the identity for the residual, rows to 1."""
    T = weights.shape[-1]
    mixed = 0.5 * weights.mean(1) + 0.5 * np.eye(T)
    return mixed / mixed.sum(-1, keepdims=True)


def rollout(weights: np.ndarray) -> np.ndarray:
    """(T, T): row p is how much of position p's last-layer state each input position reaches."""
    result = np.eye(weights.shape[-1])
    for layer in residual_attention(weights):
        result = layer @ result
    return result


def flow_work(layers: int, positions: list[int]) -> int:
    """Edge visits of the flows into each output position p (one flow per input j ≤ p)."""
    return sum((p + 1) * layers * (p + 1) * (p + 2) // 2 for p in positions)


def flows(weights: np.ndarray, position: int) -> np.ndarray:
    """(position + 1,): the maximum flow from each input (0, j), j ≤ position, to (L, position).

    Only positions ≤ position enter the graph: in a causal model nothing flows from a later
    position to an earlier one, and in an encoder this is the graph of the prefix."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    mixed = residual_attention(weights[..., : position + 1, : position + 1])  # rows sum to 1 again
    L, n = mixed.shape[0], position + 1
    scaled = np.rint(mixed * FLOW_SCALE).astype(np.int32)
    layer, target, source = np.nonzero(scaled)  # edge (layer, j=source) → (layer+1, i)
    capacity = scaled[layer, target, source]
    graph = csr_matrix(
        (capacity, (layer * n + source, (layer + 1) * n + target)), shape=((L + 1) * n, (L + 1) * n)
    )
    sink = L * n + position
    values = [maximum_flow(graph, j, sink, method="dinic").flow_value for j in range(n)]
    return np.array(values, dtype=np.float64) / FLOW_SCALE


def shares_of(values: np.ndarray) -> list[float]:
    total = float(values.sum())
    return (values / total).tolist() if total > 0 else [0.0] * len(values)


def attention_rows(weights: np.ndarray, positions: list[int], method: str) -> dict[str, list]:
    """Saliency rows for output tokens at `positions` (each explained at position − 1, over the
    positions before it): "norm" holds the rollout or flow values, "share" their shares."""
    if method == "attention_flow":
        work = flow_work(weights.shape[0], [p - 1 for p in positions])
        if work > FLOW_BUDGET:
            raise EccoBuildError(
                f"attention flow for {len(positions)} output tokens over {positions[-1]} tokens and "
                f"{weights.shape[0]} layers would visit {work:.2g} edges (limit {FLOW_BUDGET:.0e}); "
                "use a shorter text, fewer output tokens (:target:), or attention_rollout"
            )
        values = [flows(weights, p - 1) for p in positions]
    else:
        rolled = rollout(weights)
        values = [rolled[p - 1, :p] for p in positions]
    return {"norm": [v.tolist() for v in values], "share": [shares_of(v) for v in values]}


def spearman(a: list[float], b: list[float]) -> float | None:
    """Spearman's rank correlation of two rows (average ranks for ties); None when it is
    undefined (fewer than two values, or a row without variation)."""
    from scipy.stats import spearmanr

    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    value = float(spearmanr(a, b).statistic)
    return None if math.isnan(value) else value


def pack_unit(values: np.ndarray, causal: bool) -> dict[str, Any]:
    """(L, H, T, T) weights in [0, 1] as 16-bit integers q = round(w · 65535), little-endian,
    base64; a causal model's only up to and including the diagonal (row i has i + 1 values)."""
    T = values.shape[-1]
    if causal:
        rows, cols = np.tril_indices(T)
        flat = values[..., rows, cols]
    else:
        flat = values
    q = np.rint(np.clip(flat, 0, 1) * 65535).astype("<u2")
    return {
        "u16": base64.b64encode(q.tobytes()).decode("ascii"),
        "shape": list(values.shape),
        "causal": causal,
    }


def thumbnails(weights: np.ndarray) -> dict[str, Any]:
    """Each head's pattern pooled to at most THUMBNAIL × THUMBNAIL cells (block means), scaled to
    its own largest cell and quantised to 8 bits: what the small multiples draw."""
    L, H, T, _ = weights.shape
    size = min(T, THUMBNAIL)
    edges = np.linspace(0, T, size + 1).astype(int)
    pooled = np.zeros((L, H, size, size))
    for a in range(size):
        for b in range(size):
            block = weights[..., edges[a] : edges[a + 1], edges[b] : edges[b + 1]]
            pooled[..., a, b] = block.mean((-1, -2))
    peak = pooled.max((-1, -2), keepdims=True)
    q = np.rint(np.divide(pooled, peak, out=np.zeros_like(pooled), where=peak > 0) * 255).astype(np.uint8)
    return {"u8": base64.b64encode(q.tobytes()).decode("ascii"), "shape": [L, H, size, size]}


def head_stats(weights: np.ndarray, tokens: list[dict], special: list[int]) -> dict[str, Any]:
    """Per layer and head, (L, H) each: the mean weight a query gives the previous token, itself
    and the first token; to special tokens (null without any); from a closing bracket to the
    bracket it closes (null when the text closes none)."""
    T = weights.shape[-1]
    queries = np.arange(1, T)

    def mean_of(rows: np.ndarray, cols: np.ndarray) -> list[list[float]]:
        return weights[..., rows, cols].mean(-1).tolist()

    stats: dict[str, Any] = {
        "previous": mean_of(queries, queries - 1) if T > 1 else None,
        "self": mean_of(np.arange(T), np.arange(T)),
        "first": mean_of(queries, np.zeros_like(queries)) if T > 1 else None,
        "special": weights[..., special].sum(-1).mean(-1).tolist() if special else None,
    }
    pairs = bracket_pairs([t["text"] for t in tokens])
    if pairs:
        closers, openers = (np.array(side) for side in zip(*pairs, strict=True))
        stats["bracket"] = mean_of(closers, openers)
    else:
        stats["bracket"] = None
    return stats


def sequence(lm: LoadedModel, options: Options) -> tuple[list[int], list[int]]:
    prompt_ids = encode_prompt(lm, options.prompt)
    if lm.is_encoder and (options.target or options.max_new_tokens):
        raise EccoBuildError("an encoder does not continue a text: put the whole text in :prompt:")
    if options.target:
        return prompt_ids, lm.tokenizer(options.target, add_special_tokens=False)["input_ids"]
    if options.max_new_tokens:
        return prompt_ids, generate_steps(lm, prompt_ids, options)[0]
    return prompt_ids, []


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    prompt_ids, output_ids = sequence(lm, options)
    ids = prompt_ids + output_ids
    if len(ids) > MAX_TOKENS:
        raise EccoBuildError(f"the text is {len(ids)} tokens; an attention figure holds at most {MAX_TOKENS}")
    weights = weights_of(lm, ids)
    causal = not lm.is_encoder
    specials = set(lm.tokenizer.all_special_ids)
    special = [i for i, token_id in enumerate(ids) if token_id in specials]
    tokens = sequence_tokens(lm.tokenizer, ids)
    return {
        "prompt_length": len(prompt_ids),
        "tokens": tokens,
        "special": special,
        "causal": causal,
        "layers": weights.shape[0],
        "heads": weights.shape[1],
        "kv_heads": getattr(lm.model.config, "num_key_value_heads", None) or weights.shape[1],
        "weights": pack_unit(weights, causal),
        "thumbnails": thumbnails(weights),
        "head_stats": head_stats(weights, tokens, special),
    }
