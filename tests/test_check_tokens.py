"""`check` knows, from the tokenizer alone, what the analyses would refuse after the model loads:
a :position: that cannot exist and a :foil: that is not one token. Messages as the analyses say them."""

import pytest

from ecco_build.build import check
from ecco_build.errors import ArticleErrors
from ecco_build.kinds.options import position_problem as _position_problem
from ecco_build.models import loader, tokenizer

PROMPT = "The capital of France is"


def errors(site) -> list[str]:
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    return [str(p) for p in exc.value.problems]


def figure(kind: str, *options: str) -> str:
    return f":::{{{kind}}}\n:prompt: {PROMPT}\n" + "".join(f"{o}\n" for o in options) + ":::\n\n"


@pytest.fixture
def tiny(tiny_model_dir):
    folder = tiny_model_dir["gpt2"]
    ref = loader.ModelRef("tiny", str(folder), folder, None, "", "float32")
    return ref, tokenizer.count_tokens(ref, PROMPT)


def test_position_out_of_range_is_known_to_check(make_site, tiny):
    ref, n = tiny
    m = len(tokenizer.token_pieces(ref, " Paris."))
    body = (
        figure("layer-predictions", f":position: {n - 1}")  # line 4: the last prompt token
        + figure("layer-predictions", f":position: -{n}")  # line 9: the first
        + figure("layer-predictions", f":position: {n}")  # line 14: one past the prompt
        + figure("layer-predictions", f":position: -{n + 1}")  # line 19
        + figure("layer-predictions", ":target: ' Paris.'", f":position: {n + m - 1}")  # line 24: ok
        + figure("layer-predictions", ":target: ' Paris.'", f":position: {n + m}")  # line 30
        + figure("layer-predictions", ":max_new_tokens: 3", f":position: {n + 2}")  # line 36: may exist
        + figure("layer-predictions", ":max_new_tokens: 3", f":position: {n + 3}")  # line 42: cannot
        + figure("rankings-watch", ":watch: [' x']", f":position: {n}")  # line 48: prompt only
        + figure("rankings-watch", ":watch: [' x']", f":position: -{n}")  # line 54: ok
    )
    site = make_site({"a.md": "---\ntitle: A\n---\n" + body})
    back = f"or -1 to -{n} counting back from the end of the prompt"
    assert errors(site) == [
        f"articles/a.md:14: :position: {n} is outside the text (it has {n} tokens, {n} in the prompt); "
        f"use 0 to {n - 1}, {back}",
        f"articles/a.md:19: :position: -{n + 1} is outside the text (it has {n} tokens, {n} in the "
        f"prompt); use 0 to {n - 1}, {back}",
        f"articles/a.md:30: :position: {n + m} is outside the text (it has {n + m} tokens, {n} in the "
        f"prompt); use 0 to {n + m - 1}, {back}",
        f"articles/a.md:42: :position: {n + 3} is outside the text (the prompt has {n} tokens and at "
        f"most 3 are generated); use 0 to {n + 2}, {back}",
        f"articles/a.md:48: :position: {n} is outside the text (it has {n} tokens, {n} in the prompt); "
        f"use 0 to {n - 1}, {back}",
    ]


def test_multi_token_foil_is_known_to_check(make_site, tiny):
    ref, _ = tiny
    pieces = tokenizer.token_pieces(ref, " width height")
    site = make_site(
        {
            "a.md": "---\ntitle: A\n---\n"
            + figure("saliency", ":target: ' Paris'", ":foil: ' width height'")
            + figure("saliency", ":target: ' Paris'", ":foil: ' x'")
        }
    )
    assert errors(site) == [
        f"articles/a.md:4: :foil: ' width height' is {len(pieces)} tokens {pieces}, not one; "
        "choose a single token"
    ]


def test_long_watch_and_foil_are_clipped_in_messages(make_site):
    long = " width" * 400
    site = make_site(
        {
            "a.md": "---\ntitle: A\n---\n"
            + figure("saliency", ":target: ' Paris'", f":foil: '{long}'")
            + figure("rankings-watch", f":watch: ['{long}']")
        }
    )
    found = errors(site)
    assert [len(message) < 700 for message in found] == [True, True]
    assert found[0].startswith("articles/a.md:4: :foil: ' width width") and "(2400 characters)" in found[0]
    assert found[1].startswith("articles/a.md:10: :watch: ' width width") and "400 tokens" in found[1]


@pytest.mark.parametrize("family", ["gpt2", "llama"])
def test_check_counts_tokens_as_the_analyses_do(tiny_model_dir, family):
    """Both tokenizer styles (byte-level, and metaspace with a BOS token): the check's counts are
    the analyses' counts, and the positions the check allows are the ones the lens resolves."""
    from ecco_build.analyses import sequence
    from ecco_build.analyses.sequence import encode_prompt
    from ecco_build.errors import EccoBuildError

    folder = tiny_model_dir[family]
    ref = loader.ModelRef(family, str(folder), folder, None, "", "float32")
    lm = loader.load(ref, "cpu")
    for text in (PROMPT, "def area(width, height):\n    return", "naïve café ✓", " x"):
        n = tokenizer.count_tokens(ref, text)
        assert n == len(encode_prompt(lm, text))
        pieces = tokenizer.token_pieces(ref, text)
        assert len(pieces) == len(lm.tokenizer(text, add_special_tokens=False)["input_ids"])
        for position in (-n - 1, -n, -1, 0, n - 1, n):
            said = _position_problem(position, n, 0, exact=True)
            try:
                sequence.resolve_position(position, n, n)
                assert said is None
            except EccoBuildError as exc:
                assert said == str(exc)
