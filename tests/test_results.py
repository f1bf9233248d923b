"""The documented result shapes: the committed data and fresh results match them, and each
kind of damage to a stored result is found and named by its field."""

import copy
import json
import math
from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.registry import KINDS
from ecco_build.results import CHECKS, check_result
from ecco_build.shapes import MAX_PROBLEMS

ROOT = Path(__file__).parent.parent
COMMITTED = sorted((ROOT / "data").glob("*.json"))


def committed(kind: str) -> dict:
    """The first committed data file of a kind (rankings-* also matches rankings-watch-*)."""
    for path in COMMITTED:
        data = json.loads(path.read_text())
        if data["kind"] == kind:
            return data
    raise AssertionError(f"the example site has no {kind} result")


def test_every_kind_has_a_documented_shape():
    assert sorted(CHECKS) == sorted(KINDS)


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


def share_row_short(r):
    r["methods"]["integrated_gradients"]["share"][1].pop()
    target = r["targets"][1]
    return [
        f"result.methods.integrated_gradients.share[1] has {target - 1} items but result.targets[1] "
        f"is {target} (one value per earlier token)"
    ]


def share_rows_fewer_than_targets(r):
    r["methods"]["occlusion"]["share"].pop()
    n = len(r["targets"])
    return [f"result.methods.occlusion.share has {n - 1} items but result.targets has {n}"]


def signed_infinite(r):
    r["methods"]["gradient_x_input"]["signed"][0][0] = -math.inf
    return ["result.methods.gradient_x_input.signed[0][0] must be a finite number, not -Infinity"]


def target_out_of_range(r):
    T = len(r["tokens"])
    r["targets"][-1] = T
    return [f"result.targets[{len(r['targets']) - 1}] must be at most {T - 1}, not {T}"]


def unknown_method(r):
    r["methods"]["magic"] = {}
    return [
        "result.methods.magic is not a saliency method "
        "(valid: integrated_gradients, gradient_x_input, gradient, occlusion)"
    ]


def foil_as_string(r):
    r["foil"] = " Paris"
    return ["result.foil must be an object, not a string"]


def ig_steps_missing(r):
    del r["methods"]["integrated_gradients"]["n_steps"]
    return ["result.methods.integrated_gradients.n_steps is missing"]


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


def nothing_watched(r):
    r["watch"] = []
    return "result.watch is empty: there is no token to watch"


def asked_missing(r):
    del r["watch"][0]["asked"]
    return ["result.watch[0].asked is missing"]


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


MUTATIONS = [
    ("generate", nan_p),
    ("generate", null_candidate),
    ("generate", step_dropped),
    ("generate", text_missing),
    ("generate", length_as_string),
    ("generate", boolean_probability),
    ("saliency", share_row_short),
    ("saliency", share_rows_fewer_than_targets),
    ("saliency", signed_infinite),
    ("saliency", target_out_of_range),
    ("saliency", unknown_method),
    ("saliency", foil_as_string),
    ("saliency", ig_steps_missing),
    ("rankings", negative_rank),
    ("rankings", rank_as_string),
    ("rankings", fractional_rank),
    ("rankings", p_row_short),
    ("rankings", layer_dropped),
    ("rankings-watch", nothing_watched),
    ("rankings-watch", asked_missing),
    ("rankings-watch", negative_rank),
    ("layer-predictions", position_past_end),
    ("layer-predictions", candidate_row_short),
    ("layer-predictions", probability_above_one),
    ("factors", factor_row_short),
    ("factors", neuron_out_of_range),
    ("factors", components_disagree),
    ("factors", shape_disagrees),
    ("factors", negative_share),
    ("factors", unknown_method_name),
]


@pytest.mark.parametrize(("kind", "mutate"), MUTATIONS, ids=[f"{k}-{m.__name__}" for k, m in MUTATIONS])
def test_a_damaged_result_is_named_by_its_field(kind, mutate):
    data = copy.deepcopy(committed(kind))
    expected = mutate(data["result"])
    problems = check_result(kind, data, data["key"])
    if isinstance(expected, str):  # the first problem; the damage has knock-on effects
        assert problems[0] == expected
    else:
        assert problems == expected


def test_the_one_legitimate_null_and_optional_fields_pass():
    data = copy.deepcopy(committed("saliency"))
    result = data["result"]
    result["methods"]["integrated_gradients"]["worst_relative_delta"] = None  # infinite: gap 0
    del result["probabilities"]  # absent with :target:
    result["methods"]["gradient"] = copy.deepcopy(result["methods"]["gradient_x_input"])
    del result["methods"]["gradient"]["signed"]  # a gradient norm has no sign
    assert result["foil"] is None
    assert check_result("saliency", data, data["key"]) == []


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


def test_the_legitimate_null_renders(tmp_path):
    """An unbounded IG delta (stored as null) is said in words, not a template traceback."""
    import shutil

    site = tmp_path / "example"
    for name in ("articles", "data"):
        shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    for name in ("refs.bib",):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, site / name)
    for path in (site / "data").glob("saliency-*.json"):
        data = json.loads(path.read_text())
        method = data["result"]["methods"].get("integrated_gradients")
        if method:
            method["worst_relative_delta"] = None
            path.write_text(json.dumps(data))
    build(site, out=tmp_path / "out")
    pages = "".join(p.read_text() for p in (tmp_path / "out").rglob("index.html"))
    unbounded = "worst convergence delta unbounded (a target with f(x) = f(baseline) has a non-zero delta)"
    assert unbounded in pages
