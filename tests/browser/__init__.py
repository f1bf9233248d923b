"""Serve a built site on localhost and drive Debian's Chromium through playwright."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextmanager
def browser_page(width: int = 1200, height: int = 900, touch: bool = False) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, has_touch=touch)
            page.errors = []
            page.on("pageerror", lambda error: page.errors.append(str(error)))
            yield page
        finally:
            browser.close()


def only_from(page, *origins: str) -> list[str]:
    """Let `page` load only from these URL prefixes (and data:/about:); every other request is
    aborted and recorded in the returned list, which the test checks is empty."""
    outside: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith((*origins, "data:", "about:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return outside


def built_site(tmp_path_factory, tiny_model_dir, name: str, article: str) -> Path:
    """A site with one article (articles/<name>.md) on the tiny GPT-2, built once."""
    from ecco_build.build import build
    from tests.conftest import write_site

    root = write_site(
        tmp_path_factory.mktemp(name) / "site", {f"{name}.md": article}, {"tiny": tiny_model_dir["gpt2"]}
    )
    build(root)
    return root
