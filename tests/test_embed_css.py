"""static/css/ecco-embed.css, a standalone figure's stylesheet, is written by
scripts/update_embed_css.py from palette.css and ecco.css: it must be current, keep what the
figures need (both palettes, the theme attribute, the rules of the classes the scripts create)
and nothing of the page around them; and the module finds it where it asks for it."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "update_embed_css.py"


def generator():
    spec = importlib.util.spec_from_file_location("update_embed_css", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stylesheet_is_current():
    module = generator()
    # If this fails, run `python scripts/update_embed_css.py`.
    assert module.EMBED_CSS.read_text(encoding="utf-8") == module.embed_css()


def test_it_keeps_the_figure_rules_and_nothing_of_the_page():
    css = generator().embed_css()
    assert ':host([theme="dark"]) .ecco-root{--ecco-positive:110 160 245' in css
    assert '@media (prefers-color-scheme: dark){:host(:not([theme="light"])) .ecco-root{' in css
    assert ".ecco-root{--ecco-positive:31 95 191" in css
    for kept in (".ecco-token.is-selected{", ".ecco-heatmap td{", ".ecco-candidate-cell{", ".ecco-factor{"):
        assert kept in css, kept
    for dropped in (
        ":root",
        ".ecco-explorable",
        ".ecco-fallback",
        ".site-header",
        ".ecco-figure",
        "@media print",
        "data-level",
        ".sidenote",
        "body{",
        "html{",
    ):
        assert dropped not in css, dropped
    assert not re.search(r"\drem\b", css)  # rem is the host page's root size: px instead
    # Every rule reaches only the shadow tree, and `all: initial` comes before the rules that set
    # the wrapper's own look.
    assert css.index("all:initial") < css.index(".ecco-root{display:block;background:var(--panel)")


def test_the_module_asks_for_it_beside_its_script():
    """element.js finds the stylesheet from the page's <script src> of ecco.js or a component
    (a one-file export bundles the module, so it cannot use import.meta): js/… → css/…"""
    element = (ROOT / "static" / "js" / "lib" / "element.js").read_text()
    assert "import.meta" not in element
    pattern = re.search(r"const ENTRY = /(.+)/;", element).group(1).replace("\\/", "/")
    for src in ("https://x.io/site/static/js/ecco.js", "/static/js/components/ecco-saliency.js?v=2"):
        url = re.sub(pattern, "css/ecco-embed.css", src)
        assert url.endswith("static/css/ecco-embed.css"), url
    assert (ROOT / "static" / "css" / "ecco-embed.css").is_file()
    assert not re.search(pattern, "https://x.io/static/js/embed-host.js")
