"""`ecco-build serve`: build, serve on 127.0.0.1, rebuild on change, reload the browser.

Rebuilds reuse the data store, so an edit to prose re-renders pages without loading a
model; only a new or changed directive computes anything. The port is taken before the
first build, so a port in use is reported at once, not after a build.
"""

from __future__ import annotations

import errno
import functools
import http.server
import logging
import os
import re
import threading
from http import HTTPStatus
from pathlib import Path

from ecco_build.build import build
from ecco_build.config import load_config
from ecco_build.errors import EccoBuildError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # never another interface: the preview is for this machine only
LOCAL_ORIGIN = re.compile(r"http://(127\.0\.0\.1|localhost)(:\d+)?")


class _State:
    def __init__(self) -> None:
        self.build_id = 0
        self.error = ""


def _handler(out: Path, state: _State):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path == "/__ecco_build_id":
                body = str(state.build_id).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def send_head(self):
            # translate_path drops ".." parts (no traversal), but a NUL (%00) or bytes that are
            # no file name (%ED%A0%80) would make open() raise in the handler thread.
            try:
                name = os.fsencode(self.translate_path(self.path))
            except ValueError:  # UnicodeError included
                name = b"\0"
            if b"\0" in name:
                self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
                return None
            return super().send_head()

        def end_headers(self) -> None:
            # CORS for pages on this machine only (a blog preview on another port pasting the
            # web component): any other site the browser visits still cannot read the preview.
            origin = self.headers.get("Origin", "")
            if LOCAL_ORIGIN.fullmatch(origin):
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")
            super().end_headers()

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            log.debug(format, *args)

    return functools.partial(Handler, directory=str(out))


def bind(port: int, out: Path, state: _State) -> http.server.ThreadingHTTPServer:
    """The server, listening on 127.0.0.1:port; a clean error if the port cannot be had."""
    try:
        return http.server.ThreadingHTTPServer((HOST, port), _handler(out, state))
    except OverflowError:
        raise EccoBuildError(f"port {port} is not a port number; pass --port between 1 and 65535") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise EccoBuildError(
                f"port {port} is in use (another `ecco-build serve`?); stop that server or pass "
                f"--port {port + 1 if port < 65535 else 8000}"
            ) from None
        raise EccoBuildError(
            f"cannot listen on {HOST}:{port}: {exc.strerror}; pass another --port (e.g. --port 8000)"
        ) from None


def watched_paths(site_dir: Path) -> list[Path]:
    config = load_config(site_dir)
    paths = [config.path, config.articles_path, config.root / "templates", config.root / "static"]
    if config.bibliography:
        paths.append(config.root / config.bibliography)
    from ecco_build.render.theme import theme_dir

    paths += [theme_dir() / "templates", theme_dir() / "static"]
    return [p for p in paths if p.exists()]


def rebuild(site_dir: Path, device: str | None, state: _State) -> None:
    try:
        result = build(site_dir, device=device, live_reload=True)
    except EccoBuildError as exc:
        state.error = str(exc)
        log.error("build failed; still serving the previous site:\n%s", exc)
        return
    state.error = ""
    state.build_id += 1
    log.info("rebuilt in %.2f s (%d computed, %s)", result.seconds, result.computed, result.pages_note)


def serve(site_dir: Path, port: int = 8000, device: str | None = None) -> None:
    from watchfiles import watch

    config = load_config(site_dir)
    state = _State()
    server = bind(port, config.out_path, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        rebuild(site_dir, device, state)
        shown = server.server_address[1]
        log.info("serving %s on http://%s:%d/ (Ctrl-C to stop)", config.out_path, HOST, shown)
        for _ in watch(*watched_paths(site_dir)):
            rebuild(site_dir, device, state)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
