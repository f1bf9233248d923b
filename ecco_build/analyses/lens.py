"""The logit lens, done right: every layer's residual stream through the model's final
norm and unembedding (nostalgebraist 2020, "interpreting GPT: the logit lens"; Belrose et
al. 2023 on why the final norm matters). Ecco skipped the norm, which distorts the early
layers. Layer 0 is the embedding output; the last layer reproduces the model's logits.

Three kinds share it: `layer-predictions` (top-k per layer at one position), `rankings`
(rank of each output token per layer) and `rankings-watch` (rank of chosen candidates).
Rank = 1 + number of vocabulary entries with a strictly larger logit. This module is the
shared engine; each kind's `compute` is in analyses/<kind>.py.
"""

from __future__ import annotations

from typing import Any

import torch

from ecco_build.models import adapters
from ecco_build.models.loader import LoadedModel

# Lens logits are computed for at most this many (layer × position) rows at once, to bound
# memory: rows × vocabulary × 4 bytes (≈ 200 MB for a 50k vocabulary).
ROWS_PER_MATMUL = 1024


def layer_labels(n_layers: int) -> list[str]:
    return ["embeddings"] + [str(i) for i in range(1, n_layers + 1)]


def ranks_of(logits: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
    """1 + number of entries strictly greater than each token's logit.
    logits (..., V), token_ids (..., K) → ranks (..., K), on the logits' device (the unembedding's)."""
    token_ids = token_ids.to(logits.device)
    chosen = logits.gather(-1, token_ids)  # (..., K)
    if token_ids.shape[-1] == 1:  # one token per row: no (..., K, V) intermediate
        return 1 + (logits > chosen).sum(-1, keepdim=True, dtype=torch.int32)
    return 1 + (logits.unsqueeze(-2) > chosen.unsqueeze(-1)).sum(-1, dtype=torch.int32)


def probabilities_of(logits: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
    """softmax(logits) at token_ids, without forming the full softmax: (..., V), (..., K) → (..., K)."""
    return (logits.gather(-1, token_ids.to(logits.device)) - logits.logsumexp(-1, keepdim=True)).exp()


@torch.inference_mode()
def lens(lm: LoadedModel, ids: list[int], positions: list[int], reduce) -> Any:
    """Apply `reduce(logits (L+1, P, V) float32, row slice)` over layer batches; returns the
    list of reduce results. Only the requested positions are ever unembedded. The residual
    stream is remembered per text, so the lens directives of one passage share one forward."""
    residual = lm.remember(
        ("residual", tuple(ids)),
        lambda: adapters.residual_stream(lm.model, torch.tensor([ids], device=lm.device))[:, 0],
    )  # (L+1, T, d)
    selected = residual[:, positions]  # (L+1, P, d)
    layers = selected.shape[0]
    per = max(1, ROWS_PER_MATMUL // max(1, len(positions)))
    out = []
    for start in range(0, layers, per):
        logits = adapters.lens_logits(lm.model, selected[start : start + per]).float()  # (l, P, V)
        out.append(reduce(logits))
    return out
