"""The data store: one JSON file per job in the site's data folder.

Writes are atomic (temp file in the same folder, then rename). A file that is truncated,
corrupt or belongs to another key is never served: it is reported and recomputed.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from ecco_build.plan import Job

log = logging.getLogger(__name__)
SIGNIFICANT_DIGITS = 4


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
    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, job: Job) -> Path:
        return self.folder / job.filename

    def load(self, job: Job) -> dict[str, Any] | None:
        """The stored result, or None when absent or unusable (a warning says why)."""
        path = self.path(job)
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            log.warning("%s is corrupt (%s); recomputing it", path, exc)
            return None
        if not isinstance(data, dict) or data.get("key") != job.key or "result" not in data:
            log.warning("%s does not hold the result for its key; recomputing it", path)
            return None
        return data

    def save(self, job: Job, data: dict[str, Any]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(job)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(dumps(data))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; data files are meant to be shared
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path
