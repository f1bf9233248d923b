"""Planning: validated directives → jobs keyed by a content hash; identical directives share one job.

A pure stage: `validate` has resolved every model alias (ref and fingerprint), so `plan` only
hashes what each result depends on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ecco_build.document.articles import Article, Directive
from ecco_build.kinds.registry import KINDS
from ecco_build.models.loader import ModelRef

if TYPE_CHECKING:
    from ecco_build.validate import Validated


class FigureKey(NamedTuple):
    """A directive's place: its article (as shown in messages) and its number there."""

    path: str
    number: int


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


@dataclass(frozen=True)
class Plan:
    """The job of every directive, by its place."""

    jobs: dict[FigureKey, Job]

    def job(self, directive: Directive) -> Job:
        return self.jobs[FigureKey(directive.path, directive.number)]

    def of(self, article: Article) -> list[Job]:
        """The article's jobs, one per directive, in order."""
        return [self.jobs[FigureKey(article.path, d.number)] for d in article.directives]

    def places(self, articles: tuple[Article, ...]) -> dict[str, str]:
        """Job key → the `path:line`s of the directives that need it, for progress and errors."""
        found: dict[str, list[str]] = {}
        for article in articles:
            for directive in article.directives:
                found.setdefault(self.job(directive).key, []).append(directive.where)
        return {key: ", ".join(where) for key, where in found.items()}


def plan(validated: Validated) -> Plan:
    """The job of every directive that passed validation (`validated.models` holds its model)."""
    jobs = {}
    for article in validated.articles:
        for directive in article.directives:
            key = FigureKey(article.path, directive.number)
            model = validated.models.get(key)
            if model is not None:
                jobs[key] = make_job(directive, model.ref, model.fingerprint)
    return Plan(jobs)
