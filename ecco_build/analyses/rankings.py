"""rankings: the logit-lens rank of every output token at every layer."""

from __future__ import annotations

from typing import Any

import torch

from ecco_build.analyses.lens import layer_labels, lens, probabilities_of, ranks_of
from ecco_build.analyses.sequence import prompt_and_output
from ecco_build.analyses.tokens import sequence_tokens
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.rankings import Options
from ecco_build.models.loader import LoadedModel


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    prompt_ids, output_ids = prompt_and_output(lm, options)
    if not output_ids:
        raise EccoBuildError("there is no output token to rank; give :target: text or generate tokens")
    ids = prompt_ids + output_ids
    targets = list(range(len(prompt_ids), len(ids)))
    wanted = torch.tensor([ids[t] for t in targets], device=lm.device)  # (n,)

    def rank_and_p(logits: torch.Tensor):
        token_ids = wanted.expand(logits.shape[0], -1).unsqueeze(-1)  # (l, n, 1)
        return ranks_of(logits, token_ids).squeeze(-1), probabilities_of(logits, token_ids).squeeze(-1)

    parts = lens(lm, ids, [t - 1 for t in targets], rank_and_p)
    ranks = torch.cat([r for r, _ in parts])
    probs = torch.cat([p for _, p in parts])
    return {
        "lens": "normed",
        "prompt_length": len(prompt_ids),
        "tokens": sequence_tokens(lm.tokenizer, ids),
        "targets": targets,
        "layers": layer_labels(ranks.shape[0] - 1),
        "rank": ranks.tolist(),  # (L+1, n)
        "p": probs.tolist(),
    }
