"""Where a model's layers sit: one device, or split and offloaded through transformers and
accelerate (`device_map`, `max_memory`, `offload_folder` of `[models.<alias>]`).

Nothing here splits a model itself: the settings become `from_pretrained(device_map=…,
max_memory=…, offload_folder=…)`, and accelerate's hooks move each module's inputs to the
device it runs on (weights offloaded to the CPU or to disk are brought to that device for the
forward). What ecco-build needs back is where its inputs go (the input embedding's execution
device, `input_device`) and which devices hold the model (`compute_devices`, for memory-aware
batching). Offloading keeps the weights in their dtype, so it does not change numerics and
never enters a result's key; `dtype` does, as before.

Imports no torch at module level (the loader's torch-free paths import this module).
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecco_build.errors import ModelLoadError

OFFLOADED = ("cpu", "disk")
HINT = (
    "Check device_map, max_memory and offload_folder of [models.{alias}] in site.toml: a map must "
    "give every module a device, and weights offloaded to disk need offload_folder."
)

Device = int | str


@dataclass(frozen=True)
class Placement:
    """A model's placement settings, hashable (ModelRef carries it)."""

    device_map: str | tuple[tuple[str, Device], ...]
    max_memory: tuple[tuple[Device, int], ...] = ()
    offload_folder: Path | None = None


def _device(value: Device) -> Device:
    """A device as accelerate takes it: a GPU index (from 0, "0" or "cuda:0"), "cpu" or "disk"."""
    if isinstance(value, str) and value.removeprefix("cuda:").isdigit():
        return int(value.removeprefix("cuda:"))
    return value


def from_config(spec: Any, site_root: Path) -> Placement | None:
    """The Placement of a ModelConfig (already validated by config.load_config); None when it
    sets no device_map (the model loads whole onto the build's device, as before)."""
    if not spec.device_map:
        return None
    device_map = spec.device_map
    if isinstance(device_map, dict):
        device_map = tuple((name, _device(device)) for name, device in device_map.items())
    max_memory = tuple((_device(device), int(size)) for device, size in spec.max_memory.items())
    folder = (site_root / spec.offload_folder) if spec.offload_folder else None
    return Placement(device_map, max_memory, folder)


def load_options(placement: Placement | None, device: str, alias: str = "") -> dict[str, Any]:
    """from_pretrained's placement arguments; {} without a placement. With the build's device
    "cpu" (--device cpu), a strategy ("auto", …) may use the CPU and disk only."""
    if placement is None:
        return {}
    if importlib.util.find_spec("accelerate") is None:
        raise ModelLoadError(
            f'model "{alias}": device_map loads through accelerate, which is not installed; '
            "pip install 'ecco-build[compute]' (or pip install accelerate)"
        )
    device_map = placement.device_map
    options: dict[str, Any] = {"device_map": device_map if isinstance(device_map, str) else dict(device_map)}
    max_memory = dict(placement.max_memory)
    if device == "cpu" and isinstance(device_map, str):
        max_memory = {"cpu": max_memory.get("cpu") or cpu_available() or 2**40}
    if max_memory:
        options["max_memory"] = max_memory
    if placement.offload_folder is not None:
        placement.offload_folder.mkdir(parents=True, exist_ok=True)
        options["offload_folder"] = str(placement.offload_folder)
    return options


def cpu_available() -> int | None:
    """MemAvailable of /proc/meminfo in bytes (Linux); None where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _entry(device_map: dict[str, Device], name: str) -> Device | None:
    """The device the map gives module `name` (its longest prefix: "" is the whole model)."""
    found = [k for k in device_map if k == "" or name == k or name.startswith(k + ".")]
    return device_map[max(found, key=len)] if found else None


def execution_device(device: Device, devices: Iterable[Device]) -> str:
    """Where a module placed on `device` runs: offloaded ones ("cpu", "disk") on the first GPU
    of the map (accelerate's main device), or on the CPU if the map names none."""
    if device in OFFLOADED:
        gpus = [d for d in devices if d not in OFFLOADED]
        device = gpus[0] if gpus else "cpu"
    return f"cuda:{device}" if isinstance(device, int) else str(device)


def input_device(model: Any, fallback: str) -> str:
    """Where input ids go: the execution device of the input embedding; `fallback` (the device
    the whole model was moved to) for a model loaded without a device map."""
    device_map = getattr(model, "hf_device_map", None)
    if not device_map:
        return fallback
    names = {id(module): name for name, module in model.named_modules()}
    entry = _entry(device_map, names.get(id(model.get_input_embeddings()), ""))
    return execution_device("cpu" if entry is None else entry, device_map.values())


def compute_devices(model: Any, fallback: str) -> tuple[str, ...]:
    """The devices the model's layers run on (for memory-aware batching), first the input's."""
    device_map = getattr(model, "hf_device_map", None)
    if not device_map:
        return (fallback,)
    found = [execution_device(d, device_map.values()) for d in device_map.values()]
    first = input_device(model, fallback)
    return (first, *sorted(set(found) - {first}))


def check_tied(model: Any, placement: Placement | None, alias: str) -> None:
    """An explicit map that splits tied input and output embeddings between disk and another
    device cannot run (the offloaded copy of the shared weight is stored under one name only)."""
    if placement is None or isinstance(placement.device_map, str):
        return
    output = model.get_output_embeddings()
    if output is None or not getattr(model.config, "tie_word_embeddings", False):
        return
    names = {id(module): name for name, module in model.named_modules()}
    device_map = dict(placement.device_map)
    where = {
        names.get(id(module), ""): _entry(device_map, names.get(id(module), ""))
        for module in (model.get_input_embeddings(), output)
    }
    devices = set(where.values())
    if len(devices) > 1 and "disk" in devices:
        shown = " and ".join(f'"{name}" on {device}' for name, device in where.items())
        raise ModelLoadError(
            f'model "{alias}": device_map puts the tied input and output embeddings apart ({shown}); '
            "give both the same device in [models." + alias + "] device_map"
        )


def pick_device(requested: str) -> str:
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelLoadError("--device cuda was asked for, but torch sees no CUDA device")
    return requested


@contextlib.contextmanager
def matmul_precision(ref: Any) -> Iterator[None]:
    """TensorFloat-32 matrix products on CUDA while this model's results are computed, if its
    config asks for them; PyTorch's default (full float32) otherwise, and afterwards."""
    import torch

    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = ref.tf32
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before
