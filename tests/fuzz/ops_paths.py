"""Mutation operators over links, paths and symlinks: everything that names a file."""

from __future__ import annotations

import random

from tests.fuzz.sitedraft import (
    BIB,
    INTRO,
    PNG,
    Draft,
    append,
    article,
    front_line,
    link,
    prose,
)


def _cite(target: str, rng: random.Random) -> str:
    """Markdown that makes the article read `target`: a link, an image or a reference link."""
    return rng.choice((f"[a file]({target})", f"![an image]({target})", f"[a file][r]\n\n[r]: {target}"))


def parent_link(draft: Draft, rng: random.Random) -> None:
    """A link or image reaching up: ../../outside/secret.txt, ../site.toml, ./../x, dir/../../x."""
    target = rng.choice(
        ("../../outside/secret.txt", "../site.toml", "./../../outside/outside.png", "sub/../../site.toml")
        + ("..", "../", "../../outside/outside.md", "../articles/plot.png")
    )
    prose(draft, rng, _cite(target, rng))


def absolute_link(draft: Draft, rng: random.Random) -> None:
    """A link or image with an absolute path: /etc/passwd, /etc/hostname, the box's outside file."""
    target = rng.choice(("/etc/passwd", "/etc/hostname", "@@BOX@@/outside/secret.txt", "/", "//etc/passwd"))
    prose(draft, rng, _cite(f"<{target}>" if rng.random() < 0.2 else target, rng))


def query_link(draft: Draft, rng: random.Random) -> None:
    """A local link with ?query or an odd fragment: plot.png?v=2, figures.md?x#results, plot.png#x."""
    target = rng.choice(
        ("plot.png?v=2", "figures.md?x#results", "plot.png#x", "plot.png?", "?x", "plot.png?a=b#c")
    )
    append(draft, INTRO, _cite(target, rng))


def odd_names(draft: Draft, rng: random.Random) -> None:
    """Files with spaces, non-ASCII, % or # in their names, linked raw, <>-quoted or URL-encoded."""
    name, written = rng.choice(
        (
            ("my plot.png", "<my plot.png>"),
            ("my plot.png", "my%20plot.png"),
            ("ümlaut.png", "ümlaut.png"),
            ("ümlaut.png", "%C3%BCmlaut.png"),
            ("100%.png", "100%25.png"),
            ("a#b.png", "a%23b.png"),
            ("日本.png", "日本.png"),
            ("x.PNG", "x.PNG"),
        )
    )
    draft.files[f"site/articles/{name}"] = PNG
    append(draft, INTRO, _cite(written, rng))


def script_url(draft: Draft, rng: random.Random) -> None:
    """javascript:, data: and vbscript: URLs in links, images, autolinks and reference definitions."""
    url = rng.choice(
        ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)")
    )
    block = rng.choice(
        (f"[x]({url})", f"![x]({url})", f"<{url}>", f"[x][r]\n\n[r]: {url}", f'[x](y "{url}")')
    )
    prose(draft, rng, block)


def missing_target(draft: Draft, rng: random.Random) -> None:
    """A link to a missing file, article, anchor or image; an article link with a folder."""
    target = rng.choice(
        ("gone.png", "gone.md", "figures.md#nowhere", "sub/gone.txt", "index.md", "articles/x.md")
    )
    prose(draft, rng, _cite(target, rng))


def hero_outside(draft: Draft, rng: random.Random) -> None:
    """hero: ../../outside/outside.png, /etc/passwd, an absolute path, a folder, site.toml, #fig-missing."""
    value = rng.choice(
        ("../../outside/outside.png", "/etc/passwd", "@@BOX@@/outside/outside.png", ".", "../site.toml")
        + ("#fig-missing", "#", "refs.bib", "hero.png?x", "http://example.test/x.png", "javascript:alert(1)")
    )
    front_line(draft, INTRO, f'hero: "{value}"', replace="hero")


def link_to_sources(draft: Draft, rng: random.Random) -> None:
    """Links that would publish data and config: ../site.toml, ../data/…, refs.bib, the .md itself."""
    target = rng.choice(("../site.toml", "../data/", "refs.bib", "intro.md.txt", "../_site/index.html"))
    if target == "intro.md.txt":
        draft.files["site/articles/intro.md.txt"] = "copy of the source"
    append(draft, INTRO, _cite(target, rng))


def encoded_traversal(draft: Draft, rng: random.Random) -> None:
    """Percent-encoded traversal and NUL: %2e%2e/%2e%2e/outside/secret.txt, ..%2fsite.toml, %00."""
    target = rng.choice(
        ("%2e%2e/%2e%2e/outside/secret.txt", "..%2f..%2foutside%2fsecret.txt", "plot.png%00.txt")
        + ("plot.png\\..\\..\\x", "%2F%65tc/passwd", "..%5c..%5csite.toml")
    )
    prose(draft, rng, _cite(target, rng))


def symlink_secret(draft: Draft, rng: random.Random) -> None:
    """A file beside the article that is a symlink to /etc/passwd or to a file beside the site."""
    target = rng.choice(("/etc/passwd", "../../outside/secret.txt", "@@BOX@@/outside/secret.txt"))
    link(draft, "site/articles/p.txt", target)
    append(draft, INTRO, _cite("p.txt", rng))


def symlink_image(draft: Draft, rng: random.Random) -> None:
    """An image or the hero that is a symlink to a file outside the site."""
    name = rng.choice(("plot.png", "hero.png", "extra.png"))
    link(
        draft,
        f"site/articles/{name}",
        rng.choice(("../../outside/outside.png", "@@BOX@@/outside/outside.png")),
    )
    if name == "extra.png":
        append(draft, INTRO, "![extra](extra.png)")


def dangling_symlink(draft: Draft, rng: random.Random) -> None:
    """A dangling symlink as an image, an article (x.md), the bibliography or site.toml."""
    path = rng.choice(
        ("site/articles/plot.png", "site/articles/x.md", BIB, "site/site.toml", "site/articles")
    )
    link(draft, path, "missing-target")
    if path == "site/articles":
        for name in [p for p in draft.files if p.startswith("site/articles/")]:
            del draft.files[name]


def symlink_loop(draft: Draft, rng: random.Random) -> None:
    """A symlink loop: an article loop.md → loop.md, a → b → a linked as an image, a folder loop."""
    variant = rng.choice(("self", "pair", "folder"))
    if variant == "self":
        link(draft, "site/articles/loop.md", "loop.md")
    elif variant == "pair":
        link(draft, "site/articles/a.png", "b.png")
        link(draft, "site/articles/b.png", "a.png")
        append(draft, INTRO, "![loop](a.png)")
    else:
        link(draft, "site/articles/deep", ".")
        append(draft, INTRO, "![deep](deep/deep/deep/plot.png)")


def article_is_folder(draft: Draft, rng: random.Random) -> None:
    """articles/x.md that is a folder (empty or holding files), or a folder's index.md that is one."""
    name = rng.choice(("site/articles/x.md", "site/articles/sub/index.md", "site/articles/plot.png"))
    draft.files.pop(name, None)
    draft.folders.add(name)
    if rng.random() < 0.5:
        draft.files[f"{name}/inner.md"] = "---\ntitle: Inner\n---\nText.\n"


def symlinked_article(draft: Draft, rng: random.Random) -> None:
    """An article that is a symlink to a Markdown file outside the site, or the articles folder itself."""
    if rng.random() < 0.7:
        link(
            draft,
            "site/articles/evil.md",
            rng.choice(("../../outside/outside.md", "@@BOX@@/outside/outside.md")),
        )
        return
    for name in [p for p in draft.files if p.startswith("site/articles/")]:
        draft.files["outside/articles/" + name.removeprefix("site/articles/")] = draft.files.pop(name)
    link(draft, "site/articles", "../outside/articles")


def symlinked_theme(draft: Draft, rng: random.Random) -> None:
    """The site's static/ or templates/ (or one file in them) as a symlink to something outside."""
    draft.files["outside/theme/js/extra.js"] = "console.log('outside');\n"
    draft.files["outside/theme/secret.txt"] = "outside"
    path, target = rng.choice(
        (
            ("site/static", "../outside/theme"),
            ("site/templates", "../outside/theme"),
            ("site/static/js/extra.js", "/etc/passwd"),
            ("site/static/passwd", "/etc/passwd"),
            ("site/templates/base.html", "/etc/passwd"),
            ("site/static", "/missing-folder"),
        )
    )
    link(draft, path, target)


def site_templates(draft: Draft, rng: random.Random) -> None:
    """A site template override that is broken, includes itself, includes ../ or reads outside."""
    name, content = rng.choice(
        (
            ("base.html", "{% block x %}"),
            ("base.html", "{% include 'base.html' %}"),
            ("article.html", "{% extends 'article.html' %}"),
            ("article.html", "{% include '../../outside/secret.txt' %}"),
            ("article.html", "{{ undefined.attribute.chain }}"),
            ("index.html", "{{ 1 / 0 }}"),
            ("base.html", "<script>alert(1)</script>{{ page.title }}"),
            ("directives/generate.html", "{{ result.nope.nope }}"),
        )
    )
    draft.files[f"site/templates/{name}"] = content


def bibliography_symlink(draft: Draft, rng: random.Random) -> None:
    """The bibliography as a symlink to /etc/passwd or to a .bib beside the site."""
    link(draft, BIB, rng.choice(("/etc/passwd", "../../outside/outside.bib")))
    append(draft, INTRO, "And [@outside2020].")


def static_overrides(draft: Draft, rng: random.Random) -> None:
    """Site static files: an override of a theme script, an HTML file, an SVG with script, a huge file."""
    name, content = rng.choice(
        (
            ("js/theme-toggle.js", "alert(1);"),
            ("evil.html", "<script>alert(1)</script>"),
            ("evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            ("big.bin", "x" * 3_000_000),
        )
    )
    draft.files[f"site/static/{name}"] = content


def misplaced_articles(draft: Draft, rng: random.Random) -> None:
    """Articles in odd places: a name starting with _, a folder article, two articles with one slug."""
    body = "---\ntitle: Extra\n---\nText.\n"
    name = rng.choice(
        ("_hidden.md", "sub/index.md", "intro/index.md", "INTRO.md", "a b.md", "x.markdown", ".md")
    )
    draft.files[f"site/articles/{name}"] = body
    if rng.random() < 0.5:
        append(draft, article(draft, rng), f"[extra]({name.replace(' ', '%20')})")
