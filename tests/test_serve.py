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
