"""Local links and images: a ?query or #fragment stays in the page, names are percent-decoded."""

import pytest

from ecco_build.build import build
from ecco_build.document.links import split
from tests.conftest import write_site


@pytest.fixture
def site(tmp_path):
    return write_site(tmp_path / "site", {"a.md": "---\ntitle: A\n---\nText.\n"}, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fig.png", ("fig.png", "")),
        ("fig.png?v=2", ("fig.png", "?v=2")),
        ("fig.png#top", ("fig.png", "#top")),
        ("fig.png?v=2#top", ("fig.png", "?v=2#top")),
        ("my%20file.pdf", ("my file.pdf", "")),
        ("caf%C3%A9.png?x=%20", ("café.png", "?x=%20")),
        ("?v=2", ("", "?v=2")),
    ],
)
def test_split(value, expected):
    assert split(value) == expected


def test_query_in_a_local_link_is_kept_and_the_file_copied(site):
    (site / "articles" / "fig.png").write_bytes(b"\x89PNG")
    (site / "articles" / "a.md").write_text(
        "---\ntitle: A\n---\n![A plot](fig.png?v=2) and [data](fig.png?raw=1#top).\n"
    )
    build(site)
    page = (site / "_site" / "a" / "index.html").read_text()
    assert '<img src="fig.png?v=2" alt="A plot"' in page and '<a href="fig.png?raw=1#top">data</a>' in page
    assert (site / "_site" / "a" / "fig.png").read_bytes() == b"\x89PNG"


def test_files_with_spaces_and_non_ascii_names(site):
    (site / "articles" / "my file.pdf").write_bytes(b"%PDF")
    (site / "articles" / "café.png").write_bytes(b"\x89PNG")
    (site / "articles" / "a.md").write_text(
        "---\ntitle: A\n---\nRead [the paper](<my file.pdf>) and see ![a café](café.png).\n"
    )
    build(site)
    page = (site / "_site" / "a" / "index.html").read_text()
    assert '<a href="my%20file.pdf">the paper</a>' in page and '<img src="caf%C3%A9.png" alt="a café"' in page
    assert (site / "_site" / "a" / "my file.pdf").read_bytes() == b"%PDF"
    assert (site / "_site" / "a" / "café.png").read_bytes() == b"\x89PNG"


def test_missing_file_with_a_space_is_named_as_written(site):
    from ecco_build.errors import ArticleErrors

    (site / "articles" / "a.md").write_text("---\ntitle: A\n---\n[x](<no such.pdf?v=1>)\n")
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        "articles/a.md:4: link to no such.pdf?v=1: no such file beside the article "
        f"({site / 'articles' / 'no such.pdf'})"
    ]


def test_query_only_link_is_left_alone(site):
    (site / "articles" / "a.md").write_text("---\ntitle: A\n---\nThis [page](?print=1).\n")
    build(site)
    assert '<a href="?print=1">page</a>' in (site / "_site" / "a" / "index.html").read_text()
