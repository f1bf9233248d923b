"""`factors`: each kind of damage to a stored result is found and named by its field."""

import pytest

from tests.kinds.damage import assert_named


def factor_row_short(r):
    r["blocks"][0]["factors"][2].pop()
    T = len(r["tokens"])
    return [f"result.blocks[0].factors[2] has {T - 1} items but result.tokens has {T}"]


def neuron_out_of_range(r):
    d_ff = r["shape"][1]
    r["blocks"][0]["neurons"][0][0]["neuron"] = d_ff
    return [f"result.blocks[0].neurons[0][0].neuron must be at most {d_ff - 1}, not {d_ff}"]


def components_disagree(r):
    k = r["blocks"][0]["components"]
    r["blocks"][0]["components"] = k + 1
    return [
        f"result.blocks[0].factors has {k} items but result.blocks[0].components is {k + 1}",
        f"result.blocks[0].neurons has {k} items but result.blocks[0].components is {k + 1}",
    ]


def shape_disagrees(r):
    T = len(r["tokens"])
    r["shape"][2] = T + 1
    return [f"result.shape[2] is {T + 1} but result.tokens has {T}"]


def negative_share(r):
    r["negative_share"] = -0.1
    return ["result.negative_share must be at least 0, not -0.1"]


def unknown_method_name(r):
    r["method"] = "svd"
    return ["result.method must be one of nmf, pca, ica, not 'svd'"]


DAMAGE = [
    factor_row_short,
    neuron_out_of_range,
    components_disagree,
    shape_disagrees,
    negative_share,
    unknown_method_name,
]


@pytest.mark.parametrize("mutate", DAMAGE, ids=lambda m: m.__name__)
def test_a_damaged_result_is_named_by_its_field(mutate):
    assert_named("factors", mutate)
