"""Outcome classes of one fuzz run, and the detectors that decide them.

A run ends in "clean success" or "clean error" (an EccoBuildError whose every line that reports
a problem carries `path:line:`) unless a detector finds a failure. Each failure is a `Finding`
whose `key` deduplicates it: the exception type and innermost ecco_build frame of a traceback,
the rule a piece of live markup breaks, the frame that read or wrote outside, and so on.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
import sysconfig
import tomllib
import traceback
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ecco_build.urls import scheme
from tests.fuzz.audit import CACHES, PACKAGE, Access, inside

CLEAN_SUCCESS = "clean success"
CLEAN_ERROR = "clean error"
TRACEBACK = "traceback"
UNLOCATED = "error without path:line"
HUGE_MESSAGE = "unbounded message"
HANG = "hang (past 30 s)"
CRASH = "worker died"
LIVE_MARKUP = "live markup"
DEAD_LINK = "dead link in a page"
OUTSIDE_READ = "read outside the site"
OUTSIDE_WRITE = "write outside the output"
DAMAGE = "user files damaged"
FAILURES = (
    TRACEBACK,
    UNLOCATED,
    HUGE_MESSAGE,
    HANG,
    CRASH,
    LIVE_MARKUP,
    DEAD_LINK,
    OUTSIDE_READ,
    OUTSIDE_WRITE,
    DAMAGE,
)

# One line of an error message: at most the ~200 echoed characters errors.clip allows, the
# path and the sentence around them.
LINE_LIMIT = 1000
# `path:line: message`, or `path:line, path:line: message` for one problem found in several places.
LOCATED = re.compile(r"^(?P<path>[^\s:,][^:\n,]*):(?P<line>\d+)(?:, [^:\n,]+:\d+)*: (?=\S)")
# A problem with a command-line option has no file to cite: it is located at the option itself
# ("--out docs: it already holds files …"), the one place the user wrote it.
ARGUMENT = re.compile(r"^--[a-z][a-z-]* [^\n]*?: (?=\S)")
SUMMARY = re.compile(r"^\d+ errors?(?: in [^;]+)?; nothing was built\.$")  # the count, not a problem


@dataclass(frozen=True)
class Finding:
    cls: str  # one of FAILURES
    key: str  # what makes two findings the same defect
    detail: str  # this occurrence: a path, a message, a traceback excerpt


# ---- errors and tracebacks ----------------------------------------------------------------------


def error_findings(message: str, site: Path) -> list[Finding]:
    """A clean error names `path:line` on every line that reports a problem, points at a line
    that exists, and stays small."""
    findings = []
    for line in message.split("\n"):
        if len(line) > LINE_LIMIT:
            findings.append(Finding(HUGE_MESSAGE, template(line), f"{len(line)} characters: {line[:300]}"))
            continue
        if not line.strip() or line[:1].isspace() or SUMMARY.match(line) or ARGUMENT.match(line):
            continue  # indented lines continue the problem above them
        match = LOCATED.match(line)
        if not match:
            findings.append(Finding(UNLOCATED, template(line), line))
        elif not _line_exists(site, match.group("path"), int(match.group("line"))):
            findings.append(Finding(UNLOCATED, "line past the end: " + template(line), line))
    return findings


def _line_exists(site: Path, shown: str, number: int) -> bool:
    path = Path(shown) if os.path.isabs(shown) else site / shown
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except (OSError, ValueError):
        return number >= 1  # not a file we can read (a template name, a folder): trust it
    # The most line breaks any reader could see (\r alone, \x0c, U+2028 … count too).
    return 1 <= number <= len(text.splitlines()) + 1


def template(line: str) -> str:
    """The message with its variable parts blanked, for grouping ("unknown key "…" in …")."""
    line = LOCATED.sub("", line)
    line = re.sub(r"^[^\s:]+(?:\.md|\.toml|\.bib)\b:?\s*", "", line)
    line = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", line)
    line = re.sub(r"(?<![\w.])/[^\s:;,()]+", "/…", line)  # absolute paths differ between runs
    line = re.sub(r"\d+", "N", line)
    return line[:90]


def traceback_finding(exc: BaseException) -> Finding:
    frames = traceback.extract_tb(exc.__traceback__)
    return Finding(TRACEBACK, f"{type(exc).__name__} in {_innermost(frames)}", _excerpt(exc))


def _innermost(frames: traceback.StackSummary | list) -> str:
    for frame in reversed(frames):
        if frame.filename.startswith(PACKAGE + "/"):
            return f"ecco_build/{frame.filename[len(PACKAGE) + 1 :]}:{frame.name}"
    return "(no ecco_build frame)"


def _excerpt(exc: BaseException) -> str:
    lines = traceback.format_exception(exc)
    return "".join(lines[-12:])[-3000:]


CLI_FRAME = re.compile(r'File "(?P<file>[^"]+)", line \d+, in (?P<name>\S+)')


def cli_traceback_finding(stderr: str) -> Finding:
    """The same key as `traceback_finding`, read from a traceback the CLI printed."""
    frames = [(m.group("file"), m.group("name")) for m in CLI_FRAME.finditer(stderr)]
    inner = next(
        (
            f"ecco_build/{f[len(PACKAGE) + 1 :]}:{n}"
            for f, n in reversed(frames)
            if f.startswith(PACKAGE + "/")
        ),
        "(no ecco_build frame)",
    )
    last = [line for line in stderr.strip().split("\n") if line and not line[:1].isspace()]
    kind = last[-1].split(":")[0] if last else "?"
    return Finding(TRACEBACK, f"{kind} in {inner}", stderr[-3000:])


# ---- reads and writes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Where a run of one mutant may read and write."""

    box: str
    site: str
    out: str
    data: str
    models: tuple[str, ...]

    @staticmethod
    def of(site: Path, box: Path, model_folder: Path, out_arg: str | None = None) -> Places:
        """Read from site.toml as the build would, tolerating any content (a mutant's site.toml
        may be anything; then the defaults apply). `out_arg` is an output given to the build."""
        config = _toml(site / "site.toml")
        out = _real(site / (out_arg if out_arg is not None else _text(config.get("out_dir"), "_site")))
        data = _real(site / _text(config.get("data_dir"), "data"))
        models = {_real(model_folder)}
        tables = config.get("models")
        for spec in tables.values() if isinstance(tables, dict) else ():
            source = _text(spec.get("source") if isinstance(spec, dict) else None, "")
            if source and ":" not in source:
                candidate = site / source
                models.add(_real(candidate) if candidate.exists() else HF_CACHE)
        return Places(_real(box), _real(site), out, data, tuple(sorted(models)))


def _text(value: object, default: str) -> str:
    return value if isinstance(value, str) and "\0" not in value else default


def _toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _real(path: Path | str) -> str:
    return os.path.realpath(os.path.abspath(path))


HF_CACHE = CACHES[1]
HARNESS = _real(Path(__file__).parent)  # the harness's own code (a traceback or `inspect` reads it)
# The installed package and theme, the Python installation (its lib folders hold the standard
# library, its zip and the site-packages the import system probes), and the kernel's pseudo-files
# (torch and the standard library read /proc and /sys; /dev/null and /dev/urandom).
INSTALLED = tuple(
    sorted(
        {_real(PACKAGE)}
        | {_real(p) for k, p in sysconfig.get_paths().items() if k in ("stdlib", "platstdlib", "purelib")}
        | {_real(Path(prefix) / "lib") for prefix in (sys.prefix, sys.base_prefix)}
        | {"/proc", "/sys", "/dev", HARNESS}
    )
)


def theme_roots() -> tuple[str, ...]:
    from ecco_build.render.theme import theme_dir

    return (_real(theme_dir() / "templates"), _real(theme_dir() / "static"))


def access_findings(accesses: list[Access], places: Places, building: bool) -> list[Finding]:
    """Reads outside the site (and what it may read), writes outside the output and data."""
    readable = (places.site, places.data, *places.models, *INSTALLED, *theme_roots())
    findings = []
    for access in accesses:
        if access.kind == "read" and not (
            any(inside(access.path, root) for root in readable) or _output(access.path, places)
        ):
            area = _area(access.path, places)
            findings.append(Finding(OUTSIDE_READ, f"{access.where} reads {area}", access.path))
        elif access.kind == "write" and not (building and _writable(access, places)):
            area = _area(access.path, places)
            what = "during check" if not building else f"{access.event} of {area}"
            findings.append(Finding(OUTSIDE_WRITE, f"{access.where}: {what}", access.path))
    return findings


def _output(path: str, places: Places) -> bool:
    """The output folder, its staging and kept siblings, and its parent (opened to lock it)."""
    out_parent, out_name = os.path.split(places.out)
    return (
        inside(path, places.out)
        or path.startswith(os.path.join(out_parent, f".{out_name}."))
        or path == out_parent
    )


def _writable(access: Access, places: Places) -> bool:
    return (
        (_output(access.path, places) and access.path != os.path.dirname(places.out))
        or inside(access.path, places.data)
        or any(inside(access.path, cache) for cache in CACHES)
        or (access.event == "os.mkdir" and inside(places.out, access.path))
    )


def _area(path: str, places: Places) -> str:
    if inside(path, places.site):
        part = path[len(places.site) + 1 :].split("/")[0]
        return f"the site's {part or 'folder'}"
    if inside(path, places.box):
        return "a file beside the site"
    return "outside the box " + "/".join(path.split("/")[:3])


# ---- damage to the user's files --------------------------------------------------------------


def damage_findings(
    files: dict[str, bytes], links: dict[str, str], box: Path, keep: set[str]
) -> list[Finding]:
    """Every file the user had is still there, unchanged (data files may be rewritten, files
    of an earlier build in `keep`'s complement may go): a build never deletes sources."""
    findings = []
    for path, content in files.items():
        if path in keep:
            continue
        target = box / path
        rewritable = path.startswith("site/data/")
        if target.is_symlink() or not target.is_file():
            findings.append(Finding(DAMAGE, f"deleted {_category(path)}", path))
        elif not rewritable and target.read_bytes() != content:
            findings.append(Finding(DAMAGE, f"changed {_category(path)}", path))
    for path, destination in links.items():
        target = box / path
        if path.startswith("site/data/"):
            if not (target.exists() or target.is_symlink()):
                findings.append(Finding(DAMAGE, f"deleted {_category(path)}", path))
        elif not target.is_symlink() or os.readlink(target) != destination:
            findings.append(Finding(DAMAGE, f"deleted symlink {_category(path)}", path))
    return findings


def _category(path: str) -> str:
    parts = path.split("/")
    if parts[0] != "site":
        return "a file beside the site"
    return parts[1] + ("/" if len(parts) > 2 else "")


# ---- live markup in what was written ---------------------------------------------------------

SCANNED = (".html", ".htm", ".xhtml", ".svg", ".xml")


def markup_findings(out: Path) -> list[Finding]:
    """Parse every page, image and feed written; report anything a browser would run, and in
    pages, local links to files or anchors that are not there. The output's static/ folder is
    left out: it holds the theme's and the site's own script and style files, which are code by
    design (copied from the package and from the site's static/)."""
    from tests.fuzz.markup import parse

    findings = []
    theme = _theme_scripts()
    for path in sorted(out.rglob("*")):
        shown = path.relative_to(out).as_posix()
        if path.suffix.lower() not in SCANNED or shown.startswith("static/") or not _plain_file(path):
            continue
        page = parse(path.read_bytes().decode("utf-8", "replace"), posixpath.dirname(shown), theme)
        for rule, snippet in page.found:
            key = f"{rule} (in {path.suffix.lower()})"
            findings.append(Finding(LIVE_MARKUP, key, f"{shown}: {snippet}"))
        if path.suffix.lower() in (".html", ".htm"):
            findings += _dead_links(out, shown, page.links, page.ids)
    return findings


def _dead_links(out: Path, shown: str, links: list[tuple[str, str, str]], ids: set[str]) -> list[Finding]:
    """Relative links of a page whose file is not in the output, or whose #anchor is not in it."""
    findings = []
    for tag, name, value in links:
        if scheme(value) or value.startswith("//"):
            continue
        target, _, anchor = value.partition("#")
        target = urllib.parse.unquote(target.partition("?")[0])
        if not target:
            if anchor and urllib.parse.unquote(anchor) not in ids:
                findings.append(
                    Finding(DEAD_LINK, f"{name} of <{tag}> to a missing #anchor", f"{shown}: {value}")
                )
            continue
        local = posixpath.normpath(posixpath.join(posixpath.dirname(shown), target))
        if local.startswith("../") or not (out / local).exists():
            findings.append(Finding(DEAD_LINK, f"{name} of <{tag}> to a missing file", f"{shown}: {value}"))
    return findings


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _theme_scripts() -> set[str]:
    from ecco_build.render.theme import theme_dir

    js = theme_dir() / "static" / "js"
    return {f"static/js/{p.relative_to(js).as_posix()}" for p in js.rglob("*.js")}
