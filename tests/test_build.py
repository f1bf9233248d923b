"""End to end: articles → jobs → JSON → pages, on tiny GPT-2 and Llama models."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from ecco_build.build import build
from ecco_build.errors import ArticleErrors, ModelLoadError
from ecco_build.kinds.registry import KINDS
from ecco_build.kinds.tokens import flow
from ecco_build.models import loader
from ecco_build.render import figures, pages

ARTICLE = """
---
title: Two models
date: 2026-03-01
---
## Intro

:::{generate}
:model: gpt
:prompt: |
    def area(width, height):
        return width
:max_new_tokens: 5
GPT-2 continues.
:::

:::{generate}
:model: llama
:prompt: The capital of France is
:max_new_tokens: 4
:label: fig-llama
Llama continues.
:::

:::{generate}
:model: gpt
:prompt: |
    def area(width, height):
        return width
:max_new_tokens: 5
:width: page
The same result again: it shares one job with the first figure.
:::
"""

HOSTILE = """
---
title: Hostile <b>title</b>
---
:::{generate}
:prompt: "<script>alert(1)</script> <img src=x onerror=alert(2)>"
:max_new_tokens: 3
:::
"""


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def two_model_site(make_site):
    return make_site({"two.md": ARTICLE}, models={"gpt": "gpt2", "llama": "llama"})


def test_end_to_end_two_families(two_model_site):
    result = build(two_model_site)
    assert (result.computed, result.reused) == (2, 0)
    assert sorted(result.models_loaded) == ["gpt", "llama"]
    files = sorted((two_model_site / "data").glob("*.json"))
    assert len(files) == 2  # identical directives share one file
    for path in files:
        data = json.loads(path.read_text())
        assert set(data) == {"kind", "version", "key", "model", "options", "provenance", "result"}
        assert data["kind"] == "generate" and data["version"] == 1
        assert data["model"]["type"] in ("gpt2", "llama")
        assert data["model"]["fingerprint"].startswith("sha256:")
        result_ = data["result"]
        steps = result_["steps"]
        assert 1 <= len(steps) == len(result_["tokens"]) - result_["prompt_length"]
        for step in steps:
            assert 0 <= step["p"] <= 1
            ps = [c["p"] for c in step["candidates"]]
            assert ps == sorted(ps, reverse=True) and len(ps) == 10
            assert all(isinstance(c["id"], int) and isinstance(c["text"], str) for c in step["candidates"])
        # Greedy decoding takes the most likely candidate at every step.
        outputs = result_["tokens"][result_["prompt_length"] :]
        assert [s["candidates"][0]["id"] for s in steps] == [t["id"] for t in outputs]
        assert "".join(t["text"] for t in outputs) == result_["text"]
    page = (two_model_site / "_site" / "two" / "index.html").read_text()
    assert page.count("<ecco-generate") == 3
    assert 'id="fig-llama"' in page and 'class="ecco-figure l-page"' in page
    assert '<script type="module" src="../static/js/components/ecco-generate.js">' in page
    gpt = json.loads(next(p for p in files if '"type":"gpt2"' in p.read_text()).read_text())
    prompt = gpt["result"]["tokens"][: gpt["result"]["prompt_length"]]
    for token in prompt:  # the static fallback: each prompt token in its running form
        parts = [escape(part) for part in flow(token["text"]).split("\n")]
        running = '<span class="ecco-nl">⏎</span>\n'.join(parts)
        assert f'<span class="ecco-token prompt">{running}</span>' in page
    index = (two_model_site / "_site" / "index.html").read_text()
    assert 'href="two/index.html"' in index and "Two models" in index
    assert (two_model_site / "_site" / "static" / "js" / "components" / "ecco-generate.js").is_file()


def test_rebuild_with_all_results_loads_no_model(two_model_site, monkeypatch):
    build(two_model_site)

    def forbidden(*args, **kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(loader, "load", forbidden)
    result = build(two_model_site)
    assert (result.computed, result.reused, result.models_loaded) == (0, 2, ())


def test_corrupt_or_foreign_data_is_recomputed(two_model_site, caplog):
    build(two_model_site)
    first, second = sorted((two_model_site / "data").glob("*.json"))
    good = first.read_text()
    first.write_text(good[: len(good) // 2])  # truncated
    data = json.loads(second.read_text())
    data["key"] = "0" * 64
    second.write_text(json.dumps(data))  # someone else's result under this name
    result = build(two_model_site)
    assert result.computed == 2
    recomputed, original = json.loads(first.read_text()), json.loads(good)
    del recomputed["provenance"], original["provenance"]  # compute time differs
    assert recomputed == original
    assert "is corrupt" in caplog.text and "does not hold the result for its key" in caplog.text


def test_recompute_flag(two_model_site):
    build(two_model_site)
    assert build(two_model_site, recompute=True).computed == 2


def test_failed_render_leaves_previous_site_intact(two_model_site, monkeypatch):
    build(two_model_site)
    out = two_model_site / "_site"
    before = tree_digest(out)
    (two_model_site / "articles" / "two.md").write_text(ARTICLE.replace("## Intro", "## Changed").lstrip())

    def broken_index(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pages.Renderer, "index", broken_index)
    with pytest.raises(OSError, match="disk full"):
        build(two_model_site)
    assert tree_digest(out) == before
    assert [p.name for p in two_model_site.iterdir() if p.name.startswith(".")] == []


def test_failed_validation_and_model_errors_leave_site_intact(two_model_site, tmp_path):
    build(two_model_site)
    out = two_model_site / "_site"
    before = tree_digest(out)
    (two_model_site / "articles" / "bad.md").write_text(
        "---\ntitle: Bad\n---\n:::{generate}\n:prompt: x\n:top_p: 2\n:::\n"
    )
    with pytest.raises(ArticleErrors, match=r"articles/bad.md:6: top_p must be at most 1, not 2"):
        build(two_model_site)
    assert tree_digest(out) == before
    # A result that must be computed with a model that fails to load names the figure.
    (two_model_site / "articles" / "bad.md").write_text(
        "---\ntitle: Bad\n---\n:::{generate}\n:model: gpt\n:prompt: new text\n:::\n"
    )
    config_text = (two_model_site / "site.toml").read_text()
    gpt_folder = Path(config_text.split('[models.gpt]\nsource = "')[1].split('"')[0])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((gpt_folder / "config.json").read_text())
    (two_model_site / "site.toml").write_text(config_text.replace(str(gpt_folder), str(broken)))
    with pytest.raises(ModelLoadError) as exc:
        build(two_model_site)
    message = str(exc.value)
    assert message.startswith(
        "articles/bad.md:4, articles/two.md:7, articles/two.md:24: 2 result(s) are not in the data folder"
    )
    assert 'model "gpt": cannot load' in message
    assert tree_digest(out) == before


def test_hostile_text_is_escaped(make_site):
    site = make_site({"h.md": HOSTILE})
    build(site)
    page = (site / "_site" / "h" / "index.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>title" not in page
    assert "&lt;script&gt;" in page or "&lt;" in page
    payload = page.split('<script type="application/json">')[1].split("</script>")[0]
    assert "<" not in payload and ">" not in payload  # nothing can close the script element
    assert json.loads(payload)["options"]["prompt"].startswith("<script>alert(1)</script>")


def test_large_results_are_fetched_not_inlined(make_site, monkeypatch):
    monkeypatch.setattr(figures, "INLINE_LIMIT", 10)
    site = make_site({"a.md": "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n"})
    build(site)
    page = (site / "_site" / "a" / "index.html").read_text()
    [name] = [p.name for p in (site / "data").glob("*.json")]
    assert f'data-src="../data/{name}"' in page and 'type="application/json"' not in page
    stored = json.loads((site / "data" / name).read_text())
    assert json.loads((site / "_site" / "data" / name).read_text()) == KINDS["generate"].page_form(stored)


def test_stale_data_warns_and_strict_fails(make_site):
    site = make_site(
        {"a.md": "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n"},
        extra='base_url = "https://example.test/site/"',
    )
    build(site)
    (site / "data" / "generate-old.json").write_text("{}")
    assert build(site).warnings == (
        "1 file(s) in data/ belong to no directive: generate-old.json (delete them)",
    )
    from ecco_build.errors import EccoBuildError

    with pytest.raises(EccoBuildError, match="--strict: warnings are errors"):
        build(site, strict=True)


PROSE = "---\ntitle: {title}\n---\nSome prose.\n\n![A picture](pic.png)\n"


def test_unchanged_articles_are_copied_not_rendered(make_site, monkeypatch):
    """A prose edit renders that article alone; the site equals a build from scratch; a
    template, linked file or result change renders what depends on it."""
    site = make_site(
        {
            "a.md": PROSE.format(title="A"),
            "b.md": PROSE.format(title="B"),
            "c.md": "---\ntitle: C\n---\n:::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n",
        }
    )
    (site / "articles" / "pic.png").write_bytes(b"\x89PNG one")
    monkeypatch.setattr(figures, "INLINE_LIMIT", 10)  # c's result lives in _site/data/
    rendered = []
    original = pages.Renderer.article
    monkeypatch.setattr(
        pages.Renderer, "article", lambda self, a, **kw: rendered.append(a.path) or original(self, a, **kw)
    )
    assert build(site).rendered == 3
    rendered.clear()
    result = build(site)
    assert (result.rendered, rendered) == (0, [])
    assert list((site / "_site" / "data").glob("*.json"))  # c's fetched result was carried over

    (site / "articles" / "a.md").write_text(PROSE.format(title="A") + "\nOne more sentence.\n")
    assert build(site).rendered == 1 and rendered == ["articles/a.md"]
    incremental = tree_digest(site / "_site")
    fresh = build(site, out=site / "fresh")
    assert fresh.rendered == 3
    assert incremental == tree_digest(site / "fresh")

    rendered.clear()
    (site / "articles" / "pic.png").write_bytes(b"\x89PNG two")  # linked by a and b
    assert build(site).rendered == 2 and sorted(rendered) == ["articles/a.md", "articles/b.md"]
    assert (site / "_site" / "a" / "pic.png").read_bytes() == b"\x89PNG two"

    rendered.clear()
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "callout.html").write_text("{{ body }}")  # any template: every page
    assert build(site).rendered == 3

    rendered.clear()
    shutil.rmtree(site / "_site" / "b")  # a damaged output folder is rendered again
    assert build(site).rendered == 1 and rendered == ["articles/b.md"]
