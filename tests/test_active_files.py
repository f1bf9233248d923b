"""Files an article links or shows are published as they are: none may carry script."""

from pathlib import Path

import pytest

from ecco_build import active
from ecco_build.build import build, check
from ecco_build.errors import ArticleErrors
from tests.conftest import write_site

ARTICLE = "---\ntitle: A\n---\nSee [the handout]({name}).\n"


def site_linking(tmp_path: Path, name: str, content: str) -> Path:
    site = write_site(tmp_path / "site", {"a.md": ARTICLE.format(name=name)}, {})
    (site / "articles" / name).write_text(content)
    return site


@pytest.mark.parametrize(
    "name, content, found",
    [
        (
            "evil.svg",
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a <script> element",
        ),
        (
            "evil.svg",
            '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "an event-handler attribute (onload= on <svg>)",
        ),
        (
            "evil.svg",
            '<svg><a xlink:href="java&#x09;script:alert(1)"><text>x</text></a></svg>',
            "an unsafe xlink:href= on <a>",
        ),
        (
            "evil.svg",
            '<svg><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
            "an unsafe animated to= on <set>",
        ),
        ("evil.html", "<p>hi</p><SCRIPT src=x.js></SCRIPT>", "a <script> element"),
        (
            "evil.html",
            '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
            "a <iframe> element",
        ),
        (
            "evil.html",
            '<meta http-equiv="Refresh" content="0;url=javascript:alert(1)">',
            "a <meta http-equiv=refresh>",
        ),
        ("evil.xml", '<?xml-stylesheet type="text/xsl" href="x.xsl"?><r/>', "an xml-stylesheet instruction"),
    ],
)
def test_markup_with_script_is_refused(tmp_path, name, content, found):
    site = site_linking(tmp_path, name, content)
    with pytest.raises(ArticleErrors) as caught:
        check(site)
    assert str(caught.value).splitlines()[0] == (
        f"articles/a.md:4: link to {name}: it holds {found}, which could run script; remove it "
        "(or publish a PNG)"
    )


def test_scripts_and_compressed_svg_are_refused(tmp_path):
    site = site_linking(tmp_path, "tool.js", "alert(1)")
    with pytest.raises(ArticleErrors, match="link to tool.js: it is a script, and scripts are not published"):
        check(site)
    with pytest.raises(active.ActiveContent, match="compressed SVG"):
        active.check(Path("figure.svgz"))


def test_plain_svg_and_html_are_published(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        '<a href="https://example.org/"><rect width="4" height="4"/></a></svg>'
    )
    site = site_linking(tmp_path, "plot.svg", svg)
    out = build(site, out=tmp_path / "out").out
    assert (out / "a" / "plot.svg").read_text() == svg
