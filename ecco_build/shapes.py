"""Checking JSON read back from disk against a documented shape.

A `Record` is one JSON object under check, with its path for messages (`result.steps[3]`).
Its methods read a field, check its type and range, and on failure record a problem that
names the field by that path ("result.steps[3].p must be a finite number, not NaN"), then
return None so that the caller skips whatever depended on the field. Absent optional
fields are None too.

Work is bounded: the checks follow the documented shape only (never recursing into
whatever a file holds), and they stop at MAX_PROBLEMS, so a file of a million bad numbers
costs no more than one with a handful.
"""

from __future__ import annotations

from typing import Any

from ecco_build.errors import clip

MAX_PROBLEMS = 5
# The largest magnitudes a reader handles exactly: any JSON number must fit a float64 (the
# templates compute with floats), and an integer must be exact in JavaScript (2^53).
FLOAT_MAX = 1.7976931348623157e308
INT_MAX = 2**53


class Enough(Exception):
    """MAX_PROBLEMS were found: the check stops there."""


class Problems:
    """The problems found so far, each "path message"."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.found: list[str] = []
        self.limit = limit

    def add(self, where: str, message: str) -> None:
        self.found.append(f"{where} {message}")
        if len(self.found) >= self.limit:
            raise Enough


def json_type(value: Any) -> str:
    """The JSON name of a parsed value, for "must be X, not Y"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def number_problem(
    value: Any, low: float | None = None, high: float | None = None, integer: bool = False
) -> str | None:
    """Why `value` is not a finite number (an integer if asked) within [low, high], or None."""
    kind = type(value)  # exact types: a JSON boolean is not a number
    if kind is float:
        if value != value:
            return "must be a finite number, not NaN"
        if abs(value) > FLOAT_MAX:
            return f"must be a finite number, not {'-' if value < 0 else ''}Infinity"
        if integer:
            return f"must be an integer, not {clip(value)}"
    elif kind is int:
        if abs(value) > (INT_MAX if integer else FLOAT_MAX):
            return f"is too large for a number: {clip(value)}"
    else:
        return f"must be {'an integer' if integer else 'a number'}, not {json_type(value)}"
    if low is not None and value < low:
        return f"must be at least {low:g}, not {clip(value)}"
    if high is not None and value > high:
        return f"must be at most {high:g}, not {clip(value)}"
    return None


class Record:
    """One JSON object under check: `value` at path `where`, problems collected in `problems`."""

    def __init__(self, value: dict[str, Any], where: str, problems: Problems) -> None:
        self.value, self.where, self.problems = value, where, problems

    def path(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, where: str, message: str) -> None:
        self.problems.add(where, message)

    def take(self, name: str, optional: bool) -> Any:
        """The field's value; None (and a problem unless optional) when it is absent."""
        if name in self.value:
            return self.value[name]
        if not optional:
            self.fail(self.path(name), "is missing")
        return None

    def number(
        self,
        name: str,
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
        nullable: bool = False,
        optional: bool = False,
    ) -> float | None:
        value = self.take(name, optional)
        if value is None and (nullable or name not in self.value):
            return None
        problem = number_problem(value, low, high, integer)
        if problem:
            self.fail(self.path(name), problem)
            return None
        return value

    def integer(self, name: str, low: int | None = None, high: int | None = None) -> int | None:
        return self.number(name, low, high, integer=True)  # type: ignore[return-value]

    def string(self, name: str, choices: tuple[str, ...] = (), optional: bool = False) -> str | None:
        value = self.take(name, optional)
        if value is None and name not in self.value:
            return None
        if not isinstance(value, str):
            self.fail(self.path(name), f"must be a string, not {json_type(value)}")
            return None
        if choices and value not in choices:
            self.fail(self.path(name), f"must be one of {', '.join(choices)}, not {clip(value)!r}")
            return None
        return value

    def boolean(self, name: str, optional: bool = False) -> bool | None:
        value = self.take(name, optional)
        if value is None and name not in self.value:
            return None
        if not isinstance(value, bool):
            self.fail(self.path(name), f"must be true or false, not {json_type(value)}")
            return None
        return value

    def record(self, name: str, optional: bool = False, nullable: bool = False) -> Record | None:
        value = self.take(name, optional)
        if value is None and (nullable or name not in self.value):
            return None
        return as_record(value, self.path(name), self.problems)

    def array(self, name: str, length: int | None = None, because: str = "", optional: bool = False):
        """The field as a list; with `length`, it must have that many items (`because` says why)."""
        value = self.take(name, optional)
        if value is None and name not in self.value:
            return None
        return as_list(value, self.path(name), self.problems, length, because)

    def array_at(self, value: Any, where: str, length: int | None = None, because: str = ""):
        """`value` (found at `where`, e.g. a matrix row) as a list of `length` items."""
        return as_list(value, where, self.problems, length, because)

    def record_at(self, value: Any, where: str) -> Record | None:
        """`value` (found at `where`, e.g. a list item) as a Record."""
        return as_record(value, where, self.problems)

    def records(self, name: str, length: int | None = None, because: str = "") -> list[Record] | None:
        """The field as a list of objects."""
        items = self.array(name, length, because)
        if items is None:
            return None
        where = self.path(name)
        found = [as_record(item, f"{where}[{i}]", self.problems) for i, item in enumerate(items)]
        return None if None in found else found  # type: ignore[return-value]

    def numbers(
        self,
        name: str,
        length: int | None = None,
        because: str = "",
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
        optional: bool = False,
    ) -> list | None:
        """The field as a list of numbers, each finite (an integer if asked) within [low, high]."""
        items = self.array(name, length, because, optional)
        if items is None or not numbers_ok(items, self.path(name), self.problems, low, high, integer):
            return None
        return items

    def rows(
        self,
        name: str,
        lengths: list[int] | None,
        because: str = "",
        row_because: str = "",
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
        optional: bool = False,
    ) -> list | None:
        """A matrix of numbers: len(lengths) rows, row i of lengths[i] numbers (any lengths when
        `lengths` is None). `because` names what the row count agrees with; `row_because` is a
        format string of i and n naming what row i's length agrees with."""
        items = self.array(name, None if lengths is None else len(lengths), because, optional)
        if items is None:
            return None
        where = self.path(name)
        fine = True
        for i, row in enumerate(items):
            n = None if lengths is None else lengths[i]
            row = as_list(row, f"{where}[{i}]", self.problems, n, row_because.format(i=i, n=n))
            if row is None or not numbers_ok(row, f"{where}[{i}]", self.problems, low, high, integer):
                fine = False
        return items if fine else None


def as_record(value: Any, where: str, problems: Problems) -> Record | None:
    if not isinstance(value, dict):
        problems.add(where, f"must be an object, not {json_type(value)}")
        return None
    return Record(value, where, problems)


def as_list(value: Any, where: str, problems: Problems, length: int | None = None, because: str = ""):
    if not isinstance(value, list):
        problems.add(where, f"must be a list, not {json_type(value)}")
        return None
    if length is not None and len(value) != length:
        problems.add(where, f"has {len(value)} items but {because}")
        return None
    return value


def numbers_ok(
    items: list, where: str, problems: Problems, low: float | None, high: float | None, integer: bool
) -> bool:
    fine = True
    for i, value in enumerate(items):
        # Fast path for the common case (these lists hold most of a file's values).
        if type(value) is float and not integer and value == value and abs(value) <= FLOAT_MAX:
            if (low is None or value >= low) and (high is None or value <= high):
                continue
        problem = number_problem(value, low, high, integer)
        if problem:
            problems.add(f"{where}[{i}]", problem)
            fine = False
    return fine
