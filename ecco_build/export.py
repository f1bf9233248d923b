"""`ecco-build export`: one article as one self-contained HTML file (pandoc's
`--embed-resources`, Quarto's `embed-resources: true`), which works opened from disk.

The site is validated and planned as a build does, and the article rendered from the committed
results only: a missing result is an error at its directive (run `ecco-build build` first); no
model is loaded. The page is rendered into a temporary copy of the site and made
self-contained by render/embed.py. The file is written atomically, and never over a file that
ecco-build did not write (unless forced) nor into the site's sources.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecco_build.atomic import write_atomically
from ecco_build.build import template_errors, validated
from ecco_build.config import SiteConfig
from ecco_build.document.articles import Article
from ecco_build.errors import ArticleErrors, EccoBuildError, Problem, clip, did_you_mean
from ecco_build.kinds.registry import KINDS
from ecco_build.output import sources
from ecco_build.plan import Plan, plan
from ecco_build.render.embed import embed_page
from ecco_build.render.pages import Renderer
from ecco_build.render.theme import copy_static
from ecco_build.store import DataStore, dumps
from ecco_build.validate import Validated

log = logging.getLogger(__name__)

EMBED_WARN_BYTES = 5 * 2**20
MARKER = "<!-- written by ecco-build export -->"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    size: int  # bytes
    warnings: tuple[str, ...]


def export(site_dir: Path, name: str, out: Path | None = None, force: bool = False) -> ExportResult:
    """Write the article `name` (its path, such as articles/x.md, or its name) as one file."""
    config, checked = validated(site_dir)
    article = find_article(checked.articles, name, config)
    target = output_file(out, article, config, force)
    planned = plan(checked)
    results = stored_results(article, planned, DataStore(config.data_path, config.root))
    with tempfile.TemporaryDirectory(prefix="ecco-export-") as tmp:
        html, warnings = render_page(config, checked, planned, results, article, Path(tmp))
    data = html.encode("utf-8")
    warnings += size_warning(len(data), article, planned, results)
    write_file(target, data)
    for warning in warnings:
        log.warning("%s", warning)
    return ExportResult(target, len(data), tuple(warnings))


def find_article(articles: tuple[Article, ...], name: str, config: SiteConfig) -> Article:
    """The article `name` names: its site-relative path, a path to its file, its slug or stem."""
    given = Path(name)
    for article in articles:
        if name in (article.path, article.slug, article.source.stem):
            return article
        if given.suffix == ".md" and given.exists() and given.resolve() == article.source.resolve():
            return article
    names = sorted(a.slug for a in articles)
    if not names:
        raise EccoBuildError(f'no article "{clip(name)}": the site has no articles in {config.articles_dir}/')
    close = did_you_mean(name, names)
    hint = f" ({close})" if close.startswith("did you mean") else ""
    shown = ", ".join(names[:30]) + (f" and {len(names) - 30} more" if len(names) > 30 else "")
    raise EccoBuildError(f'no article "{clip(name)}"{hint}; the articles are: {shown}')


def output_file(out: Path | None, article: Article, config: SiteConfig, force: bool) -> Path:
    """Where to write: -o (a file, or a folder to write <name>.html into), else <name>.html
    in the current folder. Never a source of the site, a link, or someone else's file."""
    target = Path(out) if out is not None else Path(f"{article.slug}.html")
    if target.is_dir() and not target.is_symlink():
        target = target / f"{article.slug}.html"
    shown = f"-o {out}" if out is not None else str(target)
    if target.is_symlink():
        raise EccoBuildError(f"{shown}: is a symbolic link; choose another file with -o")
    resolved = target.resolve()
    for what, (source, _) in sources(config).items():
        if resolved == source or resolved.is_relative_to(source):
            raise EccoBuildError(f"{shown}: it lies in {what} ({source}); write the export elsewhere with -o")
    if resolved.exists() and not force and not written_by_export(resolved):
        raise EccoBuildError(
            f"{shown}: the file exists and ecco-build did not write it; choose another name with -o, "
            "or pass --force to replace it"
        )
    return resolved


def written_by_export(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return MARKER.encode() in handle.read(4096)
    except OSError:
        return False


def stored_results(article: Article, planned: Plan, store: DataStore) -> dict[str, dict[str, Any]]:
    """The stored record of each of the article's figures; a missing one is an error at its
    directive, since export never computes."""
    results, problems = {}, []
    for job, directive in ((j, d) for d in article.directives for j in planned.panels(d)):
        data = store.load(job)
        if data is not None:
            results[job.key] = data
            continue
        why = store.rejected.get(job.key) or f"{config_data(store)}/{job.filename} is missing"
        problems.append(
            Problem(
                directive.path,
                directive.line,
                f"the {job.kind} result is not usable ({why}); run `ecco-build build` first "
                "(export renders stored results only and never loads a model)",
            )
        )
    if problems:
        raise ArticleErrors(problems)
    return results


def config_data(store: DataStore) -> str:
    try:
        return store.folder.relative_to(store.root).as_posix()
    except ValueError:
        return str(store.folder)


def render_page(
    config: SiteConfig,
    checked: Validated,
    planned: Plan,
    results: dict[str, dict[str, Any]],
    article: Article,
    stage: Path,
) -> tuple[str, list[str]]:
    """The article rendered into `stage` (a scratch site) and made self-contained."""
    renderer = Renderer(config, planned, results, stage, checked.bibliographies)
    copy_static(config, stage)
    with template_errors(article.path, config):
        page = renderer.article(article)
    base_url = config.base_url.rstrip("/") + "/" if config.base_url else ""
    html, warnings = embed_page(
        page.read_text(encoding="utf-8"), f"{article.slug}/index.html", stage, base_url
    )
    doctype, newline, rest = html.partition("\n")
    html = f"{doctype}{newline}{MARKER}\n{rest}" if doctype.lower().startswith("<!doctype") else MARKER + html
    return html, [*[w for w in checked.warnings if w.startswith(article.path + ":")], *warnings]


def size_warning(size: int, article: Article, planned: Plan, results: dict[str, dict[str, Any]]) -> list[str]:
    """A warning when the file is large, naming the figure that carries the most data."""
    if size <= EMBED_WARN_BYTES:
        return []
    heaviest = None
    for figure in article.figures.values():
        if figure.directive is None:
            continue
        form = KINDS[figure.directive.kind].page_form
        weight = sum(len(dumps(form(results[job.key])).encode()) for job in planned.panels(figure.directive))
        if heaviest is None or weight > heaviest[0]:
            heaviest = (weight, figure)
    message = f"{article.path}: the exported file is {megabytes(size)}"
    if heaviest is not None:
        weight, figure = heaviest
        directive = figure.directive
        message += (
            f"; the heaviest figure is Figure {figure.number} ({directive.kind}, {directive.where}, "
            f"{megabytes(weight)} of data)"
        )
    return [message]


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def write_file(target: Path, data: bytes) -> None:
    """Atomically: a temporary file beside the target, then a rename."""
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise EccoBuildError(f"cannot write {target}: {exc.strerror or exc}") from None
