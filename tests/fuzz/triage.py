"""Counts per outcome class, failures grouped by cause, the smallest reproducer of each, and
the failing cases written to a folder.

A cause is a (class, key) pair (see detectors.Finding). Its reproducer is the case with the
fewest operators, then the smallest files; `shrink` then tries that case's operators one by
one (and in pairs), each exactly as it was applied, and keeps the smallest set that still
shows the cause.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.fuzz import harness, mutators
from tests.fuzz.detectors import CLEAN_ERROR, CLEAN_SUCCESS, FAILURES, TRACEBACK, template
from tests.fuzz.harness import Base, Outcome

EXAMPLES = 3  # failing cases written per cause


@dataclass(frozen=True)
class Cause:
    cls: str
    key: str
    cases: tuple[Outcome, ...]
    minimal: tuple[str, ...]  # operators of the smallest reproducer

    @property
    def smallest(self) -> Outcome:
        return min(self.cases, key=lambda o: (len(o.ops), o.size, o.index))

    def detail(self) -> str:
        return next(f.detail for f in self.smallest.findings if (f.cls, f.key) == (self.cls, self.key))


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """Cases per class; a case with several failures counts once in each."""
    found = Counter(cls for outcome in outcomes for cls in outcome.classes)
    return {cls: found.get(cls, 0) for cls in (CLEAN_SUCCESS, CLEAN_ERROR, *FAILURES)}


def causes(outcomes: list[Outcome]) -> list[Cause]:
    """Failures grouped by (class, key), most frequent first."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        for key in {(f.cls, f.key) for f in outcome.findings}:
            groups.setdefault(key, []).append(outcome)
    found = [Cause(cls, key, tuple(cases), ()) for (cls, key), cases in groups.items()]
    return sorted(found, key=lambda c: (FAILURES.index(c.cls), -len(c.cases), c.key))


def shrink(cause: Cause, base: Base, workdir: Path, seed: int) -> Cause:
    """The smallest subset of the reproducer's operators that still shows the cause."""
    case = cause.smallest
    worker = harness.Worker(workdir / "worker.log")
    try:
        for size in range(1, len(case.ops)):
            for subset in itertools.combinations(case.ops, size):
                draft = mutators.mutant(base.draft, seed, case.index, keep=subset)
                again = harness.run_case(base, draft, case.index, case.mode, workdir, worker)
                if any((f.cls, f.key) == (cause.cls, cause.key) for f in again.findings):
                    return Cause(cause.cls, cause.key, cause.cases, subset)
    finally:
        worker.close()
    return Cause(cause.cls, cause.key, cause.cases, case.ops)


def summary(outcomes: list[Outcome], found: list[Cause], seed: int) -> str:
    """The report: counts per class, then each cause with its reproducer."""
    lines = [f"{len(outcomes)} mutants (seed {seed})"]
    lines += [f"  {cls:<28} {count}" for cls, count in counts(outcomes).items()]
    lines.append(f"{len(found)} distinct failure causes")
    for number, cause in enumerate(found, 1):
        case = cause.smallest
        ops = cause.minimal or case.ops
        operators = Counter(op for o in cause.cases for op in o.ops).most_common(3)
        lines.append(f"{number:3}. [{cause.cls}] {cause.key}")
        lines.append(f"     {len(cause.cases)} cases; operators most involved: {_pairs(operators)}")
        command = f"--seed {seed} --case {case.index} --keep {','.join(ops)} --mode {case.mode}"
        lines.append(f"     reproduce: python scripts/fuzz.py {command}")
        detail = cause.detail()
        lines.append(f"     {_clip(detail[-600:] if cause.cls == TRACEBACK else detail)}")
    return "\n".join(lines + late_errors(outcomes))


def late_errors(outcomes: list[Outcome]) -> list[str]:
    """Errors a build found after `check` had passed: not failures (a truncated weights file is
    found only by loading it), but each is a question for §6, "check knows everything"."""
    found = Counter(template(o.late) for o in outcomes if o.late)
    ranked = sorted(outcomes, key=lambda o: (len(o.ops), o.size), reverse=True)
    examples = {template(o.late): o for o in ranked if o.late}  # the smallest case of each
    if not found:
        return []
    lines = [f"{sum(found.values())} builds failed where check had passed (not counted as failures):"]
    for key, count in found.most_common():
        lines.append(f"  {count:4} × {key}  (e.g. case {examples[key].index}: {'+'.join(examples[key].ops)})")
    return lines


def _pairs(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in pairs)


def _clip(text: str, limit: int = 600) -> str:
    text = text.strip().replace("\n", "\n       ")
    return text if len(text) <= limit else text[:limit] + " …"


def write_failures(found: list[Cause], base: Base, folder: Path, seed: int, report: str) -> None:
    """For each cause, up to EXAMPLES failing cases (the mutant as it was before the run, with
    case.json) and the shrunk reproducer, under `folder/NN-class-key/`; and the report."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "triage.txt").write_text(report + "\n")
    for number, cause in enumerate(found, 1):
        place = folder / f"{number:03d}-{_slug(cause.cls)}-{_slug(cause.key)}"[:120]
        examples = sorted(cause.cases, key=lambda o: (len(o.ops), o.size, o.index))[:EXAMPLES]
        for outcome in examples:
            _write_case(place / f"case-{outcome.index}", base, seed, outcome, None)
        if cause.minimal and cause.minimal != cause.smallest.ops:
            _write_case(place / "minimal", base, seed, cause.smallest, cause.minimal)


def _write_case(place: Path, base: Base, seed: int, outcome: Outcome, keep: tuple[str, ...] | None) -> None:
    mutators.mutant(base.draft, seed, outcome.index, keep=keep).write(place / "box")
    record = {"seed": seed, "keep": keep, **asdict(outcome)}
    record["findings"] = record["findings"][:50]  # a page can hold thousands of the same finding
    (place / "case.json").write_text(json.dumps(record, indent=1))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]
