"""The output folder is ecco-build's alone: what a build may replace, and a swap that recovers."""

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecco_build import output
from ecco_build.build import build, check
from ecco_build.cli import main
from ecco_build.errors import OutputError
from tests.conftest import write_site

ROOT = Path(__file__).resolve().parent.parent
PROSE = "---\ntitle: Prose only\n---\nNo figures here, so no model is needed.\n"
ADVICE = "choose another output folder (--out, or out_dir in site.toml), such as _site"


def digest(folder: Path) -> dict[str, str]:
    """Every file and link under `folder` (the whole site, output included) by content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir"
    return found


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "repo" / "site", {"a.md": PROSE}, {})
    (root / "data").mkdir()
    (root / "data" / "keep.json").write_text("{}\n")
    (root / "templates").mkdir()
    (root / "static").mkdir()
    (root / "README.md").write_text("the user's own file\n")
    (tmp_path / "repo" / "beside.txt").write_text("a file beside the site\n")
    return root


def refused(site: Path, out: str, cwd: Path | None = None) -> str:
    """Run `ecco-build build SITE --out OUT` as a user would; it must fail and change nothing."""
    top = site.parent
    before = digest(top)
    old = Path.cwd()
    os.chdir(cwd or site)
    try:
        result = CliRunner().invoke(main, ["build", str(site), "--out", out])
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    assert digest(top) == before
    assert result.output.startswith("error: "), result.output
    return result.output.removeprefix("error: ").strip()


def test_out_dot_and_parent_are_refused(site):
    assert (
        refused(site, ".")
        == f"--out .: this folder holds the whole site (site.toml, articles, data); {ADVICE}"
    )
    assert (
        refused(site, "..")
        == f"--out ..: this folder holds the whole site (site.toml, articles, data); {ADVICE}"
    )


@pytest.mark.parametrize(
    "out, what, source",
    [
        ("articles", "would replace", "the articles folder"),
        ("data", "would replace", "the data folder"),
        ("templates", "would replace", "the site's templates"),
        ("static", "would replace", "the site's static files"),
        ("articles/_site", "lies inside", "the articles folder"),
        ("data/out", "lies inside", "the data folder"),
    ],
)
def test_sources_are_refused(site, out, what, source):
    message = refused(site, out)
    assert message.startswith(f"--out {out}: it {what} {source} ("), message
    assert message.endswith(f"); {ADVICE}")


def test_a_folder_of_user_files_is_refused_and_kept(site):
    (site / "docs").mkdir()
    (site / "docs" / "guide.md").write_text("the user's GitHub Pages docs\n")
    assert refused(site, "docs") == (
        "--out docs: it already holds files that ecco-build did not write, and a build replaces the "
        f"whole folder (empty it first if it is yours to lose); {ADVICE}"
    )


def test_an_existing_file_or_link_is_refused(site):
    (site / "x").write_text("not a folder\n")
    with (site / "site.toml").open("a") as handle:
        handle.write('out_dir = "x"\n')  # (click itself refuses a file given as --out)
    before = digest(site)
    with pytest.raises(OutputError) as caught:
        build(site)
    assert str(caught.value) == f'{site}/site.toml:3: out_dir "x": it is a file, not a folder; {ADVICE}'
    assert digest(site) == before
    (site / "elsewhere").mkdir()
    (site / "linked").symlink_to(site / "elsewhere")
    assert (
        refused(site, "linked")
        == f"--out linked: the output folder is a symbolic link; pass a real folder; {ADVICE}"
    )


def test_out_dir_in_site_toml_gets_the_same_rule(site):
    with (site / "site.toml").open("a") as handle:
        handle.write('out_dir = "articles"\n')
    before = digest(site)
    with pytest.raises(OutputError) as caught:
        build(site)
    assert str(caught.value) == (
        f'{site}/site.toml:3: out_dir "articles": it would replace the articles folder '
        f"({site / 'articles'}); {ADVICE}"
    )
    assert digest(site) == before


def test_a_clash_from_another_key_is_located_at_that_key(site):
    (site / "site.toml").write_text('title = "T"\narticles_dir = "."\n')
    (site / "a.md").write_text(PROSE)
    (site / "README.md").unlink()  # with articles_dir = ".", it would be an article too
    with pytest.raises(OutputError) as caught:
        check(site)  # check knows it too: it needs no model
    assert str(caught.value) == (
        f'{site}/site.toml:2: out_dir "_site": it lies inside the articles folder ({site}); {ADVICE}'
    )


def test_empty_and_own_folders_are_replaced(site):
    (site / "docs").mkdir()  # empty: nothing to lose
    first = build(site, out=site / "docs")
    assert (first.out / output.MARKER).is_file()
    (site / "articles" / "a.md").write_text(PROSE.replace("No figures", "Still no figures"))
    build(site, out=site / "docs")  # written by us: replaced
    assert "Still no figures" in (site / "docs" / "a" / "index.html").read_text()
    assert not any(p.name.startswith(".docs.") for p in site.iterdir())  # no staging left behind


def test_a_site_from_before_the_marker_is_still_ours(site):
    out = site / "_site"
    out.mkdir()
    (out / ".ecco-build-pages.json").write_text('{"format": 1, "articles": {}}\n')
    (out / "index.html").write_text("old\n")
    build(site)
    assert (out / output.MARKER).is_file()


def test_an_output_outside_the_site_is_fine(site, tmp_path):
    result = build(site, out=tmp_path / "public")
    assert (result.out / "a" / "index.html").is_file()


def test_the_example_site_refuses_out_dot_and_stays_byte_identical(tmp_path):
    copy = tmp_path / "example"
    shutil.copytree(ROOT / "articles", copy / "articles")
    shutil.copytree(ROOT / "data", copy / "data")
    shutil.copy(ROOT / "site.toml", copy / "site.toml")
    for name in ("refs.bib",):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, copy / name)
    before = digest(copy)
    result = subprocess.run(
        [sys.executable, "-m", "ecco_build", "build", ".", "--out", "."],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: --out .: this folder holds the whole site (site.toml, articles, data); {ADVICE}"
    )
    assert "Traceback" not in result.stderr
    assert digest(copy) == before


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_build_killed_between_the_two_renames_is_recovered(site):
    build(site)
    out = site / "_site"
    before = digest(out)
    # A real kill at the worst moment: the old site has been moved aside, the new one not yet in.
    code = textwrap.dedent(
        """
        import os, sys
        from ecco_build import output
        from ecco_build.build import build, check
        real = os.rename
        def rename(src, dst):
            real(src, dst)
            if ".old-" in str(dst):
                os.kill(os.getpid(), 9)
        output.os.rename = rename
        build(sys.argv[1])
        """
    )
    killed = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert not out.exists()
    left = sorted(p.name for p in site.iterdir() if p.name.startswith("._site."))
    assert [name.split("-")[0] for name in left] == ["._site.building", "._site.old"]
    output._recover(out)  # what the next build does first
    assert digest(out) == before
    assert not any(p.name.startswith("._site.") for p in site.iterdir())


def test_a_later_build_removes_dead_builds_leftovers(site):
    build(site)
    pid = dead_pid()
    stale = site / f"._site.building-{pid}"
    (stale / "a").mkdir(parents=True)
    old = site / f"._site.old-{pid}"
    old.mkdir()
    live = site / f"._site.building-{os.getppid()}"  # a build that is still running: left alone
    live.mkdir()
    build(site)
    assert not stale.exists() and not old.exists()
    assert live.is_dir()


def test_an_output_that_cannot_be_created_is_a_clean_error(site):
    (site / "blocker").write_text("a file where a folder should be\n")
    with pytest.raises(OutputError) as caught:
        build(site, out=site / "blocker" / "out")
    assert str(caught.value) == (
        f"cannot write the output beside {site / 'blocker' / 'out'}: File exists; "
        "check the output folder and try again"
    )


def test_a_read_only_parent_is_a_clean_error(site, monkeypatch):
    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(OutputError) as caught:
        build(site, out=site / "ro" / "out")
    assert str(caught.value) == (
        f"cannot write the output beside {site / 'ro' / 'out'}: Permission denied; "
        "make that folder writable or choose another output folder with --out"
    )
