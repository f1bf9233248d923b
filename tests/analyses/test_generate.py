from dataclasses import replace

import pytest
import torch

from ecco_build.analyses import generate, sequence
from ecco_build.analyses.tokens import sequence_tokens
from ecco_build.kinds.registry import KINDS
from ecco_build.models import loader

KIND = KINDS["generate"]


def options_of(**changes):
    """The generate Options record: the defaults, then `changes`."""
    return KIND.record_of(KIND.defaults(**changes))


def load(folder):
    ref = loader.ModelRef("t", str(folder), folder, None, "", "float32")
    return loader.load(ref, "cpu")


@pytest.mark.parametrize("family", ["gpt2", "llama"])
def test_greedy_matches_transformers_generate(tiny_model_dir, family):
    lm = load(tiny_model_dir[family])
    options = options_of(prompt="def area(width, height):", max_new_tokens=8, stop_at_eos=False)
    result = generate.compute(lm, options)
    ids = torch.tensor([lm.tokenizer(options.prompt)["input_ids"]])
    expected = lm.model.generate(
        ids,
        max_new_tokens=8,
        do_sample=False,
        min_new_tokens=8,
        attention_mask=torch.ones_like(ids),
        pad_token_id=lm.tokenizer.eos_token_id,
    )
    new = [t["id"] for t in result["tokens"][result["prompt_length"] :]]
    assert new == expected[0, ids.shape[1] :].tolist()
    # Each step's probability is the model's own softmax at that position (no KV-cache drift).
    full = torch.tensor([[t["id"] for t in result["tokens"]]])
    with torch.no_grad():
        probs = lm.model(full).logits[0].softmax(-1)
    for i, step in enumerate(result["steps"]):
        position = result["prompt_length"] - 1 + i
        assert step["p"] == pytest.approx(float(probs[position, new[i]]), rel=1e-4)


def test_sampling_is_seeded_and_respects_top_k(tiny_model_dir):
    lm = load(tiny_model_dir["gpt2"])
    options = options_of(
        prompt="for i in",
        max_new_tokens=12,
        do_sample=True,
        stop_at_eos=False,
        temperature=2.0,
        top_k=3,
    )
    first, again = generate.compute(lm, options), generate.compute(lm, options)
    assert first == again
    other = generate.compute(lm, replace(options, seed=1))
    assert [t["id"] for t in other["tokens"]] != [t["id"] for t in first["tokens"]]
    for i, step in enumerate(first["steps"]):
        chosen = first["tokens"][first["prompt_length"] + i]["id"]
        assert chosen in [c["id"] for c in step["candidates"][:3]]


def test_top_p_keeps_only_the_nucleus():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    options = options_of(do_sample=True, top_p=0.7)
    generator = torch.Generator().manual_seed(0)
    picks = {sequence.pick_next(logits, options, generator) for _ in range(300)}
    assert picks == {0, 1}


@pytest.mark.parametrize("family", ["gpt2", "llama"])
def test_token_pieces_rejoin_to_the_text(tiny_model_dir, family):
    lm = load(tiny_model_dir[family])
    text = "Hello, world! naïve café ✓\n    return {'a': (1, 2)}"
    ids = lm.tokenizer(text)["input_ids"]
    entries = sequence_tokens(lm.tokenizer, ids)
    joined = "".join(e["text"] for e in entries)
    assert joined.endswith(text)  # a Llama-style tokenizer adds "<s>" first
    newline = next(e for e in entries if "\n" in e["text"])
    assert newline["newline"] is True and "⏎" in newline["display"]
    assert any(e.get("space") for e in entries)
