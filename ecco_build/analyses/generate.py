"""Continue a prompt token by token, recording each step's distribution.

Greedy decoding, or sampling with temperature / top-k / nucleus (top-p, Holtzman et al.
2020, "The Curious Case of Neural Text Degeneration"). The recorded probability of a
token is always the model's own (temperature 1) softmax, so figures compare across
sampling settings; the sampling settings only decide which token is taken.
"""

from __future__ import annotations

from typing import Any

from ecco_build.analyses.sequence import encode_prompt, generate_steps
from ecco_build.analyses.tokens import candidate_tokens, sequence_tokens
from ecco_build.kinds.generate import Options
from ecco_build.models.loader import LoadedModel


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    prompt_ids = encode_prompt(lm, options.prompt)
    new_ids, steps = generate_steps(lm, prompt_ids, options, candidates=options.candidates)
    all_ids = prompt_ids + new_ids
    tokens = sequence_tokens(lm.tokenizer, all_ids)
    out_steps = []
    for i, step in enumerate(steps):
        context = all_ids[len(prompt_ids) + i - 1] if len(prompt_ids) + i > 0 else None
        candidates = candidate_tokens(lm.tokenizer, context, step["top_ids"])
        for entry, p in zip(candidates, step["top_p"], strict=True):
            entry["p"] = p
        out_steps.append({"p": step["p"], "candidates": candidates})
    return {
        "prompt_length": len(prompt_ids),
        "tokens": tokens,
        "steps": out_steps,
        "text": lm.tokenizer.decode(new_ids, skip_special_tokens=False),
        "stopped_at_eos": bool(new_ids) and new_ids[-1] == lm.tokenizer.eos_token_id,
    }
