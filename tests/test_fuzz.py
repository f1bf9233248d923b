"""The fuzz harness of issue 13 §8 (tests/fuzz/): its fast subset, and tests of its own parts.

The fast subset runs 300 mutants of the seed site (mostly `check`, a share built from the
seed's precomputed results, a few through the CLI) and requires every one to end in a clean
success or a clean error. The full run is `python scripts/fuzz.py --count 2000 --seed 1`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz import detectors, harness, mutators, triage
from tests.fuzz.detectors import Places
from tests.fuzz.markup import scan

FAST_COUNT = 300
FAST_SEED = 13
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory, tiny_model_dir) -> harness.Base:
    return harness.prepare(tmp_path_factory.mktemp("fuzz"), tiny_model_dir["gpt2"])


def test_fast_subset_ends_in_clean_outcomes_only(base, tmp_path):
    indexes = range(FAST_COUNT)
    outcomes = harness.run(base, tmp_path, FAST_SEED, indexes, build_share=0.08, cli_share=0.015, focus=0.4)
    found = triage.causes(outcomes)
    assert not found, "\n" + triage.summary(outcomes, found, FAST_SEED)
    modes = {
        mode: sum(o.mode == mode for o in outcomes) for mode in ("check", "build", "cli-check", "cli-build")
    }
    assert (
        modes["check"] > FAST_COUNT / 2
        and modes["build"] >= 30
        and modes["cli-check"] + modes["cli-build"] >= 1
    )


def test_operators_are_many_named_and_documented():
    names = [op.__name__ for op in mutators.OPERATORS]
    assert len(names) >= 40 and len(set(names)) == len(names)
    assert all(op.__doc__ and op.__doc__.strip() for op in mutators.OPERATORS)
    assert mutators.SHOWN_BY_BUILD <= set(names)


def test_mutants_are_deterministic_and_compose(base):
    first, again = mutators.mutant(base.draft, 1, 42), mutators.mutant(base.draft, 1, 42)
    assert (first.files, first.links, first.ops) == (again.files, again.links, again.ops)
    counts = {len(mutators.mutant(base.draft, 1, i).ops) for i in range(60)}
    assert counts == {1, 2, 3}
    kept = mutators.mutant(base.draft, 1, 42, keep=first.ops[:1])
    assert kept.ops == first.ops[:1]


def test_the_seed_site_is_clean(base, tmp_path):
    worker = harness.Worker(tmp_path / "worker.log")
    try:
        outcome = harness.run_case(base, mutators.named(base.draft, (), 0, 0), 0, "build", tmp_path, worker)
    finally:
        worker.close()
    assert (outcome.status, outcome.findings) == (detectors.CLEAN_SUCCESS, ())


@pytest.mark.parametrize(
    ("markup", "rule"),
    [
        ("<math><mtext><script>alert(1)</script></mtext></math>", "<script> inside MathML <mtext>"),
        ("<math><mtext><img/src/onerror=alert(1)></mtext></math>", "onerror= on <img>"),
        ('<a href=" java\tscript:alert(1)">x</a>', "javascript: URL in href of <a>"),
        ('<a href="data:text/html,x">x</a>', "data: URL in href of <a>"),
        ('<svg><a xlink:href="javascript:x"></a></svg>', "javascript: URL in xlink:href of <a>"),
        ("<script>try{}</script>", "inline <script> 'try{}'"),
        ('<script type="application/json">{"a": "</script><script>x</script>', "inline <script> 'x'"),
        ('<script src="https://cdn.test/x.js"></script>', "<script src> that is not the theme's"),
        ('<script src="static/js/other.js"></script>', "<script src> that is not the theme's"),
        ("<iframe src=x></iframe>", "<iframe> element"),
        ('<base href="https://evil.test/">', "<base> element"),
        ('<meta http-equiv="refresh" content="0;url=x">', "<meta http-equiv=refresh>"),
        (
            '<content type="html">&lt;img src=x onerror=alert(1)&gt;</content>',
            "onerror= on <img> in an HTML feed entry",
        ),
    ],
)
def test_markup_detector_finds_what_a_browser_would_run(markup, rule):
    assert rule in [found for found, _ in scan(markup, "intro", {"static/js/theme.js"})]


def test_markup_detector_leaves_inert_markup_alone():
    page = (
        '<script type="module" src="../static/js/theme.js"></script>'
        '<script type="application/json">{"tokens": ["&lt;script&gt;"]}</script>'
        '<link rel="icon" href="data:image/svg+xml,%3Csvg%3E">'
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="mailto:a@b.test">m</a> <a href="../x/#y">r</a></p>'
        "<math><mtext>&lt;b&gt;</mtext><mi>x</mi></math>"
    )
    assert scan(page, "intro", {"static/js/theme.js"}) == []


def test_dead_link_detector_checks_local_files_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plot.png").write_bytes(b"x")
    links = '<a href="#here" id="here">ok</a> <img src="plot.png?v=2"> <a href="../a/index.html">self</a>'
    dead = '<a href="#missing">x</a> <img src="gone.png"> <a href="../../up.txt">y</a> <a href="https://x.test/">z</a>'
    (tmp_path / "a" / "index.html").write_text(links + dead)
    found = [(f.key, f.detail) for f in detectors.markup_findings(tmp_path)]
    assert found == [
        ("href of <a> to a missing #anchor", "a/index.html: #missing"),
        ("src of <img> to a missing file", "a/index.html: gone.png"),
        ("href of <a> to a missing file", "a/index.html: ../../up.txt"),
    ]


def test_error_detector_requires_path_and_line_on_every_problem(tmp_path):
    (tmp_path / "a.md").write_text("one\ntwo\n")
    clean = "a.md:2: something is wrong\n  with an indented detail\n2 errors; nothing was built."
    assert detectors.error_findings(clean, tmp_path) == []
    found = detectors.error_findings("a.md:2: fine\nno location here\na.md:9: past the end", tmp_path)
    assert [(f.cls, f.detail) for f in found] == [
        (detectors.UNLOCATED, "no location here"),
        (detectors.UNLOCATED, "a.md:9: past the end"),
    ]
    # a command-line option is its own location; a bare "output …" is not located
    assert detectors.error_findings("--out docs: it already holds files", tmp_path) == []
    assert detectors.error_findings("output docs: it already holds files", tmp_path)[0].cls == (
        detectors.UNLOCATED
    )
    [huge] = detectors.error_findings("a.md:1: " + "x" * 5000, tmp_path)
    assert huge.cls == detectors.HUGE_MESSAGE


def test_cli_outcomes_are_judged_like_in_process_ones(tmp_path):
    places = Places(str(tmp_path), str(tmp_path), str(tmp_path / "_site"), str(tmp_path / "data"), ())
    (tmp_path / "a.md").write_text("x\n")
    assert harness.judge_cli(1, "error: a.md:1: bad\n", places, "cli-check")[0] == detectors.CLEAN_ERROR
    assert harness.judge_cli(0, "", places, "cli-check")[0] == detectors.CLEAN_SUCCESS
    trace = 'Traceback (most recent call last):\n  File "x.py", line 1, in f\nValueError: no\n'
    status, _, [finding] = harness.judge_cli(1, trace, places, "cli-check")
    assert (status, finding.key) == (detectors.TRACEBACK, "ValueError in (no ecco_build frame)")
    status, _, [finding] = harness.judge_cli(2, "Usage: …", places, "cli-check")
    assert finding.key == "exit code 2 without an error message"


AUDIT_PROBE = """
import os, sys
from pathlib import Path
from tests.fuzz import audit, detectors
fence = Path(sys.argv[1])
(fence / "site").mkdir()
site = fence / "site"
places = detectors.Places(str(fence), str(site), str(site / "_site"), str(site / "data"), ())
with audit.recorder().recording(fence) as accesses:
    open("/etc/hostname").read()
    open(fence / "site" / "ok.txt", "w").write("x")
    try:
        open(fence.parent / "escaped.txt", "w")
    except PermissionError:
        print("blocked")
for finding in detectors.access_findings(accesses, places, building=True):
    print(finding.cls, "|", finding.detail)
"""


def test_audit_records_outside_reads_and_blocks_outside_writes(tmp_path):
    fence = tmp_path / "case"
    fence.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", AUDIT_PROBE, str(fence)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split("\n")[:-1] == [
        "blocked",
        f"{detectors.OUTSIDE_READ} | /etc/hostname",
        f"{detectors.OUTSIDE_WRITE} | {fence / 'site' / 'ok.txt'}",
        f"{detectors.OUTSIDE_WRITE} | {tmp_path / 'escaped.txt'}",
    ]
    assert not (tmp_path / "escaped.txt").exists()


def test_damage_detector_notices_deleted_and_changed_files(base, tmp_path):
    draft = mutators.named(base.draft, (), 0, 0)
    draft.write(tmp_path)
    files, links = draft.contents(tmp_path), draft.targets(tmp_path)
    (tmp_path / "site" / "site.toml").unlink()
    (tmp_path / "outside" / "secret.txt").write_text("changed")
    next(iter((tmp_path / "site" / "data").glob("*.json"))).write_text("{}")  # data may be rewritten
    found = detectors.damage_findings(files, links, tmp_path, set())
    assert sorted(f.key for f in found) == ["changed a file beside the site", "deleted site.toml"]
