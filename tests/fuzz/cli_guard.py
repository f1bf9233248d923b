"""Run the real `ecco-build` command under the audit hook:
`python -m tests.fuzz.cli_guard FENCE ACCESSES.json check|build SITE`.

Writes outside FENCE are blocked (see audit.py); every access is saved to ACCESSES.json
when the command exits, for the harness to judge.
"""

from __future__ import annotations

import atexit
import json
import sys
from dataclasses import asdict
from pathlib import Path

from tests.fuzz import audit


def main() -> None:
    fence, saved, *arguments = sys.argv[1:]
    recorder = audit.recorder()
    accesses = recorder.start(Path(fence))

    def save() -> None:
        recorder.stop()
        Path(saved).write_text(json.dumps([asdict(a) for a in accesses]))

    atexit.register(save)
    from ecco_build.cli import main as cli

    cli(arguments, prog_name="ecco-build")


if __name__ == "__main__":
    main()
