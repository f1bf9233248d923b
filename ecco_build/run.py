"""Run jobs: reuse stored results, compute the misses one model at a time."""

from __future__ import annotations

import logging
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ecco_build import __version__
from ecco_build.envelope import check_result
from ecco_build.errors import EccoBuildError, MissingResultError, ModelLoadError
from ecco_build.kinds.kind import Kind, missing_modules
from ecco_build.kinds.registry import KINDS
from ecco_build.plan import Job
from ecco_build.store import DataStore, round_numbers

log = logging.getLogger(__name__)


class RunStats:
    def __init__(self) -> None:
        self.reused = 0
        self.computed = 0
        self.models_loaded: list[str] = []


def run_jobs(
    jobs: Iterable[Job],
    store: DataStore,
    device: str,
    recompute: bool = False,
    where: dict[str, str] | None = None,
    stats: RunStats | None = None,
) -> dict[str, dict[str, Any]]:
    """Results by job key. `where` maps a key to "path:line" for messages."""
    stats = stats or RunStats()
    results: dict[str, dict[str, Any]] = {}
    misses: dict[str, list[Job]] = defaultdict(list)
    seen: set[str] = set()
    for job in jobs:
        if job.key in seen:
            continue  # identical directives share one job
        seen.add(job.key)
        data = None if recompute else store.load(job)
        if data is not None:
            results[job.key] = data
            stats.reused += 1
        else:
            misses[job.model.alias].append(job)
    preflight(misses, store, where or {})
    for alias, group in misses.items():
        results.update(_compute_group(group, store, device, where or {}))
        stats.models_loaded.append(alias)
        stats.computed += len(group)
    return results


def preflight(misses: dict[str, list[Job]], store: DataStore, where: dict[str, str]) -> None:
    """Before any model loads: every missing result can be computed here (its kind's compute
    modules are installed, its model is present), else one error listing them all, so that no
    group is computed before a later one fails."""
    lines, absent = [], set()
    for group in misses.values():
        for job in group:
            place = where.get(job.key, job.kind)
            why = store.rejected.get(job.key) or f"{store.folder.name}/{job.filename} is missing"
            missing = missing_modules(KINDS[job.kind].compute_requires)
            absent.update(missing)
            if missing:
                lines.append(
                    f"{place}: the {job.kind} result is needed ({why}) and computing it needs "
                    f"the compute extra (not installed: {', '.join(missing)})"
                )
            elif not job.model.present:
                lines.append(
                    f"{place}: the {job.kind} result is needed ({why}) and model "
                    f'"{job.model.alias}" is not installed here'
                )
    if lines:
        install = " Install the compute extra with:  pip install 'ecco-build[compute]'" if absent else ""
        raise MissingResultError(
            "\n".join(lines) + f"\n{len(lines)} result(s) cannot be computed here.{install} (or build "
            "where it is installed and commit the data folder). Nothing was computed or written."
        )


def _compute_group(
    group: list[Job], store: DataStore, device: str, where: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Load the group's model once, compute and store each of its jobs; results by job key."""
    from ecco_build.models import loader, placement

    ref = group[0].model
    try:
        lm = loader.load(ref, placement.pick_device(device))
    except ModelLoadError as exc:
        places = ", ".join(where.get(j.key, j.kind) for j in group)
        raise ModelLoadError(f"{places}: {unavailable(group, store)} and {exc}") from None
    results = {}
    with placement.matmul_precision(ref):
        for job in group:
            place = where.get(job.key, job.kind)
            results[job.key] = compute_job(job, lm, place)
            try:
                store.save(job, results[job.key])
            except EccoBuildError as exc:
                raise EccoBuildError(f"{place}: {exc}") from None
    del lm
    return results


def unavailable(group: list[Job], store: DataStore) -> str:
    """Why these results need the model: absent from the data folder, or present but
    unusable (with the store's reasons: corrupt, another key's, or malformed)."""
    absent = sum(job.key not in store.rejected for job in group)
    reasons = [store.rejected[job.key] for job in group if job.key in store.rejected]
    parts = [f"{absent} result(s) are not in the data folder"] if absent else []
    if reasons:
        shown = "; ".join(reasons[:2]) + (f"; and {len(reasons) - 2} more" if len(reasons) > 2 else "")
        parts.append(f"{len(reasons)} data file(s) cannot be used ({shown})")
    return ", ".join(parts)


def check_requires(kind: Kind, lm: Any) -> None:
    """Refuse, before computing, a model the kind cannot run on (`kind.requires`; validation
    says it first from config.json, this holds for callers that skip validation). A
    causal_or_masked_lm kind's analysis tells a masked LM without its head itself."""
    if kind.requires == "causal" and lm.is_encoder:
        raise EccoBuildError(f"{kind.name} needs a causal (text-generating) model")


def provenance(lm: Any, seconds: float, peak: dict[str, Any] | None = None) -> dict[str, Any]:
    """How a result was computed: the software, the device (the input's) and dtype, how long it
    took, its peak memory (PeakMemory), and for a split model where each module ran."""
    import torch
    import transformers

    found = {
        "ecco_build": __version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "device": lm.device,
        "dtype": lm.dtype,
        "seconds": seconds,
        **(peak or {}),
    }
    device_map = getattr(getattr(lm, "model", None), "hf_device_map", None)
    if device_map:
        found["device_map"] = {name: str(device) for name, device in device_map.items()}
    return found


class PeakMemory:
    """The peak memory of one job, in MB. On CUDA: torch.cuda.max_memory_allocated, summed over
    the CUDA devices holding the model (their peaks are reset when the job starts). On the CPU:
    how much the process's peak resident set (getrusage ru_maxrss) grew during the job, a lower
    bound (0 when an earlier job of the same build had already peaked higher)."""

    def __init__(self, lm: Any) -> None:
        import torch

        devices = getattr(lm, "devices", ()) or (str(lm.device),)
        self.cuda = [d for d in devices if d.startswith("cuda")]
        for device in self.cuda:
            torch.cuda.reset_peak_memory_stats(device)
        self.start = _max_rss()

    def record(self) -> dict[str, Any]:
        import torch

        if self.cuda:
            peak = sum(torch.cuda.max_memory_allocated(d) for d in self.cuda) / 2**20
            return {"peak_memory_mb": peak, "peak_memory_measure": "cuda max_memory_allocated"}
        if self.start is None:
            return {}
        return {
            "peak_memory_mb": (_max_rss() - self.start) / 2**20,
            "peak_memory_measure": "ru_maxrss growth",
        }


def _max_rss() -> int | None:
    """The process's peak resident set in bytes (Linux reports KiB, macOS bytes); None without
    `resource` (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def compute_job(job: Job, lm: Any, where: str) -> dict[str, Any]:
    kind = KINDS[job.kind]
    log.info("%s: computing %s with %s", where, job.kind, job.model.alias)
    start = time.perf_counter()
    peak = PeakMemory(lm)
    try:
        check_requires(kind, lm)
        # A job keeps only the options that change the result; the others (model, label,
        # width, …) take their defaults, which no analysis reads.
        result = kind.compute_function()(lm, kind.record_of(kind.defaults(**job.options)))
    except EccoBuildError as exc:
        raise type(exc)(f"{where}: {exc}") from None
    seconds = time.perf_counter() - start
    data = round_numbers(
        {
            "kind": job.kind,
            "version": kind.version,
            "key": job.key,
            "model": {**job.identity["model"], "alias": job.model.alias, "type": lm.model_type},
            "options": job.options,
            "provenance": provenance(lm, seconds, peak.record()),
            "result": result,
        }
    )
    problems = check_result(job.kind, data, job.key)
    if problems:  # e.g. NaN from a float16 overflow: stored, it would be rejected on every build
        raise EccoBuildError(
            f'{where}: the {job.kind} result computed with model "{job.model.alias}" is not usable '
            f"({'; '.join(problems[:3])}); if the model runs in float16 or bfloat16, try "
            'dtype = "float32" in site.toml'
        )
    return data
