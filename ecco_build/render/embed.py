"""Make a rendered article page self-contained, for `ecco-build export` (pandoc's
`--embed-resources`): the page works opened from disk, with nothing to fetch.

Read with `html.parser`; edits are spliced into the original text, so everything else stays as
rendered. In the staged site (every path must resolve inside it):

- `<link rel=stylesheet>` → `<style>`;
- `<img src>` → a `data:` URI;
- a figure's `data-src` → its JSON inline (file:// cannot fetch);
- classic `<script src>` → inline; every `type=module` src → one bundle (bundle.py) in place of
  the first; live-reload.js and file-notice.js are left out;
- other relative links → `base_url` + path when the site has one (else left as they are);
- the Content-Security-Policy → script hashes of exactly the scripts written here.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import html as htmllib
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ecco_build.errors import EccoBuildError
from ecco_build.render.bundle import bundle
from ecco_build.render.figures import script_json

DROPPED = ("static/js/live-reload.js", "static/js/file-notice.js")
CSP = (
    "default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data: https:; "
    "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)
CLOSING = re.compile(r"</(script|style)|<!--", re.I)


@dataclass
class Edits:
    """What the parser found: spliced replacements (start, end, text) and the scripts."""

    splices: list[tuple[int, int, str]] = field(default_factory=list)
    modules: list[tuple[int, int, Path]] = field(default_factory=list)  # span, file
    classic: list[tuple[int, int, Path]] = field(default_factory=list)
    csp: tuple[int, int] | None = None
    head_end: int | None = None  # just after <head>
    warnings: list[str] = field(default_factory=list)


def embed_page(text: str, page: str, stage: Path, base_url: str = "") -> tuple[str, list[str]]:
    """The self-contained page and its warnings. `page` is its path in `stage`, the staged site
    (e.g. "brackets/index.html"); `base_url` makes links to the rest of the site absolute."""
    parser = _Parser(text, page, stage.resolve(), base_url)
    parser.feed(text)
    parser.close()
    edits = parser.edits
    hashes = []
    for start, end, path in edits.classic:
        script = _inline_text(path, stage)
        hashes.append(_hash(script))
        edits.splices.append((start, end, f"<script>{script}</script>"))
    if edits.modules:
        script = _checked(bundle([p for _, _, p in edits.modules], stage / "static"), "the script bundle")
        hashes.append(_hash(script))
        first, *rest = edits.modules
        edits.splices.append((first[0], first[1], f'<script type="module">{script}</script>'))
        edits.splices += [(start, end, "") for start, end, _ in rest]
    policy = CSP.format(hashes=" ".join(hashes) or "'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{htmllib.escape(policy, quote=False)}">'
    if edits.csp is not None:
        edits.splices.append((*edits.csp, meta))
    elif edits.head_end is not None:
        edits.splices.append((edits.head_end, edits.head_end, "\n" + meta))
    else:
        raise EccoBuildError(f"{page}: the page has no <head>, so the export cannot set its policy")
    return _splice(text, edits.splices), edits.warnings


def _splice(text: str, splices: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, new in sorted(splices, key=lambda s: (s[0], s[1])):
        out += [text[last:start], new]
        last = end
    return "".join(out) + text[last:]


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def _inline_text(path: Path, stage: Path) -> str:
    shown = path.relative_to(stage.resolve()).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EccoBuildError(f"{shown}: cannot be read for the export ({exc})") from None
    return _checked(text, shown)


def _checked(text: str, what: str) -> str:
    """Text that can sit inside <script> or <style> as it is: no closing tag, no comment opener."""
    found = CLOSING.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise EccoBuildError(
            f"{what}:{line}: holds {found.group(0)!r}, which would end the inlined element early"
        )
    return text


def data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [name] + [a if v is None else f'{a}="{htmllib.escape(v, quote=True)}"' for a, v in attrs]
    return "<" + " ".join(parts) + ">"


class _Parser(HTMLParser):
    def __init__(self, text: str, page: str, stage: Path, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.page, self.stage, self.base_url = text, page, stage, base_url
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.edits = Edits()
        self.script: tuple[int, Path | None, bool] | None = None  # open <script src>: start, file, module

    def here(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def local(self, url: str) -> tuple[str, Path | None]:
        """(path in the site, file in the stage) of a relative URL; ("", None) for any other."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith(("/", "#")):
            return "", None
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(parts.path)))
        if path.startswith("../") or path == "..":
            return "", None
        file = (self.stage / path).resolve()
        inside = file.is_relative_to(self.stage) and file.is_file()
        return path, file if inside else None

    def handle_starttag(self, name: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self.here()
        end = start + len(self.get_starttag_text() or "")
        found = dict(attrs)
        if name == "head":
            self.edits.head_end = end
        elif name == "meta" and (found.get("http-equiv") or "").lower() == "content-security-policy":
            self.edits.csp = (start, end)
        elif name == "script" and found.get("src"):
            self.open_script(start, found)
        elif name == "link" and "stylesheet" in (found.get("rel") or "").lower().split():
            self.stylesheet(start, end, found)
        else:
            self.rewrite(name, start, end, attrs)

    handle_startendtag = handle_starttag

    def open_script(self, start: int, found: dict[str, str | None]) -> None:
        path, file = self.local(found["src"] or "")
        if path in DROPPED:
            file = None
        elif file is None:
            self.edits.warnings.append(
                f"{self.page}: left out a script the export cannot inline: {found['src']}"
            )
        self.script = (start, file, found.get("type") == "module")

    def handle_endtag(self, name: str) -> None:
        if name != "script" or self.script is None:
            return
        start, file, module = self.script
        self.script = None
        end = self.text.index(">", self.here()) + 1
        if file is None:
            self.edits.splices.append((start, end, ""))
        else:
            (self.edits.modules if module else self.edits.classic).append((start, end, file))

    def stylesheet(self, start: int, end: int, found: dict[str, str | None]) -> None:
        path, file = self.local(found.get("href") or "")
        if file is not None:
            css = _inline_text(file, self.stage)
            self.edits.splices.append((start, end, f"<style>{css}</style>"))

    def parts(self, value: str) -> list[tuple[str, str]]:
        """The part files beside a figure's data file (`data/<stem>.<part>.json`), each as
        (part name, JSON made safe for a script element), in name order."""
        _, file = self.local(value)
        if file is None:
            return []
        stem = file.name.removesuffix(".json")
        found = []
        for part in sorted(file.parent.glob(f"{glob.escape(stem)}.*.json")):
            name = part.name.removeprefix(f"{stem}.").removesuffix(".json")
            if re.fullmatch(r"[a-z0-9-]+", name) and part.is_file() and not part.is_symlink():
                found.append((name, script_json(part.read_text(encoding="utf-8"))))
        return found

    def rewrite(self, name: str, start: int, end: int, attrs: list[tuple[str, str | None]]) -> None:
        """Images inline, data-src inline, other relative links absolute (with a base_url)."""
        new, after, changed = [], "", False
        for attr, value in attrs:
            path, file = self.local(value or "") if attr in ("src", "href", "data-src") else ("", None)
            if attr == "data-src" and file is not None:
                payload = script_json(file.read_text(encoding="utf-8"))
                after += f'<script type="application/json">{payload}</script>'
                changed = True
                continue
            if attr == "data-parts":  # the parts fetched on demand (an attention figure's layers)
                parts = self.parts(value or "")
                after += "".join(
                    f'<script type="application/json" data-part="{name}">{payload}</script>'
                    for name, payload in parts
                )
                changed = changed or bool(parts)
            if attr == "src" and name == "img" and file is not None:
                value, changed = data_uri(file), True
            elif path and self.base_url:
                value, changed = self.base_url + (path.removesuffix("index.html")), True
            new.append((attr, value))
        if name == "link" and not changed and any(a == "href" and self.local(v or "")[0] for a, v in attrs):
            self.edits.splices.append((start, end, ""))  # a feed link with no site to point at
        elif changed:
            self.edits.splices.append((start, end, tag(name, new) + after))
