"""Read every article and validate every directive before any model is loaded.

Model checks here use only config.json and the tokenizer file: alias exists, the model
suits the kind (a decoder for generation), and the prompt fits the context window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecco_build import citations, formulas, links, prose, references
from ecco_build.articles import Article, Directive, find_articles, markdown_parser, read_article
from ecco_build.config import SiteConfig
from ecco_build.contain import Refused, SiteFiles, real_path
from ecco_build.errors import ModelLoadError, Problem, clip, did_you_mean, display_path
from ecco_build.kinds.registry import KINDS
from ecco_build.models import loader
from ecco_build.options import parse_layers
from ecco_build.plan import Job, make_job
from ecco_build.registry import SIGNED_FACTOR_METHODS, one_token_problem

CAUSAL_KINDS = {name for name, kind in KINDS.items() if kind.requires == "causal"}
# also work on an encoder with its MLM head
MASKED_LM_KINDS = {name for name, kind in KINDS.items() if kind.requires == "causal_or_masked_lm"}


@dataclass(frozen=True)
class Collected:
    articles: tuple[Article, ...]
    jobs: dict[tuple[str, int], Job]  # (article path, directive number) → job
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    bibliographies: dict[str, citations.Bibliography] = field(default_factory=dict)  # article path →
    # article path → the files its page reads (bibliography, linked files, images, hero), resolved
    files: dict[str, tuple[Path, ...]] = field(default_factory=dict)


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
    """The directive's problems that need no weights (its model's config.json and tokenizer
    suffice), or its job."""
    where = (directive.path, directive.line)
    config = info.config
    alias = directive.options.get("model") or config.default_model
    if not alias:
        return [Problem(*where, "no :model: given and site.toml sets no default_model")], None
    if alias not in config.models:
        hint = did_you_mean(alias, config.models) if config.models else "site.toml defines no models"
        return [
            Problem(
                *where,
                f'unknown model "{clip(alias)}"; {hint}; define it as [models.{clip(alias)}] in site.toml',
            )
        ], None
    try:
        ref = info.ref(alias)
        model_config = info.model_config(alias)
        found = [] if model_config is None else _model_problems(directive, alias, ref, model_config)
        if found:
            return [Problem(*where, message) for message in found], None
        return [], make_job(directive, ref, info.fingerprint(alias))
    except ModelLoadError as exc:
        return [Problem(*where, str(exc))], None


def _model_problems(directive: Directive, alias: str, ref: loader.ModelRef, model_config: dict) -> list[str]:
    """What config.json and the tokenizer tell about this directive, as messages."""
    options = directive.options
    model_type = model_config.get("model_type", "?")
    encoder = model_type in loader.ENCODER_TYPES
    has_head = any(a.endswith("ForMaskedLM") for a in model_config.get("architectures") or [])
    if encoder and directive.kind in CAUSAL_KINDS:
        return [
            f'{directive.kind} needs a text-generating model, but "{alias}" is a '
            f"{model_type} encoder; use a causal model such as builtin:demo"
        ]
    if encoder and directive.kind in MASKED_LM_KINDS and not has_head:
        return [
            f"{directive.kind} needs a causal model or a masked LM with its MLM head, "
            f'but "{alias}" is a {model_type} encoder without one'
        ]
    problems = []
    for text in options.get("watch") or []:
        pieces = loader.token_pieces(ref, text)
        if len(pieces) != 1 and not (options.get("first_token") and pieces):
            problems.append(
                f":watch: {clip(text)!r} is {len(pieces)} tokens {clip(repr(pieces))}, not one; "
                "watch a single token or set :first_token: true to score it by its first token"
            )
    if options.get("foil"):  # saliency's contrast token: exactly one token
        pieces = loader.token_pieces(ref, options["foil"])
        if len(pieces) != 1:
            problems.append(
                f":foil: {clip(options['foil'])!r} is {len(pieces)} tokens {clip(repr(pieces))}, not one; "
                "choose a single token"
            )
    if "layers" in options:
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
                parse_layers(options["layers"], n_layers)
        except ValueError as exc:
            problems.append(str(exc))
    prompt = options.get("prompt")
    if not isinstance(prompt, str):
        return problems
    count = loader.count_tokens(ref, prompt)
    target = options.get("target")
    output = len(loader.token_pieces(ref, target)) if target else options.get("max_new_tokens", 0)
    limit = loader.context_length(model_config)
    if limit and count + output > limit:
        problems.append(
            f"prompt is {count} tokens{f' + {output} of output' if output else ''}"
            f', more than the {limit}-token context of model "{alias}"; shorten it'
        )
    if options.get("method") in SIGNED_FACTOR_METHODS and count + output < 2:
        problems.append(one_token_problem(options["method"]))
    if "position" in options:
        # As the lens reads it: over prompt + output for layer-predictions on a causal model (the
        # output being the target, or at most max_new_tokens generated); over the prompt alone
        # for rankings-watch and a masked LM, where a negative position means the [MASK] token.
        output = 0 if directive.kind != "layer-predictions" or encoder else output
        message = _position_problem(options["position"], count, output, exact=bool(target) or not output)
        if message and not (encoder and options["position"] < 0):
            problems.append(message)
    return problems


def _position_problem(position: int, prompt: int, output: int, exact: bool) -> str | None:
    """Why :position: cannot exist in a text of `prompt` tokens followed by `output` more
    (exactly, or at most when they are generated), or None. Agrees with lens.resolve_position."""
    index = prompt + position if position < 0 else position
    total = prompt + output
    if 0 <= index < total:
        return None
    size = (
        f"it has {total} tokens, {prompt} in the prompt"
        if exact
        else f"the prompt has {prompt} tokens and at most {output} are generated"
    )
    back = f", or -1 to -{prompt} counting back from the end of the prompt" if prompt else ""
    return f":position: {clip(str(position))} is outside the text ({size}); use 0 to {total - 1}{back}"


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


def collect(config: SiteConfig) -> Collected:
    problems: list[Problem] = []
    warnings: list[str] = []
    bibliographies: dict[str, citations.Bibliography] = {}
    articles: list[Article] = []
    jobs: dict[tuple[str, int], Job] = {}
    read: dict[str, tuple[Path, ...]] = {}
    files = SiteFiles.of(config)
    for folder, what in (("static", "static file"), ("templates", "template")):
        problems.extend(files.folder(folder, what)[1])
    _data_folder(config, files, problems)
    if not _articles_folder(config, files, problems):
        return Collected((), {}, tuple(problems), ())
    md = markdown_parser(config.raw_html)
    info = ModelInfo(config)
    slugs: dict[str, str] = {}
    sources = find_articles(config.articles_path, files.root, problems)
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
        # The article's prose: its body, captions, callout bodies and image titles, checked alike.
        tokens = prose.tokens(article, md)
        references.check(article, tokens, problems)
        warnings.extend(references.heading_warnings(article))
        formulas.check(tokens, article.path, problems)
        copied = links.check(article, tokens, by_name, files, problems, warnings)
        bibliography, bib_file = bibliography_of(article, config, files, problems)
        if bibliography is not None or not (article.front.bibliography or config.bibliography):
            citations.check(tokens, bibliography, article.path, problems)  # else: its error is said
        if bibliography is not None:
            bibliographies[article.path] = bibliography
        read[article.path] = (*([bib_file] if bib_file else []), *copied)
        articles.append(article)
        for directive in article.directives:
            found, job = check_directive(directive, info)
            problems.extend(found)
            if job:
                jobs[(article.path, directive.number)] = job
    if not articles and not problems:
        warnings.append(f"no articles found in {config.articles_dir}/")
    # A problem with the site's bibliography is found once per article that uses it: say it once.
    unique = tuple(dict.fromkeys(problems))
    return Collected(tuple(articles), jobs, unique, tuple(warnings), bibliographies, read)
