"""Input saliency: how much each input token drives each output token.

For output token t the target is a scalar of the model's prediction at position t-1:
log p(t) by default, p(t) or the logit as options, and log p(t) − log p(foil) when a foil
is given. Attributions are taken with respect to the input token embeddings.

Methods:
  integrated_gradients  Sundararajan, Taly & Yan (2017), "Axiomatic Attribution for Deep
                        Networks"; Gauss–Legendre quadrature over the straight path from a
                        baseline, with the completeness gap ("convergence delta") recorded.
  gradient_x_input      Shrikumar et al. (2016) / Denil et al. (2014).
  gradient              Simonyan, Vedaldi & Zisserman (2013): the gradient's L2 norm.
  occlusion             Zeiler & Fergus (2014): replace one input embedding by the baseline
                        and measure the change of the target; a gradient-free cross-check.

How the gradients are taken (one forward for every target, pieces, vmapped backwards) is
in analyses/gradients.py. Integrated gradients use Gauss–Legendre nodes and add steps only
while the completeness gap exceeds :tolerance:.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import torch

from ecco_build.analyses import attention
from ecco_build.analyses.gradients import (  # noqa: F401  (BACKWARD_ROWS … backward: old names)
    BACKWARD_ROWS,
    MAX_PIECES,
    PIECE_ROWS,
    Scores,
    backward,
    gradients,
    sized_chunk,
    wide,
)
from ecco_build.analyses.sequence import encode_prompt, generate_steps
from ecco_build.analyses.tokens import candidate_tokens, sequence_tokens
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.saliency import ATTENTION_METHODS, Options
from ecco_build.models import adapters
from ecco_build.models.loader import LoadedModel

log = logging.getLogger(__name__)

# Automatic IG chunking keeps (steps in a chunk) × (sequence length) × (targets) bounded.
AUTO_CHUNK_BUDGET = 2**16
MAX_IG_STEPS = 800


def gauss_legendre(n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes in (0, 1) and weights summing to 1 for ∫₀¹ f(α) dα."""
    x, w = np.polynomial.legendre.leggauss(n_steps)
    return 0.5 * (x + 1), 0.5 * w


def integrated_gradients(
    scores: Scores, x: torch.Tensor, base: torch.Tensor, n_steps: int, chunk: int, batched: bool = True
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For inputs x and baseline base (T, d): attributions (n, T, d), convergence deltas (n,)
    and the scores (2, n) of x and of the baseline."""
    nodes, weights = gauss_legendre(n_steps)
    nodes_t = torch.tensor(nodes, dtype=x.dtype, device=x.device)
    weights_t = torch.tensor(weights, dtype=wide(x).dtype, device=x.device)
    total = None
    for start in range(0, n_steps, chunk):
        alphas = nodes_t[start : start + chunk]
        path = base + alphas[:, None, None] * (x - base)  # (c, T, d)
        grads, _ = gradients(scores, path, batched)  # (n, c, T, d)
        part = (wide(grads) * weights_t[start : start + chunk, None, None]).sum(1)  # (n, T, d)
        total = part if total is None else total + part
    attributions = wide(x - base) * total  # (n, T, d)
    with torch.no_grad():
        gap = wide(scores(torch.stack([x, base])))  # (2, n): f(x), f(baseline)
    delta = attributions.sum((1, 2)) - (gap[0] - gap[1])
    return attributions, delta, gap


def adaptive_integrated_gradients(
    scores: Scores, x: torch.Tensor, base: torch.Tensor, options: Options, work: int, batched: bool
) -> tuple[torch.Tensor, dict[str, Any]]:
    """IG at :n_steps:, doubling the steps while the worst relative convergence delta exceeds
    :tolerance: (up to MAX_IG_STEPS). Models with RMSNorm and a zero baseline need this: the
    norm of a near-zero input changes sharply close to α = 0, which 50 nodes underresolve."""
    steps = options.n_steps
    while True:
        chunk = options.batch_size or sized_chunk(scores.lm, steps, AUTO_CHUNK_BUDGET, work, x.shape[0])
        attributions, delta, gap = integrated_gradients(scores, x, base, steps, chunk, batched)
        worst = worst_relative_delta(
            {"delta": delta.tolist(), "f_x": gap[0].tolist(), "f_baseline": gap[1].tolist()}
        )
        tolerance = options.tolerance
        if not tolerance or worst <= tolerance or steps * 2 > max(MAX_IG_STEPS, options.n_steps):
            break
        log.info("IG delta %.3g > tolerance %.3g at %d steps; trying %d", worst, tolerance, steps, steps * 2)
        steps *= 2
    return attributions, {
        "n_steps": steps,
        "n_steps_requested": options.n_steps,
        "tolerance": options.tolerance,
        "baseline": options.baseline,
        "delta": delta.tolist(),
        "f_x": gap[0].tolist(),
        "f_baseline": gap[1].tolist(),
        "worst_relative_delta": worst,
    }


def occlusion(scores: Scores, x: torch.Tensor, base: torch.Tensor, chunk: int) -> torch.Tensor:
    """(n, T, 1): f(x) − f(x with position j replaced by the baseline), for each j."""
    T = x.shape[0]
    with torch.no_grad():
        full = scores(x[None])[0]  # (n,)
        changes = []
        for start in range(0, T, chunk):
            js = torch.arange(start, min(T, start + chunk), device=x.device)
            variants = x.expand(len(js), -1, -1).clone()  # (c, T, d)
            variants[torch.arange(len(js)), js] = base[js]
            changes.append(full - scores(variants))  # (c, n)
    return torch.cat(changes).T.unsqueeze(-1)  # (n, T, 1)


def baseline_embeddings(lm: LoadedModel, x: torch.Tensor, kind: str) -> torch.Tensor:
    if kind == "zero":
        return torch.zeros_like(x)
    tok = lm.tokenizer
    token_id = {
        "pad": tok.pad_token_id,
        "unk": tok.unk_token_id,
        "mask": tok.mask_token_id,
        "eos": tok.eos_token_id,
    }[kind]
    if token_id is None:
        raise EccoBuildError(f"this tokenizer has no {kind} token; use :baseline: zero or another token")
    embedding = adapters.token_embedding(lm.model)(torch.tensor([token_id], device=x.device))[0]
    return embedding.detach().expand_as(x).clone()


def single_token(lm: LoadedModel, text: str, option: str) -> int:
    ids = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        pieces = [lm.tokenizer.decode([i]) for i in ids]
        raise EccoBuildError(
            f":{option}: {text!r} is {len(ids)} tokens {pieces}, not one; choose a single token"
        )
    return ids[0]


def sequence(lm: LoadedModel, options: Options) -> tuple[list[int], list[int], list[dict] | None]:
    """Prompt ids, output ids and (when generated) the per-step candidates."""
    prompt_ids = encode_prompt(lm, options.prompt)
    if options.target:
        return prompt_ids, lm.tokenizer(options.target, add_special_tokens=False)["input_ids"], None
    new_ids, steps = generate_steps(lm, prompt_ids, options)
    return prompt_ids, new_ids, steps


def attribute(
    lm: LoadedModel, ids: list[int], prompt_length: int, options: Options, batched: bool = True
) -> dict[str, dict[str, Any]]:
    """Every requested method's per-target rows over the positions before each target."""
    device = lm.device
    ids_t = torch.tensor(ids, device=device)
    positions = torch.arange(max(prompt_length, 1), len(ids), device=device)
    foils = None
    if options.foil:
        foil = single_token(lm, options.foil, "foil")
        foils = torch.full_like(positions, foil)
    scores = Scores(lm, ids_t, positions, options.target_scalar, foils)
    with torch.no_grad():
        x = adapters.token_embedding(lm.model)(ids_t).detach()  # (T, d)
    base = baseline_embeddings(lm, x, options.baseline)
    results: dict[str, dict[str, Any]] = {}
    with adapters.fused_activations(lm.model):
        for method in options.method:
            if method not in ATTENTION_METHODS:
                results[method] = attribute_one(scores, x, base, positions, method, options, batched)
        if set(options.method) & set(ATTENTION_METHODS):
            ig = results.get("integrated_gradients") or attribute_one(
                scores, x, base, positions, "integrated_gradients", options, batched
            )
            weights = attention.weights_of(lm, ids)
            for method in ATTENTION_METHODS:
                if method in options.method:
                    results[method] = attention_method(weights, positions.tolist(), method, ig)
    return {method: results[method] for method in options.method}


def attention_method(weights, positions: list[int], method: str, ig: dict[str, Any]) -> dict[str, Any]:
    """Rollout or flow rows, each with its Spearman correlation with IG on the same target."""
    found = attention.attention_rows(weights, positions, method)
    spearman = [attention.spearman(a, b) for a, b in zip(found["share"], ig["share"], strict=True)]
    return {**found, "spearman_ig": spearman, "ig_n_steps": ig["n_steps"]}


def attribute_one(
    scores: Scores,
    x: torch.Tensor,
    base: torch.Tensor,
    positions: torch.Tensor,
    method: str,
    options: Options,
    batched: bool,
) -> dict[str, Any]:
    """One method's per-target rows (and its extra fields: IG's steps and deltas)."""
    n, T = len(positions), x.shape[0]
    extra: dict[str, Any] = {}
    if method == "integrated_gradients":
        attributions, extra = adaptive_integrated_gradients(scores, x, base, options, T * n, batched)
    elif method in ("gradient_x_input", "gradient"):
        grads, _ = gradients(scores, x[None], batched)  # (n, 1, T, d)
        attributions = wide(grads[:, 0]) * (wide(x) if method == "gradient_x_input" else 1.0)
    else:
        attributions = occlusion(scores, x, base, sized_chunk(scores.lm, T, AUTO_CHUNK_BUDGET, T * n, T))
        extra = {"baseline": options.baseline}
    return {**rows(attributions, positions.tolist(), signed=method != "gradient"), **extra}


def rows(attributions: torch.Tensor, positions: list[int], signed: bool) -> dict[str, list]:
    """Per target, over positions < target: signed sum, L2 norm and display share (norm / Σ norm)."""
    signed_rows, norm_rows, share_rows = [], [], []
    for i, position in enumerate(positions):
        a = attributions[i, :position].detach().float()  # (position, d)
        norm = a.norm(dim=-1)
        total = float(norm.sum())
        signed_rows.append(a.sum(-1).tolist() if signed else None)
        norm_rows.append(norm.tolist())
        share_rows.append((norm / total).tolist() if total > 0 else [0.0] * position)
    result = {"norm": norm_rows, "share": share_rows}
    if signed:
        result["signed"] = signed_rows
    return result


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    prompt_ids, output_ids, steps = sequence(lm, options)
    if not output_ids:
        raise EccoBuildError(
            "there is no output token to explain; give :target: text or generate more tokens"
        )
    ids = prompt_ids + output_ids
    methods = attribute(lm, ids, len(prompt_ids), options)
    result: dict[str, Any] = {
        "prompt_length": len(prompt_ids),
        "tokens": sequence_tokens(lm.tokenizer, ids),
        "targets": list(range(max(len(prompt_ids), 1), len(ids))),
        "target_scalar": options.target_scalar,
        "foil": candidate_tokens(lm.tokenizer, None, [single_token(lm, options.foil, "foil")])[0]
        if options.foil
        else None,
        "methods": methods,
    }
    if steps is not None:
        result["probabilities"] = [s["p"] for s in steps]
    return result


def worst_relative_delta(method: dict[str, Any]) -> float:
    """max over targets of |delta| / |f(x) − f(baseline)|, the figure notes' faithfulness check."""
    worst = 0.0
    for d, fx, fb in zip(method["delta"], method["f_x"], method["f_baseline"], strict=True):
        gap = abs(fx - fb)
        worst = max(worst, abs(d) / gap if gap > 0 else (0.0 if abs(d) == 0 else math.inf))
    return worst
