"""Each figure's embed page, oEmbed record and notes panel (render/embeds.py), read from the
example site built from its committed results (no model), and from copies of it with a hostile
caption, no base_url, or exports off."""

from __future__ import annotations

import json
import re
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ecco_build.build import build
from ecco_build.render.embeds import HEIGHTS, iframe_snippet, png_size, rebase
from ecco_build.render.figure_files import FigureFiles

ROOT = Path(__file__).parent.parent
BASE = "https://ecco-build.github.io/ecco-build/"
HOSTILE = '"><script>alert(1)</script> & <b>bold</b>'
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


class Tags(HTMLParser):
    """Every start tag (name, attributes) and the text inside each <textarea>, by its id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.areas: dict[str, str] = {}
        self._area: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "textarea":
            self._area = dict(attrs)["id"]
            self.areas[self._area] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._area = None

    def handle_data(self, data):
        if self._area is not None:
            self.areas[self._area] += data

    def all(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def copy_example(folder: Path, caption: str | None = None, toml: tuple[str, str] | None = None) -> Path:
    shutil.copytree(ROOT / "articles", folder / "articles")
    shutil.copytree(ROOT / "data", folder / "data")
    text = (ROOT / "site.toml").read_text()
    if toml:
        assert toml[0] in text
        text = text.replace(*toml)
    (folder / "site.toml").write_text(text)
    if caption is not None:
        article = folder / "articles" / "authoring.md"
        old = (
            "The demo model continues a loop. Hover over (or tab to) a generated token to see what "
            "else the\nmodel considered at that step."
        )
        assert old in article.read_text()
        article.write_text(article.read_text().replace(old, caption))
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(ROOT, out=tmp_path_factory.mktemp("embeds") / "site").out


def figures(site: Path) -> list[tuple[str, str, str]]:
    """(slug, figure id, kind) of every analysis figure on every article page."""
    found = []
    for page in sorted(site.glob("*/index.html")):
        for attrs in Tags(page.read_text()).all("figure"):
            if "ecco-figure" in (attrs.get("class") or "") and attrs.get("data-kind"):
                found.append((page.parent.name, attrs["id"], attrs["data-kind"]))
    return found


def test_every_figure_has_an_embed_page_with_just_the_figure(site):
    found = figures(site)
    assert len(found) >= 8 and {kind for *_, kind in found} >= set(HEIGHTS)
    article_csp = CSP.search((site / "authoring" / "index.html").read_text()).group(1)
    for slug, fid, kind in found:
        text = (site / FigureFiles(slug, fid).embed).read_text()
        tags = Tags(text)
        assert [a["id"] for a in tags.all("figure")] == [fid], (slug, fid)
        assert f"<ecco-{kind} " in text
        assert "site-header" not in text and "site-footer" not in text
        assert CSP.search(text).group(1) == article_csp  # the same policy: no inline script
        assert not [s for s in tags.all("script") if "src" not in s and s.get("type") != "application/json"]
        for script in tags.all("script"):
            if "src" in script:
                assert script["src"].startswith("../../static/js/")
                assert (site / "embed" / slug / script["src"]).resolve().is_file()
        for link in tags.all("link"):
            if link.get("rel") == "stylesheet":
                assert (site / "embed" / slug / link["href"]).resolve().is_file()
        number = [a for a in tags.all("a") if a.get("class") == "figure-number"]
        assert number[0]["href"] == f"../../{slug}/index.html#{fid}"
        assert (site / "embed" / slug / number[0]["href"].split("#")[0]).resolve().is_file()
        assert "ecco-embed-panel" not in text  # the panel is the article's


def panels(site: Path, slug: str, fid: str) -> int:
    """How many models a figure shows (a comparison's data-models), 1 for most."""
    for attrs in Tags((site / slug / "index.html").read_text()).all("figure"):
        if attrs.get("id") == fid:
            return len((attrs.get("data-models") or "one").split())
    raise AssertionError(f"no figure {fid} in {slug}")


def test_oembed_records_have_the_required_fields_and_are_discovered(site):
    for slug, fid, kind in figures(site):
        files = FigureFiles(slug, fid)
        record = json.loads((site / files.oembed).read_text())
        assert record["version"] == "1.0" and record["type"] == "rich"
        for name in ("width", "height"):
            assert isinstance(record[name], int) and record[name] > 0
        n = panels(site, slug, fid)  # a saliency comparison is taller by its difference views
        assert record["height"] == HEIGHTS[kind] + (220 * (n - 1) if kind == "saliency" else 0)
        assert record["provider_url"] == BASE and record["provider_name"] == "ecco-build examples"
        assert record["author_name"] == "The ecco-build developers"
        # Exports are on in the example site: the thumbnail is the light PNG, with its size.
        assert record["thumbnail_url"] == BASE + files.png("light")
        size = (record["thumbnail_width"], record["thumbnail_height"])
        assert png_size(site / files.png("light")) == size
        (iframe,) = Tags(record["html"]).all("iframe")
        assert iframe["src"] == BASE + files.embed
        assert iframe["title"] == record["title"] and record["title"].startswith("Figure ")
        links = [
            a
            for a in Tags((site / files.embed).read_text()).all("link")
            if a.get("rel") == "alternate" and a.get("type") == "application/json+oembed"
        ]
        assert len(links) == 1 and links[0]["title"] == record["title"]
        assert links[0]["href"].startswith(BASE)
        assert (site / links[0]["href"].removeprefix(BASE)) == site / files.oembed


def test_the_panel_snippets_use_base_url_and_every_figure_has_its_data_file(site):
    for slug, fid, kind in figures(site):
        tags = Tags((site / slug / "index.html").read_text())
        iframe_text, component_text = tags.areas[f"{fid}-embed-iframe"], tags.areas[f"{fid}-embed-component"]
        (iframe,) = Tags(iframe_text).all("iframe")
        assert iframe["src"] == BASE + FigureFiles(slug, fid).embed
        n = panels(site, slug, fid)
        assert iframe["height"] == str(HEIGHTS[kind] + (220 * (n - 1) if kind == "saliency" else 0))
        snippet = Tags(component_text)
        assert snippet.all("script") == [{"type": "module", "src": BASE + "static/js/ecco.js"}]
        (element,) = snippet.all("ecco-compare" if n > 1 else f"ecco-{kind}")
        data = element["src"].removeprefix(BASE)
        assert data.startswith("data/") and json.loads((site / data).read_text())  # inline or not
        if n > 1:  # a comparison's file names each model's data file, beside it
            record = json.loads((site / data).read_text())
            assert len(record["panels"]) == n and record["element"] == f"ecco-{kind}"
            assert all((site / "data" / p["src"]).is_file() for p in record["panels"])
        buttons = [b for b in tags.all("button") if b.get("data-copy", "").startswith(f"{fid}-embed-")]
        assert len(buttons) == 2
        hrefs = {a["href"] for a in tags.all("a") if "href" in a}
        files = FigureFiles(slug, fid)
        exports = {"../" + files.svg(t) for t in ("light", "dark")} | {
            "../" + files.png(t) for t in ("light", "dark")
        }
        assert exports <= hrefs
        assert (("../" + files.chart_spec) in hrefs) == (
            kind in {"rankings", "rankings-watch", "layer-predictions", "factors"}
        )


def test_a_hostile_caption_stays_text_in_every_snippet(tmp_path):
    folder = copy_example(tmp_path / "site", caption=HOSTILE)
    out = build(folder).out
    files = FigureFiles("authoring", "fig-loop")
    page = (out / "authoring" / "index.html").read_text()
    assert "<script>alert(1)" not in page
    tags = Tags(page)
    record = json.loads((out / files.oembed).read_text())
    for snippet in (tags.areas["fig-loop-embed-iframe"], record["html"]):
        parsed = Tags(snippet)
        assert [tag for tag, _ in parsed.tags] == ["iframe"], snippet
        title = parsed.all("iframe")[0]["title"]
        assert (
            title.startswith("Figure 1: ")
            and "<script>alert(1)</script>" in title
            and "& <b>bold</b>" in title
        )
    embed = (out / files.embed).read_text()
    assert "<script>alert(1)" not in embed
    assert not [
        s for s in Tags(embed).all("script") if "src" not in s and s.get("type") != "application/json"
    ]


def test_without_base_url_snippets_are_relative_and_no_oembed_is_written(tmp_path):
    folder = copy_example(tmp_path / "site", toml=(f'base_url = "{BASE}"', ""))
    out = build(folder).out
    assert not list(out.glob("embed/*/*.oembed.json"))
    files = FigureFiles("authoring", "fig-loop")
    assert (out / files.embed).is_file()
    assert "application/json+oembed" not in (out / files.embed).read_text()
    page = (out / "authoring" / "index.html").read_text()
    tags = Tags(page)
    (iframe,) = Tags(tags.areas["fig-loop-embed-iframe"]).all("iframe")
    assert iframe["src"] == "../" + files.embed
    assert "set <code>base_url</code>" in page


def test_exports_off_drops_the_export_links(tmp_path):
    folder = copy_example(
        tmp_path / "site", toml=('default_model = "demo"', 'default_model = "demo"\nexports = false')
    )
    out = build(folder).out
    page = (out / "authoring" / "index.html").read_text()
    assert "ecco-embed-panel" in page and "exports/" not in page
    record = json.loads((out / FigureFiles("authoring", "fig-loop").oembed).read_text())
    assert "thumbnail_url" not in record


def test_an_unchanged_rebuild_keeps_the_embed_pages(tmp_path):
    folder = copy_example(tmp_path / "site")
    first = build(folder)
    before = {p.relative_to(first.out): p.read_bytes() for p in first.out.glob("embed/**/*") if p.is_file()}
    second = build(folder)
    assert second.rendered == 0
    after = {p.relative_to(second.out): p.read_bytes() for p in second.out.glob("embed/**/*") if p.is_file()}
    assert before and after == before


def test_caption_links_are_rebased_onto_the_embed_page():
    caption = (
        '<a href="#fig-2">Figure 2</a> <a href="../other/index.html#x">o</a> <img src="pic.png" alt=""> '
        '<a href="https://example.org/a">e</a> <a href="#me">self</a> <a href="?q=1&amp;r=2">q</a>'
    )
    out = rebase(caption, "art", "me")
    assert 'href="../../art/index.html#fig-2"' in out
    assert 'href="../../art/../other/index.html#x"' in out
    assert 'src="../../art/pic.png"' in out
    assert 'href="https://example.org/a"' in out and 'href="#me"' in out
    assert 'href="../../art/index.html?q=1&amp;r=2"' in out


def test_iframe_snippet_escapes_and_png_size_reads_the_header(tmp_path):
    snippet = iframe_snippet('https://x.org/a"b', '"><script>', 480.7)
    assert Tags(snippet).all("iframe")[0] == {
        "class": "ecco-embed",
        "src": 'https://x.org/a"b',
        "title": '"><script>',
        "width": "100%",
        "height": "480",
        "style": "border:0;max-width:100%",
        "loading": "lazy",
    }
    header = struct.pack(">IIBBBBB", 1440, 960, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + header
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    (tmp_path / "a.png").write_bytes(png)
    (tmp_path / "b.png").write_bytes(b"not a png at all, just text")
    assert png_size(tmp_path / "a.png") == (1440, 960)
    assert png_size(tmp_path / "b.png") is None and png_size(tmp_path / "c.png") is None
