"""`rankings-watch`: each kind of damage to a stored result is found and named by its field."""

import pytest

from tests.kinds.damage import assert_named
from tests.kinds.test_rankings import negative_rank


def nothing_watched(r):
    r["watch"] = []
    return "result.watch is empty: there is no token to watch"


def asked_missing(r):
    del r["watch"][0]["asked"]
    return ["result.watch[0].asked is missing"]


DAMAGE = [
    nothing_watched,
    asked_missing,
    negative_rank,
]


@pytest.mark.parametrize("mutate", DAMAGE, ids=lambda m: m.__name__)
def test_a_damaged_result_is_named_by_its_field(mutate):
    assert_named("rankings-watch", mutate)
