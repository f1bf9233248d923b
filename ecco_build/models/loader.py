"""Resolve a site's model aliases to weights, fingerprint them, load them.

Fingerprinting and token counting need no torch: a build whose results are all in the
data store never imports it. A model that cannot be loaded (a truncated weights file, a
config.json that is not JSON, a Hub id with no network and no cached copy) is a
ModelLoadError naming the alias and what to do, never a traceback. The Hub is asked once,
with a short timeout, whether it can be reached before any download is tried: its client
would otherwise retry for half a minute.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecco_build.config import ModelConfig
from ecco_build.errors import ModelLoadError, clip
from ecco_build.models import families, placement
from ecco_build.models.hub import _hub_commit, _hub_options, hub_files_only
from ecco_build.models.placement import Placement

log = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).parent
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")
FINGERPRINT_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "tokenizer.model",
    "special_tokens_map.json",
)
# Whole-file hashing of multi-GB checkpoints would cost seconds per build; above this size
# a file is fingerprinted by its size plus its first and last megabytes.
FULL_HASH_LIMIT = 256 * 2**20


@dataclass(frozen=True)
class ModelRef:
    """Where one alias's weights live. `folder` is set for local weights, else `hub_id`."""

    alias: str
    source: str
    folder: Path | None
    hub_id: str | None
    revision: str
    dtype: str
    tf32: bool = False
    present: bool = True  # False: the model is absent here and known from data/models.lock
    placement: Placement | None = None  # device_map & co. (models/placement.py); None: one device

    @property
    def name(self) -> str:
        return self.hub_id or self.source


def resolve(alias: str, spec: ModelConfig, site_root: Path) -> ModelRef:
    source = spec.source
    folder: Path | None = None
    if source.startswith("builtin:"):
        folder = BUILTIN_DIR / source.removeprefix("builtin:")
        if not (folder / "config.json").is_file():
            found = [
                f"builtin:{p.name}" for p in sorted(BUILTIN_DIR.iterdir()) if (p / "config.json").is_file()
            ]
            raise ModelLoadError(
                f'model "{alias}": there is no built-in model "{source}"; '
                + (
                    f"built-in models: {', '.join(found)}"
                    if found
                    else "this installation has none; reinstall it"
                )
            )
    elif source.startswith("package:"):
        module_name = source.removeprefix("package:")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise ModelLoadError(
                f'model "{alias}": Python package "{module_name}" is not installed; '
                f"pip install {module_name.replace('_', '-')}"
            ) from None
        folder = Path(getattr(module, "MODEL_DIR", Path(module.__file__).parent / "model"))
    elif (site_root / source).is_dir() or source.startswith((".", "/")):
        folder = (site_root / source).resolve()
        if not (folder / "config.json").is_file():
            raise ModelLoadError(f'model "{alias}": {folder} has no config.json; is it a model folder?')
    hub_id = None if folder else source
    where = placement.from_config(spec, site_root)
    return ModelRef(alias, source, folder, hub_id, spec.revision, spec.dtype, spec.tf32, placement=where)


def _hash_file(path: Path, digest: Any) -> None:
    size = path.stat().st_size
    digest.update(f"{path.name}:{size}:".encode())
    with path.open("rb") as handle:
        if size <= FULL_HASH_LIMIT:
            for block in iter(lambda: handle.read(2**20), b""):
                digest.update(block)
        else:
            digest.update(handle.read(2**20))
            handle.seek(size - 2**20)
            digest.update(handle.read(2**20))


@functools.cache
def _folder_fingerprint(folder: Path, mtimes: tuple) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and (path.name in FINGERPRINT_FILES or path.suffix in WEIGHT_SUFFIXES):
            _hash_file(path, digest)
    return "sha256:" + digest.hexdigest()[:32]


def fingerprint(ref: ModelRef) -> str:
    """Content hash of a local model folder; the resolved commit for a Hub model."""
    if ref.folder is not None:
        try:
            mtimes = tuple(
                (p.name, p.stat().st_mtime_ns, p.stat().st_size)
                for p in sorted(ref.folder.iterdir())
                if p.is_file()
            )
            return _folder_fingerprint(ref.folder, mtimes)
        except OSError as exc:
            raise ModelLoadError(
                f'model "{ref.alias}": cannot read {exc.filename or ref.folder} ({exc.strerror}); '
                "check the model folder's permissions"
            ) from None
    return "hub:" + _hub_commit(ref.hub_id or "", ref.revision or "main")


def model_config(ref: ModelRef, files_only: bool = False) -> dict:
    """The model's config.json as a dict; a ModelLoadError if it is missing, not JSON or not an
    object. For a Hub model, `files_only` reads it from the local cache without network."""
    if ref.folder is not None:
        path = ref.folder / "config.json"
        try:
            found = json.loads(path.read_bytes())
        except OSError as exc:
            raise ModelLoadError(f'model "{ref.alias}": cannot read {path} ({exc.strerror})') from None
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ModelLoadError(
                f'model "{ref.alias}": {path} is not valid JSON ({clip(str(exc))}); '
                "restore the model folder's config.json (copy or download the model again)"
            ) from None
        if not isinstance(found, dict):
            raise ModelLoadError(
                f'model "{ref.alias}": {path} holds a JSON {type(found).__name__}, not an object '
                "of settings; restore the model folder's config.json"
            )
        return found
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(ref.hub_id, **_hub_options(ref, files_only))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f'model "{ref.alias}": cannot read the config of {clip(ref.hub_id)}: {clip(str(exc))}'
        ) from None
    return config.to_dict()


def load_tokenizer(ref: ModelRef, files_only: bool = False):
    from transformers import AutoTokenizer

    location = str(ref.folder) if ref.folder else ref.hub_id
    try:
        return AutoTokenizer.from_pretrained(location, **_hub_options(ref, files_only))
    except (OSError, ValueError, RecursionError) as exc:
        raise ModelLoadError(
            f'model "{ref.alias}": cannot load the tokenizer of {location}: {clip(str(exc))}'
        ) from None


@dataclass
class LoadedModel:
    ref: ModelRef
    model: Any  # a transformers PreTrainedModel in eval mode
    tokenizer: Any
    device: str  # where inputs go: the input embedding's device (models/placement.py)
    dtype: str
    fingerprint: str
    # Intermediate results that several jobs on the same text share (the lens kinds' residual
    # stream), most recent last; kept small because each entry may hold layers × tokens × width.
    memo: OrderedDict = field(default_factory=OrderedDict, repr=False, compare=False)
    devices: tuple[str, ...] = ()  # every device the layers run on; () means (device,)

    def remember(self, key: tuple, make: Callable[[], Any], keep: int = 2) -> Any:
        """make() once per key while it is among the `keep` most recent ones."""
        if key in self.memo:
            self.memo.move_to_end(key)
            return self.memo[key]
        value = self.memo[key] = make()
        while len(self.memo) > keep:
            self.memo.popitem(last=False)
        return value

    @property
    def model_type(self) -> str:
        return self.model.config.model_type

    @property
    def is_encoder(self) -> bool:
        return families.is_encoder(self.model_type)


def _auto_class(config: dict) -> Any:
    """AutoModelForCausalLM, or for an encoder AutoModelForMaskedLM (with its MLM head) or AutoModel."""
    import transformers

    if families.is_encoder(config.get("model_type", "")):
        has_head = families.has_mlm_head(config.get("architectures"))
        return transformers.AutoModelForMaskedLM if has_head else transformers.AutoModel
    return transformers.AutoModelForCausalLM


def _from_pretrained(ref: ModelRef, auto: Any, location: str, files_only: bool, device: str) -> Any:
    import pickle

    import torch
    from safetensors import SafetensorError

    try:
        return auto.from_pretrained(
            location,
            dtype=getattr(torch, ref.dtype),
            **_hub_options(ref, files_only),
            **placement.load_options(ref.placement, device, ref.alias),
        )
    except torch.OutOfMemoryError:
        raise
    # What a damaged or mismatched model folder raises: a truncated safetensors file
    # (SafetensorError), a truncated pickle (EOFError, UnpicklingError, RuntimeError from the zip
    # reader), weights whose shapes disagree with config.json (RuntimeError), settings of the wrong
    # type in config.json (TypeError, KeyError).
    except (
        OSError,
        ValueError,
        RuntimeError,
        TypeError,
        KeyError,
        EOFError,
        pickle.UnpicklingError,
        SafetensorError,
    ) as exc:
        raise ModelLoadError(
            f'model "{ref.alias}": cannot load {location}: {clip(str(exc))}\n{_hint(ref)}'
        ) from None


def _hint(ref: ModelRef) -> str:
    """What to do about a model that would not load."""
    if ref.placement:
        return placement.HINT.format(alias=ref.alias)
    if ref.folder:
        return (
            "Its files may be truncated or may not match its config.json: copy or download the model "
            "folder again."
        )
    return (
        "Check the source in site.toml; for a Hub model, download it once with network "
        "(it is then cached) or point source at a local folder."
    )


def load(ref: ModelRef, device: str) -> LoadedModel:
    import transformers

    location = str(ref.folder) if ref.folder else ref.hub_id
    files_only = hub_files_only(ref)  # fails at once for an uncached Hub model without network
    config = model_config(ref, files_only)
    tokenizer = load_tokenizer(ref, files_only)  # before the weights: a broken tokenizer fails fast
    auto = _auto_class(config)
    transformers.utils.logging.disable_progress_bar()
    log.info("loading model %s (%s) on %s", ref.alias, location, device)
    model = _from_pretrained(ref, auto, location, files_only, device)
    if ref.placement is None:
        model.to(device)
    model.eval()
    placement.check_tied(model, ref.placement, ref.alias)
    first, devices = placement.input_device(model, device), placement.compute_devices(model, device)
    return LoadedModel(ref, model, tokenizer, first, ref.dtype, fingerprint(ref), devices=devices)
