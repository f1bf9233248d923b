"""Render articles, the index, tag pages and feeds with jinja2 into a staging folder.

The article's prose goes through one rewriting stream (cross-references, links, citations);
each directive becomes a figure (figures.render_figure), each callout and stand-alone image
its template. Every file the pages need is written here, through `_write` and `_write_data`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it.token import Token
from markupsafe import Markup

from ecco_build import __version__
from ecco_build.config import SiteConfig
from ecco_build.contain import SiteFiles
from ecco_build.document import citations, links, prose, references, values
from ecco_build.document.articles import Article, Directive, Figure, lone_image
from ecco_build.document.citations import Bibliography
from ecco_build.document.fences import CALLOUTS, DIRECTIVE_INFO
from ecco_build.document.markdown import markdown_parser
from ecco_build.kinds.registry import KINDS
from ecco_build.plan import Plan
from ecco_build.render.cards import HeroCard, card_for
from ecco_build.render.compare import aliases_of, render_comparison
from ecco_build.render.embeds import Embeds, elements
from ecco_build.render.exports import ExportJob, export_job
from ecco_build.render.figure_files import export_ids
from ecco_build.render.figures import DataFile, Page, Placed, RenderedFigure, render_figure
from ecco_build.render.theme import environment, tag_slug


class Renderer:
    def __init__(
        self,
        config: SiteConfig,
        planned: Plan,  # every directive's jobs (one per model of a comparison)
        results: dict[str, dict],  # job key → stored record
        out: Path,
        bibliographies: dict[str, Bibliography] | None = None,  # article path → parsed BibTeX
    ):
        self.config = config
        self.planned = planned
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
            "author": config.author,  # the byline of an article that names no authors
        }
        self.embeds = Embeds(config, self.env, self.site, out)
        # With exports on: each rendered figure's export job, and the hero cards composed from
        # exports (the build draws both after the articles; render/exports.py, cards.py)
        self.exports: list[ExportJob] = []
        self.heroes: list[HeroCard] | None = [] if config.exports else None

    def article(self, article: Article, live_reload: bool = False) -> Path:
        page = Page(f"{article.slug}/index.html", "../")
        main, nested, references_html = self._prose(article)
        tokens = self._body_tokens(article, page, main, nested)
        body = self.md.renderer.render(tokens, self.md.options, {}) + references_html
        scripts = sorted({e for d in article.directives for e in elements(d)})
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

    def _prose(self, article: Article) -> tuple[list[Token], dict[int, list[Token]], str]:
        """The body's tokens and the nested Markdown's (captions, callout bodies, image titles)
        by the index of the token that holds them, rewritten as one stream, so nested Markdown gets
        the same cross-references, copied files and citation numbers; and the reference list."""
        nested = prose.bodies(article, self.md)
        flat = prose.flatten(article.tokens, nested)
        flat = references.fill(flat, references.targets(article, flat))
        flat = links.rewrite(flat, article, self.out, self.files)
        flat = values.fill(
            flat,
            values.resolve(flat, article.path, lambda label, model: self._labelled(article, label, model)),
        )
        style = article.front.citation_style or self.config.citation_style
        bibliography = self.bibliographies.get(article.path)
        references_html = ""
        if bibliography is not None:
            flat, cited = citations.apply(flat, bibliography, style)
            references_html = citations.references_html(bibliography, cited, style)
        main, nested = prose.split(flat, nested)
        return main, nested, references_html

    def _body_tokens(
        self, article: Article, page: Page, main: list[Token], nested: dict[int, list[Token]]
    ) -> list[Token]:
        """The body with each figure, stand-alone image and callout replaced by its HTML."""
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
        return tokens

    def _labelled(self, article: Article, label: str, model: str = "") -> dict:
        """The stored result of the article's analysis figure with this id (a {value} role's),
        of its `model`'s panel if it is a comparison ("": its first model's)."""
        figure = next(f for f in article.figures.values() if f.id == label and f.directive is not None)
        jobs = self.planned.panels(figure.directive)
        job = next((j for j in jobs if j.model.alias == model), jobs[0])
        result = self.results[job.key]["result"]
        derived = KINDS[figure.directive.kind].derived
        return {**derived(result), **result} if derived else result

    def _result(self, article: Article, directive: Directive) -> dict:
        """The stored record of `directive`'s job."""
        return self.results[self.planned.job(directive).key]

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
        """An analysis figure, or a comparison's (one panel per model); `caption` is its
        caption, rendered."""
        jobs = self.planned.panels(directive)
        placed = Placed(page, number, fid, caption)
        shown = [(self.results[job.key], job.filename) for job in jobs]

        def draw(where: Placed, **context: Any) -> RenderedFigure:
            if len(shown) == 1:
                return render_figure(self.env, directive, *shown[0], where, **context)
            return render_comparison(self.env, directive, shown, where, **context)

        panel = self.embeds.panel(article, directive, placed, shown)
        rendered = draw(placed, panel=panel)
        for data_file in (rendered.data_file, *rendered.parts):
            self._write_data(data_file)
        self.embeds.write(article, directive, draw, placed, len(shown))  # embed/<slug>/<id>.*
        if self.config.exports:
            names = export_ids(fid, aliases_of(directive, shown) if len(shown) > 1 else [])
            for name, (data, _) in zip(names, shown, strict=True):  # a comparison: one per model
                self.exports.append(export_job(article.slug, name, number, caption, data))
        return rendered.html

    def card(self, article: Article) -> str:
        """The article's social image, relative to the site (see cards.card_for)."""
        return card_for(
            article, self.config.title, self.out, self.files, lambda d: self._result(article, d), self.heroes
        )

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

    def _write_data(self, data_file: DataFile) -> Path:
        """A figure's page form, into the site's data/ folder."""
        path = self.out / "data" / data_file.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data_file.text, encoding="utf-8")
        return path
