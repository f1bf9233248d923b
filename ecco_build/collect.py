"""Read every article and validate every directive before any model is loaded.

Model checks here use only config.json and the tokenizer file: alias exists, the model
suits the kind (a decoder for generation), and the prompt fits the context window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecco_build import citations, formulas, links, references
from ecco_build.articles import Article, Directive, find_articles, markdown_parser, read_article
from ecco_build.config import SiteConfig
from ecco_build.errors import ModelLoadError, Problem, did_you_mean, display_path
from ecco_build.models import loader
from ecco_build.options import parse_layers
from ecco_build.plan import Job, make_job

CAUSAL_KINDS = {"generate", "saliency", "rankings", "rankings-watch"}
MASKED_LM_KINDS = {"layer-predictions"}  # also work on an encoder with its MLM head


@dataclass(frozen=True)
class Collected:
    articles: tuple[Article, ...]
    jobs: dict[tuple[str, int], Job]  # (article path, directive number) → job
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    bibliographies: dict[str, citations.Bibliography] = field(default_factory=dict)  # article path →


class ModelInfo:
    """Per-alias facts needed for validation and planning, computed once per build."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self._refs: dict[str, loader.ModelRef | ModelLoadError] = {}
        self._fingerprints: dict[str, str] = {}
        self._configs: dict[str, dict] = {}

    def ref(self, alias: str) -> loader.ModelRef:
        if alias not in self._refs:
            try:
                self._refs[alias] = loader.resolve(alias, self.config.models[alias], self.config.root)
            except ModelLoadError as exc:
                self._refs[alias] = exc
        found = self._refs[alias]
        if isinstance(found, ModelLoadError):
            raise found
        return found

    def fingerprint(self, alias: str) -> str:
        if alias not in self._fingerprints:
            self._fingerprints[alias] = loader.fingerprint(self.ref(alias))
        return self._fingerprints[alias]

    def model_config(self, alias: str) -> dict | None:
        """config.json for local models; None for Hub models (not read without network)."""
        ref = self.ref(alias)
        if ref.folder is None:
            return None
        if alias not in self._configs:
            self._configs[alias] = loader.model_config(ref)
        return self._configs[alias]


def check_directive(directive: Directive, info: ModelInfo) -> tuple[list[Problem], Job | None]:
    where = (directive.path, directive.line)
    config = info.config
    alias = directive.options.get("model") or config.default_model
    if not alias:
        return [Problem(*where, "no :model: given and site.toml sets no default_model")], None
    if alias not in config.models:
        hint = did_you_mean(alias, config.models) if config.models else "site.toml defines no models"
        return [
            Problem(*where, f'unknown model "{alias}"; {hint}; define it as [models.{alias}] in site.toml')
        ], None
    try:
        ref = info.ref(alias)
        model_config = info.model_config(alias)
    except ModelLoadError as exc:
        return [Problem(*where, str(exc))], None
    problems = []
    if model_config is not None:
        model_type = model_config.get("model_type", "?")
        has_head = any(a.endswith("ForMaskedLM") for a in model_config.get("architectures") or [])
        if model_type in loader.ENCODER_TYPES and (
            directive.kind in CAUSAL_KINDS or (directive.kind in MASKED_LM_KINDS and not has_head)
        ):
            problems.append(
                Problem(
                    *where,
                    f'{directive.kind} needs a text-generating model, but "{alias}" is a '
                    f"{model_type} encoder; use a causal model such as builtin:demo"
                    if directive.kind in CAUSAL_KINDS
                    else f"{directive.kind} needs a causal model or a masked LM with its MLM head, "
                    f'but "{alias}" is a {model_type} encoder without one',
                )
            )
        for text in directive.options.get("watch") or []:
            pieces = loader.token_pieces(ref, text)
            if len(pieces) != 1 and not (directive.options.get("first_token") and pieces):
                problems.append(
                    Problem(
                        *where,
                        f":watch: {text!r} is {len(pieces)} tokens {pieces}, not one; watch a single "
                        "token or set :first_token: true to score it by its first token",
                    )
                )
        if "layers" in directive.options:
            n_layers = next(
                (
                    model_config[k]
                    for k in ("num_hidden_layers", "n_layer", "num_layers", "n_layers")
                    if isinstance(model_config.get(k), int)
                ),
                None,
            )
            try:
                if n_layers:
                    parse_layers(directive.options["layers"], n_layers)
            except ValueError as exc:
                problems.append(Problem(*where, str(exc)))
        limit = loader.context_length(model_config)
        prompt = directive.options.get("prompt")
        if limit and isinstance(prompt, str):
            count = loader.count_tokens(ref, prompt)
            target = directive.options.get("target")
            extra = (
                len(loader.token_pieces(ref, target))
                if target
                else directive.options.get("max_new_tokens", 0)
            )
            if count + extra > limit:
                problems.append(
                    Problem(
                        *where,
                        f"prompt is {count} tokens{f' + {extra} of output' if extra else ''}"
                        f', more than the {limit}-token context of model "{alias}"; shorten it',
                    )
                )
    if problems:
        return problems, None
    return [], make_job(directive, ref, info.fingerprint(alias))


def bibliography_path(article: Article, config: SiteConfig):
    if article.front.bibliography:
        return article.source.parent / article.front.bibliography
    return config.root / config.bibliography if config.bibliography else None


def bibliography_of(article: Article, config: SiteConfig, problems: list[Problem]):
    """The article's parsed bibliography, or None (a problem is recorded if it is unusable)."""
    path = bibliography_path(article, config)
    if path is None:
        return None
    if not path.is_file():
        problems.append(Problem(article.path, 1, f"bibliography {path.name} not found at {path}"))
        return None
    try:
        return citations.load(path)
    except ValueError as exc:
        problems.append(Problem(article.path, 1, f"bibliography {path.name} cannot be read: {exc}"))
        return None


def collect(config: SiteConfig) -> Collected:
    problems: list[Problem] = []
    warnings: list[str] = []
    bibliographies: dict[str, citations.Bibliography] = {}
    articles: list[Article] = []
    jobs: dict[tuple[str, int], Job] = {}
    if not config.articles_path.is_dir():
        problems.append(
            Problem(str(config.path.name), 1, f'articles folder "{config.articles_dir}" does not exist')
        )
        return Collected((), {}, tuple(problems), ())
    md = markdown_parser()
    info = ModelInfo(config)
    slugs: dict[str, str] = {}
    sources = find_articles(config.articles_path)
    by_name = {(p.parent.name if p.name == "index.md" else p.stem): p for p in sources}
    for source in sources:
        shown = display_path(source, config.root)
        article = read_article(source, shown, md, problems)
        if article is None:
            continue
        if article.slug in slugs:
            problems.append(
                Problem(
                    shown,
                    1,
                    f'article name "{article.slug}" is also used by {slugs[article.slug]}; rename one',
                )
            )
            continue
        slugs[article.slug] = shown
        references.check(article, problems)
        warnings.extend(references.heading_warnings(article))
        formulas.check(article.tokens, article.path, problems)
        links.check(article, by_name, problems, warnings)
        bibliography = bibliography_of(article, config, problems)
        citations.check(article.tokens, bibliography, article.path, problems)
        if bibliography is not None:
            bibliographies[article.path] = bibliography
        articles.append(article)
        for directive in article.directives:
            found, job = check_directive(directive, info)
            problems.extend(found)
            if job:
                jobs[(article.path, directive.number)] = job
    if not articles and not problems:
        warnings.append(f"no articles found in {config.articles_dir}/")
    return Collected(tuple(articles), jobs, tuple(problems), tuple(warnings), bibliographies)
