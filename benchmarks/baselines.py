"""The slow ways, kept as references: what Ecco and inseq do, one target at a time.

Used by the benchmark (side by side with ours) and by tests (as equality oracles).
"""

from __future__ import annotations

import torch

from ecco_build.models import adapters


@torch.inference_mode()
def lens_per_position(lm, ids: list[int], prompt_length: int, top_k: int = 10):
    """Rankings per output position, the way Ecco computes them: one full model run (logits
    included) per output position over its prefix, each layer unembedded separately and
    ranked by argsort. Top-k layer predictions at the first output's position (the one
    `layer-predictions` shows by default); `tops` holds them as its only entry."""
    ranks, probs, tops = [], [], []
    for t in range(prompt_length, len(ids)):
        prefix = torch.tensor([ids[:t]], device=lm.device)
        residual = adapters.residual_stream(lm.model, prefix, head=True)[:, 0, -1]  # (L+1, d)
        layer_ranks, layer_probs, layer_tops = [], [], []
        for h in residual:
            logits = adapters.lens_logits(lm.model, h).float()  # (V,)
            order = torch.argsort(logits, descending=True, stable=True)
            target_logit = logits[ids[t]]
            # Rank by the definition: 1 + entries strictly greater (ties share the better rank).
            layer_ranks.append(int((logits[order] > target_logit).sum()) + 1)
            p = logits.softmax(-1)
            layer_probs.append(float(p[ids[t]]))
            if t == prompt_length:
                layer_tops.append(p.topk(top_k))
        ranks.append(layer_ranks)
        probs.append(layer_probs)
        if layer_tops:
            tops.append(layer_tops)
    return ranks, probs, tops  # (n, L+1) each


def captum_per_target(lm, ids: list[int], prompt_length: int, method: str, n_steps: int = 50):
    """Attribution the way Ecco does it: one Captum call per output token, over that token's
    prefix, with the model's full logits inside the forward function."""
    from captum.attr import InputXGradient, IntegratedGradients

    embedding = adapters.token_embedding(lm.model)
    rows, deltas = [], []
    for position in range(prompt_length, len(ids)):
        prefix = torch.tensor([ids[:position]], device=lm.device)
        target = ids[position]

        def forward(embeds, target=target):
            return lm.model(inputs_embeds=embeds).logits[:, -1].log_softmax(-1)[:, target]

        x = embedding(prefix).detach()
        if method == "integrated_gradients":
            attr, delta = IntegratedGradients(forward).attribute(
                x,
                baselines=torch.zeros_like(x),
                n_steps=n_steps,
                method="gausslegendre",
                return_convergence_delta=True,
            )
            with torch.no_grad():
                gap = forward(x) - forward(torch.zeros_like(x))
            deltas.append(float(delta.abs().max() / gap.abs().max().clamp_min(1e-12)))
        else:
            attr = InputXGradient(forward).attribute(x.requires_grad_(True))
        rows.append(attr[0].detach())
    return rows, deltas
