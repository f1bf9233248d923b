"""The Hugging Face Hub, asked as little as possible: where its cache is, which commit a
revision resolves to there (without network), and whether the Hub can be reached now,
asked once with a short timeout (its client would otherwise retry for half a minute).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecco_build.errors import ModelLoadError, clip

if TYPE_CHECKING:
    from ecco_build.models.loader import ModelRef

# How long the one reachability probe of the Hub may take before it counts as unreachable.
HUB_PROBE_SECONDS = 3.0


def _hub_cache() -> Path:
    """The Hugging Face cache folder, found as huggingface_hub finds it (without importing it);
    Hub models are loaded with this cache_dir, so the two always agree."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(os.environ.get("HF_HOME") or cache_home / "huggingface") / "hub"


def _hub_options(ref: ModelRef, files_only: bool) -> dict[str, Any]:
    """from_pretrained's keyword arguments saying where to find the files."""
    options: dict[str, Any] = {"revision": ref.revision or None}
    if ref.folder is None:
        options |= {"cache_dir": str(_hub_cache()), "local_files_only": files_only}
    return options


def _hub_commit(hub_id: str, revision: str) -> str:
    """The commit a revision resolves to in the local HF cache, without network; else the revision."""
    ref_file = _hub_cache() / ("models--" + hub_id.replace("/", "--")) / "refs" / revision
    if ref_file.is_file():
        return f"{hub_id}@{ref_file.read_text().strip()}"
    return f"{hub_id}@{revision}"


def hub_cached(ref: ModelRef) -> bool:
    """Whether the local HF cache holds this revision's config.json (read without network)."""
    commit = _hub_commit(ref.hub_id or "", ref.revision or "main").rpartition("@")[2]
    repo = _hub_cache() / ("models--" + (ref.hub_id or "").replace("/", "--"))
    return (repo / "snapshots" / commit / "config.json").is_file()


def hub_unreachable() -> str | None:
    """Why the Hub cannot be used now (offline mode, or no answer to one quick request), or None."""
    from huggingface_hub import constants, get_session

    offline = os.environ.get("HF_HUB_OFFLINE", "").upper() in ("1", "ON", "YES", "TRUE")
    if offline or constants.is_offline_mode():  # the constant is read when huggingface_hub is imported
        return "HF_HUB_OFFLINE is set"
    try:
        get_session().head(constants.ENDPOINT, timeout=HUB_PROBE_SECONDS)
    except Exception as exc:  # any failure to get an answer (DNS, refused, timeout, proxy) means no Hub
        return f"{constants.ENDPOINT} cannot be reached: {clip(str(exc) or type(exc).__name__)}"
    return None


def hub_files_only(ref: ModelRef) -> bool:
    """For a Hub model: True when it must be read from the local cache alone, because the Hub
    cannot be used now. Raises at once when it cannot be used and the model is not cached."""
    if ref.folder is not None:
        return False
    why = hub_unreachable()
    if why is None:
        return False
    if hub_cached(ref):
        return True
    revision = f" (revision {clip(ref.revision)})" if ref.revision else ""
    raise ModelLoadError(
        f'model "{ref.alias}": "{clip(ref.hub_id)}"{revision} is not in the local Hugging Face cache '
        f"and {why}. Run once with network to download it (it is then cached), or set source in "
        "site.toml to a model folder inside the site"
    )
