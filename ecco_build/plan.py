"""Directives → jobs keyed by a content hash; identical directives share one job."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ecco_build.articles import Directive
from ecco_build.models.loader import ModelRef
from ecco_build.registry import KINDS


@dataclass(frozen=True)
class Job:
    key: str  # sha256 hex of `identity`
    kind: str
    model: ModelRef
    identity: dict[str, Any] = field(repr=False)  # everything the result depends on
    options: dict[str, Any] = field(repr=False)  # result options only

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.key[:20]}.json"


def result_options(directive: Directive) -> dict[str, Any]:
    kind = KINDS[directive.kind]
    return {o.name: directive.options[o.name] for o in kind.options if o.result and o.name != "model"}


def job_identity(directive: Directive, ref: ModelRef, fingerprint: str) -> dict[str, Any]:
    kind = KINDS[directive.kind]
    model = {"name": ref.name, "revision": ref.revision, "fingerprint": fingerprint, "dtype": ref.dtype}
    if ref.tf32:  # only when on, so that turning it on is a new result and off keeps the old keys
        model["tf32"] = True
    return {
        "kind": kind.name,
        "version": kind.version,
        "model": model,
        "options": result_options(directive),
    }


def job_key(identity: dict[str, Any]) -> str:
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def make_job(directive: Directive, ref: ModelRef, fingerprint: str) -> Job:
    identity = job_identity(directive, ref, fingerprint)
    return Job(job_key(identity), directive.kind, ref, identity, identity["options"])
