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
        "(valid: integrated_gradients, gradient_x_input, gradient, occlusion, attention_rollout, "
        "attention_flow)"
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
    assert_named("saliency", mutate, where=lambda data: "occlusion" in data["result"]["methods"])


def test_the_one_legitimate_null_and_optional_fields_pass():
    data = copy.deepcopy(committed("saliency", lambda data: "occlusion" in data["result"]["methods"]))
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


def test_distance_profile_by_hand():
    """Two output tokens at positions 3 and 4; shares over the tokens before each."""
    from ecco_build.kinds import saliency_distance

    result = {
        "targets": [3, 4],
        "methods": {"m": {"share": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.2, 0.6]]}},
    }
    # distance 1: 0.5 and 0.6; distance 2: 0.3 and 0.2; distance 3: 0.2 and 0.1; distance 4: 0.1
    expected = [(0.5 + 0.6) / 2, (0.3 + 0.2) / 2, (0.2 + 0.1) / 2, 0.1 / 2]
    got = saliency_distance.profile(result, "m")
    assert got == pytest.approx(expected)
    assert sum(got) == pytest.approx(1)
    assert saliency_distance.reach(got) == 1 and saliency_distance.reach(got, 0.9) == 3
    [row] = saliency_distance.summary(result)
    assert (row["first"], row["half"], row["most"]) == (pytest.approx(0.55), 1, 3)


def test_distance_chart_is_inline_svg_without_script():
    from ecco_build.kinds import saliency_distance

    result = {"targets": [2], "methods": {"integrated_gradients": {"share": [[0.25, 0.75]]}}}
    svg = str(saliency_distance.fallback_svg(result))
    assert svg.startswith("<svg") and "<script" not in svg.lower() and "ecco-distance-chart" in svg
    assert "<title>Share of attribution by distance" in svg and ' width="' not in svg.split(">")[0]


def spearman_out_of_range(r):
    r["methods"]["attention_flow"]["spearman_ig"][1] = 1.5
    return ["result.methods.attention_flow.spearman_ig[1] must be a number in [-1, 1] or null"]


def spearman_rows_missing(r):
    r["methods"]["attention_rollout"]["spearman_ig"].pop()
    return ["result.methods.attention_rollout.spearman_ig has 2 items but result.targets has 3"]


@pytest.mark.parametrize("mutate", [spearman_out_of_range, spearman_rows_missing], ids=lambda m: m.__name__)
def test_a_damaged_agreement_is_named(mutate):
    """Rollout and flow rows carry their rank correlation with IG: checked like every field."""
    assert_named("saliency", mutate, where=lambda data: "attention_flow" in data["result"]["methods"])
