"""Fuzz ecco-build with malformed sites and report every outcome that is not a clean success or a
clean error (issue 13 §8). The harness lives in tests/fuzz/.

    python scripts/fuzz.py --count 2000 --seed 1          the full run
    python scripts/fuzz.py --seed 1 --case 137            one mutant again
    python scripts/fuzz.py --seed 1 --case 137 --keep alias_bomb   only some of its operators
    python scripts/fuzz.py --ops huge_bib --count 20      one operator's variants

Prints the count per outcome class and each distinct failure cause with its smallest
reproducer; writes the failing cases (each a site folder with case.json) to --out. Exits 1
if anything failed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz import harness, mutators, triage  # noqa: E402
from tests.fuzz.harness import Outcome  # noqa: E402

SCRATCH = Path(tempfile.gettempdir()) / "ecco-fuzz"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000, help="number of mutants (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--start", type=int, default=0, help="first mutant index (default 0)")
    parser.add_argument("--case", type=int, help="run this one mutant")
    parser.add_argument("--keep", default="", help="with --case: apply only these operators (a,b)")
    parser.add_argument("--mode", choices=("check", "build", "cli-check", "cli-build"), help="with --case")
    parser.add_argument("--ops", default="", help="apply exactly these operators (a,b) to every mutant")
    parser.add_argument(
        "--build-share", type=float, default=0.15, help="share of the other mutants built (0.15)"
    )
    parser.add_argument(
        "--focus", type=float, default=0.75, help="share built of mutants whose effect shows in output (0.75)"
    )
    parser.add_argument("--cli-share", type=float, default=0.02, help="share run through the CLI (0.02)")
    parser.add_argument("--out", type=Path, default=SCRATCH / "failures", help="where failing cases go")
    parser.add_argument("--workdir", type=Path, default=SCRATCH / "work", help="scratch folder")
    parser.add_argument("--model", type=Path, help="tiny model folder (default: built in --workdir)")
    parser.add_argument("--no-shrink", action="store_true", help="do not shrink reproducers")
    parser.add_argument("--list", action="store_true", help="list the operators and exit")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    if args.list:
        for operator in mutators.OPERATORS:
            print(f"{operator.__name__:<24} {(operator.__doc__ or '').splitlines()[0]}")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    base = harness.prepare(args.workdir, args.model)
    if args.case is not None:
        return one_case(args, base)
    started = time.perf_counter()
    outcomes = harness.run(
        base,
        args.workdir,
        args.seed,
        range(args.start, args.start + args.count),
        args.build_share,
        args.cli_share,
        focus=args.focus,
        operators=tuple(filter(None, args.ops.split(","))),
        progress=Progress(args.count, started),
    )
    found = triage.causes(outcomes)
    if not args.no_shrink:
        found = [triage.shrink(cause, base, args.workdir, args.seed) for cause in found]
    report = triage.summary(outcomes, found, args.seed)
    print(report)
    print(f"{time.perf_counter() - started:.0f} s; failing cases in {args.out}")
    triage.write_failures(found, base, args.out, args.seed, report)
    return 1 if found else 0


def one_case(args: argparse.Namespace, base: harness.Base) -> int:
    """Run mutant --case (with --keep) in every mode it would run in, and print what happened."""
    keep = tuple(filter(None, args.keep.split(","))) or None
    draft = mutators.mutant(base.draft, args.seed, args.case, keep=keep)
    full = mutators.mutant(base.draft, args.seed, args.case)
    mode = args.mode or harness.mode_of(
        args.seed, args.case, full.ops, args.build_share, args.cli_share, args.focus
    )
    kept = args.out / f"case-{args.case}"
    shutil.rmtree(kept, ignore_errors=True)
    draft.write(kept / "box")
    worker = harness.Worker(args.workdir / "worker.log")
    try:
        outcome = harness.run_case(base, draft, args.case, mode, args.workdir, worker)
    finally:
        worker.close()
    print(f"case {args.case}: {'+'.join(outcome.ops)}, {mode}: {', '.join(outcome.classes)}")
    print(outcome.message[:2000])
    for finding in outcome.findings:
        print(f"- [{finding.cls}] {finding.key}\n  {finding.detail[:1500]}")
    print(f"the mutant is in {kept / 'box'}")
    return 1 if outcome.findings else 0


class Progress:
    """A line every 100 mutants: how many so far in each class."""

    def __init__(self, total: int, started: float):
        self.total, self.started, self.done, self.seen = total, started, 0, Counter()

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        self.seen.update(outcome.classes)
        if self.done % 100 == 0:
            parts = ", ".join(f"{cls} {count}" for cls, count in self.seen.most_common())
            elapsed = time.perf_counter() - self.started
            print(f"[{self.done}/{self.total}, {elapsed:.0f} s] {parts}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
