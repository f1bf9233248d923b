"""The theme: where the packaged templates and static files live, the jinja2 environment that
layers the site's own templates over them, and the static files copied into every site.

A site overrides any theme template by name (templates/directives/<kind>.html included) and
any static file by path. The environment's filters are the generic ones (`shown`, `percent`,
`tag_slug`) plus each kind's own (`Kind.filters`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

from ecco_build.config import SiteConfig
from ecco_build.contain import SiteFiles
from ecco_build.errors import ArticleErrors, EccoBuildError
from ecco_build.kinds.registry import KINDS
from ecco_build.kinds.tokens import label


def theme_dir() -> Path:
    """The packaged default theme: ecco_build/theme/ inside the wheel (pyproject.toml's
    force-include), or the repository's top level in a source checkout."""
    package = Path(__file__).parents[1]  # ecco_build/
    packaged = package / "theme"
    return packaged if (packaged / "templates").is_dir() else package.parent


class SiteTemplates(BaseLoader):
    """The site's own templates (overriding the theme's by name): only the files of templates/
    that resolve inside the site (contain.SiteFiles.folder), read from where they resolve."""

    def __init__(self, config: SiteConfig) -> None:
        found, problems = SiteFiles.of(config).folder("templates", "template")
        if problems:  # collect reports these before anything is built; this guards direct use
            raise ArticleErrors(problems)
        self.folder = config.root / "templates"
        self.files = {str(name): real for name, real in found}

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        real = self.files.get(template)
        if real is None:
            raise TemplateNotFound(template)
        mtime = real.stat().st_mtime_ns
        try:
            text = real.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            message = f"{self.folder / template}: not UTF-8 text ({exc.reason}); save it as UTF-8"
            raise EccoBuildError(message) from None
        return text, str(self.folder / template), lambda: _mtime(real) == mtime

    def list_templates(self) -> list[str]:
        return sorted(self.files)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def environment(config: SiteConfig) -> Environment:
    """The site's templates over the theme's, autoescaped, with the generic filters and every
    kind's filters (a contract test checks that no two kinds bring the same name)."""
    env = Environment(
        loader=ChoiceLoader([SiteTemplates(config), FileSystemLoader(theme_dir() / "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for kind in KINDS.values():
        env.filters.update(kind.filters)  # rank_shade, dominant, factor_sparklines, …
    env.filters["tag_slug"] = tag_slug
    env.filters["shown"] = shown
    env.filters["percent"] = percent
    return env


def tag_slug(tag: str) -> str:
    """A tag's URL segment: tags/<slug>/."""
    return re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") or "tag"


def shown(token: dict) -> str:
    """A token as the page shows it: its label, decided from its text (kinds/tokens.py)."""
    return label(token["text"])


def percent(p: float | None) -> str:
    """A probability as the page shows it: "12.3%", "<0.1%", or "–" for none."""
    return "–" if p is None else f"{100 * p:.1f}%" if p >= 0.001 else "<0.1%"


# Pygments styles whose every token colour keeps a WCAG AA contrast (4.5:1) on our code
# background: "xcode" on the light panel, "lightbulb" on the dark one (checked by axe-core).
CODE_STYLES = ("xcode", "lightbulb")


def code_css() -> str:
    """Pygments colours for highlighted code: a light style, and a dark one for dark mode."""
    from pygments.formatters import HtmlFormatter

    light, dark = (HtmlFormatter(style=name) for name in CODE_STYLES)
    return (
        "\n".join(
            [
                light.get_style_defs(".highlight"),
                dark.get_style_defs(":root[data-theme=dark] .highlight"),
                "@media (prefers-color-scheme: dark) {",
                dark.get_style_defs(":root:not([data-theme=light]) .highlight"),
                "}",
            ]
        )
        + "\n"
    )


def copy_static(config: SiteConfig, out: Path) -> None:
    """The theme's static files, then the site's own, which override them file by file. The
    site's are copied from where they resolve, and only if that is inside the site (symbolic
    links included); hidden files (.DS_Store, .git/) stay behind."""
    shutil.copytree(theme_dir() / "static", out / "static", dirs_exist_ok=True)
    (out / "static" / "css" / "code.css").write_text(code_css(), encoding="utf-8")
    found, problems = SiteFiles.of(config).folder("static", "static file")
    if problems:  # collect reports these before anything is built; this guards direct use
        raise ArticleErrors(problems)
    for name, real in found:
        target = out / "static" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real, target)
