"""models/families.py: one record per model family, and a tiny model for every one of them."""

from __future__ import annotations

import pytest

from ecco_build.models import adapters, families
from tests import tiny_models

KIND_DEFAULTS = {"max_new_tokens": 5, "stop_at_eos": False}


def test_every_family_the_adapters_claim_has_a_tiny_model():
    assert set(tiny_models.BUILDERS) == set(families.FAMILIES)
    assert set(tiny_models.ALL_CAUSAL) | set(tiny_models.ENCODERS) == set(families.FAMILIES)
    assert {t for t, f in families.FAMILIES.items() if f.encoder} == set(tiny_models.ENCODERS)


def test_records_hold_the_paths_and_the_encoders():
    opt = families.FAMILIES["opt"]
    assert (opt.base, opt.blocks, opt.final_norm, opt.mlp_down) == (
        "model.decoder",
        "layers",
        "final_layer_norm",
        "fc2",
    )
    encoders = {"bert", "roberta", "distilbert", "xlm-roberta", "electra", "deberta", "deberta-v2"}
    assert families.ENCODER_TYPES == encoders


def test_unknown_family_names_the_supported_ones():
    message = 'model type "mamba" is not supported yet; supported: bert, distilbert, gemma, gemma2, '
    with pytest.raises(families.UnsupportedModel, match=message):
        families.family("mamba")


def test_config_readers_take_a_dict_or_a_config_object():
    import transformers as tf

    assert families.d_ff(tf.GPT2Config(n_embd=32)) == 128  # n_inner None: 4 × n_embd
    assert families.d_ff({"n_embd": 8}) == 32
    assert families.d_ff({"ffn_dim": 64, "hidden_size": 32}) == 64
    assert families.d_ff(tf.DistilBertConfig(hidden_dim=48)) == 48
    assert families.n_layers({"n_layer": 3}) == 3 == families.n_layers(tf.GPT2Config(n_layer=3))
    assert families.n_layers({"num_layers": "3"}) is None
    assert families.context_length({"n_ctx": 5, "max_position_embeddings": 9}) == 9  # CONTEXT_KEYS order
    assert families.context_length({}) is None
    assert families.is_encoder("electra") and not families.is_encoder("gemma2")
    assert families.has_mlm_head(["BertForMaskedLM"]) and not families.has_mlm_head(None)


def test_tiny_models_are_their_family(causal_models):
    for name, lm in causal_models.items():
        assert lm.model_type == name
        assert adapters.final_norm(lm.model) is None if families.FAMILIES[name].encoder else True


def test_gemma2_soft_caps_and_alternates_sliding_windows(causal_models):
    config = causal_models["gemma2"].model.config
    assert config.final_logit_softcapping == 30.0 and config.attn_logit_softcapping == 50.0
    assert config.sliding_window == 8 and "sliding_attention" in config.layer_types


def test_gemma2_integrated_gradients_are_complete(causal_models):
    """IG's completeness on Gemma 2 (soft-capped logits, sliding-window layers) from the unk
    token's embedding. From the zero baseline (and from pad/eos, whose embedding rows are zero)
    the path's start is nearly discontinuous, F(0) = −6.219 but F(1e-6) = −6.238 on this model:
    Gemma 2 RMS-normalises each block's near-zero attention and MLP outputs again (its
    post-attention and post-feedforward norms), and 800 adaptive steps leave an 85% gap."""
    from ecco_build.analyses import saliency
    from ecco_build.kinds.registry import KINDS

    prompt = "def area(width, height):\n    return"
    kind = KINDS["saliency"]
    options = kind.record_of(kind.defaults(prompt=prompt, baseline="unk", tolerance=0.0, **KIND_DEFAULTS))
    ig = saliency.compute(causal_models["gemma2"], options)["methods"]["integrated_gradients"]
    assert ig["n_steps"] == 50 and len(ig["delta"]) == 5
    assert ig["worst_relative_delta"] < 0.01
