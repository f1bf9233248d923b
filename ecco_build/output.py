"""The output folder is ecco-build's alone.

Before anything is rendered, `check_output` refuses an output folder that would overwrite the
site's sources or anything ecco-build did not write:

- it may not be, contain, or lie inside the site folder's sources (`site.toml`, the articles,
  the data folder, `templates/`, `static/`, the bibliography), nor be an ancestor of the site;
- an existing non-empty folder is replaced only if an earlier build wrote it (it holds
  `MARKER`, or the page manifest of builds that predate the marker);
- an existing file, or a symbolic link, is never replaced.

`staging` renders into a fresh folder beside the output and swaps it in with two renames under
a lock on the parent folder. A build killed between the renames leaves the previous site as
`.<name>.old-<pid>`; the next build restores it before doing anything else, and removes the
staging folders of builds that are no longer running.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ecco_build import __version__
from ecco_build.config import SiteConfig
from ecco_build.errors import OutputError

log = logging.getLogger(__name__)

MARKER = ".ecco-build-site"
LEGACY_MARKERS = (".ecco-build-pages.json",)  # written by every build before the marker existed
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<what>building|old)-(?P<pid>\d+)$")


def sources(config: SiteConfig) -> dict[str, tuple[Path, str]]:
    """What the output folder must never overwrite: name shown in messages → (resolved path,
    the site.toml key that names it)."""
    found = {
        "site.toml": (config.path.resolve(), ""),
        "the articles folder": (config.articles_path.resolve(), "articles_dir"),
        "the data folder": (config.data_path.resolve(), "data_dir"),
        "the site's templates": ((config.root / "templates").resolve(), ""),
        "the site's static files": ((config.root / "static").resolve(), ""),
    }
    if config.bibliography:
        found["the bibliography"] = ((config.root / config.bibliography).resolve(), "bibliography")
    return found


def check_output(out: Path | None, config: SiteConfig) -> Path:
    """The resolved output folder (`out`, from --out, or site.toml's out_dir) if ecco-build may
    replace it; else an OutputError saying why, located at --out or at its site.toml line."""
    chosen = Path(out) if out is not None else config.out_path
    problem, key = _output_problem(chosen, config)
    if problem:
        if out is not None:
            where = f"--out {out}: "
        else:
            # at out_dir if site.toml sets it; else at the key it clashes with (articles_dir = ".")
            line = config.line_of("out_dir", None) or config.line_of(key)
            where = f'{config.path}:{line}: out_dir "{config.out_dir}": '
        advice = "choose another output folder (--out, or out_dir in site.toml), such as _site"
        raise OutputError(f"{where}{problem}; {advice}")
    return chosen.resolve()


def _output_problem(out: Path, config: SiteConfig) -> tuple[str, str]:
    """(what is wrong with `out` as the output folder, the site.toml key it clashes with); ("", "")
    if nothing is."""
    if out.is_symlink():
        return "the output folder is a symbolic link; pass a real folder", ""
    out = out.resolve()
    root = config.root.resolve()
    if out == root or out in root.parents:
        return "this folder holds the whole site (site.toml, articles, data)", ""
    for what, (source, key) in sources(config).items():
        if out == source or source.is_relative_to(out):
            return f"it would replace {what} ({source})", key
        if out.is_relative_to(source):
            return f"it lies inside {what} ({source})", key
    if out.exists() and not out.is_dir():
        return "it is a file, not a folder", ""
    if out.is_dir() and not written_by_us(out) and any(out.iterdir()):
        return (
            "it already holds files that ecco-build did not write, and a build replaces the whole "
            "folder (empty it first if it is yours to lose)",
            "",
        )
    return "", ""


def written_by_us(folder: Path) -> bool:
    return any((folder / name).is_file() for name in (MARKER, *LEGACY_MARKERS))


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out`; on success it replaces `out`, on failure it is removed."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with _locked(parent):
            _recover(out)
        stage = parent / f".{out.name}.building-{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir()
    except OSError as exc:
        reason = exc.strerror or exc
        raise OutputError(f"cannot write the output beside {out}: {reason}; {_fix(exc)}") from None
    try:
        yield stage
        (stage / MARKER).write_text(
            json.dumps({"generator": "ecco-build", "version": __version__}) + "\n", encoding="utf-8"
        )
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = parent / f".{out.name}.old-{os.getpid()}"
    try:
        with _locked(parent):
            if out.exists():
                os.rename(out, old)
            os.rename(stage, out)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise OutputError(f"cannot replace {out}: {exc.strerror or exc}; {_fix(exc)}") from None
    shutil.rmtree(old, ignore_errors=True)


def _fix(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "make that folder writable or choose another output folder with --out"
    return "check the output folder and try again"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (flock on its descriptor: no lock file is left)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _recover(out: Path) -> None:
    """Restore the previous site if a build died mid-swap; remove dead builds' leftovers."""
    leftovers = []
    for path in out.parent.iterdir():
        match = _LEFTOVER.match(path.name)
        if match and match["name"] == out.name and not _alive(int(match["pid"])):
            leftovers.append((match["what"], path))
    for what, path in sorted(leftovers, key=lambda item: item[1].stat().st_mtime, reverse=True):
        if what == "old" and not out.exists():
            log.warning("restoring %s from %s, left by a build that was stopped mid-swap", out, path.name)
            os.rename(path, out)
        else:
            log.info("removing %s, left by a build that is no longer running", path.name)
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftover from an earlier build in this process (serve)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
