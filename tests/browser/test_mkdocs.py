"""A real blog engine: a fresh mkdocs site (its default theme, bootstrap CSS and all) whose one
Markdown page pastes two figures' snippets exactly as the figures' "Embed and export" panels
give them (the site built with its base_url on a local port): one by the web component, one by
iframe with the host script. `mkdocs build` passes the raw HTML through; served from a second
port, both figures hydrate in Chromium and nothing is requested outside the two servers."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.render.figure_files import FigureFiles
from ecco_build.serve import _State, bind
from tests.browser import browser_page, only_from, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
MKDOCS_YML = "site_name: A blog\ntheme:\n  name: mkdocs\n  highlightjs: false\n"
POST = """# A post about brackets

Here is a figure I computed elsewhere, as a web component:

{component}

And the same site's generation figure in a frame:

{iframe}

{host_script}

That's all.
"""


def snippet(page: str, figure_id: str, which: str) -> str:
    """A snippet of a figure's panel, as the copy button copies it."""
    match = re.search(rf'<textarea id="{figure_id}-embed-{which}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no {which} snippet for #{figure_id}"
    return html.unescape(match.group(1))


def test_both_snippets_work_in_a_mkdocs_site(tmp_path):
    server = bind(0, tmp_path / "site", _State())  # `ecco-build serve`'s handler: CORS for localhost
    site_url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = build(ROOT, out=tmp_path / "site", base_url=site_url).out
        article = (out / "brackets" / "index.html").read_text()
        component = snippet(article, "fig-saliency", "component")
        iframe = snippet(article, "fig-generate", "iframe")
        assert site_url + "static/js/ecco.js" in component and "<ecco-saliency src=" in component
        assert site_url + FigureFiles("brackets", "fig-generate").embed in iframe
        blog = tmp_path / "blog"
        (blog / "docs").mkdir(parents=True)
        (blog / "mkdocs.yml").write_text(MKDOCS_YML)
        host_script = f'<script src="{site_url}static/js/embed-host.js"></script>'
        (blog / "docs" / "index.md").write_text(
            POST.format(component=component, iframe=iframe, host_script=host_script)
        )
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=blog, check=True)
        built = (blog / "site" / "index.html").read_text()
        assert component.splitlines()[1] in built and iframe in built  # raw HTML passed through
        with serve(blog / "site") as blog_url, browser_page(width=1100) as page:
            outside = only_from(page, site_url, blog_url)
            page.goto(blog_url + "index.html")
            page.wait_for_selector("ecco-saliency.is-hydrated", state="attached", timeout=15_000)
            outputs = page.locator("ecco-saliency .ecco-token.output[role=button]")
            outputs.nth(1).hover()
            assert (
                page.locator("ecco-saliency .ecco-saliency-status").inner_text().startswith("Output token 2,")
            )
            frame = page.frame_locator("iframe.ecco-embed")
            token = frame.locator("ecco-generate.is-hydrated .ecco-token.output[role=button]").nth(1)
            token.wait_for(timeout=15_000)
            token.hover()
            assert frame.locator(".ecco-candidates-title").inner_text().startswith("Step 2:")
            assert outside == []
            assert page.errors == []
    finally:
        server.shutdown()
        server.server_close()
