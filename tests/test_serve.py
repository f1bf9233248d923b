"""`ecco-build serve`: rebuilds reuse results (a prose edit loads no model) and signal reloads."""

import urllib.request

from ecco_build import serve
from ecco_build.models import loader


def test_prose_edit_rebuilds_without_a_model(make_site, monkeypatch):
    site = make_site(
        {"a.md": "---\ntitle: A\n---\nFirst.\n\n:::{generate}\n:prompt: hi\n:max_new_tokens: 2\n:::\n"}
    )
    state = serve._State()
    serve.rebuild(site, None, state)
    assert state.build_id == 1 and state.error == ""

    def forbidden(*args, **kwargs):
        raise AssertionError("a model was loaded for a prose edit")

    monkeypatch.setattr(loader, "load", forbidden)
    article = site / "articles" / "a.md"
    article.write_text(article.read_text().replace("First.", "Second paragraph, edited."))
    serve.rebuild(site, None, state)
    assert state.build_id == 2
    page = (site / "_site" / "a" / "index.html").read_text()
    assert "Second paragraph, edited." in page and "live-reload.js" in page
    # A broken edit keeps the previous site and reports the error.
    article.write_text(article.read_text().replace(":max_new_tokens: 2", ":max_new_tokens: many"))
    serve.rebuild(site, None, state)
    assert state.build_id == 2 and "max_new_tokens must be an integer" in state.error
    assert "Second paragraph, edited." in (site / "_site" / "a" / "index.html").read_text()


def test_build_id_endpoint(make_site):
    import http.server
    import threading

    site = make_site({"a.md": "---\ntitle: A\n---\nText.\n"})
    state = serve._State()
    serve.rebuild(site, None, state)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), serve._handler(site / "_site", state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert urllib.request.urlopen(url + "/__ecco_build_id").read() == b"1"
        state.build_id = 7
        assert urllib.request.urlopen(url + "/__ecco_build_id").read() == b"7"
        assert b"<h1>" in urllib.request.urlopen(url + "/a/index.html").read()
    finally:
        server.shutdown()


def test_port_in_use_fails_at_once_without_building(make_site, monkeypatch):
    import socket

    from click.testing import CliRunner

    from ecco_build.cli import main

    site = make_site({"a.md": "---\ntitle: A\n---\nText.\n"})

    def forbidden(*args, **kwargs):
        raise AssertionError("built before the port was bound")

    monkeypatch.setattr(serve, "build", forbidden)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", str(site), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: port {port} is in use (another `ecco-build serve`?); stop that server or pass "
        f"--port {port + 1}\n"
    )
    assert not (site / "_site").exists()


def test_bad_paths_are_answered_cleanly(make_site, capfd):
    import http.client
    import http.server
    import threading

    site = make_site({"a.md": "---\ntitle: A\n---\nText.\n"})
    state = serve._State()
    serve.rebuild(site, None, state)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), serve._handler(site / "_site", state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answers = {}
        for path in ("/a%00b", "/a/index.html%00.x", "/%ED%A0%80", "/%FF", "/../../site.toml", "/a/"):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
            connection.request("GET", path)
            answers[path] = connection.getresponse().status
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
    assert answers == {
        "/a%00b": 400,
        "/a/index.html%00.x": 400,
        "/%ED%A0%80": 400,
        "/%FF": 404,
        "/../../site.toml": 404,  # no traversal: the path is taken inside _site
        "/a/": 200,
    }
    assert "Traceback" not in capfd.readouterr().err
    assert server.server_address[0] == "127.0.0.1"
