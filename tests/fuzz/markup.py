"""The live-markup rules: what in a written page, SVG or feed a browser would run.

Allowed: the theme's own `<script src=…/static/js/X.js>` files and `application/json` data
blocks. Reported: any other `<script>`, any `on*=` attribute, a URL attribute whose scheme
`ecco_build.urls.is_safe` refuses, `<iframe>`, `<object>`, `<embed>`, `<base>` (and their
relatives), a refresh `<meta>`, and any element inside a MathML token element such as
`<mtext>` (an HTML integration point: browsers parse HTML there).
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser

from ecco_build.urls import is_safe, scheme

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data"}
FORBIDDEN = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
MATH_TOKENS = {"mi", "mn", "mo", "ms", "mtext", "annotation"}
FEED_HTML = {"content", "summary", "title", "subtitle", "rights"}  # Atom text constructs


def scan(text: str, folder: str, theme_scripts: set[str]) -> list[tuple[str, str]]:
    """(rule, snippet) for every live piece of `text`, a file in `folder` of the output."""
    return parse(text, folder, theme_scripts).found


def parse(text: str, folder: str, theme_scripts: set[str]) -> Scanner:
    """The scanner after reading `text`: its live findings, ids and local links."""
    scanner = Scanner(folder, theme_scripts)
    scanner.feed(text)
    scanner.close()
    return scanner


class Scanner(HTMLParser):
    def __init__(self, folder: str, theme_scripts: set[str]):
        super().__init__(convert_charrefs=True)
        self.folder = folder
        self.theme_scripts = theme_scripts
        self.found: list[tuple[str, str]] = []
        self.math: list[str] = []  # open MathML token elements
        self.script: str | None = None  # text of the inline script being read
        self.embedded: tuple[str, list[str]] | None = None  # an Atom element of type="html"
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value) of href and src

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag in MATH_TOKENS:
            self.math.append(tag)
        if tag in FEED_HTML and dict(attrs).get("type") in ("html", "xhtml"):
            self.embedded = (tag, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.math and tag == self.math[-1]:
            self.math.pop()
        if tag == "script" and self.script is not None:
            if self.script.strip():
                self.found.append((f"inline <script> {self.script.strip()[:40]!r}", self.script[:200]))
            self.script = None
        if self.embedded and tag == self.embedded[0]:
            inner = "".join(self.embedded[1])
            self.embedded = None
            self.found += [(f"{rule} in an HTML feed entry", s) for rule, s in scan(inner, "", set())]

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script += data
        if self.embedded:
            self.embedded[1].append(data)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        snippet = self.get_starttag_text() or f"<{tag}>"
        if self.math:
            self.found.append((f"<{tag}> inside MathML <{self.math[-1]}>", snippet))
        # A <base> with only a target (the embed pages' target="_blank") changes where links
        # open, not where they point; one with an href redirects every relative URL.
        if tag in FORBIDDEN and not (tag == "base" and "href" not in dict(attrs)):
            self.found.append((f"<{tag}> element", snippet))
        if tag == "script":
            self._script(dict(attrs), snippet)
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.found.append(("<meta http-equiv=refresh>", snippet))
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if name in ("href", "src") and value:
                self.links.append((tag, name, value))
            if name.startswith("on"):
                self.found.append((f"{name}= on <{tag}>", snippet))
            elif name in URL_ATTRIBUTES and value and not is_safe(value) and not _image(tag, name, value):
                self.found.append((f"{scheme(value)}: URL in {name} of <{tag}>", snippet))

    def _script(self, attrs: dict[str, str | None], snippet: str) -> None:
        src = attrs.get("src")
        if src is None:
            if (attrs.get("type") or "").lower() != "application/json":
                self.script = ""  # an inline script: reported with its text at </script>
            return
        own = not scheme(src) and not src.startswith("//")
        if not (own and posixpath.normpath(posixpath.join(self.folder, src)) in self.theme_scripts):
            self.found.append(("<script src> that is not the theme's", snippet))


def _image(tag: str, name: str, value: str) -> bool:
    """A data: image where only an image can go (the theme's favicon): browsers never run script
    from an image, even an SVG one, and the pages' CSP allows data: images."""
    where = (tag, name) in (("img", "src"), ("link", "href"))
    return where and value.strip().lower().startswith("data:image/")
