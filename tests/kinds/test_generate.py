"""`generate`: each kind of damage to a stored result is found and named by its field."""

import math

import pytest

from tests.kinds.damage import assert_named


def nan_p(r):
    r["steps"][0]["p"] = math.nan
    return ["result.steps[0].p must be a finite number, not NaN"]


def null_candidate(r):
    r["steps"][2]["candidates"][1]["p"] = None  # what the store writes for NaN
    return ["result.steps[2].candidates[1].p must be a number, not null"]


def step_dropped(r):
    r["steps"].pop()
    generated = len(r["tokens"]) - r["prompt_length"]
    return [
        f"result.steps has {generated - 1} items but result.tokens has {generated} after the "
        f"prompt_length of {r['prompt_length']}"
    ]


def text_missing(r):
    del r["tokens"][3]["text"]
    return ["result.tokens[3].text is missing"]


def length_as_string(r):
    r["prompt_length"] = str(r["prompt_length"])
    return ["result.prompt_length must be an integer, not a string"]


def boolean_probability(r):
    r["steps"][0]["p"] = True
    return ["result.steps[0].p must be a number, not a boolean"]


DAMAGE = [
    nan_p,
    null_candidate,
    step_dropped,
    text_missing,
    length_as_string,
    boolean_probability,
]


@pytest.mark.parametrize("mutate", DAMAGE, ids=lambda m: m.__name__)
def test_a_damaged_result_is_named_by_its_field(mutate):
    assert_named("generate", mutate)
