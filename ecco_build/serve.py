"""`ecco-build serve`: build, serve on 127.0.0.1, rebuild on change, reload the browser.

Rebuilds reuse the data store, so an edit to prose re-renders pages without loading a
model; only a new or changed directive computes anything.
"""

from __future__ import annotations

import functools
import http.server
import logging
import threading
from pathlib import Path

from ecco_build.build import build
from ecco_build.config import load_config
from ecco_build.errors import EccoBuildError

log = logging.getLogger(__name__)


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

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            log.debug(format, *args)

    return functools.partial(Handler, directory=str(out))


def watched_paths(site_dir: Path) -> list[Path]:
    config = load_config(site_dir)
    paths = [config.path, config.articles_path, config.root / "templates", config.root / "static"]
    if config.bibliography:
        paths.append(config.root / config.bibliography)
    from ecco_build.render import theme_dir

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
    rebuild(site_dir, device, state)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(config.out_path, state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log.info("serving %s on http://127.0.0.1:%d/ (Ctrl-C to stop)", config.out_path, port)
    try:
        for _ in watch(*watched_paths(site_dir)):
            rebuild(site_dir, device, state)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
