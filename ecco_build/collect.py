"""Moved to ecco_build/validate.py (validation) and ecco_build/plan.py (jobs); removed in wave 3.

`collect(config)` is validate then plan, as one record shaped like the old one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecco_build.config import SiteConfig
from ecco_build.document.articles import Article
from ecco_build.document.citations import Bibliography
from ecco_build.errors import Problem
from ecco_build.kinds.options import position_problem as _position_problem  # noqa: F401
from ecco_build.models.facts import ModelInfo  # noqa: F401
from ecco_build.plan import FigureKey, Job, plan
from ecco_build.validate import bibliography_of, validate  # noqa: F401


@dataclass(frozen=True)
class Collected:
    articles: tuple[Article, ...]
    jobs: dict[FigureKey, Job]  # (article path, directive number) → job
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    bibliographies: dict[str, Bibliography] = field(default_factory=dict)
    files: dict[str, tuple[Path, ...]] = field(default_factory=dict)


def collect(config: SiteConfig) -> Collected:
    validated = validate(config)
    planned = plan(validated)
    return Collected(
        validated.articles,
        planned.jobs,
        validated.problems,
        validated.warnings,
        validated.bibliographies,
        validated.files,
    )
