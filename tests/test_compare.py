"""Comparing models (:models:): the token alignment rule and saliency's difference view
(kinds/compare.py), validation, one job per model, and the comparison figure a build writes."""

import json
import re
import textwrap

import pytest

from ecco_build.build import build
from ecco_build.config import load_config
from ecco_build.kinds import compare, saliency_distance
from ecco_build.store import DataStore
from ecco_build.validate import validate
from tests import tiny_models
from tests.conftest import write_site


def tokens(*texts):
    return [{"id": i, "text": t} for i, t in enumerate(texts)]


# --- the alignment rule ------------------------------------------------------------------------


def test_anchors_agree_where_the_text_agrees_up_to_the_token_end():
    a = compare.anchors(tokens("def", " f", "(x", "):"), "def f(x):")
    b = compare.anchors(tokens("de", "f", " f(", "x", "):"), "def f(x):")
    assert a[0] == b[1]  # "def" ends where "de"+"f" does
    assert a[1] not in b  # " f" ends at 5; b has no token ending there
    assert a[2] == b[3] and a[3] == b[4]  # "(x" ~ "x" (both end at 8); "):" ~ "):"
    assert len(set(a)) == len(a)  # one anchor per end: unambiguous within a panel
    other_text = compare.anchors(tokens("def", " g", "(x"), "def g(x")
    assert other_text[0] == a[0] and other_text[1] != a[1] and other_text[2] != a[2]


def test_a_start_token_has_no_counterpart_and_shifts_nothing():
    with_start = compare.anchors(tokens("<s>", "def", " f"), "def f")
    without = compare.anchors(tokens("def", " f"), "def f")
    assert with_start == [compare.NONE, *without]
    # a prompt whose text the tokenizer changed: the text starts at 0
    assert compare.anchors(tokens("x", "y"), "zzz") == compare.anchors(tokens("x", "y"))


def saliency(texts, targets, shares):
    return {"tokens": tokens(*texts), "targets": targets, "methods": {"m": {"share": shares}}}


def test_difference_with_one_tokenizer_is_b_minus_a_token_by_token():
    a = saliency(["x", " =", " 1", "\n"], [2, 3], [[0.25, 0.75], [0.1, 0.2, 0.7]])
    b = saliency(["x", " =", " 1", "\n"], [2, 3], [[0.5, 0.5], [0.3, 0.3, 0.4]])
    view = compare.difference(a, b, "x =")
    assert view["unmatched"] == 0 and [r["a_step"] for r in view["rows"]] == [0, 1]
    row = view["rows"][1]
    assert [s["text"] for s in row["segments"]] == ["x", " =", " 1"]
    assert row["methods"]["m"]["diff"] == pytest.approx([0.2, 0.1, -0.3])
    assert row["methods"]["m"]["a"] == [0.1, 0.2, 0.7] and row["methods"]["m"]["b"] == [0.3, 0.3, 0.4]


def test_difference_across_tokenizers_sums_shares_over_the_pieces_both_split_at():
    # a: "<s>" start token, "de" "f" " f" "(" → output "x"; b: "def" " f(" → output "x"
    a = saliency(["<s>", "de", "f", " f", "(", "x"], [5], [[0.1, 0.2, 0.1, 0.3, 0.3]])
    b = saliency(["def", " f(", "x"], [2], [[0.6, 0.4]])
    view = compare.difference(a, b, "def f(")
    [row] = view["rows"]
    texts = [s.get("display", s["text"]) for s in row["segments"]]
    assert texts == ["start token", "def", " f("]
    shares = row["methods"]["m"]
    assert shares["a"] == pytest.approx([0.1, 0.3, 0.6]) and shares["b"] == pytest.approx([0.0, 0.6, 0.4])
    assert sum(shares["a"]) == pytest.approx(1) and sum(shares["b"]) == pytest.approx(1)  # nothing lost
    assert shares["diff"] == pytest.approx([-0.1, 0.3, -0.2])


def test_difference_skips_output_tokens_without_a_counterpart():
    a = saliency(["a", " b", " c"], [1, 2], [[1.0], [0.5, 0.5]])
    b = saliency(["a", " b", " d"], [1, 2], [[1.0], [0.4, 0.6]])
    view = compare.difference(a, b, "a")
    assert [r["a_step"] for r in view["rows"]] == [0] and view["unmatched"] == 1
    # same end and text, split differently: " bc" vs " b"+"c" → "c" has no row (different start)
    a = saliency(["a", " bc"], [1], [[1.0]])
    b = saliency(["a", " b", "c"], [2], [[0.5, 0.5]])
    assert compare.difference(a, b, "a")["rows"] == []


def test_distance_chart_draws_a_line_per_model():
    a = {"targets": [2], "methods": {"integrated_gradients": {"share": [[0.25, 0.75]]}}}
    b = {"targets": [2], "methods": {"integrated_gradients": {"share": [[0.5, 0.5]]}}}
    rows = saliency_distance.summary([("demo", a), ("llama", b)])
    assert [(r["label"], r["first"]) for r in rows] == [("demo", 0.75), ("llama", 0.5)]
    both = {"targets": [2], "methods": {"occlusion": {"share": [[0.5, 0.5]]}, **b["methods"]}}
    labels = [r["label"] for r in saliency_distance.summary([("demo", a), ("llama", both)])]
    assert labels == ["demo · integrated gradients", "llama · occlusion", "llama · integrated gradients"]


# --- validation --------------------------------------------------------------------------------


def problems(make_site, body, models=None):
    root = make_site({"a.md": f"---\ntitle: A\n---\n{textwrap.dedent(body)}"}, models or {"tiny": "gpt2"})
    return [str(p) for p in validate(load_config(root)).problems]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (":models: [tiny]", "models lists 1 model(s); a comparison takes 2 to 4"),
        (":models: tiny", "models lists 1 model(s); a comparison takes 2 to 4"),
        (":models: [tiny, other, tiny]", "models lists tiny twice; list each model once"),
        (":models: a, b, c, d, e", "models lists 5 model(s)"),
        (":models: [1, 2]", "models must be a list of 2 to 4 model aliases, like [demo, llama]"),
        (':models: [tiny, "  "]', "models must be a list of 2 to 4 model aliases"),
    ],
)
def test_a_bad_models_list_is_an_error_at_its_line(make_site, option, message):
    found = problems(
        make_site, f":::{{generate}}\n:prompt: x\n{option}\n:::\n", {"tiny": "gpt2", "other": "llama"}
    )
    assert len(found) == 1 and found[0].startswith("articles/a.md:6: ") and message in found[0], found


def test_comparison_refusals_are_clear(make_site):
    models = {"tiny": "gpt2", "other": "llama"}
    factors = problems(make_site, ":::{factors}\n:prompt: x\n:models: [tiny, other]\n:::\n", models)
    assert factors == [
        "articles/a.md:4: factors cannot compare models (:models:): each model's neurons are its own, "
        "so one model's factors have no counterpart in another's; write one factors figure per model, "
        "each with its :model:"
    ]
    both = problems(
        make_site, ":::{generate}\n:prompt: x\n:model: tiny\n:models: [tiny, other]\n:::\n", models
    )
    assert both == [
        "articles/a.md:4: :model: and :models: are both given; list every model in :models: and drop :model:"
    ]
    unknown = problems(make_site, ":::{generate}\n:prompt: x\n:models: [tiny, nope]\n:::\n", models)
    assert len(unknown) == 1 and unknown[0].startswith('articles/a.md:4: :models: nope: unknown model "nope"')


def test_each_model_of_a_comparison_is_checked_as_its_own_figure(make_site):
    # a watched word neither tokenizer has as one token: each model's check says so for itself
    body = (
        ':::{rankings-watch}\n:prompt: "def f(x):"\n:watch: [" return", " qqqqzzzz"]\n'
        ":models: [tiny, other]\n:::\n"
    )
    found = problems(make_site, body, {"tiny": "gpt2", "other": "llama"})
    assert found and all(re.match(r"articles/a\.md:4: :models: (tiny|other): ", p) for p in found), found


# --- one job per model, and the figure ---------------------------------------------------------

FIGURE = """
---
title: Compare
---
Text {{value}}`fig-c:/methods/occlusion/share/0/0:percent` and
{{value}}`fig-c@{second}:/methods/occlusion/share/0/0:percent`; half within
{{value}}`fig-c@{second}:/distance/occlusion/half:integer` tokens.

:::{{saliency}}
{model}
:prompt: "def area(width, height):"
:target: "\\n    return width"
:method: occlusion
:distance: true
:label: fig-c
Areas.
:::
"""


@pytest.fixture(scope="module")
def models(tiny_model_dir, tmp_path_factory):
    other = tiny_models.build("gpt2", tmp_path_factory.mktemp("other") / "gpt2", seed=1)
    return {"tiny": tiny_model_dir["gpt2"], "other": other, "llama": tiny_model_dir["llama"]}


def test_adding_a_model_computes_only_its_job(models, tmp_path):
    one = FIGURE.format(model=":model: tiny", second="tiny").replace("fig-c@tiny", "fig-c")
    root = write_site(tmp_path / "site", {"c.md": one}, models)
    first = build(root)
    assert (first.computed, first.reused) == (1, 0)
    two = FIGURE.format(model=":models: [tiny, other]", second="other")
    (root / "articles" / "c.md").write_text(textwrap.dedent(two).lstrip())
    second = build(root)
    assert (second.computed, second.reused) == (1, 1) and second.models_loaded == ("other",)
    assert not [w for w in second.warnings if "belong to no directive" in w]  # the first job is still used
    three = FIGURE.format(model=":models: [tiny, other, llama]", second="llama")
    (root / "articles" / "c.md").write_text(textwrap.dedent(three).lstrip())
    third = build(root)
    assert (third.computed, third.reused) == (1, 2) and third.models_loaded == ("llama",)
    assert len(list((root / "data").glob("saliency-*.json"))) == 3


@pytest.fixture(scope="module")
def compared(models, tmp_path_factory):
    text = FIGURE.format(model=":models: [tiny, other]", second="other")
    root = write_site(tmp_path_factory.mktemp("compared") / "site", {"c.md": text}, models)
    build(root)
    store = DataStore(root / "data")
    records = {}
    for path in (root / "data").glob("saliency-*.json"):
        data = json.loads(path.read_text())
        records[data["model"]["alias"]] = data
    assert store.folder.is_dir() and set(records) == {"tiny", "other"}
    return root, (root / "_site" / "c" / "index.html").read_text(), records


def test_the_figure_has_a_panel_per_model_and_each_model_s_provenance(compared):
    root, page, records = compared
    assert page.count('<section class="ecco-panel"') == 2
    assert re.search(r'data-model="tiny".*data-model="other"', page, re.S)
    for data in records.values():  # notes: each model with its weights and how it was computed
        assert (
            data["model"]["fingerprint"] in page
            and f'<h4 class="ecco-notes-model">{data["model"]["alias"]}' in page
        )
    assert page.count("<dt>Computed</dt>") == 2


def test_panels_carry_anchors_that_link_the_same_tokens(compared):
    _, page, records = compared
    outputs = re.findall(r'<section class="ecco-panel"[^>]*data-outputs="([^"]*)"', page)
    assert len(outputs) == 2 and outputs[0] == outputs[1]  # one tokenizer, one target
    prompt = "def area(width, height):"
    expected = compare.anchors(records["tiny"]["result"]["tokens"], prompt)
    assert outputs[0].split() == [expected[p] for p in records["tiny"]["result"]["targets"]]


def test_the_difference_view_is_the_other_model_s_share_minus_the_first_s(compared):
    _, page, records = compared
    payload = re.search(
        r'<section class="ecco-difference"[^>]*>.*?<script type="application/json">(.*?)</script>', page, re.S
    )
    view = json.loads(
        payload.group(1).replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    )
    assert (view["a"], view["b"], view["unmatched"]) == ("tiny", "other", 0)
    a, b = records["tiny"]["result"], records["other"]["result"]
    assert len(view["rows"]) == len(a["targets"])
    for k, row in enumerate(view["rows"]):
        want = [
            y - x
            for x, y in zip(
                a["methods"]["occlusion"]["share"][k], b["methods"]["occlusion"]["share"][k], strict=True
            )
        ]
        assert row["methods"]["occlusion"]["diff"] == pytest.approx(want, abs=1e-6)


def test_values_read_the_named_model_s_panel(compared):
    _, page, records = compared
    numbers = re.findall(r'<span class="ecco-value">([^<]*)</span>', page)
    want = [
        f"{records[m]['result']['methods']['occlusion']['share'][0][0] * 100:.1f}%" for m in ("tiny", "other")
    ]
    half = saliency_distance.reach(saliency_distance.profile(records["other"]["result"], "occlusion"))
    assert numbers == [*want, str(half)]  # the distance chart's number, read like a result's


def test_a_value_of_a_model_the_figure_does_not_show_is_an_error(make_site):
    body = ":::{generate}\n:prompt: x\n:label: fig-g\n:::\n\n{value}`fig-g@tiny:/steps/0/p:percent`\n"
    found = problems(make_site, body)
    assert found == ['articles/a.md:9: {value}: fig-g shows one model; drop "@tiny"']


def test_the_distance_chart_and_its_text_name_each_model(compared):
    _, page, _ = compared
    text = re.search(r'<div class="ecco-distance">.*?</div>', page, re.S).group(0)
    assert "<svg" in text and "<strong>tiny</strong>: " in text and "<strong>other</strong>: " in text


def test_the_embed_snippet_and_page_of_a_comparison(compared):
    root, page, _ = compared
    site = root / "_site"
    snippet = re.search(r'<textarea id="fig-c-embed-component"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    src = re.search(r"&lt;ecco-compare src=&#34;([^&]*)&#34;", snippet) or re.search(
        r"&lt;ecco-compare src=&quot;([^&]*)&quot;", snippet
    )
    assert src, snippet
    name = src.group(1).rsplit("/", 1)[1]
    record = json.loads((site / "data" / name).read_text())
    assert [p["model"] for p in record["panels"]] == ["tiny", "other"]
    assert all((site / "data" / p["src"]).is_file() for p in record["panels"])
    assert record["differences"][0]["b"] == "other"
    embed = (site / "embed" / "c" / "fig-c.html").read_text()
    assert "components/ecco-compare.js" in embed and "components/ecco-saliency.js" in embed
    assert embed.count('<section class="ecco-panel"') == 2


def test_two_aliases_of_one_model_share_its_job_and_keep_their_names(models, tmp_path):
    text = FIGURE.format(model=":models: [tiny, twin]", second="twin")
    root = write_site(tmp_path / "site", {"c.md": text}, {**models, "twin": models["tiny"]})
    result = build(root)
    assert result.computed == 1  # one model, one job, however many aliases name it
    page = (root / "_site" / "c" / "index.html").read_text()
    assert re.findall(r'<section class="ecco-panel" data-model="([^"]+)"', page) == ["tiny", "twin"]
    assert re.findall(r"<dt>Model</dt><dd>(\w+) \(", page) == ["tiny", "twin"]
