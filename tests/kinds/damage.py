"""Damaging a committed result and checking that the damage is named by its field."""

import copy
import json
from collections.abc import Callable
from pathlib import Path

from ecco_build.envelope import check_result

ROOT = Path(__file__).parents[2]
COMMITTED = sorted((ROOT / "data").glob("*.json"))


def committed(kind: str, where: Callable[[dict], bool] = lambda data: True) -> dict:
    """The first committed data file of a kind (rankings-* also matches rankings-watch-*) for
    which `where` holds."""
    for path in COMMITTED:
        data = json.loads(path.read_text())
        if data["kind"] == kind and where(data):
            return data
    raise AssertionError(f"the example site has no {kind} result")


def assert_named(
    kind: str, mutate: Callable[[dict], list[str] | str], where: Callable[[dict], bool] = lambda data: True
) -> None:
    """`mutate` damages a result (the first committed one for which `where` holds) and returns
    the problems expected: a list of all of them, or a string for the first one (when the damage
    has knock-on effects)."""
    data = copy.deepcopy(committed(kind, where))
    expected = mutate(data["result"])
    problems = check_result(kind, data, data["key"])
    if isinstance(expected, str):
        assert problems[0] == expected
    else:
        assert problems == expected
