"""The stored record around a result, `data/<kind>-<key[:20]>.json`, and its check.

A data file is trusted only after it matches its kind's shape (DESIGN §10): fields present
with their types, finite numbers, lengths that agree, ranks ≥ 1, probabilities in [0, 1],
indices in range. `check_result` lists what is wrong; the store treats a file with problems
as missing, so that it is recomputed. Each kind's result shape (a TypedDict whose docstring
is the JSON contract) and its check live in kinds/<module>.py.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from ecco_build.errors import clip
from ecco_build.kinds.registry import KINDS
from ecco_build.shapes import Enough, Problems, Record


class ModelRecord(TypedDict):
    """The weights that made a result: name (site.toml's source), revision, fingerprint (of the
    weight files), dtype, alias (site.toml's name for it), type (the transformers model_type);
    tf32 only when it was on."""

    name: str
    revision: str
    fingerprint: str
    dtype: str
    alias: str
    type: str
    tf32: NotRequired[bool]


class Provenance(TypedDict):
    """How a result was computed: the ecco_build, torch and transformers versions, the device
    and dtype, and seconds (≥ 0) of compute. Results computed since placement and memory-aware
    batching (issue 20) add peak_memory_mb (the job's peak, ≥ 0) and peak_memory_measure (how it
    was measured: "cuda max_memory_allocated", summed over the model's GPUs, or "ru_maxrss
    growth", a lower bound on CPU), and device_map ({module: device}) for a model split over
    devices."""

    ecco_build: str
    torch: str
    transformers: str
    device: str
    dtype: str
    seconds: float
    peak_memory_mb: NotRequired[float]
    peak_memory_measure: NotRequired[str]
    device_map: NotRequired[dict[str, str]]


class StoredResult(TypedDict):
    """A data file, `data/<kind>-<key[:20]>.json`, as `run.compute_job` writes it.

    kind: the directive kind. version: the registry's Kind.version it was computed under.
    key: the job key (sha256 hex of kind, version, model and result options).
    model: ModelRecord. options: the result options. provenance: Provenance.
    result: the kind's result, as its kinds/<module>.py <Kind>Result documents it.
    """

    kind: str
    version: int
    key: str
    model: ModelRecord
    options: dict[str, Any]
    provenance: Provenance
    result: dict[str, Any]


def check_result(kind: str, data: object, key: str | None = None) -> list[str]:
    """What is wrong with a stored record for a `kind` job (and, if given, that key): the first
    problems found, each naming its field; empty when the record matches its documented shape."""
    if not isinstance(data, dict):
        return [f"the file must hold a JSON object, not {type(data).__name__}"]
    problems = Problems()
    r = Record(data, "", problems)
    try:
        check_envelope(r, kind, key)
        result = r.record("result")
        if result is not None:
            KINDS[kind].check_result(result)
    except Enough:
        pass
    return problems.found


def check_envelope(r: Record, kind: str, key: str | None) -> None:
    found = r.string("kind")
    if found is not None and found != kind:
        r.fail("kind", f"is {clip(found)!r}, not {kind!r}")
    version = r.integer("version")
    if version is not None and version != KINDS[kind].version:
        r.fail("version", f"is {version}, not {kind}'s version {KINDS[kind].version}")
    found = r.string("key")
    if found is not None and key is not None and found != key:
        r.fail("key", "belongs to another job")
    model = r.record("model")
    if model is not None:
        for name in ("name", "revision", "fingerprint", "dtype", "alias", "type"):
            model.string(name)
        model.boolean("tf32", optional=True)
    r.record("options")
    provenance = r.record("provenance")
    if provenance is not None:
        for name in ("ecco_build", "torch", "transformers", "device", "dtype"):
            provenance.string(name)
        provenance.number("seconds", low=0)
