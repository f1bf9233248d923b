"""Files an article publishes must not carry script.

A page's Content-Security-Policy guards the pages ecco-build writes; a file an article links or
shows (an SVG figure, an HTML handout) is served as it is, and a browser that opens it runs its
script in the site's origin. So such files are checked before they are copied: script files are
never published from articles (a site's own scripts belong in `static/`), and markup files
(HTML, SVG, XML) are read and refused if they hold a script element, an event-handler attribute,
a frame or plug-in element, or a link with a scheme other than http(s), mailto or a relative one.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from ecco_build import urls

SCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".wasm"})
MARKUP_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".svg", ".xml", ".xsl", ".xslt"})
OPAQUE_SUFFIXES = frozenset({".svgz"})  # compressed: not checkable as it stands
ACTIVE_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base"})
URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href", "action", "formaction", "data", "srcdoc"})


ANIMATED_VALUES = frozenset({"to", "from", "by", "values"})  # SVG animation can set an href


def _all_safe(values: str) -> bool:
    return all(urls.is_safe(part) for part in values.split(";"))


class ActiveContent(ValueError):
    """Why a file may not be published; the message reads after "it …"."""


def check(path: Path) -> None:
    """Raise ActiveContent if the file at `path` could run script when opened in a browser."""
    suffix = path.suffix.lower()
    if suffix in SCRIPT_SUFFIXES:
        raise ActiveContent(
            "is a script, and scripts are not published from articles; a site's own scripts go in static/"
        )
    if suffix in OPAQUE_SUFFIXES:
        raise ActiveContent("is compressed SVG, which cannot be checked for script; publish the .svg")
    if suffix in MARKUP_SUFFIXES:
        found = _Scanner.scan(path.read_bytes().decode("utf-8", errors="replace"))
        if found:
            raise ActiveContent(f"holds {found}, which could run script; remove it (or publish a PNG)")


class _Scanner(HTMLParser):
    """The first active thing in a markup document, in words; "" if there is none."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = ""

    @classmethod
    def scan(cls, text: str) -> str:
        scanner = cls()
        scanner.feed(text)
        scanner.close()
        return scanner.found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found:
            return
        if tag in ACTIVE_ELEMENTS:
            self.found = f"a <{tag}> element"
            return
        for name, value in attrs:
            if name.startswith("on"):
                self.found = f"an event-handler attribute ({name}= on <{tag}>)"
            elif (
                name in URL_ATTRIBUTES and value is not None and (name == "srcdoc" or not urls.is_safe(value))
            ):
                self.found = f"an unsafe {name}= on <{tag}>"
            elif tag in ("set", "animate") and name in ANIMATED_VALUES and not _all_safe(value or ""):
                self.found = f"an unsafe animated {name}= on <{tag}>"
            elif tag == "meta" and name == "http-equiv" and (value or "").lower() == "refresh":
                self.found = "a <meta http-equiv=refresh>"
            if self.found:
                return

    handle_startendtag = handle_starttag

    def handle_pi(self, data: str) -> None:
        if not self.found and data.lower().startswith("xml-stylesheet"):
            self.found = "an xml-stylesheet instruction"
