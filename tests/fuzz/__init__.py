"""The project's own fuzz harness (issue 13 §8): malformed sites in, outcome classes out.

    sitedraft.py   a site held in memory (files, symlinks, folders), the valid seed site, and
                   the small editing helpers the operators share
    ops_*.py       mutation operators, one small function each, grouped by what they break
    mutators.py    the explicit list of operators and the seeded generator of mutants
    audit.py       an audit hook that records every file opened, written, moved or removed
    detectors.py   the outcome classes: what counts as a clean error, a read outside, damage …
    markup.py      the live-markup rules (what in a written page a browser would run)
    worker.py      the process that runs `check`/`build` on one mutant under the audit hook
    cli_guard.py   the real `ecco-build` command under the same hook
    harness.py     generate → write → run (with a timeout) → classify
    triage.py      counts per class, failures grouped by cause, shrunk reproducers

`tests/test_fuzz.py` runs a fast subset in the suite; `scripts/fuzz.py` runs the full one.
Mutant `i` of seed `s` is the same on every machine and in every run, whatever the count.
"""
