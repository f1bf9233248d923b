"""A site's own templates are the site's code: their errors are located, never tracebacks."""

import pytest

from ecco_build.build import build
from ecco_build.errors import EccoBuildError, did_you_mean
from tests.conftest import write_site

PROSE = "---\ntitle: A\n---\nText.\n"


def site_with_template(tmp_path, name: str, text: str):
    site = write_site(tmp_path / "site", {"a.md": PROSE}, {})
    (site / "templates").mkdir()
    (site / "templates" / name).write_text(text)
    return site


def failure(site) -> str:
    with pytest.raises(EccoBuildError) as caught:
        build(site)
    return str(caught.value)


def test_a_syntax_error_names_the_template_line(tmp_path):
    site = site_with_template(tmp_path, "article.html", "{% extends 'base.html' %}\n{% block main %}{% if %}")
    assert failure(site).startswith("templates/article.html:2: template error: ")


def test_a_runtime_error_in_a_site_template_is_located(tmp_path):
    site = site_with_template(tmp_path, "index.html", "<p>\n{{ 1 // 0 }}</p>\n")
    assert failure(site) == (
        "templates/index.html:2: rendering the index page failed in a template: integer division or "
        "modulo by zero"
    )


def test_an_undefined_name_is_located(tmp_path):
    site = site_with_template(
        tmp_path,
        "article.html",
        "{% extends 'base.html' %}\n{% block main %}\n{{ front.nope }}{% endblock %}",
    )
    assert failure(site) == (
        "templates/article.html:3: rendering articles/a.md failed in a template: "
        "'ecco_build.document.frontmatter.FrontMatter object' has no attribute 'nope'"
    )


def test_a_template_that_extends_itself_is_a_clean_error(tmp_path):
    site = site_with_template(tmp_path, "base.html", "{% extends 'base.html' %}")
    assert failure(site) == (
        "templates/base.html:1: rendering articles/a.md failed: a template extends or includes itself "
        "(directly or through another); break the loop"
    )


def test_did_you_mean_lists_a_bounded_number_of_names():
    names = [f"label-{i:04d}" + "x" * 100 for i in range(5000)]
    message = did_you_mean("zzz", names)
    assert message.endswith(" and 4980 more")
    assert len(message) < 1300  # 20 names of at most 40 characters and their counts


def test_check_finds_a_syntax_error_in_a_site_template(tmp_path):
    from ecco_build.build import check

    site = site_with_template(tmp_path, "partial.html", "<p>\n{% for x in y %}\n")
    with pytest.raises(EccoBuildError) as caught:
        check(site)
    assert str(caught.value).startswith("templates/partial.html:2: template error: Unexpected end")
