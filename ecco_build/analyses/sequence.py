"""The token sequence an analysis reads: the prompt, then its :target: text or generated tokens.

Generation is greedy, or sampling with temperature / top-k / nucleus (top-p, Holtzman et al.
2020, "The Curious Case of Neural Text Degeneration"). The recorded probability of a
token is always the model's own (temperature 1) softmax, so figures compare across
sampling settings; the sampling settings only decide which token is taken.
"""

from __future__ import annotations

from typing import Any

import torch

from ecco_build.errors import EccoBuildError
from ecco_build.kinds.options import resolve_position as resolve_position  # one rule, with check's
from ecco_build.models.loader import LoadedModel


def encode_prompt(lm: LoadedModel, prompt: str) -> list[int]:
    return list(lm.tokenizer(prompt)["input_ids"])


def pick_next(logits: torch.Tensor, options: dict[str, Any], generator: torch.Generator) -> int:
    """Choose the next token id from one position's logits (vocab,)."""
    if not options["do_sample"]:
        return int(logits.argmax())
    scores = logits / options["temperature"]
    top_k = sampling_top_k(options)
    if top_k:
        kth = scores.topk(min(top_k, scores.numel())).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if options["top_p"] < 1.0:
        sorted_scores, order = scores.sort(descending=True)
        cumulative = sorted_scores.softmax(-1).cumsum(-1)
        # Drop a token when the mass before it already reaches top_p (the first always stays).
        drop = (cumulative - sorted_scores.softmax(-1)) >= options["top_p"]
        scores = scores.masked_fill(torch.zeros_like(drop).scatter(0, order, drop), float("-inf"))
    probs = scores.softmax(-1)
    return int(torch.multinomial(probs, 1, generator=generator))


def sampling_top_k(options: dict[str, Any]) -> int:
    """The sampling top-k: :sample_top_k: where a kind's :top_k: means something else
    (layer-predictions: candidates per layer), else :top_k:."""
    return options["sample_top_k"] if "sample_top_k" in options else options["top_k"]


@torch.inference_mode()
def generate_steps(
    lm: LoadedModel, prompt_ids: list[int], options: dict[str, Any]
) -> tuple[list[int], list[dict]]:
    """Run the decoding loop with a KV cache; returns the new ids and per-step top candidates."""
    generator = torch.Generator(device="cpu").manual_seed(options["seed"])
    eos = lm.tokenizer.eos_token_id
    ids = torch.tensor([prompt_ids], device=lm.device)
    past = None
    new_ids: list[int] = []
    steps = []
    for _ in range(options["max_new_tokens"]):
        out = lm.model(input_ids=ids, past_key_values=past, use_cache=True)
        past = out.past_key_values
        logits = out.logits[0, -1].float().cpu()  # (vocab,)
        probs = logits.softmax(-1)
        chosen = pick_next(logits, options, generator)
        top = probs.topk(options.get("candidates", 1))  # saliency needs no candidates
        steps.append(
            {"p": float(probs[chosen]), "top_ids": top.indices.tolist(), "top_p": top.values.tolist()}
        )
        new_ids.append(chosen)
        if options["stop_at_eos"] and chosen == eos:
            break
        ids = torch.tensor([[chosen]], device=lm.device)
    return new_ids, steps


def prompt_and_output(lm: LoadedModel, options: dict[str, Any]) -> tuple[list[int], list[int]]:
    prompt_ids = encode_prompt(lm, options["prompt"])
    if options.get("target"):
        return prompt_ids, lm.tokenizer(options["target"], add_special_tokens=False)["input_ids"]
    if options.get("max_new_tokens", 0) > 0:
        return prompt_ids, generate_steps(lm, prompt_ids, options)[0]
    return prompt_ids, []


def require_causal(lm: LoadedModel, kind: str) -> None:
    if lm.is_encoder:
        raise EccoBuildError(f"{kind} needs a causal (text-generating) model")
