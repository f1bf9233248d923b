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
from ecco_build.errors import ModelLoadError, display_path
from ecco_build.models import families, loader, lock, tokenizer
from ecco_build.models.hub import hub_cached


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
    """Per-alias facts needed for validation and planning, computed once per build.

    With data/models.lock (models/lock.py): an absent model is known from its entry, and
    a present model keeps the locked fingerprint in its keys; if its files changed, it is
    `stale` (a warning; `relock` drops the lock's say instead)."""

    def __init__(self, config: SiteConfig, relock: bool = False):
        self.config = config
        self.relock = relock
        self.lock = lock.read_lock(config)
        self._refs: dict[str, loader.ModelRef | ModelLoadError] = {}
        self._absent: dict[str, str] = {}  # alias → why its model cannot be resolved (lock used)
        self._fingerprints: dict[str, str] = {}
        self._configs: dict[str, dict] = {}
        self.stale: dict[str, tuple[str, str]] = {}  # alias → (locked, current) fingerprints
        self.stale_uses: dict[str, list[str]] = {}  # alias → where its stored results are used

    def locked(self, alias: str) -> lock.LockedModel | None:
        """The alias's lock entry, if it still describes site.toml's model and counts."""
        entry = self.lock.get(alias)
        return entry if entry and not self.relock and entry.matches(self.config.models[alias]) else None

    def ref(self, alias: str) -> loader.ModelRef:
        if alias not in self._refs:
            spec = self.config.models[alias]
            try:
                self._refs[alias] = loader.resolve(alias, spec, self.config.root)
            except ModelLoadError as exc:
                self._refs[alias] = exc
                if self.locked(alias):
                    self._absent[alias] = str(exc).removeprefix(f'model "{alias}": ')
                    self._refs[alias] = loader.ModelRef(
                        alias, spec.source, None, None, spec.revision, spec.dtype, spec.tf32, present=False
                    )
        found = self._refs[alias]
        if isinstance(found, ModelLoadError):
            raise found
        return found

    def fingerprint(self, alias: str) -> str:
        """What the job keys carry: the locked fingerprint when the lock has the model, else the
        current one (the folder's content hash, or a Hub model's commit)."""
        if alias not in self._fingerprints:
            self._fingerprints[alias] = self._fingerprint(alias)
        return self._fingerprints[alias]

    def _fingerprint(self, alias: str) -> str:
        ref, locked = self.ref(alias), self.locked(alias)
        if locked is None:
            return loader.fingerprint(ref)
        if not ref.present or (ref.folder is None and not hub_cached(ref)):
            return locked.fingerprint  # absent, or a Hub model not downloaded here: the lock says
        now = loader.fingerprint(ref)
        if now not in (locked.fingerprint, f"hub:{ref.hub_id}@{locked.commit}"):
            self.stale[alias] = (locked.fingerprint, now)
        return locked.fingerprint

    def model_config(self, alias: str) -> dict | None:
        """config.json for local models; None for Hub models (not read without network)."""
        ref = self.ref(alias)
        if ref.folder is None:
            return None
        if alias not in self._configs:
            self._configs[alias] = loader.model_config(ref)
        return self._configs[alias]

    def facts(self, alias: str) -> ModelFacts | lock.LockedFacts | None:
        """The alias's config.json and tokenizer view (its lock entry when the model is absent);
        None for a Hub model."""
        locked = self.locked(alias)
        if not self.ref(alias).present and locked:
            return lock.LockedFacts(alias, locked)
        model_config = self.model_config(alias)
        return None if model_config is None else ModelFacts(alias, self.ref(alias), model_config)

    def result_problems(self, alias: str, kind: str, filename: str, where: str) -> list[str]:
        """Why a directive's result cannot be had here, or []: stored results always can; a
        missing one needs the model present and matching the lock (the compute extra is checked
        before computing, by run.preflight)."""
        data_dir = self.config.data_dir
        if (self.config.data_path / filename).is_file():
            if alias in self.stale:
                self.stale_uses.setdefault(alias, []).append(where)
            return []
        missing = f"the {kind} result is not in {data_dir}/ ({filename})"
        if not self.ref(alias).present:
            return [
                f'{missing} and model "{alias}" is not available here ({self._absent[alias]}); '
                "computing it needs the model and the compute extra (pip install 'ecco-build[compute]'), "
                f"or build where they are installed and commit {data_dir}/"
            ]
        if alias in self.stale:
            return [
                f"{missing}, and computing it would use a model that differs from the lock; {lock.RELOCK}"
            ]
        return []

    def warnings(self) -> list[str]:
        shown = display_path(lock.lock_path(self.config), self.config.root)
        return [
            lock.stale_warning(alias, *self.stale[alias], self.stale_uses.get(alias, []), shown)
            for alias in sorted(self.stale)
        ]

    def lock_entries(self, aliases: set[str]) -> dict[str, lock.LockedModel]:
        """The lock after a build that used these aliases: a fresh entry for each one present
        and not stale, the old entry for the others (while site.toml still defines them)."""
        entries = {alias: e for alias, e in self.lock.items() if alias in self.config.models}
        for alias in sorted(aliases):
            if self.ref(alias).present and alias not in self.stale:
                fresh = lock.entry_of(self.ref(alias), self.fingerprint(alias))
                if fresh is not None:
                    entries[alias] = fresh
        return entries
