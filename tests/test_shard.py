"""`build --shard I/N` (issue 20): shares chosen by job key partition the jobs exactly, a shard
writes data/ only, and the shards' data folders merged by file name are one full build's."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

from ecco_build.build import build, build_shard
from ecco_build.cli import main
from ecco_build.config import load_config
from ecco_build.errors import EccoBuildError
from ecco_build.models import loader
from ecco_build.plan import plan
from ecco_build.shard import Shard, parse_shard
from ecco_build.validate import validate

ARTICLE = """
---
title: Shards
---
:::{generate}
:prompt: The cat sat on the
:max_new_tokens: 3
:::

:::{generate}
:prompt: The capital of France is
:max_new_tokens: 2
:::

:::{rankings}
:prompt: The keys to the cabinet
:::

:::{layer-predictions}
:prompt: The capital of France is
:::

:::{rankings-watch}
:prompt: The keys to the cabinet
:watch: [" is", " are"]
:first_token: true
:::

:::{generate}
:prompt: def area(width, height):
:max_new_tokens: 2
:::

:::{generate}
:prompt: The cat sat on the
:max_new_tokens: 3
The same job as the first figure.
:::
"""

# Provenance fields that differ between any two runs of the same job (timing and memory).
RUN_FIELDS = ("seconds", "peak_memory_mb")


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "x", "1/", "-1/2", "1/2/3", "", "2 of 4"])
def test_bad_shards_are_refused_with_what_to_write(text):
    with pytest.raises(EccoBuildError, match=r"give I/N.*1 ≤ I ≤ N"):
        parse_shard(text)


def test_good_shards_parse():
    assert parse_shard("2/4") == Shard(2, 4) and parse_shard(" 1 / 1 ") == Shard(1, 1)
    assert str(Shard(3, 7)) == "3/7"


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shares_partition_the_keys(count):
    keys = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(500)]
    shares = [{k for k in keys if Shard(i, count).takes(k)} for i in range(1, count + 1)]
    assert set().union(*shares) == set(keys)
    assert sum(len(s) for s in shares) == len(keys)  # pairwise disjoint
    if count > 1:
        assert all(shares), "every share gets some of 500 keys"
    # by key, not by order: the share of a key does not depend on the other keys
    assert {k for k in reversed(keys) if Shard(1, count).takes(k)} == shares[0]


def stripped(folder):
    """Every file of a data folder, with the per-run provenance fields removed."""
    found = {}
    for path in sorted(folder.iterdir()):
        data = json.loads(path.read_text())
        for name in RUN_FIELDS if "provenance" in data else ():
            data["provenance"].pop(name, None)
        found[path.name] = data
    return found


def test_merged_shards_are_one_full_build(make_site, tmp_path, monkeypatch):
    site = make_site({"shards.md": ARTICLE})
    pristine = tmp_path / "pristine"
    shutil.copytree(site, pristine)
    full = build(site)
    assert full.computed == 6  # seven figures, two of them one job
    jobs = {job.key for job in plan(validate(load_config(pristine))).jobs.values()}
    merged = tmp_path / "merged"
    taken = []
    for index in (1, 2, 3):
        copy = tmp_path / f"shard{index}"
        shutil.copytree(pristine, copy)
        result = build_shard(copy, Shard(index, 3))
        assert result.total == 6 and result.computed == result.jobs
        assert not (copy / "_site").exists()  # a shard renders nothing
        taken.append({json.loads(p.read_text())["key"] for p in (copy / "data").glob("*-*.json")})
        shutil.copytree(copy / "data", merged, dirs_exist_ok=True)  # the merge: copy by file name
    assert set().union(*taken) == jobs and sum(map(len, taken)) == len(jobs)
    assert len([t for t in taken if t]) >= 2  # the six jobs really were split
    assert stripped(merged) == stripped(site / "data")
    # the final build renders from the merged results without loading a model
    final = tmp_path / "final"
    shutil.copytree(pristine, final)
    shutil.copytree(merged, final / "data", dirs_exist_ok=True)
    monkeypatch.setattr(loader, "load", lambda *a, **k: pytest.fail("a model was loaded"))
    result = build(final)
    assert (result.computed, result.reused) == (0, 6)
    assert (final / "_site" / "shards" / "index.html").is_file()


def test_a_shard_reuses_what_is_stored(make_site):
    site = make_site({"shards.md": ARTICLE})
    first = build_shard(site, Shard(1, 1))
    assert (first.jobs, first.computed) == (6, 6)
    again = build_shard(site, Shard(1, 2))
    assert again.computed == 0 and again.reused == again.jobs


def test_cli_shard_errors_are_clean(make_site):
    site = make_site({"shards.md": ARTICLE})
    result = CliRunner().invoke(main, ["build", str(site), "--shard", "3/2"])
    assert result.exit_code == 1 and 'error: --shard "3/2": give I/N' in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["build", str(site), "--shard", "1/2", "--out", "x"])
    assert result.exit_code == 1 and "--out has nothing to do" in result.output
    assert not (site / "data").exists()


def test_cli_shard_computes_into_data_only(make_site):
    site = make_site({"shards.md": ARTICLE})
    result = CliRunner().invoke(main, ["build", str(site), "--shard", "1/1"])
    assert result.exit_code == 0, result.output
    assert "shard 1/1: 6 of 6 results are this shard's (0 reused, 6 computed" in result.output
    assert len(list((site / "data").glob("*-*.json"))) == 6 and not (site / "_site").exists()
