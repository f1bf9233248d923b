"""The data store serves a file only after it matches its kind's result shape; anything else
is reported with its file and recomputed, or, without the model, named in the error."""

import json
import logging
from pathlib import Path

import pytest

from ecco_build.build import build, check
from ecco_build.config import load_config
from ecco_build.errors import ArticleErrors, EccoBuildError, ModelLoadError
from ecco_build.models import loader
from ecco_build.plan import Job, plan
from ecco_build.store import DataStore, dumps
from ecco_build.validate import validate

ROOT = Path(__file__).parent.parent

ARTICLE = """
---
title: One figure
---
:::{generate}
:prompt: def area(width, height):
:max_new_tokens: 4
:::
"""


def committed_generate() -> dict:
    for path in sorted((ROOT / "data").glob("generate-*.json")):
        return json.loads(path.read_text())
    raise AssertionError("the example site has no generate result")


def stored(tmp_path: Path, data: dict | str | bytes, key: str = "ab" * 32) -> tuple[DataStore, Job]:
    """A store in tmp_path/data holding `data` as the file of a generate job (with data's key)."""
    key = data["key"] if isinstance(data, dict) else key
    job = Job(key, "generate", None, {}, {})  # type: ignore[arg-type]
    store = DataStore(tmp_path / "data")
    store.folder.mkdir()
    if isinstance(data, dict):
        data = dumps(data)
    if isinstance(data, str):
        data = data.encode()
    store.path(job).write_bytes(data)
    return store, job


def test_a_valid_file_is_served(tmp_path):
    data = committed_generate()
    store, job = stored(tmp_path, data)
    assert store.load(job) == data
    assert store.rejected == {}


def test_a_malformed_result_is_reported_and_not_served(tmp_path, caplog):
    data = committed_generate()
    data["result"]["steps"][0]["p"] = None  # a NaN, as the store writes it
    store, job = stored(tmp_path, data)
    with caplog.at_level(logging.WARNING):
        assert store.load(job) is None
    reason = (
        f"data/{job.filename} does not match the generate result shape: "
        "result.steps[0].p must be a number, not null"
    )
    assert caplog.messages == [f"{reason}; recomputing it"]
    assert store.rejected == {job.key: reason}


def test_the_warning_names_the_first_three_problems(tmp_path, caplog):
    data = committed_generate()
    for step in data["result"]["steps"][:5]:
        step["p"] = "high"
    store, job = stored(tmp_path, data)
    assert store.load(job) is None
    assert caplog.messages == [
        f"data/{job.filename} does not match the generate result shape: "
        "result.steps[0].p must be a number, not a string; "
        "result.steps[1].p must be a number, not a string; "
        "result.steps[2].p must be a number, not a string (and more); recomputing it"
    ]


@pytest.mark.parametrize(
    "content",
    [
        '{"key": ' + "1" * 5000 + "}",  # past Python's integer digit limit (a ValueError)
        "[" * 100_000 + "]" * 100_000,  # deeper than the parser's stack (a RecursionError)
        b'{"key": "\xff"}',  # not UTF-8
        '{"key": "ab',  # truncated
    ],
    ids=["huge-integer", "deep-nesting", "bad-utf8", "truncated"],
)
def test_unreadable_json_is_corrupt_not_a_traceback(tmp_path, caplog, content):
    store, job = stored(tmp_path, content)
    assert store.load(job) is None
    assert caplog.messages[0].startswith(f"data/{job.filename} is corrupt (")
    assert caplog.messages[0].endswith("); recomputing it")
    assert len(caplog.messages[0]) < 400  # the exception's text is clipped


def test_an_unreadable_file_is_reported(tmp_path, caplog, monkeypatch):
    store, job = stored(tmp_path, committed_generate())

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", denied)
    assert store.load(job) is None
    reason = f"data/{job.filename} cannot be read (Permission denied)"
    assert caplog.messages == [f"{reason}; recomputing it"]
    assert store.rejected == {job.key: reason}


def test_a_nan_literal_is_not_trusted(tmp_path, caplog):
    data = committed_generate()
    data["result"]["steps"][1]["p"] = 12345.0
    text = dumps(data).replace("12345.0", "NaN")  # Python's json reads NaN; JSON has none
    store, job = stored(tmp_path, text, data["key"])
    assert store.load(job) is None
    assert "result.steps[1].p must be a finite number, not NaN; recomputing it" in caplog.messages[0]


@pytest.fixture
def built(make_site):
    site = make_site({"a.md": ARTICLE})
    build(site)
    (path,) = (site / "data").glob("generate-*.json")
    return site, path


def drop_last_step(path: Path) -> str:
    """Damage a data file in shape only: valid JSON, right key, one step short. Returns the
    problem the store reports."""
    data = json.loads(path.read_text())
    result = data["result"]
    result["steps"].pop()
    path.write_text(dumps(data))
    generated = len(result["tokens"]) - result["prompt_length"]
    return (
        f"result.steps has {generated - 1} items but result.tokens has {generated} "
        f"after the prompt_length of {result['prompt_length']}"
    )


def test_a_malformed_result_is_recomputed_by_the_next_build(built, caplog):
    site, path = built
    original = json.loads(path.read_text())
    problem = drop_last_step(path)
    result = build(site)
    assert (result.computed, result.reused) == (1, 0)
    assert f"data/{path.name} does not match the generate result shape: {problem}; recomputing it" in (
        caplog.messages
    )
    recomputed = json.loads(path.read_text())
    del recomputed["provenance"], original["provenance"]  # compute time differs
    assert recomputed == original
    assert build(site).reused == 1


def test_a_malformed_result_without_its_model_fails_naming_the_file(built, monkeypatch):
    site, path = built
    problem = drop_last_step(path)

    def unavailable(ref, device):  # e.g. a Hub model with no network
        raise ModelLoadError(f'model "{ref.alias}": cannot load it (no network)')

    monkeypatch.setattr(loader, "load", unavailable)
    before = (site / "_site" / "a" / "index.html").read_text()
    with pytest.raises(ModelLoadError) as exc:
        build(site)
    assert str(exc.value) == (
        f"articles/a.md:4: 1 data file(s) cannot be used (data/{path.name} does not match the generate "
        f'result shape: {problem}) and model "tiny": cannot load it (no network)'
    )
    assert (site / "_site" / "a" / "index.html").read_text() == before


def test_a_computed_result_that_is_not_usable_is_a_located_error(make_site, monkeypatch):
    """A model that yields NaN (a float16 overflow, say) fails at its directive instead of
    storing a file that every later build would reject and recompute."""
    from ecco_build.analyses import generate

    real = generate.compute

    def overflowing(lm, options):
        result = real(lm, options)
        result["steps"][0]["p"] = float("nan")
        return result

    monkeypatch.setattr(generate, "compute", overflowing)
    site = make_site({"a.md": ARTICLE})
    with pytest.raises(EccoBuildError) as exc:
        build(site)
    assert str(exc.value) == (
        'articles/a.md:4: the generate result computed with model "tiny" is not usable '
        "(result.steps[0].p must be a number, not null); if the model runs in float16 or "
        'bfloat16, try dtype = "float32" in site.toml'
    )
    assert not list((site / "data").glob("*.json"))


def test_a_data_folder_that_cannot_be_written_is_a_located_error(make_site):
    site = make_site({"a.md": ARTICLE})
    (site / "data").write_text("a file where the data folder should be\n")
    with pytest.raises(ArticleErrors) as exc:
        check(site)  # known before any model loads
    assert str(exc.value) == (
        'site.toml:1: data folder "data" is a file, not a folder; move it away (results are stored '
        "in this folder)\n1 error; nothing was built."
    )
    (site / "data").unlink()
    (site / "data").mkdir()
    job = next(iter(plan(validate(load_config(site))).jobs.values()))
    (site / "data" / job.filename).mkdir()  # a folder where the result file should go
    with pytest.raises(EccoBuildError) as exc:
        build(site)
    assert str(exc.value) == (
        f"articles/a.md:4: cannot write data/{job.filename}: Is a directory; the data folder must be "
        "a writable folder (computed results are stored there, to be committed)"
    )


def test_a_data_file_linked_from_outside_the_site_is_not_served(built, tmp_path, caplog):
    site, path = built
    outside = tmp_path / "elsewhere.json"
    outside.write_text(path.read_text())  # a valid result, but not the site's own file
    before = outside.read_bytes()
    path.unlink()
    path.symlink_to(outside)
    result = build(site)
    assert result.computed == 1
    assert (
        f"data/{path.name} cannot be used: it resolves to {outside.resolve()}, outside the site "
        "folder; copy it into the site instead; recomputing it"
    ) in caplog.messages
    assert not path.is_symlink() and outside.read_bytes() == before  # the new file replaced the link
