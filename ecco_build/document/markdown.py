"""The article parser: markdown-it with the plugins and settings every page is read with."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ecco_build.document import formulas


def highlight(code: str, lang: str, attrs: str) -> str:
    """Code blocks highlighted at build time by pygments; unknown languages stay plain."""
    if not lang:
        return ""
    from pygments import highlight as render
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    # Returned starting with <pre, markdown-it uses it as is instead of wrapping it again.
    html = render(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code class="language-{escape(lang)}">{html}</code></pre>\n'


# `{#id .class width=300}` after an image, link or code span: no event handlers, no `style`, no
# URL-valued attributes.
INLINE_ATTRIBUTES = ("id", "class", "width", "height", "title", "lang")


def markdown_parser(raw_html: bool = False) -> MarkdownIt:
    """The article parser. `raw_html` (site.toml's setting) passes HTML written in Markdown
    through to pages; off, it is parsed as text and shown escaped, as Hugo does. The option
    acts on parsing only: ecco-build's own `html_block`/`html_inline` tokens (figures,
    callouts, citations) render either way. Links and images keep markdown-it's `validateLink`,
    which refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs."""
    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True, "highlight": highlight})
    md.use(front_matter_plugin).use(colon_fence_plugin).use(anchors_plugin, min_level=2, max_level=4)
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(attrs_plugin, allowed=INLINE_ATTRIBUTES)
    md.use(myst_role_plugin)  # {value}`fig-x:/pointer:format` (document/values.py)
    # A footnote reference is a bare superscript number, unlike a numbered citation's "[1]".
    md.add_render_rule("footnote_caption", lambda self, tokens, i, opts, env: str(tokens[i].meta["id"] + 1))
    formulas.use(md)
    return md
