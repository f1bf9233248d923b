"""The data store: one JSON file per job in the site's data folder.

Writes are atomic (temp file in the same folder, then rename). A file that is truncated,
corrupt, belongs to another key or does not match its kind's documented result shape
(`envelope.check_result`) is never served: it is reported and recomputed.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from ecco_build import contain
from ecco_build.atomic import write_atomically
from ecco_build.envelope import check_result
from ecco_build.errors import EccoBuildError, clip, display_path
from ecco_build.plan import Job

log = logging.getLogger(__name__)
SIGNIFICANT_DIGITS = 4
SHOWN_PROBLEMS = 3  # of a malformed file's problems, named in its warning


def round_numbers(value: Any) -> Any:
    """Floats to 4 significant digits; NaN and ±inf become null (JSON has neither)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {k: round_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [round_numbers(v) for v in value]
    return value


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


class DataStore:
    """The data folder. `root` is the folder messages name files relative to (the site's)."""

    def __init__(self, folder: Path, root: Path | None = None):
        self.folder = folder
        self.root = root if root is not None else folder.parent
        self.rejected: dict[str, str] = {}  # job key → why its file was not used

    def path(self, job: Job) -> Path:
        return self.folder / job.filename

    def load(self, job: Job) -> dict[str, Any] | None:
        """The stored result, or None when absent or unusable (a warning says why, and
        `rejected` keeps the reason for an error if the result cannot be recomputed)."""
        path = self.path(job)
        if not path.is_file():
            return None
        shown = display_path(path, self.root)
        try:  # a page inlines what it reads here: it must come from inside the site
            contain.resolve(path, self.root.resolve())
        except contain.Refused as exc:
            return self.reject(job, f"{shown} cannot be used: {exc}")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            return self.reject(job, f"{shown} cannot be read ({clip(exc.strerror or str(exc))})")
        except ValueError as exc:  # not UTF-8
            return self.reject(job, f"{shown} is corrupt ({clip(str(exc))})")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            # ValueError: bad JSON or an integer past Python's digit limit; RecursionError:
            # nesting deeper than the parser's stack.
            return self.reject(job, f"{shown} is corrupt ({clip(str(exc) or type(exc).__name__)})")
        if not isinstance(data, dict) or data.get("key") != job.key or "result" not in data:
            return self.reject(job, f"{shown} does not hold the result for its key")
        problems = check_result(job.kind, data, job.key)
        if problems:
            listed = "; ".join(problems[:SHOWN_PROBLEMS])
            more = " (and more)" if len(problems) > SHOWN_PROBLEMS else ""  # the check stops early
            return self.reject(job, f"{shown} does not match the {job.kind} result shape: {listed}{more}")
        return data

    def reject(self, job: Job, reason: str) -> None:
        log.warning("%s; recomputing it", reason)
        self.rejected[job.key] = reason
        return None

    def save(self, job: Job, data: dict[str, Any]) -> Path:
        path = self.path(job)
        try:
            write_atomically(path, dumps(data))
        except OSError as exc:
            shown = display_path(path, self.root)
            raise EccoBuildError(
                f"cannot write {shown}: {clip(exc.strerror or str(exc))}; the data folder must be a "
                "writable folder (computed results are stored there, to be committed)"
            ) from None
        return path
