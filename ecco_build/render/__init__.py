"""Rendering the site: the theme and its environment (theme.py), one analysis figure
(figures.py), the pages (pages.py) and social cards (cards.py). Kind-agnostic: every
kind-specific piece (template, element, page form, filters, card drawing) comes from the kind.

The names below are re-exported for the old `ecco_build.render` module's users; removed in wave 3.
"""

from ecco_build.render.cards import draw_card
from ecco_build.render.figures import INLINE_LIMIT, Page, script_json
from ecco_build.render.pages import Renderer
from ecco_build.render.theme import (
    CODE_STYLES,
    SiteTemplates,
    code_css,
    copy_static,
    environment,
    tag_slug,
    theme_dir,
)

__all__ = [
    "CODE_STYLES",
    "INLINE_LIMIT",
    "Page",
    "Renderer",
    "SiteTemplates",
    "code_css",
    "copy_static",
    "draw_card",
    "environment",
    "script_json",
    "tag_slug",
    "theme_dir",
]
