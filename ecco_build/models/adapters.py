"""Model internals by architecture family, keyed on `config.model_type`.

A few small functions that know, per family, where the token embedding, the transformer
blocks, the final norm, the unembedding and each block's MLP down-projection live. An
unknown family is an error naming the supported ones, never a silent guess.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator
from typing import Any

import torch

from ecco_build.models import families
from ecco_build.models.families import Family, UnsupportedModel


def _family(model: Any) -> Family:
    return families.family(model.config.model_type)


def _get(root: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        root = getattr(root, name)
    return root


def base_model(model: Any) -> Any:
    """The headless model; bare encoders (AutoModel) are their own base."""
    path = _family(model).base
    first = path.split(".")[0]
    return _get(model, path) if hasattr(model, first) else model


def blocks(model: Any) -> list[Any]:
    return list(_get(base_model(model), _family(model).blocks))


def final_norm(model: Any) -> Any | None:
    name = _family(model).final_norm
    return _get(base_model(model), name) if name else None


def mlp_down(block: Any, model: Any) -> Any:
    """The MLP down-projection of a block; its input is the neuron activation vector (d_ff)."""
    return _get(block, _family(model).mlp_down)


def token_embedding(model: Any) -> torch.nn.Module:
    return model.get_input_embeddings()


def unembed(model: Any, hidden: torch.Tensor) -> torch.Tensor:
    """Logits from final-normed hidden states (..., d_model) → (..., vocab), with any
    final soft-capping the model applies (Gemma 2)."""
    logits = model.get_output_embeddings()(hidden)
    cap = getattr(model.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    return logits


def has_mlm_head(model: Any) -> bool:
    head = families.FAMILIES.get(model.config.model_type)
    return (
        head is not None
        and head.mlm_head is not None
        and any(hasattr(model, name) for name in ("cls", "lm_head", "vocab_projector"))
    )


def mlm_logits(model: Any, hidden: torch.Tensor) -> torch.Tensor:
    """A masked LM's own head (transform, norm, decoder) on hidden states (..., d) → (..., vocab)."""
    model_type = model.config.model_type
    head = families.FAMILIES[model_type].mlm_head if model_type in families.FAMILIES else None
    if head == "cls":
        return model.cls(hidden)
    if head == "lm_head":
        return model.lm_head(hidden)
    if head == "distilbert":
        hidden = model.activation(model.vocab_transform(hidden))
        return model.vocab_projector(model.vocab_layer_norm(hidden))
    raise UnsupportedModel(f'no masked-LM head known for model type "{model_type}"')


def lens_logits(model: Any, residual: torch.Tensor) -> torch.Tensor:
    """The logit lens, normed: final norm, then (OPT's project_out, if any) the unembedding;
    for a masked LM, its MLM head (which holds the final transform and norm).
    residual (..., d_model) → logits (..., vocab). Applied to the last block's output this
    reproduces the model's own logits."""
    if _family(model).mlm_head is not None:
        return mlm_logits(model, residual)
    norm = final_norm(model)
    hidden = norm(residual) if norm is not None else residual
    project_out = getattr(base_model(model), "project_out", None)
    if project_out is not None:
        hidden = project_out(hidden)
    return unembed(model, hidden)


def residual_stream(model: Any, input_ids: torch.Tensor, head: bool = False) -> torch.Tensor:
    """The residual stream entering block 0 ("layer 0", the embeddings) and leaving every
    block: (layers + 1, batch, positions, d_model). Captured with hooks rather than
    `output_hidden_states`, because some families report the last layer after the final norm.

    Only the headless model runs: the full-vocabulary logits at every position would cost
    more than the blocks for a small model. `head=True` runs the whole model as generation
    tools do (the benchmark's baseline)."""
    captured: list[torch.Tensor] = []
    layers = blocks(model)

    # Layers may sit on different devices (models/placement.py): the stream is kept on the input's.
    def grab_input(module, args, kwargs):
        hidden = args[0] if args else next(v for v in kwargs.values() if isinstance(v, torch.Tensor))
        captured.append(hidden.detach().to(input_ids.device))

    def grab_output(module, args, output):
        captured.append((output[0] if isinstance(output, tuple) else output).detach().to(input_ids.device))

    handles = [layers[0].register_forward_pre_hook(grab_input, with_kwargs=True)]
    handles += [block.register_forward_hook(grab_output) for block in layers]
    try:
        (model if head else base_model(model))(input_ids=input_ids)
    finally:
        for handle in handles:
            handle.remove()
    return torch.stack(captured)


def final_hidden(model: Any, inputs_embeds: torch.Tensor) -> torch.Tensor:
    """Last hidden state after the final norm, (batch, positions, d_model), from embeddings."""
    _family(model)
    return base_model(model)(inputs_embeds=inputs_embeds).last_hidden_state


@functools.cache
def _cache_keyword(forward: Any) -> str:
    return "cache" if "cache" in inspect.signature(forward).parameters else "past_key_values"


def cached_forward(module: Any, cache: Any, **inputs: Any) -> tuple[Any, Any]:
    """One forward of a transformers model that extends its key/value `cache` (None to start
    one); returns (output, cache). transformers 5.0 takes and returns the cache as
    `past_key_values`, later 5.x releases as `cache` (and warn that `past_key_values` is
    deprecated): each model's own signature says which, so every supported release is used
    through its current API."""
    keyword = _cache_keyword(type(module).forward)
    out = module(**inputs, use_cache=True, **{keyword: cache})
    return out, out.get(keyword, cache)


def final_hidden_pieces(model: Any, inputs_embeds: torch.Tensor, stops: list[int]) -> list[torch.Tensor]:
    """final_hidden over positions [0, stops[0]), [stops[0], stops[1]), … run piece by piece
    with a key/value cache: piece k's hidden states depend on the embeddings of pieces ≤ k
    only, so a backward started from piece k never visits the positions after it (a causal
    model's gradient there is zero anyway). Positions after the last stop are not run."""
    from transformers import DynamicCache

    _family(model)
    base = base_model(model)
    cache = DynamicCache(config=model.config)
    pieces, start = [], 0
    for stop in stops:
        out, cache = cached_forward(base, cache, inputs_embeds=inputs_embeds[:, start:stop])
        pieces.append(out.last_hidden_state)
        start = stop
    return pieces


@contextlib.contextmanager
def fused_activations(model: Any) -> Iterator[None]:
    """Run GPT-2-style `gelu_new` as PyTorch's fused tanh-GELU for the duration.

    Both compute 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (equal to 4e-16 in float64,
    to one float32 rounding step otherwise), but transformers writes `gelu_new` as seven
    tensor operations, whose saved intermediates and backward kernels dominate a batched
    input-gradient pass over the MLP's wide activations. The fused op saves only its input.
    """
    from transformers.activations import NewGELUActivation

    found = [
        (parent, name, child)
        for parent in model.modules()
        for name, child in parent.named_children()
        if type(child) is NewGELUActivation
    ]
    for parent, name, _ in found:
        setattr(parent, name, torch.nn.GELU(approximate="tanh"))
    try:
        yield
    finally:
        for parent, name, child in found:
            setattr(parent, name, child)


@contextlib.contextmanager
def eager_attention(model: Any) -> Iterator[None]:
    """Run the model with transformers' eager attention for the duration: the SDPA and flash
    kernels compute the softmax inside one fused call and return no weights. Eager attention
    expands grouped-query key/value heads to one per query head (query head h reads key/value
    head h // (heads / kv_heads)) before the softmax, so its weights are per query head."""
    before = model.config._attn_implementation
    if before != "eager":
        model.set_attn_implementation("eager")
    try:
        yield
    finally:
        if before != "eager":
            model.set_attn_implementation(before)


def attention_weights(model: Any, input_ids: torch.Tensor) -> torch.Tensor:
    """Every layer's attention weights for one sequence, (layers, heads, T, T) in float32 on the
    CPU: row i is query position i's softmax over key positions (rows sum to 1; a causal
    model's are exactly 0 above the diagonal). The whole model runs, as any reader would."""
    _family(model)
    with eager_attention(model), torch.no_grad():
        out = model(
            input_ids=input_ids[None], attention_mask=torch.ones_like(input_ids)[None], output_attentions=True
        )
    return torch.stack([layer[0].float().cpu() for layer in out.attentions])
