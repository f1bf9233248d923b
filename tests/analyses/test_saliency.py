"""Saliency: embeddings path, Captum oracle, completeness, batching, causality, determinism."""

import json
import math

import pytest
import torch

from ecco_build.analyses import saliency
from ecco_build.kinds.registry import KINDS
from ecco_build.models import adapters
from ecco_build.store import dumps, round_numbers
from tests.tiny_models import ALL_CAUSAL

KIND = KINDS["saliency"]
PROMPT = "def area(width, height):\n    return"


def options(**changes):
    """The Options record: the defaults, four tokens generated from PROMPT, then `changes`."""
    return KIND.record_of(
        KIND.defaults(**{"prompt": PROMPT, "max_new_tokens": 4, "stop_at_eos": False, **changes})
    )


@pytest.mark.parametrize("family", ALL_CAUSAL)
def test_forward_from_embeddings_equals_forward_from_ids(causal_models, family):
    lm = causal_models[family]
    ids = torch.tensor([lm.tokenizer(PROMPT)["input_ids"]])
    with torch.no_grad():
        from_ids = lm.model(input_ids=ids).logits
        embeds = adapters.token_embedding(lm.model)(ids)
        from_embeds = lm.model(inputs_embeds=embeds).logits
        ours = adapters.unembed(lm.model, adapters.final_hidden(lm.model, embeds))
    assert torch.allclose(from_ids, from_embeds, atol=1e-5)
    assert torch.allclose(from_ids, ours, atol=1e-5)


def captum_rows(lm, ids, prompt_length, method, n_steps=50):
    """The slow reference: one Captum call per target, over that target's prefix only."""
    from captum.attr import InputXGradient, IntegratedGradients, Occlusion, Saliency

    embedding = adapters.token_embedding(lm.model)
    signed, norms = [], []
    for position in range(prompt_length, len(ids)):
        prefix = torch.tensor([ids[:position]])
        target = ids[position]

        def forward(embeds, target=target):
            return lm.model(inputs_embeds=embeds).logits[:, -1].log_softmax(-1)[:, target]

        x = embedding(prefix).detach()
        if method == "integrated_gradients":
            attr = IntegratedGradients(forward).attribute(
                x, baselines=torch.zeros_like(x), n_steps=n_steps, method="gausslegendre"
            )
        elif method == "gradient_x_input":
            attr = InputXGradient(forward).attribute(x)
        elif method == "gradient":
            attr = Saliency(forward).attribute(x, abs=False)
        else:
            attr = Occlusion(forward).attribute(x, sliding_window_shapes=(1, x.shape[-1]), baselines=0.0)
            attr = attr[..., :1]  # Captum spreads the change over every element of the window
        signed.append(attr[0].sum(-1))
        norms.append(attr[0].norm(dim=-1))
    return signed, norms


@pytest.mark.parametrize("method", ["integrated_gradients", "gradient_x_input", "gradient", "occlusion"])
@pytest.mark.parametrize("family", ["gpt2", "llama"])
def test_matches_captum_per_target(causal_models, family, method):
    lm = causal_models[family]
    opts = options(method=[method], tolerance=0.0)
    prompt_ids, output_ids, _ = saliency.sequence(lm, opts)
    ids = prompt_ids + output_ids
    ours = saliency.attribute(lm, ids, len(prompt_ids), opts)[method]
    signed, norms = captum_rows(lm, ids, len(prompt_ids), method)
    worst = 0.0
    for i in range(len(output_ids)):
        norm = torch.tensor(ours["norm"][i])
        assert norm.shape == norms[i].shape
        scale = norms[i].abs().max()
        worst = max(worst, float((norm - norms[i]).abs().max() / scale))
        if method != "gradient":
            value = torch.tensor(ours["signed"][i])
            worst = max(worst, float((value - signed[i]).abs().max() / signed[i].abs().max()))
    assert worst < 1e-4, f"relative difference to Captum {worst:.2e}"


@pytest.mark.parametrize("family", ["gpt2", "gpt_neo", "gpt_neox", "opt"])
def test_integrated_gradients_completeness_at_50_steps(causal_models, family):
    result = saliency.compute(causal_models[family], options(max_new_tokens=5, tolerance=0.0))
    ig = result["methods"]["integrated_gradients"]
    assert ig["n_steps"] == 50 and len(ig["delta"]) == 5
    assert saliency.worst_relative_delta(ig) == pytest.approx(ig["worst_relative_delta"])
    assert ig["worst_relative_delta"] < 0.01


@pytest.mark.parametrize("family", ["llama", "mistral", "qwen2", "gemma"])
def test_rmsnorm_families_need_adaptive_steps(causal_models, family):
    """With a zero baseline, RMSNorm makes the integrand steep near α = 0: 50 fixed steps leave a
    completeness gap above 1% on these tiny models, and the adaptive refinement closes it."""
    lm = causal_models[family]
    fixed = saliency.compute(lm, options(max_new_tokens=5, tolerance=0.0))["methods"]["integrated_gradients"]
    assert fixed["worst_relative_delta"] > 0.01
    adaptive = saliency.compute(lm, options(max_new_tokens=5))["methods"]["integrated_gradients"]
    assert adaptive["n_steps"] > 50 and adaptive["n_steps_requested"] == 50
    assert adaptive["worst_relative_delta"] < 0.01


def test_batched_equals_loop(causal_models):
    lm = causal_models["gpt2"]
    opts = options(method=["integrated_gradients", "gradient_x_input"], n_steps=8, tolerance=0.0)
    prompt_ids, output_ids, _ = saliency.sequence(lm, opts)
    ids = prompt_ids + output_ids
    batched = saliency.attribute(lm, ids, len(prompt_ids), opts, batched=True)
    loop = saliency.attribute(lm, ids, len(prompt_ids), opts, batched=False)
    for method in opts.method:
        for key in ("signed", "norm"):
            for a, b in zip(batched[method][key], loop[method][key], strict=True):
                assert torch.allclose(torch.tensor(a), torch.tensor(b), atol=1e-5, rtol=0)


@pytest.mark.parametrize("family", ["gpt2", "llama", "gpt_neox"])
def test_causality_gradients_vanish_at_and_after_target(causal_models, family):
    lm = causal_models[family]
    ids = torch.tensor(lm.tokenizer(PROMPT)["input_ids"])
    positions = torch.arange(2, len(ids))
    scores = saliency.Scores(lm, ids, positions, "log_probability", None)
    x = adapters.token_embedding(lm.model)(ids).detach()
    grads, _ = saliency.gradients(scores, x[None])  # (n, 1, T, d)
    for i, position in enumerate(positions.tolist()):
        assert torch.count_nonzero(grads[i, 0, position:]) == 0
        assert torch.count_nonzero(grads[i, 0, :position]) > 0


def test_shares_and_rows_shape(causal_models):
    result = saliency.compute(causal_models["gpt2"], options(method=["gradient", "occlusion"]))
    assert result["targets"] == list(range(result["prompt_length"], len(result["tokens"])))
    for method in ("gradient", "occlusion"):
        rows = result["methods"][method]
        for position, share in zip(result["targets"], rows["share"], strict=True):
            assert len(share) == position
            assert sum(share) == pytest.approx(1.0, abs=1e-5)
    assert "signed" not in result["methods"]["gradient"]


def test_given_target_and_foil(causal_models):
    lm = causal_models["gpt2"]
    result = saliency.compute(lm, options(target=" width * height", foil=" x"))
    outputs = result["tokens"][result["prompt_length"] :]
    assert "".join(t["text"] for t in outputs) == " width * height"
    assert result["foil"]["text"] == " x"
    assert "probabilities" not in result
    with pytest.raises(Exception, match=r":foil: ' width height' is \d+ tokens"):
        saliency.compute(lm, options(target=" width", foil=" width height"))


def test_deterministic_json(causal_models):
    lm = causal_models["llama"]
    opts = options(method=["integrated_gradients", "occlusion"], n_steps=10, tolerance=0.0)
    first = dumps(round_numbers(saliency.compute(lm, opts)))
    second = dumps(round_numbers(saliency.compute(lm, opts)))
    assert first == second
    assert json.loads(first)["methods"]["integrated_gradients"]["n_steps"] == 10


def test_target_blocks_equal_one_block(causal_models, monkeypatch):
    """Bounding memory by splitting the vmapped backward into blocks of targets changes nothing."""
    lm = causal_models["gpt2"]
    opts = options(method=["gradient_x_input"], max_new_tokens=5)
    prompt_ids, output_ids, _ = saliency.sequence(lm, opts)
    ids = prompt_ids + output_ids
    whole = saliency.attribute(lm, ids, len(prompt_ids), opts)
    monkeypatch.setattr(saliency, "BACKWARD_ROWS", 2 * len(ids))  # two targets per block
    split = saliency.attribute(lm, ids, len(prompt_ids), opts)
    for a, b in zip(whole["gradient_x_input"]["signed"], split["gradient_x_input"]["signed"], strict=True):
        assert torch.allclose(torch.tensor(a), torch.tensor(b), atol=1e-6)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_reduced_precision_runs_and_is_reported(tiny_model_dir, dtype):
    """bf16/fp16 are options, never defaults; they run and their completeness gap is measured."""
    from ecco_build.models import loader

    folder = tiny_model_dir["gpt2"]
    lm = loader.load(loader.ModelRef("t", str(folder), folder, None, "", dtype), "cpu")
    assert lm.dtype == dtype and next(lm.model.parameters()).dtype == getattr(torch, dtype)
    result = saliency.compute(lm, options(method=["integrated_gradients", "gradient_x_input"], tolerance=0.0))
    ig = result["methods"]["integrated_gradients"]
    assert all(math.isfinite(v) for row in ig["signed"] for v in row)
    assert math.isfinite(ig["worst_relative_delta"])


@pytest.mark.parametrize("family", ALL_CAUSAL)
def test_piecewise_forward_equals_one_forward(causal_models, family):
    """Running the positions in pieces with a key/value cache gives the same hidden states."""
    lm = causal_models[family]
    ids = torch.tensor(lm.tokenizer(PROMPT + " width * height")["input_ids"])
    x = adapters.token_embedding(lm.model)(ids).detach().expand(3, -1, -1)  # a batch, as in IG
    with torch.no_grad():
        whole = adapters.final_hidden(lm.model, x)
        stops = [4, 5, 9, len(ids) - 1]
        pieces = adapters.final_hidden_pieces(lm.model, x, stops)
    assert [p.shape[1] for p in pieces] == [4, 1, 4, len(ids) - 10]
    assert torch.allclose(torch.cat(pieces, 1), whole[:, : len(ids) - 1], atol=1e-5)


def test_page_form_packs_shares_and_keeps_the_store_whole():
    from ecco_build.kinds.packing import pack_rows, unpack

    def page_form(data):
        return KINDS[data["kind"]].page_form(data)

    rows = [[0.5], [0.25, 0.75], [1e-6, -3.14159, 1000.0]]
    packed = pack_rows(rows)
    assert set(packed) == {"f16", "rows"} and packed["rows"] == [1, 2, 3]
    for row, back in zip(rows, unpack(packed), strict=True):
        assert back == pytest.approx(row, rel=1e-3, abs=1e-7)
    assert pack_rows([[1e6]]) == [[1e6]]  # beyond float16: left as JSON numbers
    data = {
        "kind": "saliency",
        "result": {"methods": {"gradient": {"norm": rows, "share": rows}}, "tokens": []},
    }
    page = page_form(data)
    assert "norm" not in page["result"]["methods"]["gradient"]
    assert data["result"]["methods"]["gradient"]["share"] == rows  # the stored record is untouched
    rankings = {"kind": "rankings", "result": {"tokens": [{"id": 1, "text": "\n  "}]}}
    assert page_form(rankings)["result"]["tokens"] == [{"id": 1, "text": "\n  ", "display": "⏎ +2"}]
    assert rankings["result"]["tokens"] == [{"id": 1, "text": "\n  "}]  # the stored record is untouched


def test_float64_integrated_gradients_are_complete(causal_models):
    """In float64 the completeness gap is the quadrature's alone: Gauss–Legendre nodes drive it
    towards zero (the float32 runs' 1e-5-level deltas are round-off on a small f(x) − f(b))."""
    import copy

    lm = copy.deepcopy(causal_models["gpt2"])
    lm.model.to(torch.float64)
    deltas = []
    for steps in (4, 32):
        result = saliency.compute(lm, options(max_new_tokens=4, n_steps=steps, tolerance=0.0))
        deltas.append(result["methods"]["integrated_gradients"]["worst_relative_delta"])
    assert deltas[1] < 1e-9 and deltas[1] < deltas[0]
