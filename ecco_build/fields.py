"""Settings as typed fields: the one way a key of site.toml, of front matter or of a directive's
options is declared, checked and reported.

A `Field` is a name, a doc, a default and a validator. A validator is a function
`(value, name) → the value kept` that raises `FieldError(message)` when the value does not fit;
`name` is how the setting is called in the message. The shared validators below are made by
small factories (`boolean()`, `text()`, `integer(1, 64)`, `choice(("a", "b"))`, `strings()`),
each with a message template: `{name}`, `{value}` (the value as `shown`), `{quoted}` (in double
quotes), `{text}` (as text) and `{choices}` are filled in.

A `Collector` turns refusals into `path:line: message` problems, every one of them: it knows the
line of each key (a tuple such as ("models", "demo", "dtype")), or of its nearest parent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ecco_build.errors import Problem, clip, shown

Key = tuple[str | int, ...]
Check = Callable[[Any, str], Any]  # (value, name in messages) → the value kept; FieldError if not


class FieldError(ValueError):
    """A value that does not fit its field; the message is shown after `path:line:`. `where` is
    the key inside the value it concerns (a list index, a nested key); () for the value itself.
    A value with several problems (a list of records) raises one FieldError listing them all in
    `each`."""

    def __init__(self, message: str, *where: str | int, each: tuple[FieldError, ...] = ()):
        super().__init__(message)
        self.message = message
        self.where: Key = where
        self.each = each or (self,)


@dataclass(frozen=True)
class Field:
    """One setting: its name, what it means, its default, and its validator."""

    name: str
    doc: str
    default: Any
    validate: Check

    def check(self, value: Any) -> Any:
        """The value to keep; FieldError if it does not fit."""
        return self.validate(value, self.name)


class Collector:
    """Every problem of one file, each at the line of its key (or of the key's nearest parent
    that has one, or `default_line`). `problems` may be a list shared with other checks."""

    def __init__(
        self,
        path: object,
        lines: Mapping[Key, int],
        default_line: int = 1,
        problems: list[Problem] | None = None,
    ):
        self.path = path
        self.lines = lines
        self.default_line = default_line
        self.problems: list[Problem] = [] if problems is None else problems

    def line(self, *key: str | int) -> int:
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return self.default_line

    def fail(self, message: str, *key: str | int) -> None:
        self.problems.append(Problem(str(self.path), self.line(*key), message))

    def take(self, check: Callable[[Any], Any], value: Any, *key: str | int, fallback: Any = None) -> Any:
        """`check(value)`, or `fallback` once its refusals are collected at `key`."""
        try:
            return check(value)
        except FieldError as exc:
            for error in exc.each:
                self.fail(error.message, *key, *error.where)
            return fallback


def refuse(template: str, value: Any, name: str, **more: str) -> FieldError:
    """The FieldError of a message template (see the module docstring)."""
    text = clip(value if isinstance(value, str) else str(value))
    return FieldError(template.format(name=name, value=shown(value), quoted=named(value), text=text, **more))


def named(value: Any) -> str:
    """A name the user wrote, in double quotes ("huge"); anything else as `shown` shows it."""
    return '"' + clip(repr(value)[1:-1]) + '"' if isinstance(value, str) else shown(value)


def boolean(message: str = "{name} must be true or false, not {value}") -> Check:
    def check(value: Any, name: str) -> bool:
        if not isinstance(value, bool):
            raise refuse(message, value, name)
        return value

    return check


# C0 controls other than tab, newline and carriage return, and DEL: never meant in a setting
# (TOML lets them in through escapes such as "\u000b"); NUL would break every path operation.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(
    message: str = "{name} must be text, not {value}", strip: bool = False, controls: bool = False
) -> Check:
    """Text, stripped or kept as written; with `controls`, control characters are refused."""

    def check(value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise refuse(message, value, name)
        control = CONTROL.search(value) if controls else None
        if control:
            code = f"U+{ord(control.group()):04X}"
            raise FieldError(f"{name} contains the control character {code}; remove it")
        return value.strip() if strip else value

    return check


def integer(minimum: float | None = None, maximum: float | None = None) -> Check:
    """A whole number (not true or false) within the bounds."""

    def check(value: Any, name: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise refuse("{name} must be an integer, not {value}", value, name)
        return _within(value, name, minimum, maximum)

    return check


def number(minimum: float | None = None, maximum: float | None = None) -> Check:
    """A finite number within the bounds (an integer is taken as a float)."""

    def check(value: Any, name: str) -> float:
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, float):
            raise refuse("{name} must be a number, not {value}", value, name)
        if not math.isfinite(value):  # NaN passes every comparison, and infinity breaks sampling
            raise refuse("{name} must be a finite number, not {value}", value, name)
        return _within(value, name, minimum, maximum)

    return check


def _within(value: Any, name: str, minimum: float | None, maximum: float | None) -> Any:
    if minimum is not None and value < minimum:
        raise refuse("{name} must be at least {bound}, not {value}", value, name, bound=_number(minimum))
    if maximum is not None and value > maximum:
        raise refuse("{name} must be at most {bound}, not {value}", value, name, bound=_number(maximum))
    return value


def _number(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


CHOOSE = "{quoted} is not a valid {name}; choose one of: {choices}"


def choice(choices: tuple[str, ...], message: str = CHOOSE) -> Check:
    """One of `choices` (text)."""

    def check(value: Any, name: str) -> str:
        if not isinstance(value, str) or value not in choices:
            raise refuse(message, value, name, choices=", ".join(choices))
        return value

    return check


def strings(
    message: str = '{name} must be a list of one or more strings, like [" is", " are"]',
    least: int = 1,
    blank: bool = True,
) -> Check:
    """A list of at least `least` strings (blank ones too, if `blank`); one string is a list of one."""

    def check(value: Any, name: str) -> list[str]:
        items = [value] if isinstance(value, str) else value
        if (
            not isinstance(items, list)
            or len(items) < least
            or not all(isinstance(item, str) and (blank or item.strip()) for item in items)
        ):
            raise refuse(message, value, name)
        return items

    return check
