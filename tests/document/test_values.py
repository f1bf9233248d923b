"""{value} roles: numbers in prose read from a figure's stored result, checked at build."""

from __future__ import annotations

import json

import pytest

from ecco_build.build import build, check
from ecco_build.document.values import FORMATS, Reference, lookup, parse
from ecco_build.errors import ArticleErrors

ARTICLE = """\
---
title: Values
---
The first step's probability is {value}`fig-gen:/steps/0/p:percent`, or
{value}`fig-gen:/steps/0/p:number` as a number.

:::{generate}
:prompt: "def area(width, height):"
:max_new_tokens: 2
:label: fig-gen
A caption that also says {value}`fig-gen:/prompt_length:integer` prompt tokens.
:::
"""


def test_parse_reads_label_pointer_and_format():
    assert parse("fig-x:/methods/gradient/share/0/3:percent") == Reference(
        "fig-x", ("methods", "gradient", "share", "0", "3"), "percent"
    )
    assert parse("fig-x:/a~1b/c~0d:number").pointer == ("a/b", "c~d")  # RFC 6901 escapes
    assert parse("fig-x:rank:integer").startswith("cannot read 'fig-x:rank:integer'")
    assert parse(":/a:percent").startswith("cannot read")
    assert parse("fig-x:/a:percnt") == 'unknown format "percnt"; did you mean "percent"?'


def test_lookup_says_where_the_pointer_fails():
    result = {"rank": [[1, 26], [3, 4]], "name": "x", "flag": True}
    assert lookup(result, parse("f:/rank/0/1:integer")) == 26.0
    assert lookup(result, parse("f:/rnk/0:integer")) == '/rnk is not in the result; did you mean "rank"?'
    assert lookup(result, parse("f:/rank/2/0:integer")) == "/rank/2: the list has 2 entries (indices 0 to 1)"
    assert lookup(result, parse("f:/rank/0:integer")) == "/rank/0 is [1, 26], not a number"
    assert lookup(result, parse("f:/name/0:integer")) == "/name/0: /name is not a list or an object"
    assert lookup(result, parse("f:/flag:integer")) == "/flag is True, not a number"


def test_formats():
    assert [FORMATS[f](0.7171) for f in ("percent", "number", "integer", "squared-percent")] == [
        "71.7%",
        "0.717",
        "1",
        "51.4%",
    ]


def test_values_in_prose_and_captions_come_from_the_result(make_site):
    site = make_site({"a.md": ARTICLE})
    build(site)
    stored = json.loads(next((site / "data").glob("generate-*.json")).read_text())["result"]
    page = (site / "_site" / "a" / "index.html").read_text()
    p = stored["steps"][0]["p"]
    assert f'<span class="ecco-value">{p * 100:.1f}%</span>' in page
    assert f'<span class="ecco-value">{p:.3g}</span>' in page
    assert f'<span class="ecco-value">{stored["prompt_length"]}</span> prompt tokens' in page
    assert "{value}" not in page and "myst role" not in page


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("{valeu}`fig-gen:/steps/0/p:percent`", 'unknown role "{valeu}"; did you mean "value"?'),
        (
            "{value}`fig-gne:/steps/0/p:percent`",
            'no analysis figure "fig-gne" in this article; did you mean "fig-gen"?',
        ),
        ("{value}`fig-gen:steps:percent`", "cannot read 'fig-gen:steps:percent'"),
        ("{value}`fig-gen:/steps/0/p:permille`", 'unknown format "permille"'),
    ],
)
def test_a_bad_role_is_an_error_at_its_line_before_any_model_loads(make_site, role, message):
    site = make_site({"a.md": ARTICLE.replace("{value}`fig-gen:/steps/0/p:percent`", role)})
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    assert str(exc.value).startswith(f"articles/a.md:4: {{value}}: {message}")


def test_a_pointer_past_the_result_is_located_and_the_site_is_kept(make_site):
    site = make_site({"a.md": ARTICLE})
    build(site)
    before = (site / "_site" / "a" / "index.html").read_text()
    (site / "articles" / "a.md").write_text(ARTICLE.replace("/steps/0/p:number", "/steps/9/p:number"))
    with pytest.raises(ArticleErrors) as exc:
        build(site)
    assert str(exc.value).splitlines()[0] == (
        "articles/a.md:4: {value}`fig-gen:/steps/9/p:number`: in the result of fig-gen, "
        "/steps/9: the list has 2 entries (indices 0 to 1)"
    )
    assert (site / "_site" / "a" / "index.html").read_text() == before


def test_a_role_in_an_article_without_figures_says_so(make_site):
    site = make_site({"a.md": "---\ntitle: T\n---\nSee {value}`fig-x:/p:percent`.\n"})
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    assert str(exc.value).splitlines()[0] == (
        "articles/a.md:4: {value}: this article has no analysis figure to read from; give the "
        "directive a :label:"
    )
