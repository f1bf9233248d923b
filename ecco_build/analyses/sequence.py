"""The token sequence an analysis reads: the prompt, then its :target: text or generated tokens.

Generation is greedy, or sampling with temperature / top-k / nucleus (top-p, Holtzman et al.
2020, "The Curious Case of Neural Text Degeneration"). The recorded probability of a
token is always the model's own (temperature 1) softmax, so figures compare across
sampling settings; the sampling settings only decide which token is taken.
"""

from __future__ import annotations

import torch

from ecco_build.kinds import layer_predictions, rankings
from ecco_build.kinds.options import Generation, LensGeneration
from ecco_build.kinds.options import resolve_position as resolve_position  # one rule, with check's
from ecco_build.models.adapters import cached_forward
from ecco_build.models.loader import LoadedModel

# The records that carry decoding settings (every generating kind's Options is one of these).
Decoding = Generation | LensGeneration
# The records whose output is a :target: text or generated tokens.
Continued = rankings.Options | layer_predictions.Options


def encode_prompt(lm: LoadedModel, prompt: str) -> list[int]:
    return list(lm.tokenizer(prompt)["input_ids"])


def pick_next(logits: torch.Tensor, options: Decoding, generator: torch.Generator) -> int:
    """Choose the next token id from one position's logits (vocab,)."""
    if not options.do_sample:
        return int(logits.argmax())
    scores = logits / options.temperature
    top_k = options.sampling_top_k
    if top_k:
        kth = scores.topk(min(top_k, scores.numel())).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if options.top_p < 1.0:
        sorted_scores, order = scores.sort(descending=True)
        cumulative = sorted_scores.softmax(-1).cumsum(-1)
        # Drop a token when the mass before it already reaches top_p (the first always stays).
        drop = (cumulative - sorted_scores.softmax(-1)) >= options.top_p
        scores = scores.masked_fill(torch.zeros_like(drop).scatter(0, order, drop), float("-inf"))
    probs = scores.softmax(-1)
    return int(torch.multinomial(probs, 1, generator=generator))


@torch.inference_mode()
def generate_steps(
    lm: LoadedModel, prompt_ids: list[int], options: Decoding, candidates: int = 1
) -> tuple[list[int], list[dict]]:
    """Run the decoding loop with a KV cache; returns the new ids and, per step, the
    `candidates` most likely tokens."""
    generator = torch.Generator(device="cpu").manual_seed(options.seed)
    eos = lm.tokenizer.eos_token_id
    ids = torch.tensor([prompt_ids], device=lm.device)
    past = None
    new_ids: list[int] = []
    steps = []
    for _ in range(options.max_new_tokens):
        out, past = cached_forward(lm.model, past, input_ids=ids)
        logits = out.logits[0, -1].float().cpu()  # (vocab,)
        probs = logits.softmax(-1)
        chosen = pick_next(logits, options, generator)
        top = probs.topk(candidates)
        steps.append(
            {"p": float(probs[chosen]), "top_ids": top.indices.tolist(), "top_p": top.values.tolist()}
        )
        new_ids.append(chosen)
        if options.stop_at_eos and chosen == eos:
            break
        ids = torch.tensor([[chosen]], device=lm.device)
    return new_ids, steps


def prompt_and_output(lm: LoadedModel, options: Continued) -> tuple[list[int], list[int]]:
    """Prompt ids and output ids: the :target: text's, else the generated tokens (maybe none)."""
    prompt_ids = encode_prompt(lm, options.prompt)
    if options.target:
        return prompt_ids, lm.tokenizer(options.target, add_special_tokens=False)["input_ids"]
    if options.max_new_tokens > 0:
        return prompt_ids, generate_steps(lm, prompt_ids, options)[0]
    return prompt_ids, []
