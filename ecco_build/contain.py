"""Containment: every file a page reads resolves, after symbolic links, inside the site folder.

Links, images, heroes, bibliographies, articles and the site's own `static/` and `templates/`
are read from the site folder only (the theme's come from the installed package). A symbolic
link is fine when its target is inside the site; one that leads out, nowhere or round a loop
is refused with the reason and what to do. Files a page publishes (linked files, images, the
hero, static files, templates) must also not be private: the site's configuration, the data
or output folder, or anything hidden (`.env`, `.git/`).

`Refused` carries the reason as the end of a sentence ("link to p.txt: it resolves to …");
callers add the location and what the file was for.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ecco_build.errors import Problem, clip, display_path

if TYPE_CHECKING:
    from ecco_build.config import SiteConfig


class Refused(Exception):
    """Why a file may not be read or published; the message starts with "it"."""


def is_inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def real_path(path: Path, root: Path) -> Path | None:
    """`path` after symbolic links, if that is inside `root` (a resolved folder); None if nothing
    is there. Raises Refused for a path that leads outside `root`, to a missing target or round
    a loop."""
    if any(ord(char) < 32 for char in str(path)):
        raise Refused("its name holds a control character; rename it")
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            target = clip(os.readlink(path))
            raise Refused(
                f"it is a symbolic link to a missing file ({target}); fix or remove the link"
            ) from None
        return None
    except RuntimeError:  # a symbolic link loop, as Python 3.11 reports it (later versions: ELOOP)
        raise Refused("it is a symbolic link loop; fix or remove the link") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("it is a symbolic link loop; fix or remove the link") from None
        raise Refused(f"it cannot be read ({exc.strerror})") from None
    if not is_inside(real, root):
        raise Refused(
            f"it resolves to {clip(str(real))}, outside the site folder; copy it into the site instead"
        )
    return real


def resolve(path: Path, root: Path) -> Path | None:
    """As `real_path`, for a file: a folder or anything else that is not a file is refused."""
    real = real_path(path, root)
    if real is not None and not real.is_file():
        raise Refused("it is a folder, not a file" if real.is_dir() else "it is not a regular file")
    return real


@dataclass(frozen=True)
class SiteFiles:
    """The site folder and the parts of it that are never published."""

    root: Path  # resolved
    private: tuple[tuple[Path, str], ...]  # (resolved path, what it is) of files and folders

    @classmethod
    def of(cls, config: SiteConfig) -> SiteFiles:
        root = config.root.resolve()
        private = (
            (config.path.resolve(), f"the site's configuration ({config.path.name})"),
            (config.data_path.resolve(), f"in the data folder ({config.data_dir}/)"),
            (config.out_path.resolve(), f"in the output folder ({config.out_dir}/)"),
        )
        return cls(root, private)

    def find(self, base: Path, written: str, relative_to: str) -> Path | None:
        """The file `written` names (relative to the folder `base`), resolved inside the site;
        None if there is none. Raises Refused."""
        if PurePosixPath(written).is_absolute():
            raise Refused(f"absolute paths are not supported; give a path relative to {relative_to}")
        return resolve(base / written, self.root)

    def publishable(self, base: Path, written: str, relative_to: str) -> Path | None:
        """As `find`, for a file that a page copies: it must not be private either."""
        real = self.find(base, written, relative_to)
        if real is not None:
            self.check_public(real, PurePosixPath(written))
        return real

    def check_public(self, real: Path, written: PurePosixPath) -> None:
        """Raises Refused if the file `real`, published under the name `written`, is private."""
        for path, what in self.private:
            if is_inside(real, path):
                raise Refused(f"it is {what}, which is never published; publish a copy kept elsewhere")
        hidden = next((p for p in (*written.parts, *real.relative_to(self.root).parts) if _hidden(p)), None)
        if hidden:
            raise Refused(f"it is hidden ({clip(hidden)}), and hidden files are never published; rename it")

    def folder(self, name: str, what: str) -> tuple[list[tuple[PurePosixPath, Path]], list[Problem]]:
        """The files of the site's folder `name` (static or templates) as (name inside the
        folder, resolved path), and a problem for each that leads outside the site or is
        private. Hidden files and folders (.DS_Store, .git/) are left out."""
        files: list[tuple[PurePosixPath, Path]] = []
        problems: list[Problem] = []

        def visit(path: Path, inside: PurePosixPath, top: Path | None, seen: frozenset[Path]) -> None:
            try:
                real = real_path(path, self.root)
                if real is None:
                    return  # removed while we looked
                self.check_public(real, inside)
                if top is None and not real.is_dir():
                    raise Refused("it is not a folder")
                if top is not None and real.is_dir() and (real in seen or is_inside(top, real)):
                    raise Refused("it links to a folder that holds it (a loop); link to the files inside")
                if not real.is_dir() and not real.is_file():
                    raise Refused("it is not a regular file")
                children = sorted(os.listdir(real)) if real.is_dir() else []
            except (Refused, OSError) as exc:
                reason = f"it cannot be read ({exc.strerror})" if isinstance(exc, OSError) else str(exc)
                problems.append(
                    Problem(display_path(path, self.root), 1, f"cannot use this {what}: {reason}")
                )
                return
            if real.is_file():
                files.append((inside, real))
            for child in children:
                if not _hidden(child):
                    visit(path / child, inside / child, top or real, seen | {real})

        folder = self.root / name
        if folder.is_dir() or folder.is_symlink():
            visit(folder, PurePosixPath(), None, frozenset())
        return files, problems


def _hidden(part: str) -> bool:
    return part.startswith(".") and part not in (".", "..")
