"""The theme: where it is found, and a site's own templates overriding it by name."""

import json
import tomllib
from pathlib import Path

from ecco_build.config import load_config
from ecco_build.document.articles import Directive
from ecco_build.kinds.registry import KINDS
from ecco_build.render import figures, theme
from ecco_build.render.figures import DataFile, Page, Placed, render_figure
from tests.conftest import write_site

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "kinds" / "fixtures"
KIND = KINDS["rankings-watch"]


def test_theme_dir_is_the_repository_or_the_packaged_copy():
    # In a checkout the theme is the repository's top level; a wheel force-includes it as
    # ecco_build/theme/, which theme_dir looks for beside the package, not beside render/.
    assert theme.theme_dir() == ROOT
    assert (theme.theme_dir() / "templates" / "directives" / "rankings-watch.html").is_file()
    assert (theme.theme_dir() / "static" / "css").is_dir()
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    theme_copy = {"templates": "ecco_build/theme/templates", "static": "ecco_build/theme/static"}
    assert wheel["force-include"] == theme_copy
    assert Path(theme.__file__).parents[1] == ROOT / "ecco_build"


def test_theme_dir_prefers_the_packaged_theme(tmp_path, monkeypatch):
    package = tmp_path / "ecco_build"
    (package / "theme" / "templates").mkdir(parents=True)
    monkeypatch.setattr(theme, "__file__", str(package / "render" / "theme.py"))
    assert theme.theme_dir() == package / "theme"


def rendered(site: Path, data: dict, filename: str = "x.json") -> figures.RenderedFigure:
    options = {**KIND.defaults(**KIND.example), **data["options"]}
    directive = Directive(KIND.name, options, "", "articles/a.md", 3, 1)
    placed = Placed(Page("a/index.html", "../"), 1, "fig-1", "<em>Caption</em>")
    return render_figure(theme.environment(load_config(site)), directive, data, filename, placed)


def test_a_sites_directive_template_overrides_the_themes(tmp_path):
    data = json.loads((FIXTURES / "rankings-watch.json").read_text())
    site = write_site(tmp_path / "site", {}, {})
    themed = rendered(site, data).html
    assert f"<{KIND.element} " in themed and "Site's own" not in themed

    (site / "templates" / "directives").mkdir(parents=True)
    (site / "templates" / "directives" / "rankings-watch.html").write_text(
        "Site's own {{ figure.element }} #{{ figure.number }} {{ figure.caption }}"
        " {{ options.watch | join(',') }}\n"
    )
    own = rendered(site, data).html
    watch = ",".join(data["options"]["watch"])
    assert own == f"Site's own {KIND.element} #1 <em>Caption</em> {watch}"


def test_a_large_result_becomes_a_data_file(tmp_path, monkeypatch):
    data = json.loads((FIXTURES / "rankings-watch.json").read_text())
    site = write_site(tmp_path / "site", {}, {})
    inline = rendered(site, data)
    assert '<script type="application/json">' in inline.html and "data-src" not in inline.html
    # Inlined or not, the page form is written to data/ too (the embed snippets point at it).
    assert inline.data_file == DataFile("x.json", figures.dumps(KIND.page_form(data)))

    monkeypatch.setattr(figures, "INLINE_LIMIT", 10)
    large = rendered(site, data, "rankings-watch-0123.json")
    assert large.data_file == DataFile("rankings-watch-0123.json", figures.dumps(KIND.page_form(data)))
    assert 'data-src="../data/rankings-watch-0123.json"' in large.html
