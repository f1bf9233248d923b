"""Signed factors (PCA, ICA) factor how activations vary across tokens: a text with no variation
(one token, or identical activations) is a clean error at the directive, never a traceback or NaN."""

import numpy as np
import pytest

from ecco_build.analyses import factors
from ecco_build.build import check
from ecco_build.errors import ArticleErrors, EccoBuildError
from ecco_build.kinds.factors import one_token_problem
from ecco_build.kinds.registry import KINDS

KIND = KINDS["factors"]


def block(acts: np.ndarray, **changes) -> dict:
    return factors.factor_block(acts.astype(np.float32), [0], KIND.record_of(KIND.defaults(**changes)))


@pytest.mark.parametrize("method", ["pca", "ica"])
def test_one_token_is_a_clean_error_at_the_directive(make_site, method):
    """check knows it from the tokenizer, before any model loads; the analysis says the same
    when generation ends the text early."""
    text = f"---\ntitle: A\n---\nText.\n\n:::{{factors}}\n:prompt: a\n:method: {method}\n:::\n"
    site = make_site({"a.md": text})
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    assert [str(p) for p in exc.value.problems] == [
        f"articles/a.md:6: :method: {method} factors how activations vary from token to token, and the "
        "text is 1 token; give a longer prompt (or :max_new_tokens:), or use :method: nmf"
    ]
    assert factors._nothing_varies(method, [0], 1) == one_token_problem(method)


@pytest.mark.parametrize("method", ["pca", "ica"])
@pytest.mark.parametrize("components", [8, "auto"])
def test_activations_that_do_not_vary_are_a_clean_error(method, components):
    with pytest.raises(EccoBuildError) as exc:
        block(np.full((1, 16, 3), 0.7), method=method, components=components)
    assert str(exc.value) == (
        f":method: {method} factors how activations vary from token to token, and in layer 0 they do not "
        "vary over these 3 tokens; give a more varied prompt, or use :method: nmf"
    )


@pytest.mark.parametrize("method", ["pca", "ica"])
def test_components_are_limited_to_the_variation_there_is(method):
    """Four tokens, two of them repeated: one direction of variation, so one finite factor."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 1, 16, 1))
    result = block(np.concatenate([a, b, a, b], axis=-1), method=method, components=3)
    h = np.array(result["factors"])  # (k, positions)
    assert result["components"] == 1 and h.shape == (1, 4)
    assert np.isfinite(h).all() and np.isfinite(result["error"])
    assert h[0, 0] == pytest.approx(h[0, 2], abs=1e-4) and h[0, 0] != pytest.approx(h[0, 1], abs=1e-3)


def test_nmf_on_one_token_still_works():
    result = block(np.abs(np.random.default_rng(1).normal(size=(1, 16, 1))), method="nmf", components=8)
    assert result["components"] == 1 and np.isfinite(result["factors"]).all()
