"""The tokenizer alone, for validation: how a text tokenizes without loading any weights.

A model folder's tokenizer.json is read with the `tokenizers` library (no torch, no
transformers); other tokenizers go through transformers' AutoTokenizer.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ecco_build.errors import ModelLoadError, clip
from ecco_build.kinds.kind import missing_modules
from ecco_build.models.loader import ModelRef, load_tokenizer


class NoTokenizer(ModelLoadError):
    """The model's tokenizer cannot be read here: the model is absent (only its lock entry is
    known) or its tokenizer needs transformers, which is not installed."""


@functools.cache
def _cached_tokenizer(path: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(path))


def _fast_tokenizer(ref: ModelRef):
    path = (ref.folder or Path()) / "tokenizer.json"
    try:
        return _cached_tokenizer(path)
    except Exception as exc:  # the tokenizers library raises plain Exception for a broken file
        raise ModelLoadError(
            f'model "{ref.alias}": cannot read {path}: {clip(str(exc))}; '
            "restore the model folder's tokenizer.json (copy or download the model again)"
        ) from None


def _has_fast_tokenizer(ref: ModelRef) -> bool:
    if ref.folder is not None and (ref.folder / "tokenizer.json").is_file():
        return True
    if missing_modules(("transformers",)):
        raise NoTokenizer(f'model "{ref.alias}": its tokenizer needs transformers, which is not installed')
    return False


def count_tokens(ref: ModelRef, text: str) -> int:
    """Number of tokens the model sees for `text`, specials included; loads no weights."""
    if _has_fast_tokenizer(ref):
        return len(_fast_tokenizer(ref).encode(text).ids)
    return len(load_tokenizer(ref)(text)["input_ids"])


def token_pieces(ref: ModelRef, text: str) -> list[str]:
    """How `text` tokenizes with no special tokens, as decoded pieces; loads no weights."""
    if _has_fast_tokenizer(ref):
        tokenizer = _fast_tokenizer(ref)
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        return [tokenizer.decode([i]) for i in ids]
    tokenizer = load_tokenizer(ref)
    return [tokenizer.decode([i]) for i in tokenizer(text, add_special_tokens=False)["input_ids"]]
