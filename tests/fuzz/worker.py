"""The process that runs `check` or `build` on one mutant at a time, under the audit hook.

`python -m tests.fuzz.worker STACKFILE` reads one JSON request per line on stdin ({"box",
"mode", "model", "out"}) and answers one JSON line on the descriptor that was its stdout (stdout itself
is pointed at stderr, so that nothing a library prints can corrupt the answers). After 30 s on
a case the harness sends SIGUSR1 (the worker dumps its stack to STACKFILE) and kills it.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ecco_build.build import build, check
from ecco_build.errors import EccoBuildError
from tests.fuzz import audit, detectors

MEMORY_LIMIT = 8 * 1024**3  # bytes of writable memory: a blow-up fails here, not on the machine


def run_case(box: Path, mode: str, model: Path, out_arg: str | None) -> dict:
    """Run one mutant: `check`, then for a build `build` as well. The answer holds the status and
    message of the last step, the findings of both, and `late`: the first line of an error the
    build found after `check` passed (reported, not a failure: some need the weights)."""
    site = box / "site"
    places = detectors.Places.of(site, box, model, out_arg)
    os.chdir(box)
    start = time.perf_counter()
    step = _attempt(lambda: check(site), box)
    findings = _judge(step, places, site, building=False)
    late = ""
    if mode == "build" and step.failure is None:
        checked = step.status
        step = _attempt(lambda: build(site, out=site / out_arg if out_arg is not None else None).out, box)
        findings += _judge(step, places, site, building=True)
        if checked == detectors.CLEAN_SUCCESS and step.status == detectors.CLEAN_ERROR:
            late = step.message.split("\n")[0]
    return {
        "status": step.status,
        "message": step.message[:5000],
        "seconds": time.perf_counter() - start,
        "findings": [asdict(f) for f in findings],
        "late": late,
    }


@dataclass
class Step:
    status: str
    message: str = ""
    failure: BaseException | None = None
    result: Any = None  # what the step returned (the output folder of a build)
    accesses: list[audit.Access] = field(default_factory=list)


def _attempt(action: Callable[[], Any], box: Path) -> Step:
    with audit.recorder().recording(box.parent) as accesses:
        try:
            step = Step(detectors.CLEAN_SUCCESS, result=action())
        except EccoBuildError as exc:
            step = Step(detectors.CLEAN_ERROR, str(exc))
        except (Exception, RecursionError, MemoryError) as exc:
            step = Step(detectors.TRACEBACK, failure=exc)
    step.accesses = list(accesses)
    return step


def _judge(step: Step, places: detectors.Places, site: Path, building: bool) -> list[detectors.Finding]:
    """Judged after recording stops: formatting a traceback reads source files."""
    findings = [detectors.traceback_finding(step.failure)] if step.failure else []
    findings += detectors.access_findings(step.accesses, places, building)
    if step.status == detectors.CLEAN_ERROR:
        findings += detectors.error_findings(step.message, site)
    if building and isinstance(step.result, Path):
        findings += detectors.markup_findings(step.result)
    return findings


def main() -> None:
    stack = open(sys.argv[1], "w")  # kept open for the life of the process
    faulthandler.register(signal.SIGUSR1, file=stack)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    # RLIMIT_DATA, not RLIMIT_AS: the exports' renderer (vl-convert's V8) reserves tens of GB of
    # address space it never touches; DATA counts the memory actually writable, so a blow-up still fails.
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))
    logging.basicConfig(level=logging.ERROR)
    for line in sys.stdin:
        request = json.loads(line)
        answer = run_case(Path(request["box"]), request["mode"], Path(request["model"]), request["out"])
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
