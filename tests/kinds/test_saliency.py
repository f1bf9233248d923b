"""`saliency`: each kind of damage to a stored result is found and named by its field."""

import copy
import json
import math

import pytest

from ecco_build.build import build
from ecco_build.envelope import check_result
from tests.kinds.damage import ROOT, assert_named, committed


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


DAMAGE = [
    share_row_short,
    share_rows_fewer_than_targets,
    signed_infinite,
    target_out_of_range,
    unknown_method,
    foil_as_string,
    ig_steps_missing,
]


@pytest.mark.parametrize("mutate", DAMAGE, ids=lambda m: m.__name__)
def test_a_damaged_result_is_named_by_its_field(mutate):
    assert_named("saliency", mutate)


def test_the_one_legitimate_null_and_optional_fields_pass():
    data = copy.deepcopy(committed("saliency"))
    result = data["result"]
    result["methods"]["integrated_gradients"]["worst_relative_delta"] = None  # infinite: gap 0
    del result["probabilities"]  # absent with :target:
    result["methods"]["gradient"] = copy.deepcopy(result["methods"]["gradient_x_input"])
    del result["methods"]["gradient"]["signed"]  # a gradient norm has no sign
    assert result["foil"] is None
    assert check_result("saliency", data, data["key"]) == []


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
