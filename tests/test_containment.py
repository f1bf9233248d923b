"""Containment: what a page reads resolves inside the site; nothing is written outside the output.

Each test plants a file outside the site (`secret`) and reaches for it the way a careless or
hostile article would; the build must stop with the error at its line and publish nothing.
"""

import os

import pytest

from ecco_build.build import build, check
from ecco_build.errors import ArticleErrors
from tests.conftest import write_site

SECRET = b"not for publishing\n"


@pytest.fixture
def site(tmp_path):
    """A site without models, beside a secret file (tmp_path/secret.txt) and folder (outside/)."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.md").write_text("---\ntitle: Outside\n---\nText.\n")
    return write_site(tmp_path / "site", {"a.md": "---\ntitle: A\n---\nText.\n"}, {})


def errors(root) -> list[str]:
    with pytest.raises(ArticleErrors) as exc:
        check(root)
    return [str(p) for p in exc.value.problems]


def article(root, text: str, name: str = "a.md") -> None:
    (root / "articles" / name).write_text("---\ntitle: A\n" + text)


def published(root) -> list[bytes]:
    """Every file the build left in the site folder and beside it, by content."""
    found = root.parent.rglob("*")
    return [p.read_bytes() for p in found if p.is_file() and not p.is_symlink() and p.name != "secret.txt"]


def outside(root) -> str:
    return str(root.parent / "secret.txt")


def test_hero_with_dot_dot_is_refused_and_nothing_is_written_beside_the_site(site):
    (site.parent / "x.png").write_bytes(b"\x89PNG outside")
    article(site, "hero: ../../x.png\n---\nText.\n")
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert [str(p) for p in exc.value.problems] == [
        "articles/a.md:2: hero image ../../x.png: keep linked files in or below the article's folder (no ..)"
    ]
    assert sorted(p.name for p in site.parent.iterdir()) == ["outside", "secret.txt", "site", "x.png"]
    assert not (site / "_site").exists()


def test_absolute_hero_is_refused(site):
    article(site, f"hero: {outside(site)}\n---\nText.\n")
    assert errors(site) == [
        f"articles/a.md:2: hero image {outside(site)}: absolute paths are not supported; link with a path "
        "relative to the article (other.md for another article, plot.png for a file beside it)"
    ]


@pytest.mark.parametrize(
    ("markdown", "what"),
    [
        ("---\nSee [the notes](p.txt).\n", "link to p.txt"),
        ("---\n![A plot](p.txt)\n", "link to p.txt"),
        ("---\nSee [the notes](sub/secret.txt).\n", "link to sub/secret.txt"),
        ("hero: p.txt\n---\nText.\n", "hero image p.txt"),
    ],
    ids=["link", "image", "through-a-linked-folder", "hero"],
)
def test_symbolic_link_out_of_the_site_is_refused(site, markdown, what):
    (site / "articles" / "p.txt").symlink_to(site.parent / "secret.txt")
    (site / "articles" / "sub").symlink_to(site.parent, target_is_directory=True)
    article(site, markdown)
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    line = 2 if what.startswith("hero") else 4
    assert [str(p) for p in exc.value.problems] == [
        f"articles/a.md:{line}: {what}: it resolves to {outside(site)}, outside the site folder; "
        "copy it into the site instead"
    ]
    assert SECRET not in published(site)


def test_symbolic_link_inside_the_site_is_followed(site):
    (site / "notes").mkdir()
    (site / "notes" / "p.txt").write_text("shared notes")
    (site / "articles" / "p.txt").symlink_to(site / "notes" / "p.txt")
    (site / "articles" / "figs").symlink_to(site / "notes", target_is_directory=True)
    (site / "assets").mkdir()
    (site / "assets" / "extra.css").write_text("body {}")
    (site / "static").mkdir()
    (site / "static" / "extra.css").symlink_to(site / "assets" / "extra.css")
    article(site, "hero: figs/p.txt\n---\nSee [notes](p.txt) and [more](figs/p.txt).\n")
    build(site)
    out = site / "_site"
    assert (out / "a" / "p.txt").read_text() == "shared notes"
    assert (out / "a" / "figs" / "p.txt").read_text() == "shared notes"
    assert not (out / "a" / "p.txt").is_symlink()  # a copy, not a link that leads nowhere once published
    assert (out / "static" / "extra.css").read_text() == "body {}"


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("cfg.toml", "it is the site's configuration (site.toml), which is never published"),
        ("d.json", "it is in the data folder (data/), which is never published"),
        ("o.html", "it is in the output folder (_site/), which is never published"),
        (".env", "it is hidden (.env), and hidden files are never published; rename it"),
        ("git.txt", "it is hidden (.git), and hidden files are never published; rename it"),
    ],
)
def test_config_data_and_hidden_files_are_not_publishable(site, link, reason):
    (site / "data").mkdir()
    (site / "data" / "x.json").write_text("{}")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]")
    (site / "articles" / ".env").write_text("TOKEN=1")
    (site / "articles" / "cfg.toml").symlink_to(site / "site.toml")
    (site / "articles" / "d.json").symlink_to(site / "data" / "x.json")
    (site / "_site").mkdir()
    (site / "_site" / "index.html").write_text("<p>old</p>")
    (site / "articles" / "o.html").symlink_to(site / "_site" / "index.html")
    (site / "articles" / "git.txt").symlink_to(site / ".git" / "config")
    article(site, f"---\n[x]({link})\n")
    suffix = "" if "hidden" in reason else "; publish a copy kept elsewhere"
    assert errors(site) == [f"articles/a.md:4: link to {link}: {reason}{suffix}"]


@pytest.mark.parametrize("link", ["/etc/passwd", "/abs/img.png", "/a/index.html", "/a.md"])
def test_absolute_links_and_images_are_errors(site, link):
    article(site, f"---\nSee [x]({link}) and ![y]({link}).\n")
    message = (
        f"articles/a.md:4: link to {link}: absolute paths are not supported; link with a path relative "
        "to the article (other.md for another article, plot.png for a file beside it)"
    )
    assert errors(site) == [message]  # the link's and the image's, said once


def test_article_file_or_folder_linked_from_outside_is_refused(site):
    (site / "articles" / "x.md").symlink_to(site.parent / "outside" / "index.md")
    (site / "articles" / "name").symlink_to(site.parent / "outside", target_is_directory=True)
    reason = f"it resolves to {site.parent / 'outside' / 'index.md'}, outside the site folder"
    assert errors(site) == [
        f"articles/name/index.md:1: cannot read this article: {reason}; copy it into the site instead",
        f"articles/x.md:1: cannot read this article: {reason}; copy it into the site instead",
    ]


def test_article_linked_from_inside_the_site_is_read(site):
    (site / "drafts").mkdir()
    (site / "drafts" / "x.md").write_text("---\ntitle: X\n---\nText.\n")
    (site / "articles" / "x.md").symlink_to(site / "drafts" / "x.md")
    build(site)
    assert "<title>X" in (site / "_site" / "x" / "index.html").read_text()


@pytest.mark.parametrize("name", ["x.md", "name/index.md"])
def test_article_that_is_a_folder_a_dangling_link_or_a_loop_is_an_error(site, name):
    articles = site / "articles"
    (articles / "name").mkdir()
    (articles / name).mkdir()
    (articles / "gone").mkdir()
    (articles / "gone" / "index.md").symlink_to(articles / "nothing.md")
    (articles / "loop").mkdir()
    (articles / "loop" / "index.md").symlink_to(articles / "loop" / "index.md")
    (articles / "y.md").symlink_to(articles / "nothing.md")
    (articles / "z.md").symlink_to(articles / "z.md")
    assert errors(site) == [
        "articles/gone/index.md:1: cannot read this article: it is a symbolic link to a missing file "
        f"({articles / 'nothing.md'}); fix or remove the link",
        "articles/loop/index.md:1: cannot read this article: it is a symbolic link loop; "
        "fix or remove the link",
        f"articles/{name}:1: cannot read this article: it is a folder, not a file; rename it "
        "(an article in a folder is name/index.md)",
        "articles/y.md:1: cannot read this article: it is a symbolic link to a missing file "
        f"({articles / 'nothing.md'}); fix or remove the link",
        "articles/z.md:1: cannot read this article: it is a symbolic link loop; fix or remove the link",
    ]


def test_bibliography_outside_the_site_is_refused(site):
    (site.parent / "outside.bib").write_text("@misc{k, title = {T}, year = {2020}}\n")
    article(site, "bibliography: ../../outside.bib\n---\nSee [@k].\n")
    article(site, f"bibliography: {outside(site)}\n---\nSee [@k].\n", "b.md")
    (site / "articles" / "refs.bib").symlink_to(site.parent / "outside.bib")
    article(site, "bibliography: refs.bib\n---\nSee [@k].\n", "c.md")
    out = f"{site.parent / 'outside.bib'}, outside the site folder; copy it into the site instead"
    assert errors(site) == [  # and no "citation but no bibliography" beside each
        f"articles/a.md:1: bibliography ../../outside.bib: it resolves to {out}",
        f"articles/b.md:1: bibliography {outside(site)}: absolute paths are not supported; give a path "
        "relative to the article",
        f"articles/c.md:1: bibliography refs.bib: it resolves to {out}",
    ]


def test_bibliography_elsewhere_in_the_site_is_read(site):
    (site / "refs.bib").write_text("@misc{k, title = {Shared}, year = {2020}}\n")
    article(site, "bibliography: ../refs.bib\n---\nSee [@k].\n")
    build(site)
    assert "Shared" in (site / "_site" / "a" / "index.html").read_text()


def test_site_bibliography_linked_out_of_the_site_is_refused_once(site):
    (site.parent / "outside.bib").write_text("@misc{k, title = {T}, year = {2020}}\n")
    (site / "refs.bib").symlink_to(site.parent / "outside.bib")
    with (site / "site.toml").open("a") as f:
        f.write('bibliography = "refs.bib"\n')
    article(site, "---\nText.\n", "b.md")
    line = (site / "site.toml").read_text().splitlines().index('bibliography = "refs.bib"') + 1
    assert errors(site) == [
        f"site.toml:{line}: bibliography refs.bib: it resolves to {site.parent / 'outside.bib'}, "
        "outside the site folder; copy it into the site instead"
    ]


def test_static_and_templates_linked_out_of_the_site_are_refused(site):
    (site / "static").mkdir()
    (site / "static" / "evil.txt").symlink_to(site.parent / "secret.txt")
    (site / "static" / "js").symlink_to(site.parent / "outside", target_is_directory=True)
    (site / "static" / "up").symlink_to(site, target_is_directory=True)
    (site / "static" / ".git").mkdir()  # hidden: never published, never an error
    (site / "templates").symlink_to(site.parent / "outside", target_is_directory=True)
    out = "outside the site folder; copy it into the site instead"
    assert errors(site) == [
        f"static/evil.txt:1: cannot use this static file: it resolves to {outside(site)}, {out}",
        f"static/js:1: cannot use this static file: it resolves to {site.parent / 'outside'}, {out}",
        "static/up:1: cannot use this static file: it links to a folder that holds it (a loop); "
        "link to the files inside",
        f"templates:1: cannot use this template: it resolves to {site.parent / 'outside'}, {out}",
    ]


def test_template_override_linked_out_of_the_site_is_refused(site):
    (site.parent / "outside" / "article.html").write_text("{{ site.title }} leaked")
    (site / "templates").mkdir()
    (site / "templates" / "article.html").symlink_to(site.parent / "outside" / "article.html")
    assert errors(site) == [
        f"templates/article.html:1: cannot use this template: it resolves to "
        f"{site.parent / 'outside' / 'article.html'}, outside the site folder; copy it into the site instead"
    ]


def test_static_files_are_copied_not_linked_and_hidden_ones_stay_behind(site):
    (site / "static").mkdir()
    (site / "static" / "site.css").write_text("p {}")
    (site / "static" / ".DS_Store").write_text("junk")
    build(site)
    out = site / "_site" / "static"
    assert (out / "site.css").read_text() == "p {}" and not (out / ".DS_Store").exists()
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_nothing_is_read_through_a_planted_link_in_the_previous_output(site):
    """A link planted in the previous build's page folder is not carried into the new one."""
    build(site)
    os.symlink(site.parent / "secret.txt", site / "_site" / "a" / "planted.txt")
    build(site)
    assert not (site / "_site" / "a" / "planted.txt").exists()


def test_articles_folder_linked_out_of_the_site_is_refused(site):
    (site / "articles" / "a.md").rename(site.parent / "outside" / "a.md")
    (site / "articles").rmdir()
    (site / "articles").symlink_to(site.parent / "outside", target_is_directory=True)
    assert errors(site) == [
        f'site.toml:1: articles folder "articles": it resolves to {site.parent / "outside"}, '
        "outside the site folder; copy it into the site instead"
    ]


def test_hidden_article_names_are_skipped_so_no_page_lands_outside_the_output(site):
    (site / "articles" / "...md").write_text("---\ntitle: Dots\n---\nText.\n")  # its page would be ../
    (site / "articles" / ".#a.md").symlink_to(site / "articles" / "gone.md")  # an editor's lock file
    build(site)
    assert sorted(p.name for p in site.iterdir()) == ["_site", "articles", "site.toml"]
    assert "Dots" not in (site / "_site" / "index.html").read_text()
