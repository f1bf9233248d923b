"""What ecco-build knows about each model family, keyed on `config.model_type`: one record
per family, read by the adapters (where the blocks, norms and heads live), the loader
(which Auto class), validation (encoder or not, how many layers, how long a context) and
the factors analysis (the MLP width). Torch-free: validation reads it from config.json.

A family the adapters support is in FAMILIES; tests/tiny_models.BUILDERS must hold a tiny
model for each (tests/models/test_families.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ecco_build.errors import EccoBuildError


class UnsupportedModel(EccoBuildError):
    pass


@dataclass(frozen=True)
class Family:
    """Where one family keeps its parts, as attribute paths from the model object."""

    model_type: str
    base: str  # the headless model
    blocks: str  # the transformer blocks, from the base
    final_norm: str | None  # from the base; None for encoders (the MLM head holds it)
    mlp_down: str  # a block's MLP down-projection, whose input is the neuron activations
    encoder: bool = False
    mlm_head: Literal["cls", "lm_head", "distilbert"] | None = None  # adapters.mlm_logits dispatch
    notes: str = ""


def _causal(model_type: str, base: str, blocks: str, norm: str, down: str, notes: str = "") -> Family:
    return Family(model_type, base, blocks, norm, down, notes=notes)


def _encoder(
    model_type: str, blocks: str, down: str, head: Literal["cls", "lm_head", "distilbert"]
) -> Family:
    return Family(model_type, model_type, blocks, None, down, encoder=True, mlm_head=head)


FAMILIES: dict[str, Family] = {
    f.model_type: f
    for f in (
        _causal("gpt2", "transformer", "h", "ln_f", "mlp.c_proj", "gelu_new fused while attributing"),
        _causal("gpt_neo", "transformer", "h", "ln_f", "mlp.c_proj"),
        _causal("gpt_neox", "gpt_neox", "layers", "final_layer_norm", "mlp.dense_4h_to_h"),
        _causal("opt", "model.decoder", "layers", "final_layer_norm", "fc2", "project_out after the norm"),
        _causal("llama", "model", "layers", "norm", "mlp.down_proj"),
        _causal("mistral", "model", "layers", "norm", "mlp.down_proj"),
        _causal("qwen2", "model", "layers", "norm", "mlp.down_proj"),
        _causal("gemma", "model", "layers", "norm", "mlp.down_proj"),
        _causal("gemma2", "model", "layers", "norm", "mlp.down_proj", "final logit soft-capping"),
        _encoder("bert", "encoder.layer", "output.dense", "cls"),
        _encoder("roberta", "encoder.layer", "output.dense", "lm_head"),
        _encoder("distilbert", "transformer.layer", "ffn.lin2", "distilbert"),
    )
}
# Known encoders without adapters, kept so that validation still calls them encoders.
OTHER_ENCODERS = ("xlm-roberta", "electra", "deberta", "deberta-v2")
ENCODER_TYPES = frozenset({t for t, f in FAMILIES.items() if f.encoder} | set(OTHER_ENCODERS))
LAYER_KEYS = ("num_hidden_layers", "n_layer", "num_layers", "n_layers")
WIDTH_KEYS = ("intermediate_size", "n_inner", "ffn_dim", "hidden_dim")
CONTEXT_KEYS = ("n_positions", "max_position_embeddings", "n_ctx", "max_sequence_length", "seq_length")


def family(model_type: str) -> Family:
    if model_type not in FAMILIES:
        raise UnsupportedModel(
            f'model type "{model_type}" is not supported yet; supported: {", ".join(sorted(FAMILIES))}'
        )
    return FAMILIES[model_type]


def is_encoder(model_type: str) -> bool:
    return model_type in ENCODER_TYPES


def has_mlm_head(architectures: Iterable[str] | None) -> bool:
    """Whether config.json's architectures name a masked-LM head."""
    return any(a.endswith("ForMaskedLM") for a in architectures or [])


def _read(config: Any, key: str) -> Any:
    """A config value from a config.json dict or a transformers config object."""
    return config.get(key) if isinstance(config, dict) else getattr(config, key, None)


def _first_int(config: Any, keys: tuple[str, ...]) -> int | None:
    return next((v for v in (_read(config, k) for k in keys) if isinstance(v, int)), None)


def n_layers(config: Any) -> int | None:
    return _first_int(config, LAYER_KEYS)


def d_ff(config: Any) -> int:
    """The MLP width; GPT-2 leaves n_inner None and uses 4 × n_embd."""
    width = _first_int(config, WIDTH_KEYS)
    if width is not None:
        return width
    embd = _read(config, "n_embd")
    return 4 * (embd if embd is not None else (_read(config, "hidden_size") or 0))


def context_length(config: Any) -> int | None:
    return _first_int(config, CONTEXT_KEYS)
