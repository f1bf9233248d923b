"""Every file a run opens, writes, moves or removes, seen through `sys.addaudithook` (PEP 578).

An audit hook cannot be removed, so one `Recorder` is installed per process and records only
inside `recording()`. It also guards: a write that would land outside `fence` (the mutant's
case folder) is blocked with PermissionError after being recorded, so that a build gone wrong
cannot touch the machine (the harness runs as whatever user runs the tests, root included).
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import ecco_build

PACKAGE = os.path.dirname(os.path.realpath(ecco_build.__file__))
# The model libraries' own caches: torch creates its compile cache in the temp folder when a
# model loads, and Hugging Face keeps downloads in HF_HOME. Not the user's files, not the site.
CACHES = tuple(
    os.path.realpath(p)
    for p in (
        os.path.join(tempfile.gettempdir(), f"torchinductor_{getpass.getuser()}"),
        os.environ.get("HF_HOME", os.path.join(os.path.expanduser("~"), ".cache", "huggingface")),
    )
)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

# event → (index of the path read, index of the path written); -1 when the event has none.
EVENTS = {
    "open": (0, -1),  # read or write, decided by mode and flags
    "os.rename": (-1, 0),  # the source disappears and the destination appears: both written
    "os.remove": (-1, 0),
    "os.rmdir": (-1, 0),
    "os.mkdir": (-1, 0),
    "os.symlink": (-1, 1),
    "os.link": (-1, 1),
    "os.truncate": (-1, 0),
    "os.chmod": (-1, 0),
    "os.chown": (-1, 0),
    "os.utime": (-1, 0),
    "shutil.rmtree": (-1, 0),
    "shutil.copyfile": (0, 1),
    "shutil.copytree": (0, 1),
    "shutil.move": (0, 1),
}


@dataclass(frozen=True)
class Access:
    """One file touched: `path` is real (symlinks resolved), `where` the innermost
    ecco_build frame that caused it ("ecco_build/links.py:rewrite")."""

    kind: str  # "read" or "write"
    path: str
    event: str
    where: str


class Recorder:
    def __init__(self) -> None:
        self.accesses: list[Access] = []
        self.fence: str | None = None
        self._busy = False

    def hook(self, event: str, args: tuple) -> None:
        if self.fence is None or self._busy or event not in EVENTS:
            return
        self._busy = True
        try:
            blocked = self._record(event, args)
        finally:
            self._busy = False
        if blocked:
            raise PermissionError(f"fuzz harness: blocked a write outside the case folder: {blocked}")

    def _record(self, event: str, args: tuple) -> str | None:
        if _relative_to_fd(event, args):
            return None  # rmtree's fd-relative steps: its own event named the folder
        read_at, write_at = EVENTS[event]
        found = []
        if event == "open":
            found.append(("write" if _writes(args) else "read", _real(args[0], follow=True)))
        else:
            if read_at >= 0:
                found.append(("read", _real(args[read_at], follow=True)))
            found.append(("write", _real(args[write_at], follow=False)))
            if event == "os.rename":
                found.append(("write", _real(args[1], follow=False)))
        where = innermost_frame()
        blocked = None
        for kind, path in found:
            if path is None:
                continue
            self.accesses.append(Access(kind, path, event, where))
            if kind == "write" and not any(inside(path, root) for root in (self.fence or "/", *CACHES)):
                blocked = path
        return blocked

    def start(self, fence: Path) -> list[Access]:
        """Record into a fresh list, returned; block writes outside `fence`."""
        self.accesses = []
        self.fence = os.path.realpath(fence)
        return self.accesses

    def stop(self) -> None:
        self.fence = None

    @contextmanager
    def recording(self, fence: Path) -> Iterator[list[Access]]:
        try:
            yield self.start(fence)
        finally:
            self.stop()


def _writes(args: tuple) -> bool:
    _, mode, flags = args
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return bool(isinstance(flags, int) and flags & WRITE_FLAGS)


def _relative_to_fd(event: str, args: tuple) -> bool:
    if event == "open":
        # shutil.rmtree opens subfolders by name relative to a folder descriptor
        return isinstance(args[0], str) and not os.path.isabs(args[0]) and _in_rmtree()
    dir_fd = args[-1] if event in ("os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.utime") else None
    return isinstance(dir_fd, int) and dir_fd >= 0


def _in_rmtree() -> bool:
    frame = sys._getframe(3)
    while frame is not None:
        if frame.f_code.co_name.startswith("_rmtree"):
            return True
        frame = frame.f_back
    return False


def _real(path: object, follow: bool) -> str | None:
    """The real path: symlinks resolved (of the parent only when the operation acts on the
    entry itself, such as a rename or removal). None for a file descriptor."""
    if isinstance(path, int) or path is None:
        return None
    name = os.path.abspath(os.fsdecode(os.fspath(path)))  # type: ignore[arg-type]
    if follow:
        return os.path.realpath(name)
    return os.path.join(os.path.realpath(os.path.dirname(name)), os.path.basename(name))


def inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def innermost_frame() -> str:
    """'ecco_build/<module>.py:<function>' of the innermost ecco_build frame on the stack."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(PACKAGE + "/"):
            return f"ecco_build/{name[len(PACKAGE) + 1 :]}:{frame.f_code.co_name}"
        frame = frame.f_back
    return "(no ecco_build frame)"


RECORDER = Recorder()
_installed = False


def recorder() -> Recorder:
    """The process's recorder, installed on first use."""
    global _installed
    if not _installed:
        sys.addaudithook(RECORDER.hook)
        _installed = True
    return RECORDER
