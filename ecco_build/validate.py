"""Read every article and validate every directive before any model is loaded.

Model checks here use only config.json and the tokenizer file: the alias exists, the model
suits the kind (`kind.requires`), the kind's own token rules (`kind.check_tokens`), and the
prompt fits the context window. Every model alias is resolved here (ref and fingerprint; from
data/models.lock when the model is absent), so that planning only hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from ecco_build.config import SiteConfig
from ecco_build.contain import Refused, SiteFiles, real_path
from ecco_build.directive_models import ResolvedModel, check_models
from ecco_build.document import citations, formulas, links, prose, references, values
from ecco_build.document.articles import Article, Directive, find_articles, read_article
from ecco_build.document.fences import CALLOUTS, split_body
from ecco_build.document.lines import line_of
from ecco_build.document.markdown import markdown_parser
from ecco_build.errors import Problem, clip, did_you_mean, display_path
from ecco_build.kinds.options import validate_options
from ecco_build.kinds.registry import KINDS
from ecco_build.models.facts import ModelInfo
from ecco_build.plan import FigureKey


@dataclass(frozen=True)
class Validated:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    bibliographies: dict[str, citations.Bibliography] = field(default_factory=dict)  # by article path
    # article path → the files its page reads (bibliography, linked files, images, hero), resolved
    files: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    models: dict[FigureKey, ResolvedModel] = field(default_factory=dict)  # of each directive passed
    # the other models of each comparison passed (:models:, after the first, which is in `models`)
    compared: dict[FigureKey, tuple[ResolvedModel, ...]] = field(default_factory=dict)
    info: ModelInfo | None = None  # the models' facts, for the lock a build writes


def parse_directive(
    token: Token, kind_name: str, path: str, number: int, problems: list[Problem]
) -> Directive | None:
    """Split a fence body into options and caption, then validate against the kind."""
    fence_line = line_of(token)
    before = len(problems)
    kind = KINDS.get(kind_name)
    if kind is None:
        name = clip(kind_name, 80)
        problems.append(
            Problem(
                path,
                fence_line,
                f'unknown directive kind "{name}"; {did_you_mean(name, [*KINDS, *CALLOUTS])}',
            )
        )
        return None
    raw, caption = split_body(token.content, fence_line, path, problems)
    if len(problems) > before:
        return None  # options could not be read; checking them further would only add noise
    options = validate_options(kind, raw, path, fence_line, problems)
    if options is None:
        return None
    return Directive(kind_name, options, caption, path, fence_line, number)


def bibliography_of(
    article: Article, config: SiteConfig, files: SiteFiles, problems: list[Problem]
) -> tuple[citations.Bibliography | None, Path | None]:
    """The article's parsed bibliography and its resolved file, or Nones (a problem is
    recorded if the file named is unusable): the article's own, else the site's."""
    if article.front.bibliography:
        written, base, relative_to = article.front.bibliography, article.source.parent, "the article"
    elif config.bibliography:
        written, base, relative_to = config.bibliography, files.root, "the site folder"
    else:
        return None, None

    def fail(message: str) -> tuple[None, None]:
        if article.front.bibliography:
            problems.append(Problem(article.path, 1, message))
        else:
            problems.append(Problem(config.path.name, config.line_of("bibliography"), message))
        return None, None

    try:
        path = files.find(base, written, relative_to)
    except Refused as exc:
        return fail(f"bibliography {clip(written)}: {exc}")
    if path is None:
        return fail(f"bibliography {clip(Path(written).name)} not found at {clip(str(base / written))}")
    try:
        return citations.load(path), path
    except ValueError as exc:
        return fail(f"bibliography {clip(path.name)} cannot be read: {exc}")


def _articles_folder(config: SiteConfig, files: SiteFiles, problems: list[Problem]) -> bool:
    """True if the articles folder exists and resolves inside the site."""
    shown = f'articles folder "{clip(config.articles_dir)}"'
    try:
        real = real_path(config.articles_path, files.root)
    except Refused as exc:
        message = f"{shown}: {exc}"
    else:
        if real is not None and real.is_dir():
            return True
        message = f"{shown} does not exist"
    problems.append(Problem(config.path.name, config.line_of("articles_dir"), message))
    return False


def _data_folder(config: SiteConfig, files: SiteFiles, problems: list[Problem]) -> None:
    """The data folder, if it exists, is a folder inside the site (results are read from it
    into pages and written to it)."""
    shown = f'data folder "{clip(config.data_dir)}"'
    try:
        real = real_path(config.data_path, files.root)
    except Refused as exc:
        message = f"{shown}: {exc}"
    else:
        if real is None or real.is_dir():
            return
        message = f"{shown} is a file, not a folder; move it away (results are stored in this folder)"
    problems.append(Problem(config.path.name, config.line_of("data_dir"), message))


class _Reading:
    """What validation gathers while it reads the site's articles one by one."""

    def __init__(self, config: SiteConfig, files: SiteFiles, problems: list[Problem], relock: bool):
        self.config, self.files, self.problems = config, files, problems
        self.md = markdown_parser(config.raw_html)
        self.info = ModelInfo(config, relock)
        self.warnings: list[str] = []
        self.articles: list[Article] = []
        self.bibliographies: dict[str, citations.Bibliography] = {}
        self.files_read: dict[str, tuple[Path, ...]] = {}
        self.models: dict[FigureKey, ResolvedModel] = {}
        self.compared: dict[FigureKey, tuple[ResolvedModel, ...]] = {}
        self.slugs: dict[str, str] = {}

    def read(self, source: Path, by_name: dict[str, Path]) -> None:
        """Read one article, check its prose and its directives."""
        shown = display_path(source, self.config.root)
        article = read_article(source, shown, self.md, self.problems, parse_directive)
        if article is None:
            return
        if article.slug in self.slugs:
            message = f'article name "{article.slug}" is also used by {self.slugs[article.slug]}; rename one'
            self.problems.append(Problem(shown, 1, message))
            return
        self.slugs[article.slug] = shown
        self.check_prose(article, by_name)
        self.articles.append(article)
        for directive in article.directives:
            found, models = check_models(directive, self.info)
            self.problems.extend(found)
            if models:
                self.models[FigureKey(article.path, directive.number)] = models[0]
            if models[1:]:
                self.compared[FigureKey(article.path, directive.number)] = models[1:]

    def check_prose(self, article: Article, by_name: dict[str, Path]) -> None:
        """The article's prose: its body, captions, callout bodies and image titles, checked alike."""
        config, problems = self.config, self.problems
        tokens = prose.tokens(article, self.md)
        references.check(article, tokens, problems)
        values.check(article, tokens, problems)
        self.warnings.extend(references.heading_warnings(article))
        formulas.check(tokens, article.path, problems)
        copied = links.check(article, tokens, by_name, self.files, problems, self.warnings)
        bibliography, bib_file = bibliography_of(article, config, self.files, problems)
        if bibliography is not None or not (article.front.bibliography or config.bibliography):
            citations.check(tokens, bibliography, article.path, problems)  # else: its error is said
        if bibliography is not None:
            self.bibliographies[article.path] = bibliography
        self.files_read[article.path] = (*([bib_file] if bib_file else []), *copied)


def validate(config: SiteConfig, relock: bool = False) -> Validated:
    """Every article read and every directive checked; problems collected, none raised
    (`relock`: the fingerprints of models.lock are not used)."""
    files = SiteFiles.of(config)
    problems: list[Problem] = []
    for folder, what in (("static", "static file"), ("templates", "template")):
        problems.extend(files.folder(folder, what)[1])
    _data_folder(config, files, problems)
    if not _articles_folder(config, files, problems):
        return Validated((), tuple(problems), ())
    reading = _Reading(config, files, problems, relock)
    sources = find_articles(config.articles_path, files.root, problems)
    by_name = {(p.parent.name if p.name == "index.md" else p.stem): p for p in sources}
    for source in sources:
        reading.read(source, by_name)
    warnings = [*reading.warnings, *reading.info.warnings()]
    if not reading.articles and not problems:
        warnings.append(f"no articles found in {config.articles_dir}/")
    # A problem with the site's bibliography is found once per article that uses it: say it once.
    unique = tuple(dict.fromkeys(problems))
    return Validated(
        tuple(reading.articles),
        unique,
        tuple(warnings),
        reading.bibliographies,
        reading.files_read,
        reading.models,
        reading.compared,
        reading.info,
    )
