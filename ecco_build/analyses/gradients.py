"""Gradients of every output token's target scalar with respect to the input embeddings,
for saliency (analyses/saliency.py), taken together rather than once per target.

A causal model sees only its prefix at each position, so one forward pass over the whole
sequence serves every target at once (Ecco and inseq run the model once per target, over its
prefix, with the full-vocabulary logits at every position). How the gradients are taken:
- only the positions that predict a target are unembedded, and the unembedding and softmax
  are back-propagated once for all targets (each target's scalar depends on its own row);
- the per-target backwards start from the hidden states and are vmapped over blocks of
  targets (is_grads_batched), within a budget of token rows that bounds memory;
- the forward runs in a few pieces along the text with a key/value cache, so the backward
  for an early target stops at its own position instead of crossing the whole text;
- GPT-2's `gelu_new` runs as PyTorch's fused tanh-GELU (the same function).
"""

from __future__ import annotations

import logging
import math

import torch

from ecco_build.models import adapters, placement
from ecco_build.models.loader import LoadedModel

log = logging.getLogger(__name__)

# Token rows (targets × batch × positions) in one vmapped backward. vmap multiplies every
# activation gradient by the number of targets, so memory grows with this product: at 4,096
# rows a GPT-2-small backward needs about 1 GB. Larger batches (IG chunks) fall back to one
# backward per target over the shared forward, which costs the same arithmetic.
BACKWARD_ROWS = 4096
# The shared forward runs in pieces along the text, so that each backward covers only the
# positions up to its targets; a piece holds enough targets for about this many token rows
# per backward (narrower batched matmuls cost more than the positions saved: on 2 CPU cores,
# gradient × input over 20 targets took 1.25 s in one piece and 7.2 s in twenty).
PIECE_ROWS = 2048
# At most this many pieces: each piece's keys and values reach the next through the cache,
# and every backward copies its gradient back through that chain of concatenations.
MAX_PIECES = 4


# Memory-aware sizing (issue 20). A token row of a gradient-taking forward and backward keeps
# about ROW_FACTOR × layers × d_model values of activations: GPT-2 small took about 1 GB at
# 4,096 rows, ≈ 7 × 12 × 768 float32 values a row, and 8 leaves a margin. Only MEMORY_SHARE of
# the memory free on the tightest device that holds the model is planned for (CUDA:
# torch.cuda.mem_get_info; CPU: MemAvailable of /proc/meminfo). The fixed budgets stay upper
# bounds, so where memory is plentiful the sizes, and with them the results, are as before.
ROW_FACTOR = 8
MEMORY_SHARE = 0.5


def free_bytes(device: str) -> int | None:
    """Memory free on `device` now; None where it is not known (then the fixed budgets hold)."""
    if device.startswith("cuda"):
        return torch.cuda.mem_get_info(torch.device(device))[0]
    return placement.cpu_available() if device == "cpu" else None


def row_bytes(lm: LoadedModel) -> int:
    """The estimated activation bytes of one token row (see ROW_FACTOR)."""
    width = adapters.token_embedding(lm.model).embedding_dim
    size = torch.finfo(getattr(torch, lm.dtype)).bits // 8
    return ROW_FACTOR * len(adapters.blocks(lm.model)) * width * size


def rows_that_fit(lm: LoadedModel) -> int | None:
    """Token rows whose activations fit in MEMORY_SHARE of the tightest device's free memory."""
    free = [f for f in (free_bytes(d) for d in lm.devices or (lm.device,)) if f is not None]
    return max(1, int(min(free) * MEMORY_SHARE) // row_bytes(lm)) if free else None


def backward_rows(lm: LoadedModel) -> int:
    """Token rows in one vmapped backward: BACKWARD_ROWS, or fewer where memory is short."""
    fit = rows_that_fit(lm)
    return BACKWARD_ROWS if fit is None else min(BACKWARD_ROWS, fit)


def sized_chunk(lm: LoadedModel, limit: int, budget: int, work: int, length: int) -> int:
    """Items (IG steps, occlusion variants) per batch: at most `limit`, `budget // work` (the
    fixed budget) and as many sequences of `length` token rows as fit in memory."""
    fit = rows_that_fit(lm)
    memory = limit if fit is None else fit // max(1, length)
    return max(1, min(limit, budget // max(1, work), memory))


def wide(t: torch.Tensor) -> torch.Tensor:
    """float32 for half-precision tensors; a float64 model's values stay float64 (an IG
    completeness check in float64 must not be rounded to float32 on the way)."""
    return t if t.dtype == torch.float64 else t.float()


class Scores:
    """f(embeds) → (batch, n_targets): the target scalar for each output position, in two
    parts: `body` (embeddings → final-normed hidden state at each predicting position) and
    `head` (hidden state → scalar). Only the predicting positions are unembedded; the
    full-vocabulary logits at every position are never formed.

    Target i's scalar depends on row i of the hidden states alone, so one cheap backward
    through the head gives every target's gradient at its own row, and the expensive
    per-target backwards start from the hidden states: the unembedding and softmax are not
    back-propagated once per target (that costs targets² × vocabulary).
    """

    def __init__(
        self,
        lm: LoadedModel,
        ids: torch.Tensor,
        positions: torch.Tensor,
        scalar: str,
        foils: torch.Tensor | None,
    ) -> None:
        self.lm, self.positions, self.scalar, self.foils = lm, positions, scalar, foils
        self.chosen = ids[positions]  # (n,)

    def body(self, embeds: torch.Tensor) -> torch.Tensor:
        hidden = adapters.final_hidden(self.lm.model, embeds)
        return hidden[:, (self.positions - 1).to(hidden.device)]  # (batch, n, d)

    def head(self, hidden: torch.Tensor) -> torch.Tensor:
        """The target scalars (batch, n), on the input device (the unembedding may sit on
        another device when the model is split: models/placement.py)."""
        logits = wide(adapters.unembed(self.lm.model, hidden))  # (batch, n, vocab)
        if self.scalar == "logit":
            values = logits
        elif self.scalar == "probability":
            values = logits.softmax(-1)
        else:
            values = logits.log_softmax(-1)
        index = self.chosen.to(values.device).expand(values.shape[0], -1).unsqueeze(-1)
        out = values.gather(-1, index).squeeze(-1)  # (batch, n)
        if self.foils is not None:
            foil_index = self.foils.to(values.device).expand(values.shape[0], -1).unsqueeze(-1)
            out = out - values.gather(-1, foil_index).squeeze(-1)
        return out.to(self.positions.device)

    def __call__(self, embeds: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(embeds))


def gradients(
    scores: Scores, embeds: torch.Tensor, batched: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of every target w.r.t. `embeds`: (n, batch, T, d), and the scores (batch, n).

    One forward serves all targets, run in pieces along the text (see
    adapters.final_hidden_pieces) so that the backward for a target early in the text stops
    at its own position. The head's gradient comes from one backward (row i of
    d(Σ scores)/d(hidden) is target i's own); the body's backward is vmapped over the
    targets of a piece, at most BACKWARD_ROWS token rows at a time (memory stays bounded on
    long texts and large IG chunks); without batching, one backward per target.
    """
    embeds = embeds.detach().requires_grad_(True)
    batch, T = embeds.shape[:2]
    rows = (scores.positions - 1).tolist()  # the hidden row that predicts each target, ascending
    n = len(rows)
    per_block = max(1, backward_rows(scores.lm) // max(1, batch * T)) if batched else 1
    # Targets per piece: about PIECE_ROWS rows per backward, and at most MAX_PIECES pieces.
    size = max(1, math.ceil(PIECE_ROWS / (batch * T)), math.ceil(n / MAX_PIECES))
    groups = [list(range(i, min(n, i + size))) for i in range(0, n, size)]
    stops = [rows[g[-1]] + 1 for g in groups]
    starts = [0, *stops[:-1]]
    pieces = adapters.final_hidden_pieces(scores.lm.model, embeds, stops)
    placed = zip(pieces, groups, starts, strict=True)
    cut = torch.cat([piece.detach()[:, [rows[i] - start for i in g]] for piece, g, start in placed], 1)
    cut.requires_grad_(True)  # (batch, n, d)
    values = scores.head(cut)  # (batch, n)
    (head_grad,) = torch.autograd.grad(values.sum(), cut)  # (batch, n, d)

    blocks = []
    for k, (piece, group, start) in enumerate(zip(pieces, groups, starts, strict=True)):
        for b in range(0, len(group), per_block):
            block = group[b : b + per_block]
            retain = not (k == len(groups) - 1 and b + per_block >= len(group))
            # Seeds: target i's head gradient at its own row of the piece, zero elsewhere.
            seeds = torch.zeros(len(block), *piece.shape, device=piece.device, dtype=piece.dtype)
            local = torch.tensor([rows[i] - start for i in block])
            seeds[torch.arange(len(block)), :, local] = head_grad[:, block].transpose(0, 1).to(piece.device)
            blocks.append(backward(piece, embeds, seeds, retain))
    return torch.cat(blocks), values.detach()


def backward(output: torch.Tensor, embeds: torch.Tensor, seeds: torch.Tensor, retain: bool) -> torch.Tensor:
    """d(seed_j · output)/d(embeds) for each seed j: (len(seeds), *embeds.shape). Vmapped over
    the seeds; one backward per seed if an operation of the model has no batching rule."""
    if len(seeds) > 1:
        try:
            (grads,) = torch.autograd.grad(
                output, embeds, grad_outputs=seeds, retain_graph=retain, is_grads_batched=True
            )
            return grads
        except RuntimeError as exc:
            log.debug("batched backward unavailable (%s); using one backward per target", exc)
    last = len(seeds) - 1
    return torch.stack(
        [
            torch.autograd.grad(output, embeds, grad_outputs=seed, retain_graph=retain or j < last)[0]
            for j, seed in enumerate(seeds)
        ]
    )
