"""rankings-watch: the logit-lens rank of chosen candidate tokens at every layer, at one position."""

from __future__ import annotations

from typing import Any

import torch

from ecco_build.analyses.lens import layer_labels, lens, probabilities_of, ranks_of
from ecco_build.analyses.sequence import encode_prompt, resolve_position
from ecco_build.analyses.tokens import candidate_tokens, sequence_tokens
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.rankings_watch import Options
from ecco_build.models.loader import LoadedModel


def watch_ids(lm: LoadedModel, watch: tuple[str, ...], first_token: bool) -> list[int]:
    chosen = []
    for text in watch:
        ids = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
        if len(ids) != 1 and not (first_token and ids):
            pieces = [lm.tokenizer.decode([i]) for i in ids]
            raise EccoBuildError(
                f":watch: {text!r} is {len(ids)} tokens {pieces}, not one; watch a single token "
                "or set :first_token: true to score it by its first token"
            )
        chosen.append(ids[0])
    return chosen


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    prompt_ids = encode_prompt(lm, options.prompt)
    position = resolve_position(options.position, len(prompt_ids), len(prompt_ids))
    chosen = watch_ids(lm, options.watch, options.first_token)
    wanted = torch.tensor(chosen, device=lm.device)

    def rank_and_p(logits: torch.Tensor):
        rows = logits[:, 0]  # (l, V)
        token_ids = wanted.expand(rows.shape[0], -1)  # (l, W)
        return ranks_of(rows, token_ids), probabilities_of(rows, token_ids)

    parts = lens(lm, prompt_ids, [position], rank_and_p)
    ranks = torch.cat([r for r, _ in parts])
    probs = torch.cat([p for _, p in parts])
    watched = candidate_tokens(lm.tokenizer, prompt_ids[position], chosen)
    for entry, text in zip(watched, options.watch, strict=True):
        entry["asked"] = text
    return {
        "lens": "normed",
        "prompt_length": len(prompt_ids),
        "tokens": sequence_tokens(lm.tokenizer, prompt_ids),
        "position": position,
        "first_token": options.first_token,
        "watch": watched,
        "layers": layer_labels(ranks.shape[0] - 1),
        "rank": ranks.tolist(),  # (L+1, W)
        "p": probs.tolist(),
    }
