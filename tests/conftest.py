from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests import tiny_models


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> dict[str, Path]:
    """Folders of tiny random models, one per family, built once per test session."""
    root = tmp_path_factory.mktemp("models")
    return {family: tiny_models.build(family, root / family) for family in tiny_models.FAMILIES}


@pytest.fixture(scope="session")
def causal_models(tmp_path_factory):
    """Loaded tiny models of every supported causal family, built once per session."""
    from ecco_build.models import loader

    root = tmp_path_factory.mktemp("causal")
    loaded = {}
    for family in tiny_models.ALL_CAUSAL + tiny_models.ENCODERS:
        folder = tiny_models.build(family, root / family)
        loaded[family] = loader.load(loader.ModelRef(family, str(folder), folder, None, "", "float32"), "cpu")
    return loaded


def write_site(root: Path, articles: dict[str, str], models: dict[str, Path], extra: str = "") -> Path:
    """A site folder with the given articles (name → Markdown) and model aliases."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ['title = "Test site"']
    if models:
        lines.append(f'default_model = "{next(iter(models))}"')
    lines.append(extra)
    for alias, folder in models.items():
        lines += [f"[models.{alias}]", f'source = "{folder}"']
    (root / "site.toml").write_text("\n".join(lines) + "\n")
    (root / "articles").mkdir(exist_ok=True)
    for name, text in articles.items():
        (root / "articles" / name).write_text(textwrap.dedent(text).lstrip())
    return root


@pytest.fixture
def make_site(tmp_path, tiny_model_dir):
    def make(articles: dict[str, str], models: dict[str, str] | None = None, extra: str = "") -> Path:
        chosen = {alias: tiny_model_dir[family] for alias, family in (models or {"tiny": "gpt2"}).items()}
        return write_site(tmp_path / "site", articles, chosen, extra)

    return make


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """A skipped test is not a passing test: browser and real-weights tests must run."""
    if _skipped:
        print(f"\nerror: {len(_skipped)} test(s) were skipped: {', '.join(_skipped[:5])}")
        session.exitstatus = 1
