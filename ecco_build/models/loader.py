"""Resolve a site's model aliases to weights, fingerprint them, load them.

Fingerprinting and token counting need no torch: a build whose results are all in the
data store never imports it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecco_build.config import ModelConfig
from ecco_build.errors import ModelLoadError

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
ENCODER_TYPES = {"bert", "roberta", "distilbert", "xlm-roberta", "electra", "deberta", "deberta-v2"}
CONTEXT_KEYS = ("n_positions", "max_position_embeddings", "n_ctx", "max_sequence_length", "seq_length")


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
    return ModelRef(alias, source, folder, None if folder else source, spec.revision, spec.dtype, spec.tf32)


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
        mtimes = tuple(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(ref.folder.iterdir())
            if p.is_file()
        )
        return _folder_fingerprint(ref.folder, mtimes)
    return "hub:" + _hub_commit(ref.hub_id or "", ref.revision or "main")


def _hub_commit(hub_id: str, revision: str) -> str:
    """The commit a revision resolves to in the local HF cache, without network; else the revision."""
    cache = Path(
        os.environ.get("HF_HUB_CACHE")
        or Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub"
    )
    ref_file = cache / ("models--" + hub_id.replace("/", "--")) / "refs" / revision
    if ref_file.is_file():
        return f"{hub_id}@{ref_file.read_text().strip()}"
    return f"{hub_id}@{revision}"


def model_config(ref: ModelRef) -> dict:
    if ref.folder is not None:
        return json.loads((ref.folder / "config.json").read_text())
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(ref.hub_id, revision=ref.revision or None).to_dict()


def context_length(config: dict) -> int | None:
    for key in CONTEXT_KEYS:
        if isinstance(config.get(key), int):
            return config[key]
    return None


@functools.cache
def _fast_tokenizer(folder: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(folder / "tokenizer.json"))


def count_tokens(ref: ModelRef, text: str) -> int:
    """Number of tokens the model sees for `text`, specials included; loads no weights."""
    if ref.folder is not None and (ref.folder / "tokenizer.json").is_file():
        return len(_fast_tokenizer(ref.folder).encode(text).ids)
    return len(load_tokenizer(ref)(text)["input_ids"])


def token_pieces(ref: ModelRef, text: str) -> list[str]:
    """How `text` tokenizes with no special tokens, as decoded pieces; loads no weights."""
    if ref.folder is not None and (ref.folder / "tokenizer.json").is_file():
        tokenizer = _fast_tokenizer(ref.folder)
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        return [tokenizer.decode([i]) for i in ids]
    tokenizer = load_tokenizer(ref)
    return [tokenizer.decode([i]) for i in tokenizer(text, add_special_tokens=False)["input_ids"]]


def load_tokenizer(ref: ModelRef):
    from transformers import AutoTokenizer

    location = str(ref.folder) if ref.folder else ref.hub_id
    try:
        return AutoTokenizer.from_pretrained(location, revision=ref.revision or None)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f'model "{ref.alias}": cannot load the tokenizer of {location}: {exc}') from None


@dataclass
class LoadedModel:
    ref: ModelRef
    model: Any  # a transformers PreTrainedModel in eval mode
    tokenizer: Any
    device: str
    dtype: str
    fingerprint: str
    # Intermediate results that several jobs on the same text share (the lens kinds' residual
    # stream), most recent last; kept small because each entry may hold layers × tokens × width.
    memo: OrderedDict = field(default_factory=OrderedDict, repr=False, compare=False)

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
        return self.model_type in ENCODER_TYPES


@contextlib.contextmanager
def matmul_precision(ref: ModelRef) -> Iterator[None]:
    """TensorFloat-32 matrix products on CUDA while this model's results are computed, if its
    config asks for them; PyTorch's default (full float32) otherwise, and afterwards."""
    import torch

    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = ref.tf32
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before


def pick_device(requested: str) -> str:
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelLoadError("--device cuda was asked for, but torch sees no CUDA device")
    return requested


def load(ref: ModelRef, device: str) -> LoadedModel:
    import torch
    import transformers

    location = str(ref.folder) if ref.folder else ref.hub_id
    config = model_config(ref)
    model_type = config.get("model_type", "")
    architectures = config.get("architectures") or []
    if model_type in ENCODER_TYPES:
        has_head = any(a.endswith("ForMaskedLM") for a in architectures)
        auto = transformers.AutoModelForMaskedLM if has_head else transformers.AutoModel
    else:
        auto = transformers.AutoModelForCausalLM
    transformers.utils.logging.disable_progress_bar()
    log.info("loading model %s (%s) on %s", ref.alias, location, device)
    try:
        model = auto.from_pretrained(location, revision=ref.revision or None, dtype=getattr(torch, ref.dtype))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f'model "{ref.alias}": cannot load {location}: {exc}\n'
            "Check the source in site.toml; for a Hub model, download it once with network "
            "(it is then cached) or point source at a local folder."
        ) from None
    model.to(device).eval()
    tokenizer = load_tokenizer(ref)
    return LoadedModel(ref, model, tokenizer, device, ref.dtype, fingerprint(ref))
