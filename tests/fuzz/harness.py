"""Generate → write → run (with a timeout) → classify, for a numbered range of mutants.

Most mutants are `check`ed; a share is built from the seed's precomputed results (those whose
directive options changed compute on the tiny model), and a few go through the real CLI in a
subprocess. Each runs in its own case folder, `workdir/cases/<index>/box/`, removed afterwards.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.fuzz import mutators, sitedraft
from tests.fuzz.audit import PACKAGE, Access
from tests.fuzz.detectors import (
    CLEAN_ERROR,
    CLEAN_SUCCESS,
    CRASH,
    HANG,
    TRACEBACK,
    Finding,
    Places,
    access_findings,
    cli_traceback_finding,
    damage_findings,
    error_findings,
    markup_findings,
)
from tests.fuzz.sitedraft import Draft

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0


@dataclass(frozen=True)
class Base:
    """The seed site (with the data of one build) and the tiny model it names."""

    draft: Draft
    model: Path


@dataclass(frozen=True)
class Outcome:
    index: int
    mode: str  # check, build, cli-check or cli-build
    ops: tuple[str, ...]
    status: str  # clean success, clean error, traceback, hang or crash
    findings: tuple[Finding, ...]
    message: str
    seconds: float
    size: int
    late: str = ""  # an error only the build found, though `check` had passed (informational)

    @property
    def classes(self) -> list[str]:
        """The failure classes found, or the clean status when none was."""
        return sorted({f.cls for f in self.findings}) or [self.status]


def prepare(workdir: Path, model: Path | None = None) -> Base:
    """The seed site with the data folder of one real build on a tiny GPT-2 (made here if
    `model` is not given), so that mutants build without loading a model."""
    from ecco_build.build import build

    if model is None:
        from tests import tiny_models

        model = workdir / "model"
        if not (model / "config.json").is_file():
            tiny_models.build("gpt2", model)
    box = workdir / "seed"
    shutil.rmtree(box, ignore_errors=True)
    sitedraft.seed_site(model, {}).write(box)
    build(box / "site")
    data = {p.name: p.read_bytes() for p in sorted((box / "site" / "data").glob("*.json"))}
    return Base(sitedraft.seed_site(model, data), model)


def mode_of(seed: int, index: int, ops: list[str], build_share: float, cli_share: float, focus: float) -> str:
    """check, build, cli-check or cli-build: mutants whose operators show only in a build's
    output are built at the `focus` share, the others at `build_share`."""
    draw = random.Random(f"ecco-fuzz-mode:{seed}:{index}").random()
    if draw < cli_share:
        return "cli-build" if draw < cli_share / 2 else "cli-check"
    share = focus if mutators.SHOWN_BY_BUILD.intersection(ops) else build_share
    return "build" if draw < cli_share + share else "check"


class Worker:
    """The worker process (tests/fuzz/worker.py), restarted after a hang or a crash."""

    def __init__(self, log: Path):
        self.log = log
        self.stack = log.with_suffix(".stack")  # where the worker dumps its stack when stuck
        self.process: subprocess.Popen | None = None

    def ask(self, request: dict, timeout: float) -> dict:
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.process and self.process.stdin and self.process.stdout
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            return self._died()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            where = self._where()
            self.close()
            return {"status": HANG, "where": where}
        line = self.process.stdout.readline()
        return json.loads(line) if line else self._died()

    def _where(self) -> str:
        """The innermost ecco_build frame of the stuck worker, from the stack it dumps on SIGUSR1."""
        assert self.process
        self.stack.write_text("")
        self.process.send_signal(signal.SIGUSR1)
        time.sleep(1)
        return innermost_dumped(self.stack.read_text())

    def _start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.fuzz.worker", str(self.stack)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )

    def _died(self) -> dict:
        assert self.process
        code = self.process.wait()
        self.process = None
        return {"status": CRASH, "message": f"exit code {code}"}

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def run_case(base: Base, draft: Draft, index: int, mode: str, workdir: Path, worker: Worker) -> Outcome:
    """Write the mutant, run it, judge it, remove it."""
    case = workdir / "cases" / str(index)
    box = case / "box"
    shutil.rmtree(case, ignore_errors=True)
    draft.write(box)
    files, links = draft.contents(box), draft.targets(box)
    places = Places.of(box / "site", box, base.model, draft.out_arg)
    if mode.startswith("cli-"):
        answer = run_cli(case, places, mode, draft.out_arg)
    else:
        request = {"box": str(box), "mode": mode, "model": str(base.model), "out": draft.out_arg}
        answer = worker.ask(request, TIMEOUT)
    findings = [Finding(**f) for f in answer.get("findings", [])]
    findings += _stopped(answer, draft)
    findings += damage_findings(files, links, box, draft.disposable)
    shutil.rmtree(case, ignore_errors=True)
    return Outcome(
        index,
        mode,
        tuple(draft.ops),
        answer["status"],
        tuple(findings),
        answer.get("message", ""),
        answer.get("seconds", TIMEOUT),
        draft.size(),
        answer.get("late", ""),
    )


def _stopped(answer: dict, draft: Draft) -> list[Finding]:
    ops = "+".join(sorted(draft.ops))
    if answer["status"] == HANG:
        where = answer.get("where") or f"(no stack) {ops}"
        return [Finding(HANG, f"past {TIMEOUT:.0f} s in {where}", ops)]
    if answer["status"] == CRASH:
        return [Finding(CRASH, f"{answer.get('message', '')}: {ops}", ops)]
    return []


def innermost_dumped(stack: str) -> str:
    """'ecco_build/x.py:function' of the innermost ecco_build frame in a faulthandler dump
    (which lists the most recent call first)."""
    for match in re.finditer(r'File "(?P<file>[^"]+)", line \d+ in (?P<name>\S+)', stack):
        if match.group("file").startswith(PACKAGE + "/"):
            return f"ecco_build/{match.group('file')[len(PACKAGE) + 1 :]}:{match.group('name')}"
    return ""


def run_cli(case: Path, places: Places, mode: str, out_arg: str | None) -> dict:
    """The real `ecco-build check|build` in a subprocess (under the audit guard, see cli_guard)."""
    saved = case / "accesses.json"
    command = [sys.executable, "-P", "-m", "tests.fuzz.cli_guard", str(case), str(saved)]
    command += [mode.removeprefix("cli-"), places.site]
    if out_arg is not None and mode == "cli-build":
        command += ["--out", os.path.join(places.site, out_arg)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            command, cwd=places.box, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return {"status": HANG}
    accesses = [Access(**a) for a in json.loads(saved.read_text())] if saved.is_file() else []
    findings = access_findings(accesses, places, building=mode == "cli-build")
    status, message, more = judge_cli(done.returncode, done.stderr, places, mode)
    return {"status": status, "message": message, "findings": [asdict(f) for f in findings + more]}


def judge_cli(code: int, stderr: str, places: Places, mode: str) -> tuple[str, str, list[Finding]]:
    """Exit 0, or exit 1 with `error: …` and no traceback; anything else is a failure."""
    if "Traceback (most recent call last)" in stderr:
        return TRACEBACK, "", [cli_traceback_finding(stderr)]
    if code == 0:
        out = Path(places.out)
        return CLEAN_SUCCESS, "", markup_findings(out) if mode == "cli-build" and out.is_dir() else []
    lines = stderr.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("error: ")), None)
    if code != 1 or start is None:
        return (
            TRACEBACK,
            "",
            [Finding(TRACEBACK, f"exit code {code} without an error message", stderr[-2000:])],
        )
    message = "\n".join(lines[start:]).removeprefix("error: ").rstrip("\n")
    return CLEAN_ERROR, message[:5000], error_findings(message, Path(places.site))


def run(
    base: Base,
    workdir: Path,
    seed: int,
    indexes: range,
    build_share: float,
    cli_share: float,
    focus: float = 0.75,
    operators: tuple[str, ...] = (),
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run mutants `indexes` of `seed` (or the named operators on each index) one at a time."""
    worker = Worker(workdir / "worker.log")
    outcomes = []
    try:
        for index in indexes:
            draft = mutators.named(base.draft, operators, seed, index) if operators else None
            draft = draft or mutators.mutant(base.draft, seed, index)
            mode = mode_of(seed, index, draft.ops, build_share, cli_share, focus)
            outcomes.append(run_case(base, draft, index, mode, workdir, worker))
            if progress:
                progress(outcomes[-1])
    finally:
        worker.close()
    return outcomes
