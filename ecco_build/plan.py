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
    """The job of every directive, by its place; a comparison (:models:) has one job per model,
    its first model's in `jobs` and the others', in order, in `compared`."""

    jobs: dict[FigureKey, Job]
    compared: dict[FigureKey, tuple[Job, ...]] = field(default_factory=dict)

    def job(self, directive: Directive) -> Job:
        return self.jobs[FigureKey(directive.path, directive.number)]

    def panels(self, directive: Directive) -> tuple[Job, ...]:
        """The directive's jobs: its model's, or one per model of its comparison, in order."""
        key = FigureKey(directive.path, directive.number)
        return (self.jobs[key], *self.compared.get(key, ()))

    def of(self, article: Article) -> list[Job]:
        """The article's jobs, directive by directive, each comparison's in its models' order."""
        return [job for d in article.directives for job in self.panels(d)]

    def every(self) -> list[Job]:
        """Every job of the site (one that several directives share, as often as they do)."""
        return [*self.jobs.values(), *(job for jobs in self.compared.values() for job in jobs)]

    def places(self, articles: tuple[Article, ...]) -> dict[str, str]:
        """Job key → the `path:line`s of the directives that need it, for progress and errors."""
        found: dict[str, list[str]] = {}
        for article in articles:
            for directive in article.directives:
                for job in self.panels(directive):
                    found.setdefault(job.key, []).append(directive.where)
        return {key: ", ".join(where) for key, where in found.items()}


def plan(validated: Validated) -> Plan:
    """The job of every directive that passed validation (`validated.models` holds its model,
    `validated.compared` a comparison's other models)."""
    jobs, compared = {}, {}
    for article in validated.articles:
        for directive in article.directives:
            key = FigureKey(article.path, directive.number)
            model = validated.models.get(key)
            if model is not None:
                jobs[key] = make_job(directive, model.ref, model.fingerprint)
            others = validated.compared.get(key, ())
            if model is not None and others:
                compared[key] = tuple(make_job(directive, m.ref, m.fingerprint) for m in others)
    return Plan(jobs, compared)
