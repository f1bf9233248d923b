"""The logit lens: normed last layer = model logits, ranks by definition, vectorised = loop."""

import pytest
import torch

from benchmarks.baselines import lens_per_position
from ecco_build.analyses import layer_predictions, lens, rankings, rankings_watch
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.registry import KINDS
from ecco_build.models import adapters
from tests.tiny_models import ALL_CAUSAL

PROMPT = "def area(width, height):\n    return"


def defaults(kind, **changes):
    """The kind's Options record: its defaults with PROMPT, then `changes`."""
    return KINDS[kind].record_of(KINDS[kind].defaults(**{"prompt": PROMPT, **changes}))


@pytest.mark.parametrize("family", ALL_CAUSAL)
def test_last_layer_lens_equals_model_logits(causal_models, family):
    lm = causal_models[family]
    ids = torch.tensor([lm.tokenizer(PROMPT)["input_ids"]])
    with torch.no_grad():
        residual = adapters.residual_stream(lm.model, ids)  # (L+1, 1, T, d)
        logits = lm.model(input_ids=ids).logits
        last = adapters.lens_logits(lm.model, residual[-1])
    assert residual.shape[0] == lm.model.config.num_hidden_layers + 1
    assert (last - logits).abs().max() < 1e-4
    # The embedding "layer" is what enters block 0, not the model's logits.
    assert (adapters.lens_logits(lm.model, residual[0]) - logits).abs().max() > 1e-3


def test_ranks_follow_the_definition_with_ties():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randint(-5, 5, (7, 300), generator=generator).float()  # many ties
    ids = torch.randint(0, 300, (7,), generator=generator)
    ranks = lens.ranks_of(logits, ids.unsqueeze(-1)).squeeze(-1)
    for row, token, rank in zip(logits, ids, ranks, strict=True):
        order = torch.argsort(row, descending=True, stable=True).tolist()
        first_equal = next(i for i, j in enumerate(order) if row[j] == row[token])
        assert rank == first_equal + 1  # 1 + number strictly larger
    several = torch.randint(0, 300, (7, 3), generator=generator)  # the K > 1 path, column by column
    together = lens.ranks_of(logits, several)
    for k in range(3):
        assert torch.equal(together[:, k : k + 1], lens.ranks_of(logits, several[:, k : k + 1]))


@pytest.mark.parametrize("family", ["gpt2", "llama", "opt"])
def test_vectorised_equals_per_position_loop(causal_models, family):
    lm = causal_models[family]
    options = defaults("rankings", max_new_tokens=6, stop_at_eos=False)
    result = rankings.compute(lm, options)
    ids = [t["id"] for t in result["tokens"]]
    ranks, probs, tops = lens_per_position(lm, ids, result["prompt_length"], top_k=5)
    assert result["rank"] == [list(r) for r in zip(*ranks, strict=True)]
    assert torch.allclose(torch.tensor(result["p"]), torch.tensor(probs).T, atol=1e-6)
    # Greedy output tokens are the top prediction of the last layer.
    assert all(rank == 1 for rank in result["rank"][-1])
    layer_preds = layer_predictions.compute(lm, defaults("layer-predictions"))
    assert layer_preds["position"] == result["prompt_length"] - 1
    loop_top = tops[0]  # the loop's first output is predicted at the last prompt position
    for layer, entries in enumerate(layer_preds["top"]):
        assert [e["id"] for e in entries[:5]] == loop_top[layer].indices.tolist()


def test_layer_predictions_default_position_and_labels(causal_models):
    lm = causal_models["gpt2"]
    result = layer_predictions.compute(lm, defaults("layer-predictions", top_k=3))
    assert result["position"] == result["prompt_length"] - 1
    assert result["layers"] == ["embeddings", "1", "2"]
    assert result["lens"] == "normed"
    for entries in result["top"]:
        ps = [e["p"] for e in entries]
        assert len(ps) == 3 and ps == sorted(ps, reverse=True)
    with pytest.raises(EccoBuildError, match=r":position: 99 is outside the text"):
        layer_predictions.compute(lm, defaults("layer-predictions", position=99))


def test_rankings_watch(causal_models):
    lm = causal_models["gpt2"]
    result = rankings_watch.compute(
        lm, defaults("rankings-watch", prompt="The keys to the cabinet", watch=[" are", " is"])
    )
    assert [w["asked"] for w in result["watch"]] == [" are", " is"]
    assert len(result["rank"]) == 3 and all(len(row) == 2 for row in result["rank"])
    with pytest.raises(EccoBuildError, match=r":watch: ' cabinetry' is \d+ tokens"):
        rankings_watch.compute(lm, defaults("rankings-watch", watch=[" cabinetry"]))
    scored = rankings_watch.compute(lm, defaults("rankings-watch", watch=[" cabinetry"], first_token=True))
    assert scored["first_token"] is True and len(scored["watch"]) == 1


@pytest.mark.parametrize("family", ["bert", "roberta", "distilbert"])
def test_masked_lm_lens_and_mask_position(causal_models, family):
    lm = causal_models[family]
    tok = lm.tokenizer
    tok.mask_token = tok.mask_token or "<|endoftext|>"  # the tiny tokenizer has no [MASK]; reuse a special
    text = f"The capital of France is {tok.mask_token}."
    ids = torch.tensor([tok(text)["input_ids"]])
    with torch.no_grad():
        residual = adapters.residual_stream(lm.model, ids)
        assert (
            adapters.lens_logits(lm.model, residual[-1]) - lm.model(input_ids=ids).logits
        ).abs().max() < 1e-4
    result = layer_predictions.compute(lm, defaults("layer-predictions", prompt=text, top_k=3))
    assert result["masked"] is True
    assert result["tokens"][result["position"]]["id"] == tok.mask_token_id
    assert len(result["top"]) == len(adapters.blocks(lm.model)) + 1 == 3
    with pytest.raises(EccoBuildError, match="in the prompt: a masked LM predicts the masked token"):
        layer_predictions.compute(lm, defaults("layer-predictions", prompt="No mask here.", top_k=3))


def test_lens_directives_on_one_text_share_one_forward(causal_models):
    """rankings, layer-predictions and rankings-watch on the same text run the blocks once;
    another text runs them again; the memo keeps only the most recent texts."""
    lm = causal_models["gpt2"]
    lm.memo.clear()
    runs = []
    handle = adapters.blocks(lm.model)[0].register_forward_hook(lambda *_: runs.append(1))
    try:
        rankings.compute(lm, defaults("rankings", target=" width * height"))
        layer_predictions.compute(lm, defaults("layer-predictions", target=" width * height"))
        assert len(runs) == 1
        rankings_watch.compute(lm, defaults("rankings-watch", watch=[" width"]))  # the prompt alone
        rankings_watch.compute(lm, defaults("rankings-watch", watch=[" height"]))
        assert len(runs) == 2
        for text in (" a", " b", " c"):
            rankings.compute(lm, defaults("rankings", target=text))
        assert len(runs) == 5 and len(lm.memo) == 2
    finally:
        handle.remove()
        lm.memo.clear()


def test_lens_forward_skips_the_full_vocabulary_head(causal_models):
    lm = causal_models["gpt2"]
    calls = []
    handle = lm.model.get_output_embeddings().register_forward_hook(lambda m, a, out: calls.append(out.shape))
    try:
        adapters.residual_stream(lm.model, torch.tensor([[1, 2, 3]]))
        assert calls == []
        adapters.residual_stream(lm.model, torch.tensor([[1, 2, 3]]), head=True)
        assert len(calls) == 1
    finally:
        handle.remove()
