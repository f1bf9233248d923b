"""Sharded computing: `ecco-build build --shard I/N` computes the share of a site's results
whose job key falls to shard I of N, and writes them to the data folder only.

The share is chosen by key, not by order: job I/N takes the jobs with int(key, 16) % N == I-1,
so every machine of a CI matrix picks its jobs without talking to the others, the N shares
partition the jobs exactly (each job in one share), and adding an article moves no other
job between shards. Each result is a file named by its key (data/<kind>-<key[:20]>.json), so
the shards' data folders merge by copying them together; the final `ecco-build build` (no
--shard) then finds every result present and renders from them, loading no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from ecco_build.errors import EccoBuildError, clip
from ecco_build.plan import Job

_SHARD = re.compile(r"\s*(\d{1,9})\s*/\s*(\d{1,9})\s*")


class Shard(NamedTuple):
    index: int  # 1 ≤ index ≤ count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def takes(self, key: str) -> bool:
        """Whether the job of `key` (sha256 hex) is this shard's."""
        return int(key, 16) % self.count == self.index - 1

    def select(self, jobs: Iterable[Job]) -> list[Job]:
        return [job for job in jobs if self.takes(job.key)]


def parse_shard(text: str) -> Shard:
    """`I/N` with 1 ≤ I ≤ N, e.g. "2/4"; an EccoBuildError saying what to write otherwise."""
    found = _SHARD.fullmatch(text)
    index, count = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not found or count < 1 or not 1 <= index <= count:
        raise EccoBuildError(
            f'--shard "{clip(text)}": give I/N, this machine\'s share I of N shares with '
            "1 ≤ I ≤ N, e.g. --shard 1/4 … --shard 4/4"
        )
    return Shard(index, count)
