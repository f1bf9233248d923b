"""`rankings`: each kind of damage to a stored result is found and named by its field."""

import pytest

from tests.kinds.damage import assert_named


def negative_rank(r):
    r["rank"][2][1] = -3
    return ["result.rank[2][1] must be at least 1, not -3"]


def rank_as_string(r):
    r["rank"][0][0] = "1"
    return ["result.rank[0][0] must be an integer, not a string"]


def fractional_rank(r):
    r["rank"][0][0] = 1.5
    return ["result.rank[0][0] must be an integer, not 1.5"]


def p_row_short(r):
    r["p"][1].pop()
    n = len(r["targets"])
    return [f"result.p[1] has {n - 1} items but result.targets has {n}"]


def layer_dropped(r):
    r["layers"].pop()
    L = len(r["layers"])
    return [
        f"result.rank has {L + 1} items but result.layers has {L}",
        f"result.p has {L + 1} items but result.layers has {L}",
    ]


DAMAGE = [
    negative_rank,
    rank_as_string,
    fractional_rank,
    p_row_short,
    layer_dropped,
]


@pytest.mark.parametrize("mutate", DAMAGE, ids=lambda m: m.__name__)
def test_a_damaged_result_is_named_by_its_field(mutate):
    assert_named("rankings", mutate)
