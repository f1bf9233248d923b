"""Directive options as a careless or hostile author writes them: typed, finite, bounded, each
declared once per kind; every failure is `path:line`."""

import time
from dataclasses import replace

import pytest
import torch

from ecco_build.analyses import sequence
from ecco_build.build import check
from ecco_build.errors import ArticleErrors
from ecco_build.kinds.registry import KINDS
from ecco_build.kinds.schema import Option, OptionError, parse_layers

HEAD = "---\ntitle: A\n---\n"


def errors(site) -> list[str]:
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_option_name_is_declared_once_per_kind(kind):
    names = [o.name for o in KINDS[kind].options]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_layer_predictions_top_k_is_the_candidate_count_and_sampling_has_its_own():
    options = KINDS["layer-predictions"].option_map
    assert options["top_k"].default == 10 and options["top_k"].doc == "Candidates shown per layer."
    assert options["sample_top_k"].default == 0


def test_sampling_reads_sample_top_k_where_top_k_is_the_candidate_count():
    """A candidate count of 1 must not turn sampling into greedy decoding."""
    logits = torch.zeros(50)  # (vocab,): token 7 a little more likely than the others
    logits[7] = 0.5
    kind = KINDS["layer-predictions"]
    options = kind.record_of(kind.defaults(do_sample=True, top_k=1))
    generator = torch.Generator().manual_seed(0)
    picks = {sequence.pick_next(logits, options, generator) for _ in range(20)}
    assert len(picks) > 1
    options = replace(options, sample_top_k=1)
    assert {sequence.pick_next(logits, options, generator) for _ in range(5)} == {7}


def test_tags_dates_and_surrogates_in_option_lines_and_blocks(make_site):
    text = (
        HEAD
        + ":::{generate}\n:prompt: hi\n:max_new_tokens: !!int x\n:::\n\n"
        + ":::{layer-predictions}\n:prompt: hi\n:position: 2026-13-45\n:::\n\n"
        + ':::{generate}\n:prompt: "\\ud800"\n:::\n\n'
        + ":::{generate}\n---\nprompt: hi\ntemperature: !!float nope\n---\n:::\n\n"
        + ":::{generate}\n---\nprompt: hi\nseed: 2026-02-30\n---\n:::\n"
    )
    assert errors(make_site({"a.md": text})) == [
        "articles/a.md:6: max_new_tokens has x, which YAML cannot read as !!int "
        "(invalid literal for int() with base 10: 'x')",
        "articles/a.md:11: position has 2026-13-45, which is not a date (month must be in 1..12); "
        "write dates as YYYY-MM-DD",
        "articles/a.md:15: prompt has the lone surrogate \\ud800, half of a UTF-16 pair and not a character; "
        "write the character itself",
        "articles/a.md:21: the option block has nope, which YAML cannot read as !!float "
        "(could not convert string to float: 'nope')",
        "articles/a.md:28: the option block has 2026-02-30, which is not a date "
        "(day is out of range for month); write dates as YYYY-MM-DD",
    ]


def test_option_block_refuses_aliases_and_duplicate_keys(make_site):
    bomb = "\n".join(
        ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        + [
            f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ]
    )
    text = (
        HEAD
        + f":::{{generate}}\n---\nprompt: hi\n{bomb}\nlabel: *i\n---\n:::\n\n"
        + ":::{generate}\n---\nprompt: hi\nmax_new_tokens: 2\nprompt: ho\n---\n:::\n\n"
        + ":::{generate}\n---\nprompt: hi\nmax-new-tokens: 2\nmax_new_tokens: 3\n---\n:::\n"
    )
    start = time.perf_counter()
    found = errors(make_site({"a.md": text}))
    assert time.perf_counter() - start < 10
    assert found == [
        "articles/a.md:7: the option block uses an anchor (&a); YAML anchors and aliases are not supported "
        "here: write each value out",
        'articles/a.md:24: the option block gives the key "prompt" twice (lines 22 and 24); YAML would keep '
        "only the last: remove one",
        "articles/a.md:32: option max_new_tokens is given twice (lines 31 and 32); keep one",
    ]


def test_floats_must_be_finite(make_site):
    text = (
        HEAD
        + ":::{generate}\n:prompt: hi\n:top_p: .nan\n:::\n\n"
        + ":::{saliency}\n:prompt: hi\n:tolerance: .NaN\n:::\n\n"
        + ":::{generate}\n---\nprompt: hi\ndo_sample: true\ntemperature: .nan\n---\n:::\n\n"
        + ":::{generate}\n:prompt: hi\n:temperature: -.inf\n:::\n"
    )
    assert errors(make_site({"a.md": text})) == [
        "articles/a.md:6: top_p must be a finite number, not nan",
        "articles/a.md:11: tolerance must be a finite number, not nan",
        "articles/a.md:18: temperature must be a finite number, not nan",
        "articles/a.md:24: temperature must be a finite number, not -inf",
    ]


def test_seed_is_bounded_by_what_sampling_accepts(make_site):
    text = HEAD + ":::{generate}\n:prompt: hi\n:seed: 99999999999999999999999\n:::\n"
    assert errors(make_site({"a.md": text})) == [
        "articles/a.md:6: seed must be at most 4294967295, not 99999999999999999999999"
    ]
    seed = KINDS["generate"].option_map["seed"]
    assert seed.from_text("4294967295") == 2**32 - 1
    torch.Generator().manual_seed(seed.maximum)  # the largest seed allowed is one torch takes


def test_huge_layer_range_is_refused_at_check_without_expanding_it(make_site):
    text = HEAD + ":::{factors}\n:prompt: hi\n:layers: 0-99999999999\n:::\n"
    assert errors(make_site({"a.md": text})) == [
        "articles/a.md:4: :layers: 0-99999999999 is not within this model's layers; it has 2 layers, 0 to 1"
    ]


def test_parse_layers_checks_ranges_arithmetically():
    start = time.perf_counter()
    with pytest.raises(ValueError, match="it has 12 layers, 0 to 11$"):
        parse_layers("0-" + "9" * 100, 12)
    assert time.perf_counter() - start < 0.1
    assert parse_layers("2-4", 12) == [2, 3, 4] and parse_layers(3, 12) == [3]
    assert parse_layers([4, 1, 4], 12) == [1, 4] and parse_layers("all", 3) == [0, 1, 2]
    with pytest.raises(
        ValueError, match=r"^:layers: \[12, 99\] are not layers of this model; it has 12 layers"
    ):
        parse_layers([0, 99, 12], 12)


@pytest.mark.parametrize("text", ["²-3", "3-1", "-1", "1-2-3", "0x1-2", "0-" + "9" * 101])
def test_layer_text_that_is_not_a_range_is_an_option_error(text):
    layers = KINDS["factors"].option_map["layers"]
    with pytest.raises(OptionError, match='^layers must be "all", a layer number, a range like 0-5'):
        layers.from_text(text)


def test_echoed_option_values_are_clipped():
    option = Option("width", "choice", "body", "Layout.", ("body", "page"))
    with pytest.raises(OptionError) as exc:
        option.from_text("x" * 1000)
    assert (
        str(exc.value)
        == '"' + "x" * 200 + '… (1000 characters)" is not a valid width; choose one of: body, page'
    )
    number = Option("n", int, 1, "A count.")
    with pytest.raises(OptionError) as exc:
        number.check([1] * 10_000)
    assert str(exc.value) == "n must be an integer, not a list of 10000 items"


def test_an_empty_watch_list_is_an_error(make_site):
    site = make_site({"a.md": HEAD + ":::{rankings-watch}\n:prompt: x = [1\n:watch: []\n:::\n"})
    assert errors(site) == [
        'articles/a.md:6: watch must be a list of one or more strings, like [" is", " are"]'
    ]
