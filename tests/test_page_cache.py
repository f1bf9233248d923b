"""The page-cache manifest: anything unusable counts as absent, never as a failed build."""

import pytest

from ecco_build.build import build
from ecco_build.pagecache import MANIFEST
from tests.conftest import write_site


@pytest.mark.parametrize(
    "manifest",
    [
        "[]",
        "null",
        '"text"',
        "not json {",
        '{"format": 1, "articles": []}',
        '{"format": 1, "articles": {"articles/a.md": 5}}',
        '{"format": 1, "articles": {"articles/a.md": {"fingerprint": 3, "slug": "a"}}}',
        '{"format": 1, "articles": {"articles/a.md": {"slug": "a"}}}',
        '{"format": [1]}',
        "[" * 100_000,
    ],
    ids=lambda text: text[:40],
)
def test_an_unusable_manifest_renders_everything(tmp_path, manifest):
    site = write_site(tmp_path / "site", {"a.md": "---\ntitle: A\n---\nText.\n"}, {})
    assert build(site).rendered == 1
    (site / "_site" / MANIFEST).write_text(manifest)
    assert build(site).rendered == 1
    assert build(site).rendered == 0  # and the next build has a good manifest again


def test_a_new_base_url_renders_the_pages_again(make_site):
    """--base-url is not in site.toml, yet the pages carry it (feed, embed snippets)."""
    from ecco_build.build import build

    site = make_site({"a.md": "---\ntitle: T\n---\nText.\n"})
    build(site, base_url="https://one.example/site")
    again = build(site, base_url="https://two.example/site")
    assert again.rendered == 1
    assert "https://two.example/site/" in (site / "_site" / "a" / "index.html").read_text()


def test_a_reused_page_keeps_its_figures_parts(tmp_path):
    """An attention figure's layers are files beside its data file; a page taken from the cache
    brings them along, so the second build's site equals the first's."""
    import shutil
    from pathlib import Path

    root = Path(__file__).parent.parent
    site = tmp_path / "site"
    site.mkdir()
    shutil.copytree(root / "data", site / "data")
    (site / "articles").mkdir()
    shutil.copy(root / "articles" / "attention.md", site / "articles")
    shutil.copy(root / "site.toml", site / "site.toml")
    out = tmp_path / "out"
    assert build(site, out=out).rendered == 1
    first = sorted(p.name for p in (out / "data").glob("attention-*.layer-*.json"))
    assert len(first) == 6 * (root / "articles" / "attention.md").read_text().count(":::{attention}")
    assert build(site, out=out).rendered == 0
    assert sorted(p.name for p in (out / "data").glob("attention-*.layer-*.json")) == first
