"""The stored record around a result: the committed data and fresh results match their kinds'
documented shapes, and each kind of damage to the envelope is found and named."""

import copy
import json
import math

import pytest

from ecco_build.build import build
from ecco_build.envelope import check_result
from ecco_build.kinds.registry import KINDS
from ecco_build.shapes import MAX_PROBLEMS
from tests.kinds.damage import COMMITTED, committed


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_data_matches_the_documented_shapes(path):
    data = json.loads(path.read_text())
    assert check_result(data["kind"], data, data["key"]) == []


EVERY_KIND = """
---
title: Every kind
---
:::{generate}
:prompt: def area(width, height):
:max_new_tokens: 4
:candidates: 3
:::

:::{saliency}
:prompt: The capital of France is
:max_new_tokens: 3
:method: [integrated_gradients, gradient_x_input, gradient, occlusion]
:n_steps: 4
:tolerance: 0
:::

:::{saliency}
:prompt: The keys to the cabinet
:target: " are on"
:foil: " is"
:method: occlusion
:::

:::{saliency}
:prompt: "def area(width, height): return"
:target: " width * height"
:method: [attention_rollout, attention_flow]
:n_steps: 4
:::

:::{attention}
:prompt: def area(width, height):
:max_new_tokens: 2
:::

:::{layer-predictions}
:prompt: for i in range(10):
:top_k: 4
:::

:::{rankings}
:prompt: class Point:
:max_new_tokens: 3
:::

:::{rankings-watch}
:prompt: The keys to the cabinet
:watch: [" are", " is", "The capital"]
:first_token: true
:::

:::{factors}
:prompt: def area(width, height):
:components: 3
:method: pca
:::

:::{factors}
:prompt: class Point:
:components: auto
:per_layer: true
:::
"""


def test_fresh_results_of_every_kind_match_their_shapes(make_site):
    site = make_site({"every.md": EVERY_KIND})
    build(site)
    files = sorted((site / "data").glob("*.json"))
    assert sorted({json.loads(p.read_text())["kind"] for p in files}) == sorted(KINDS)
    for path in files:
        data = json.loads(path.read_text())
        assert check_result(data["kind"], data, data["key"]) == [], path.name


ENVELOPE = [
    (lambda d: d.update(version=KINDS["generate"].version + 1), "version is 2, not generate's version 1"),
    (lambda d: d.update(kind="saliency"), "kind is 'saliency', not 'generate'"),
    (lambda d: d.update(key="0" * 64), "key belongs to another job"),
    (lambda d: d["provenance"].pop("seconds"), "provenance.seconds is missing"),
    (lambda d: d.update(model=None), "model must be an object, not null"),
    (lambda d: d.update(result=[]), "result must be an object, not a list"),
    (lambda d: d.pop("result"), "result is missing"),
]


@pytest.mark.parametrize(("mutate", "expected"), ENVELOPE, ids=[e for _, e in ENVELOPE])
def test_a_damaged_envelope_is_named(mutate, expected):
    data = copy.deepcopy(committed("generate"))
    key = data["key"]
    mutate(data)
    assert check_result("generate", data, key) == [expected]


def test_not_an_object():
    assert check_result("generate", [1, 2]) == ["the file must hold a JSON object, not list"]


def test_the_check_stops_after_a_few_problems():
    data = copy.deepcopy(committed("rankings"))
    data["result"]["rank"] = [[math.nan] * len(row) for row in data["result"]["rank"]]
    problems = check_result("rankings", data, data["key"])
    assert len(problems) == MAX_PROBLEMS
    assert problems[:2] == [
        "result.rank[0][0] must be a finite number, not NaN",
        "result.rank[0][1] must be a finite number, not NaN",
    ]
