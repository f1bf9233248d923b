"""Render articles and the index with jinja2 into a staging folder.

Each directive becomes a <figure> from `templates/directives/<kind>.html`: a static
fallback readable without JavaScript plus the custom element that hydrates from the JSON.
All model and prompt text reaches the page through autoescaped templates or as JSON
inside <script type="application/json"> with <, > and & escaped; never as raw HTML.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from markdown_it.token import Token
from markupsafe import Markup

from ecco_build import __version__, cards, citations, links, prose, references
from ecco_build.articles import (
    CALLOUTS,
    DIRECTIVE_INFO,
    Article,
    Directive,
    Figure,
    lone_image,
    markdown_parser,
)
from ecco_build.citations import Bibliography
from ecco_build.config import SiteConfig
from ecco_build.contain import SiteFiles
from ecco_build.errors import ArticleErrors, EccoBuildError
from ecco_build.packing import page_form
from ecco_build.plan import Job
from ecco_build.registry import KINDS
from ecco_build.store import dumps

# Results up to this size are inlined into the page (works from file:// and saves a
# request); larger ones are copied to data/ and fetched when the figure is shown.
INLINE_LIMIT = 24_000


def theme_dir() -> Path:
    """The packaged default theme: inside the wheel, or the repository's top level."""
    packaged = Path(__file__).parent / "theme"
    return packaged if (packaged / "templates").is_dir() else Path(__file__).parent.parent


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
    env.filters["shown"] = lambda token: token.get("display", token["text"])
    env.filters["percent"] = lambda p: "–" if p is None else f"{100 * p:.1f}%" if p >= 0.001 else "<0.1%"
    return env


def tag_slug(tag: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") or "tag"


def script_json(text: str) -> Markup:
    """Serialised JSON made safe to place inside <script type="application/json">."""
    text = text.strip().replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root, e.g. "brackets/index.html"
    root: str  # relative prefix back to the site root, e.g. "../"


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


class Renderer:
    def __init__(
        self,
        config: SiteConfig,
        jobs: dict[tuple[str, int], Job],
        results: dict[str, dict],
        out: Path,
        bibliographies: dict[str, Bibliography] | None = None,  # article path → parsed BibTeX
    ):
        self.config = config
        self.jobs = jobs
        self.bibliographies = bibliographies or {}
        self.results = results
        self.out = out
        self.env = environment(config)
        self.md = markdown_parser(config.raw_html)
        self.files = SiteFiles.of(config)
        self.site = {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "base_url": config.base_url,
            "version": __version__,
        }

    def article(self, article: Article, live_reload: bool = False) -> Path:
        page = Page(f"{article.slug}/index.html", "../")
        # The prose (body, captions, callout bodies, image titles) is rewritten as one stream,
        # so nested Markdown gets the same cross-references, copied files and citation numbers.
        nested = prose.bodies(article, self.md)
        flat = prose.flatten(article.tokens, nested)
        flat = references.fill(flat, references.targets(article, flat))
        flat = links.rewrite(flat, article, self.out, self.files)
        style = article.front.citation_style or self.config.citation_style
        bibliography = self.bibliographies.get(article.path)
        references_html = ""
        if bibliography is not None:
            flat, cited = citations.apply(flat, bibliography, style)
            references_html = citations.references_html(bibliography, cited, style)
        main, nested = prose.split(flat, nested)
        tokens = []
        skip = 0
        for i, token in enumerate(main):
            if skip:
                skip -= 1
                continue
            figure = article.figures.get(i)
            inner = self.md.renderer.render(nested[i], self.md.options, {}) if i in nested else ""
            if figure is not None and figure.directive is not None:
                html = self.figure(article, figure.directive, page, figure.number, figure.id, inner)
                token = Token("html_block", "", 0, content=html + "\n")
            elif figure is not None:
                image = lone_image(main, i) or figure.image  # the rewritten image (src of a .md link)
                token = Token("html_block", "", 0, content=self.image_figure(figure, image, inner))
                skip = 2  # the paragraph's inline and closing tokens
            elif prose.callout_kind(token):
                token = Token("html_block", "", 0, content=self.callout(token, inner))
            tokens.append(token)
        body = self.md.renderer.render(tokens, self.md.options, {}) + references_html
        scripts = sorted({KINDS[d.kind].element for d in article.directives})
        card = self.card(article)
        html = self.env.get_template("article.html").render(
            site=self.site,
            page=page,
            article=article,
            front=article.front,
            body=Markup(body),
            toc=references.headings(article),
            card=card,
            scripts=scripts,
            live_reload=live_reload,
        )
        return self._write(page, html)

    def image_figure(self, figure: Figure, image: Token, caption: str) -> str:
        """A stand-alone Markdown image as a numbered figure; its title (rendered as `caption`)
        is the caption."""
        classes = str(image.attrGet("class") or "").split()
        width = next((w for w in ("page", "screen") if w in classes), "body")  # ![..](..){.page}
        return (
            self.env.get_template("image.html").render(
                id=figure.id,
                number=figure.number,
                width=width,
                src=str(image.attrGet("src")),
                alt=self.md.renderer.renderInlineAsText(image.children or [], self.md.options, {}),
                caption=Markup(caption),
            )
            + "\n"
        )

    def figure(
        self, article: Article, directive: Directive, page: Page, number: int, fid: str, caption: str
    ) -> str:
        """An analysis figure; `caption` is its caption, rendered."""
        kind = KINDS[directive.kind]
        job = self.jobs[(article.path, directive.number)]
        data = self.results[job.key]
        payload, src = None, None
        text = dumps(page_form(data))
        if len(text) <= INLINE_LIMIT:
            payload = script_json(text)
        else:
            target = self.out / "data" / job.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            src = f"{page.root}data/{job.filename}"
        figure = {
            "id": fid,
            "number": number,
            "kind": kind.name,
            "element": kind.element,
            "width": directive.options.get("width", "body"),
            "where": directive.where,
            "caption": Markup(caption),
        }
        return self.env.get_template(kind.template).render(
            figure=figure,
            data=data,
            result=data["result"],
            options=directive.options,
            payload=payload,
            src=src,
            page=page,
        )

    def card(self, article: Article) -> str:
        """The article's social image, relative to the site: its hero image, or a drawn card
        (showing the figure named by `hero: "#label"`, if any)."""
        hero = article.front.hero
        if hero and not hero.startswith("#"):
            links.copy(article, hero, self.out, self.files)  # checked like a link by links.check
            return f"{article.slug}/{quote(hero)}"
        figure = None
        if hero:
            directive = next(
                f.directive for f in article.figures.values() if f.directive and f.id == hero[1:]
            )
            figure = self.results[self.jobs[(article.path, directive.number)].key]
        cards.draw_card(
            self.out / article.slug / "card.png",
            self.config.title,
            article.front.title,
            article.front.description,
            figure,
        )
        return f"{article.slug}/card.png"

    def callout(self, token: Token, body: str) -> str:
        """A note, warning or aside; `body` is its Markdown, rendered."""
        kind = prose.callout_kind(token)
        title = DIRECTIVE_INFO.match(token.info).group(2).strip() or CALLOUTS[kind]  # type: ignore[union-attr]
        return self.env.get_template("callout.html").render(kind=kind, title=title, body=Markup(body))

    def index(self, articles: list[Article], live_reload: bool = False) -> Path:
        """The index (non-draft articles, newest first) and one page per tag."""
        listed = [a for a in articles if not a.front.draft]
        listed.sort(key=lambda a: (a.front.date is not None, a.front.date or 0, a.front.title), reverse=True)
        tags = sorted({tag for a in listed for tag in a.front.tags}, key=str.lower)
        for tag in tags:
            page = Page(f"tags/{tag_slug(tag)}/index.html", "../../")
            tagged = [a for a in listed if tag in a.front.tags]
            html = self.env.get_template("index.html").render(
                site=self.site, page=page, articles=tagged, tag=tag, tags=tags, live_reload=live_reload
            )
            self._write(page, html)
        page = Page("index.html", "")
        html = self.env.get_template("index.html").render(
            site=self.site, page=page, articles=listed, tag=None, tags=tags, live_reload=live_reload
        )
        return self._write(page, html)

    def feeds(self, articles: list[Article]) -> None:
        """Atom feed of the listed articles and a sitemap of every page (absolute URLs need base_url)."""
        listed = [a for a in articles if not a.front.draft and a.front.date]
        listed.sort(key=lambda a: a.front.date, reverse=True)
        base = self.config.base_url.rstrip("/") + "/" if self.config.base_url else ""
        for name in ("feed.xml", "sitemap.xml"):
            text = self.env.get_template(name).render(
                site=self.site, base=base, articles=listed, pages=[a for a in articles if not a.front.draft]
            )
            (self.out / name).write_text(text, encoding="utf-8")

    def _write(self, page: Page, html: str) -> Path:
        path = self.out / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        return path
