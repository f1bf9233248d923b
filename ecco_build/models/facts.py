"""What validation knows of a model alias without its weights: config.json and the tokenizer.

`ModelInfo` resolves each alias of site.toml once per build (its ref, fingerprint and
config.json); `ModelFacts` is one alias's view, the `kinds.options.TokenizerView` that kinds'
`check_tokens` hooks and the generic context and position rules read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecco_build.config import SiteConfig
from ecco_build.errors import ModelLoadError
from ecco_build.models import families, loader, tokenizer


@dataclass(frozen=True)
class ModelFacts:
    """One local model's config.json and tokenizer (a `kinds.options.TokenizerView`)."""

    alias: str
    ref: loader.ModelRef
    config: Mapping[str, Any]

    @property
    def model_type(self) -> str:
        return self.config.get("model_type", "?")

    @property
    def encoder(self) -> bool:
        return families.is_encoder(self.model_type)

    @property
    def has_head(self) -> bool:
        """Whether an encoder comes with its masked-LM head."""
        return families.has_mlm_head(self.config.get("architectures"))

    @property
    def n_layers(self) -> int | None:
        return families.n_layers(dict(self.config))

    @property
    def context(self) -> int | None:
        return families.context_length(dict(self.config))

    def token_pieces(self, text: str) -> list[str]:
        return tokenizer.token_pieces(self.ref, text)

    def count_tokens(self, text: str) -> int:
        return tokenizer.count_tokens(self.ref, text)


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

    def facts(self, alias: str) -> ModelFacts | None:
        """The alias's config.json and tokenizer view; None for a Hub model."""
        model_config = self.model_config(alias)
        return None if model_config is None else ModelFacts(alias, self.ref(alias), model_config)
