"""data/models.lock: what the results in data/ were computed with, model by model.

`build` writes one entry per model alias it used with the model present (only when the file's
text changes; `check` never writes). The entry holds the fingerprint the job keys carry and the
config.json facts validation reads, so that a build from the committed results needs neither
the model nor torch: `ModelInfo` falls back to it when the model is absent, and keeps its
fingerprint in the keys when the model present here has changed (nothing silently recomputes;
`ecco-build build --relock` does it on purpose). For a Hub model the entry also pins the commit
the revision resolved to, so that its keys do not change once the model has been downloaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ecco_build.atomic import write_atomically
from ecco_build.config import ModelConfig, SiteConfig
from ecco_build.errors import EccoBuildError, clip, display_path
from ecco_build.models import families, hub
from ecco_build.models.loader import FINGERPRINT_FILES, ModelRef
from ecco_build.models.tokenizer import NoTokenizer

LOCK_NAME = "models.lock"  # JSON; not *.json, so that nothing listing the results sees it
LOCK_VERSION = 1
RELOCK = 'run "ecco-build build --relock" to recompute them with the current model and update the lock'


@dataclass(frozen=True)
class LockedModel:
    """One alias's entry: where the model came from, the fingerprint its job keys carry, and
    its config.json facts."""

    source: str
    revision: str
    fingerprint: str  # exactly the value the job keys hold
    commit: str | None  # a Hub model's resolved commit; None for local weights
    model_type: str
    architectures: tuple[str, ...]
    encoder: bool
    has_head: bool
    n_layers: int | None
    context: int | None
    tokenizer: str  # hash of the tokenizer files

    def matches(self, spec: ModelConfig) -> bool:
        """Whether site.toml still names this model (the fingerprint does not depend on dtype)."""
        return (self.source, self.revision) == (spec.source, spec.revision)


TYPES: dict[str, tuple[type, ...]] = {
    "source": (str,),
    "revision": (str,),
    "fingerprint": (str,),
    "commit": (str, type(None)),
    "model_type": (str,),
    "architectures": (list,),
    "encoder": (bool,),
    "has_head": (bool,),
    "n_layers": (int, type(None)),
    "context": (int, type(None)),
    "tokenizer": (str,),
}


def lock_path(config: SiteConfig) -> Path:
    return config.data_path / LOCK_NAME


def _entry(alias: str, raw: Any) -> LockedModel:
    if not isinstance(raw, dict):
        raise ValueError(f"models.{alias} is not an object")
    for name, types in TYPES.items():
        if name not in raw:
            raise ValueError(f'models.{alias} has no "{name}"')
        if not isinstance(raw[name], types) or (bool in types) != isinstance(raw[name], bool):
            raise ValueError(f"models.{alias}.{name} has the wrong type")
    return LockedModel(
        **{**{n: raw[n] for n in TYPES}, "architectures": tuple(map(str, raw["architectures"]))}
    )


def read_lock(config: SiteConfig) -> dict[str, LockedModel]:
    """The lock's entries by alias; {} when there is no lock. A lock that cannot be used is an
    error naming the file and what to do (never silently ignored: keys depend on it)."""
    path = lock_path(config)
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or raw.get("lock_version") != LOCK_VERSION:
            raise ValueError(f"it is not a version-{LOCK_VERSION} lock")
        if not isinstance(raw.get("models"), dict):
            raise ValueError('it has no "models" object')
        return {alias: _entry(clip(alias), entry) for alias, entry in raw["models"].items()}
    except (OSError, ValueError, RecursionError) as exc:
        raise EccoBuildError(
            f"{display_path(path, config.root)}: cannot be used ({clip(str(exc))}); restore it from "
            'version control, or delete it and run "ecco-build build" with the models installed '
            "to write it again"
        ) from None


def lock_text(entries: dict[str, LockedModel]) -> str:
    models = {alias: asdict(entries[alias]) for alias in sorted(entries)}
    return json.dumps({"lock_version": LOCK_VERSION, "models": models}, indent=2, sort_keys=True) + "\n"


def write_lock(config: SiteConfig, entries: dict[str, LockedModel]) -> bool:
    """Write the lock if its text changes (atomically); True if it was written."""
    path = lock_path(config)
    text = lock_text(entries)
    if (not entries and not path.exists()) or (path.is_file() and path.read_text("utf-8") == text):
        return False
    write_atomically(path, text)
    return True


def _files_of(ref: ModelRef) -> tuple[Path | None, str | None]:
    """The folder holding the model's config.json and tokenizer, and its Hub commit."""
    if ref.folder is not None:
        return ref.folder, None
    commit = hub._hub_commit(ref.hub_id or "", ref.revision or "main").rpartition("@")[2]
    repo = hub._hub_cache() / ("models--" + (ref.hub_id or "").replace("/", "--"))
    folder = repo / "snapshots" / commit
    return (folder, commit) if (folder / "config.json").is_file() else (None, None)


def entry_of(ref: ModelRef, fingerprint: str) -> LockedModel | None:
    """The lock entry of a model present here, or None (a Hub model not in the local cache)."""
    folder, commit = _files_of(ref)
    if folder is None:
        return None
    config = json.loads((folder / "config.json").read_bytes())
    digest = hashlib.sha256()
    for name in FINGERPRINT_FILES[1:]:  # the tokenizer's files (config.json is the first)
        if (folder / name).is_file():
            digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    model_type = config.get("model_type", "?")
    return LockedModel(
        source=ref.source,
        revision=ref.revision,
        fingerprint=fingerprint,
        commit=commit,
        model_type=model_type,
        architectures=tuple(config.get("architectures") or ()),
        encoder=families.is_encoder(model_type),
        has_head=families.has_mlm_head(config.get("architectures")),
        n_layers=families.n_layers(config),
        context=families.context_length(config),
        tokenizer="sha256:" + digest.hexdigest()[:32],
    )


@dataclass(frozen=True)
class LockedFacts:
    """An absent model as its lock entry describes it (a `kinds.options.TokenizerView` with no
    tokenizer: its token methods raise NoTokenizer)."""

    alias: str
    locked: LockedModel

    def __getattr__(self, name: str) -> Any:
        if name in {f.name for f in fields(LockedModel)}:
            return getattr(self.locked, name)
        raise AttributeError(name)

    def token_pieces(self, text: str) -> list[str]:
        raise NoTokenizer(f'model "{self.alias}" is not available here (only its lock entry is)')

    def count_tokens(self, text: str) -> int:
        raise NoTokenizer(f'model "{self.alias}" is not available here (only its lock entry is)')


def stale_warning(alias: str, locked: str, now: str, places: list[str], shown_lock: str) -> str:
    """The warning for a model whose files no longer match the lock."""
    listed = ", ".join(places[:5]) + (", …" if len(places) > 5 else "")
    return (
        f'model "{alias}": its files no longer match {shown_lock} (locked {locked}, now {now}); '
        f"the {len(places)} result(s) computed with it are stale ({listed or 'none in use'}). They are "
        f"still used; {RELOCK}, or restore the locked model."
    )
