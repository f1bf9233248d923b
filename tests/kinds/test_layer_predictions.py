"""`layer-predictions`: each kind of damage to a stored result is found and named by its field."""

import pytest

from tests.kinds.damage import assert_named


def position_past_end(r):
    r["position"] = len(r["tokens"])
    return [f"result.position must be at most {len(r['tokens']) - 1}, not {len(r['tokens'])}"]


def candidate_row_short(r):
    r["top"][3].pop()
    k = len(r["top"][0])
    return [f"result.top[3] has {k - 1} items but result.top[0] has {k}"]


def probability_above_one(r):
    r["top"][0][0]["p"] = 1.5
    return ["result.top[0][0].p must be at most 1, not 1.5"]


DAMAGE = [
    position_past_end,
    candidate_row_short,
    probability_above_one,
]


@pytest.mark.parametrize("mutate", DAMAGE, ids=lambda m: m.__name__)
def test_a_damaged_result_is_named_by_its_field(mutate):
    assert_named("layer-predictions", mutate)
