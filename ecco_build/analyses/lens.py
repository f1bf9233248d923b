"""The logit lens, done right: every layer's residual stream through the model's final
norm and unembedding (nostalgebraist 2020, "interpreting GPT: the logit lens"; Belrose et
al. 2023 on why the final norm matters). Ecco skipped the norm, which distorts the early
layers. Layer 0 is the embedding output; the last layer reproduces the model's logits.

Three kinds share it: `layer-predictions` (top-k per layer at one position), `rankings`
(rank of each output token per layer) and `rankings-watch` (rank of chosen candidates).
Rank = 1 + number of vocabulary entries with a strictly larger logit.
"""

from __future__ import annotations

from typing import Any

import torch

from ecco_build.analyses.generate import encode_prompt, generate_steps
from ecco_build.errors import EccoBuildError
from ecco_build.models import adapters
from ecco_build.models.loader import LoadedModel
from ecco_build.tokens import candidate_tokens, sequence_tokens

# Lens logits are computed for at most this many (layer × position) rows at once, to bound
# memory: rows × vocabulary × 4 bytes (≈ 200 MB for a 50k vocabulary).
ROWS_PER_MATMUL = 1024


def layer_labels(n_layers: int) -> list[str]:
    return ["embeddings"] + [str(i) for i in range(1, n_layers + 1)]


def ranks_of(logits: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
    """1 + number of entries strictly greater than each token's logit.
    logits (..., V), token_ids (..., K) → ranks (..., K)."""
    chosen = logits.gather(-1, token_ids)  # (..., K)
    if token_ids.shape[-1] == 1:  # one token per row: no (..., K, V) intermediate
        return 1 + (logits > chosen).sum(-1, keepdim=True, dtype=torch.int32)
    return 1 + (logits.unsqueeze(-2) > chosen.unsqueeze(-1)).sum(-1, dtype=torch.int32)


def probabilities_of(logits: torch.Tensor, token_ids: torch.Tensor) -> torch.Tensor:
    """softmax(logits) at token_ids, without forming the full softmax: (..., V), (..., K) → (..., K)."""
    return (logits.gather(-1, token_ids) - logits.logsumexp(-1, keepdim=True)).exp()


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


def sequence(lm: LoadedModel, options: dict[str, Any]) -> tuple[list[int], list[int]]:
    prompt_ids = encode_prompt(lm, options["prompt"])
    if options.get("target"):
        return prompt_ids, lm.tokenizer(options["target"], add_special_tokens=False)["input_ids"]
    if options.get("max_new_tokens", 0) > 0:
        return prompt_ids, generate_steps(lm, prompt_ids, options)[0]
    return prompt_ids, []


def resolve_position(position: int, prompt_length: int, total: int) -> int:
    index = prompt_length + position if position < 0 else position
    if not 0 <= index < total:
        raise EccoBuildError(
            f":position: {position} is outside the text (it has {total} tokens, "
            f"{prompt_length} in the prompt); "
            f"use 0 to {total - 1}, or -1 to -{prompt_length} counting back from the end of the prompt"
        )
    return index


def check_causal(lm: LoadedModel, kind: str) -> None:
    if lm.is_encoder:
        raise EccoBuildError(f"{kind} needs a causal (text-generating) model")


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


def layer_predictions(lm: LoadedModel, options: dict[str, Any]) -> dict[str, Any]:
    if lm.is_encoder:
        if not adapters.has_mlm_head(lm.model):
            raise EccoBuildError("layer-predictions needs a causal model or a masked LM with its MLM head")
        prompt_ids, output_ids = encode_prompt(lm, options["prompt"]), []
        ids = prompt_ids
        position = resolve_position(mask_position(lm, ids, options["position"]), len(ids), len(ids))
    else:
        prompt_ids, output_ids = sequence(lm, options)
        ids = prompt_ids + output_ids
        position = resolve_position(options["position"], len(prompt_ids), len(ids))
    k = options["top_k"]

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


def rankings(lm: LoadedModel, options: dict[str, Any]) -> dict[str, Any]:
    check_causal(lm, "rankings")
    prompt_ids, output_ids = sequence(lm, options)
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


def watch_ids(lm: LoadedModel, watch: list[str], first_token: bool) -> list[int]:
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


def rankings_watch(lm: LoadedModel, options: dict[str, Any]) -> dict[str, Any]:
    check_causal(lm, "rankings-watch")
    prompt_ids = encode_prompt(lm, options["prompt"])
    position = resolve_position(options["position"], len(prompt_ids), len(prompt_ids))
    chosen = watch_ids(lm, options["watch"], options["first_token"])
    wanted = torch.tensor(chosen, device=lm.device)

    def rank_and_p(logits: torch.Tensor):
        rows = logits[:, 0]  # (l, V)
        token_ids = wanted.expand(rows.shape[0], -1)  # (l, W)
        return ranks_of(rows, token_ids), probabilities_of(rows, token_ids)

    parts = lens(lm, prompt_ids, [position], rank_and_p)
    ranks = torch.cat([r for r, _ in parts])
    probs = torch.cat([p for _, p in parts])
    watched = candidate_tokens(lm.tokenizer, prompt_ids[position], chosen)
    for entry, text in zip(watched, options["watch"], strict=True):
        entry["asked"] = text
    return {
        "lens": "normed",
        "prompt_length": len(prompt_ids),
        "tokens": sequence_tokens(lm.tokenizer, prompt_ids),
        "position": position,
        "first_token": options["first_token"],
        "watch": watched,
        "layers": layer_labels(ranks.shape[0] - 1),
        "rank": ranks.tolist(),  # (L+1, W)
        "p": probs.tolist(),
    }
