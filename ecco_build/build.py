"""The build, top to bottom: config → articles → validate → plan → run → render → swap.

Nothing is written to the output folder until everything has succeeded: pages are
rendered into a staging folder beside it, which then replaces it by rename.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ecco_build import urls
from ecco_build.config import SiteConfig, load_config
from ecco_build.errors import ArticleErrors, EccoBuildError, clip, display_path
from ecco_build.models.lock import LOCK_NAME, write_lock
from ecco_build.output import check_output, staging
from ecco_build.pagecache import PageCache, article_fingerprint, site_fingerprint
from ecco_build.plan import Plan, plan
from ecco_build.render.cards import compose_card
from ecco_build.render.exports import Exports
from ecco_build.render.pages import Renderer
from ecco_build.render.theme import copy_static, environment, theme_dir
from ecco_build.run import RunStats, run_jobs
from ecco_build.shard import Shard
from ecco_build.store import DataStore
from ecco_build.validate import Validated, validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    reused: int
    computed: int
    models_loaded: tuple[str, ...]
    warnings: tuple[str, ...]
    seconds: float
    rendered: int = 0  # article pages rendered; the others were unchanged and copied

    @property
    def pages_note(self) -> str:
        articles = self.pages - 1
        if self.rendered == articles:
            return f"{articles} article page{'s' * (articles != 1)} rendered"
        return f"{self.rendered} of {articles} article pages rendered, {articles - self.rendered} unchanged"


def validated(
    site_dir: Path, base_url: str | None = None, relock: bool = False
) -> tuple[SiteConfig, Validated]:
    """The config and every article, checked; all problems raised together. Loads no model.
    `base_url` (the --base-url option) replaces site.toml's, e.g. the URL GitHub Pages reports;
    `relock` ignores the fingerprints of data/models.lock (build --relock)."""
    config = with_base_url(load_config(site_dir), base_url)
    checked = validate(config, relock)
    if checked.problems:
        raise ArticleErrors(checked.problems)
    check_templates(config)
    return config, checked


def with_base_url(config: SiteConfig, base_url: str | None) -> SiteConfig:
    """The config with the site's public URL given on the command line (a trailing / added)."""
    if base_url is None:
        return config
    if not urls.is_absolute_http(base_url):
        raise EccoBuildError(
            f'--base-url "{clip(base_url)}": not an absolute http(s) URL; give the address the site '
            'is published at, such as "https://you.github.io/repo/"'
        )
    return replace(config, base_url=base_url.rstrip("/") + "/")


def check_templates(config: SiteConfig) -> None:
    """Compile the site's own templates, so that a syntax error is known before any model loads."""
    env = environment(config)
    for name in env.loader.loaders[0].list_templates():  # the site's SiteTemplates loader
        with template_errors(f"template {name}", config):
            env.get_template(name)


def check(site_dir: Path) -> tuple[SiteConfig, int, int, tuple[str, ...]]:
    """Validate everything, load no model. Returns (config, articles, directives, warnings)."""
    config, checked = validated(site_dir)
    check_output(None, config)  # the folder a build would replace
    count = sum(len(a.directives) for a in checked.articles)
    return config, len(checked.articles), count, checked.warnings


def build(
    site_dir: Path,
    out: Path | None = None,
    device: str | None = None,
    strict: bool = False,
    recompute: bool = False,
    live_reload: bool = False,
    base_url: str | None = None,
    relock: bool = False,
) -> BuildResult:
    start = time.perf_counter()
    config, checked = validated(site_dir, base_url, relock)
    out_dir = check_output(out, config)  # before any model loads
    planned = plan(checked)
    store = DataStore(config.data_path, config.root)
    stats = RunStats()
    where = planned.places(checked.articles)
    jobs = planned.every()
    results = run_jobs(jobs, store, device or config.device, recompute=recompute, where=where, stats=stats)
    if checked.info is not None:  # the lock of the models used, written only if it changes
        write_lock(config, checked.info.lock_entries({job.model.alias for job in jobs}))
    warnings = [*checked.warnings, *_stale_warning(config, planned)]
    if not config.base_url:
        warnings.append(
            "site.toml sets no base_url and no --base-url was given: the feed and sitemap use relative links"
        )
    if strict and warnings:
        raise EccoBuildError("--strict: warnings are errors:\n" + "\n".join(warnings))
    with staging(out_dir) as stage:
        rendered = _render(config, checked, planned, results, stage, out_dir, live_reload)
    for warning in warnings:
        log.warning("%s", warning)
    return BuildResult(
        out_dir,
        len(checked.articles) + 1,
        stats.reused,
        stats.computed,
        tuple(stats.models_loaded),
        tuple(warnings),
        time.perf_counter() - start,
        rendered,
    )


@dataclass(frozen=True)
class ShardResult:
    shard: Shard
    jobs: int  # this shard's share of the site's jobs
    total: int  # every job of the site
    reused: int
    computed: int
    models_loaded: tuple[str, ...]
    seconds: float


def build_shard(
    site_dir: Path,
    shard: Shard,
    device: str | None = None,
    recompute: bool = False,
    relock: bool = False,
) -> ShardResult:
    """`build --shard I/N`: compute the missing results of this shard's share of the jobs (by
    key, shard.py) into the data folder, and render nothing, even for 1/1: a shard build is the
    compute step of a split build, whose data folders are merged and then rendered by one
    `build` (which finds every result present and loads no model). The lock is written for
    every model of the site, as a full build writes it, so the shards' locks are identical."""
    start = time.perf_counter()
    config, checked = validated(site_dir, None, relock)
    planned = plan(checked)
    unique = {job.key: job for job in planned.every()}
    mine = shard.select(unique.values())
    stats = RunStats()
    store = DataStore(config.data_path, config.root)
    where = planned.places(checked.articles)
    run_jobs(mine, store, device or config.device, recompute=recompute, where=where, stats=stats)
    if checked.info is not None:
        write_lock(config, checked.info.lock_entries({job.model.alias for job in unique.values()}))
    seconds = time.perf_counter() - start
    models = tuple(stats.models_loaded)
    return ShardResult(shard, len(mine), len(unique), stats.reused, stats.computed, models, seconds)


def _stale_warning(config: SiteConfig, planned: Plan) -> list[str]:
    """A warning naming the data files no directive uses, if there are any."""
    used = {job.filename for job in planned.every()}
    stale = (
        sorted(p.name for p in config.data_path.glob("*.json") if p.name not in used | {LOCK_NAME})
        if config.data_path.is_dir()
        else []
    )
    if not stale:
        return []
    return [
        f"{len(stale)} file(s) in {config.data_dir}/ belong to no directive: {', '.join(stale[:5])}"
        + (" …" if len(stale) > 5 else "")
        + " (delete them)"
    ]


def _render(
    config: SiteConfig,
    checked: Validated,
    planned: Plan,
    results: dict[str, dict[str, Any]],
    stage: Path,
    out_dir: Path,
    live_reload: bool,
) -> int:
    """Every page into the staging folder; returns how many article pages were rendered
    (the others were unchanged and copied from the last build)."""
    rendered = 0
    renderer = Renderer(config, planned, results, stage, checked.bibliographies)
    copy_static(config, stage)
    pages = PageCache(out_dir, stage)
    exports = Exports(out_dir, stage) if config.exports else None
    site_key = site_fingerprint(config, theme_dir())
    for article in checked.articles:
        jobs = planned.of(article)
        key = article_fingerprint(site_key, article, jobs, results, checked.files[article.path], live_reload)
        if pages.reuse(article, key, jobs) and (exports is None or exports.keep(article)):
            continue
        with template_errors(article.path, config):
            renderer.article(article, live_reload=live_reload)
        rendered += 1
    pages.save()
    if exports is not None:
        _draw_exports(exports, renderer)
        renderer.embeds.finish()  # the oEmbed records' thumbnails: the light PNGs just drawn
    with template_errors("the index page", config):
        renderer.index(list(checked.articles), live_reload=live_reload)
    with template_errors("the feed and sitemap", config):
        renderer.feeds(list(checked.articles))
    (stage / ".nojekyll").write_text("")  # GitHub Pages: serve folders starting with _ too
    return rendered


def _draw_exports(exports: Exports, renderer: Renderer) -> None:
    """Every rendered figure's exports (drawn, or copied when unchanged), then the hero cards
    composed from them (render/exports.py, cards.py)."""
    exports.run(renderer.exports)
    exports.save()
    for card in renderer.heroes or ():
        compose_card(card)


@contextmanager
def template_errors(what: str, config: SiteConfig) -> Iterator[None]:
    """A broken template (often a site's own override) is a user error with its file and line.

    jinja2 rewrites tracebacks so that template code shows as frames of the template file: the
    innermost such frame is where the template failed. A site's own template is the site's code,
    so anything it raises is reported at its line; in the theme's templates only jinja2's own
    errors are (anything else there is a bug in ecco-build and keeps its traceback)."""
    import jinja2

    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        shown = display_path(Path(exc.filename), config.root) if exc.filename else exc.name
        raise EccoBuildError(f"{shown}:{exc.lineno}: template error: {clip(exc.message or '')}") from None
    except RecursionError as exc:
        frame = _template_frame(exc)
        where = f"{display_path(Path(frame[0]), config.root)}:{frame[1]}: " if frame else ""
        raise EccoBuildError(
            f"{where}rendering {what} failed: a template extends or includes itself (directly or "
            "through another); break the loop"
        ) from None
    except Exception as exc:
        frame = _template_frame(exc)
        ours = frame is not None and Path(frame[0]).is_relative_to(config.root / "templates")
        if not isinstance(exc, jinja2.TemplateError) and not ours:
            raise
        where = f"{display_path(Path(frame[0]), config.root)}:{frame[1]}: " if frame else ""
        reason = clip(str(exc) or type(exc).__name__)
        raise EccoBuildError(f"{where}rendering {what} failed in a template: {reason}") from None


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """(file, line) of the innermost template frame in the traceback, if any."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found
