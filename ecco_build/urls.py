"""Which URLs may reach an `href` or `src`: one rule for every input.

Front matter (`url:`), BibTeX (`url =`), site.toml (`base_url`, `[author] url`), Markdown
links and LaTeX `\\href` all pass through `is_safe`. Allowed: http(s) and mailto URLs,
protocol-relative `//host` links, and relative links (paths, `?query`, `#fragment`).
Anything else with a scheme (`javascript:`, `data:`, `vbscript:`, `file:` …) is refused.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = ("http", "https", "mailto")
# Browsers drop ASCII tab/newline and leading control characters or spaces before parsing a
# URL, so "java\tscript:" and " javascript:" are javascript: URLs: strip them first.
_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def scheme(url: str) -> str:
    """The URL's scheme in lower case, as a browser would read it; "" for a relative link."""
    match = _SCHEME.match(_IGNORED.sub("", url))
    return match.group(1).lower() if match else ""


def is_safe(url: str) -> bool:
    """True for http(s), mailto and relative URLs; False for every other scheme."""
    found = scheme(url)
    return not found or found in SAFE_SCHEMES


def is_absolute_http(url: str) -> bool:
    """True for an http(s) URL with a host (what base_url must be)."""
    return scheme(url) in ("http", "https") and bool(re.match(r"^\s*https?://[^/\s]+", url, re.I))
