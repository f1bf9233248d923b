"""analyses/sequence.py: the prompt and what follows it, shared by every analysis."""

from __future__ import annotations

import pytest

from ecco_build.analyses import sequence
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.registry import KINDS
from ecco_build.run import check_requires


def test_every_kind_computes_in_its_own_analysis_module():
    for kind in KINDS.values():
        assert kind.compute == f"ecco_build.analyses.{kind.module}:compute"
        assert callable(kind.compute_function())


def test_resolve_position_counts_back_from_the_end_of_the_prompt():
    assert sequence.resolve_position(-1, 4, 6) == 3
    assert sequence.resolve_position(5, 4, 6) == 5
    message = r":position: 6 is outside the text \(it has 6 tokens, 4 in the prompt\)"
    with pytest.raises(EccoBuildError, match=message):
        sequence.resolve_position(6, 4, 6)


def test_prompt_and_output(causal_models):
    lm = causal_models["gpt2"]
    kind = KINDS["rankings"]
    options = kind.record_of(kind.defaults(prompt="def area", target=" width"))
    prompt_ids, output_ids = sequence.prompt_and_output(lm, options)
    assert prompt_ids == lm.tokenizer("def area")["input_ids"]
    assert output_ids == lm.tokenizer(" width", add_special_tokens=False)["input_ids"]
    generating = kind.record_of(kind.defaults(prompt="def area", max_new_tokens=3))
    generated = sequence.prompt_and_output(lm, generating)
    assert len(generated[1]) <= 3 and generated[0] == prompt_ids
    with pytest.raises(EccoBuildError, match="rankings needs a causal"):
        check_requires(kind, causal_models["bert"])
