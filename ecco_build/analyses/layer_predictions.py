"""layer-predictions: the logit lens's top-k tokens at every layer, at one position."""

from __future__ import annotations

from typing import Any

import torch

from ecco_build.analyses.lens import layer_labels, lens
from ecco_build.analyses.sequence import encode_prompt, prompt_and_output, resolve_position
from ecco_build.analyses.tokens import candidate_tokens, sequence_tokens
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.layer_predictions import Options
from ecco_build.models import adapters
from ecco_build.models.loader import LoadedModel


def mask_position(lm: LoadedModel, ids: list[int], position: int) -> int:
    """For a masked LM: the [MASK] token (the first one unless :position: names another)."""
    mask = lm.tokenizer.mask_token_id
    if position >= 0:
        return position
    if mask not in ids:
        raise EccoBuildError(
            f"put {lm.tokenizer.mask_token} in the prompt: a masked LM predicts the masked token"
        )
    return ids.index(mask)


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    if lm.is_encoder:
        if not adapters.has_mlm_head(lm.model):
            raise EccoBuildError("layer-predictions needs a causal model or a masked LM with its MLM head")
        prompt_ids, output_ids = encode_prompt(lm, options.prompt), []
        ids = prompt_ids
        position = resolve_position(mask_position(lm, ids, options.position), len(ids), len(ids))
    else:
        prompt_ids, output_ids = prompt_and_output(lm, options)
        ids = prompt_ids + output_ids
        position = resolve_position(options.position, len(prompt_ids), len(ids))
    k = options.top_k

    def top(logits: torch.Tensor):
        probs = logits[:, 0].softmax(-1)  # (l, V)
        return probs.topk(k, dim=-1)

    parts = lens(lm, ids, [position], top)
    values = torch.cat([p.values for p in parts])  # (L+1, k)
    indices = torch.cat([p.indices for p in parts])
    # A causal model predicts the token after `position`; a masked LM the token at it.
    context = ids[position] if not lm.is_encoder else (ids[position - 1] if position else None)
    layers = []
    for row_ids, row_p in zip(indices.tolist(), values.tolist(), strict=True):
        entries = candidate_tokens(lm.tokenizer, context, row_ids)
        for entry, p in zip(entries, row_p, strict=True):
            entry["p"] = p
        layers.append(entries)
    return {
        "lens": "normed",
        "masked": lm.is_encoder,
        "prompt_length": len(prompt_ids),
        "tokens": sequence_tokens(lm.tokenizer, ids),
        "position": position,
        "layers": layer_labels(len(layers) - 1),
        "top": layers,
    }
