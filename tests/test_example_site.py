"""The example site: it builds from committed results with no model, and recomputing one
directive per article with the real models reproduces the committed JSON."""

import json
import math
from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.config import load_config
from ecco_build.models import loader
from ecco_build.plan import plan
from ecco_build.run import compute_job
from ecco_build.validate import validate

ROOT = Path(__file__).parent.parent


def test_example_site_builds_from_committed_data(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the example site needed a model: commit its data/ results")

    monkeypatch.setattr(loader, "load", forbidden)
    result = build(ROOT, out=tmp_path / "site", strict=True)
    assert result.computed == 0 and result.models_loaded == ()
    articles = sorted(p.parent.name for p in (tmp_path / "site").glob("*/index.html"))
    assert len(articles) >= 3
    for name in articles:
        page = (tmp_path / "site" / name / "index.html").read_text()
        assert "<figure" in page


def close(a, b, path="result"):
    """Equal structure and tokens; numbers equal to rounding (4 significant digits) or 1e-5."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=2e-3, abs_tol=1e-5), f"{path}: {a} != {b}"
    else:
        assert a == b, path


@pytest.mark.slow
def test_recomputing_one_directive_per_article_matches_committed_json():
    config = load_config(ROOT)
    validated = validate(config)
    assert not validated.problems
    jobs = plan(validated).jobs
    loaded = {}
    for article in validated.articles:
        job = jobs[(article.path, 1)]
        committed = json.loads((config.data_path / job.filename).read_text())
        if job.model.alias not in loaded:
            loaded[job.model.alias] = loader.load(job.model, "cpu")
        fresh = compute_job(job, loaded[job.model.alias], f"{article.path}:1")
        close(fresh["result"], committed["result"])
        assert fresh["key"] == committed["key"] and fresh["options"] == committed["options"]
