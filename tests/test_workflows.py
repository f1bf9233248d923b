"""The GitHub Pages workflows, exercised: the `run:` steps of the scaffolded site's workflow and
of this repository's own run in a fresh virtualenv, with the locally built wheel offered to pip
in place of the index (PIP_FIND_LINKS). They install ecco-build render-only (no torch, no
transformers, no scikit-learn, no numpy) and build the site from its committed results.

Slow: two fresh virtualenvs install ecco-build's base dependencies from the package index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ecco_build import __version__
from ecco_build.cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
PAGES_URL = "https://example.github.io/mysite"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
COMPUTE_STACK = ("torch", "transformers", "sklearn", "numpy", "safetensors")


def run_steps(workflow: Path) -> list[str]:
    """The shell of every `run:` step of the build job, in order, with the one expression a
    step may use (the Pages address from actions/configure-pages) filled in."""
    steps = yaml.safe_load(workflow.read_text())["jobs"]["build"]["steps"]
    ids = {s.get("id") for s in steps}
    assert "pages" in ids, f"{workflow}: no actions/configure-pages step with id: pages"
    runs = []
    for step in steps:
        if "run" not in step:
            continue
        shell = step["run"].replace("${{ steps.pages.outputs.base_url }}", PAGES_URL)
        leftover = EXPRESSION.findall(shell)
        assert not leftover, f"{workflow}: step {step.get('name')!r} uses {leftover}; teach this test"
        runs.append(shell)
    return runs


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    """This checkout built as a wheel, in a folder pip is pointed at."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)],
        check=True,
        capture_output=True,
    )
    assert [p.name for p in dist.glob("*.whl")] == [f"ecco_build-{__version__}-py3-none-any.whl"]
    return dist


def fresh_env(tmp_path: Path, wheels: Path) -> dict[str, str]:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    links = " ".join(filter(None, [str(wheels), os.environ.get("PIP_FIND_LINKS", "")]))
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", PIP_FIND_LINKS=links, VIRTUAL_ENV=str(venv))
    return env


def run_workflow(workflow: Path, site: Path, env: dict[str, str]) -> float:
    """Run the steps at the repository root as GitHub's runner would; returns the seconds."""
    start = time.perf_counter()
    for shell in run_steps(workflow):
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", shell], cwd=site, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{shell}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return time.perf_counter() - start


def assert_render_only(env: dict[str, str]) -> None:
    probe = f"import importlib.util as u; print([m for m in {COMPUTE_STACK!r} if u.find_spec(m)])"
    found = subprocess.run(["python", "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]", f"the render-only install brought in {found.stdout}"


def assert_published(site: Path) -> None:
    out = site / "_site"
    assert (out / "index.html").is_file()
    assert f"{PAGES_URL}/" in (out / "feed.xml").read_text()  # the address GitHub reported
    assert f"<loc>{PAGES_URL}/" in (out / "sitemap.xml").read_text()


def test_the_scaffolded_workflow_publishes_a_new_site_render_only(tmp_path, wheels):
    site = tmp_path / "mysite"
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(site)]).exit_code == 0
    computed = runner.invoke(main, ["build", str(site)])  # the writer's machine: computes and locks
    assert computed.exit_code == 0, computed.output
    shutil.rmtree(site / "_site")  # as committed: .gitignore leaves _site/ out
    env = fresh_env(tmp_path, wheels)
    seconds = run_workflow(site / ".github" / "workflows" / "pages.yml", site, env)
    assert_render_only(env)
    assert_published(site)
    print(f"scaffolded site: render-only install + check + build in {seconds:.1f} s")


def test_the_repository_workflow_publishes_the_example_site_render_only(tmp_path, wheels):
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    repo = tmp_path / "repo"
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    env = fresh_env(tmp_path, wheels)
    seconds = run_workflow(repo / ".github" / "workflows" / "pages.yml", repo, env)
    assert_render_only(env)
    assert_published(repo)
    print(f"example site: render-only install + check + build in {seconds:.1f} s")
