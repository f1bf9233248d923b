"""Building typed config dataclasses from a parsed TOML table, every problem at its line.

`Checker.build` walks a dataclass's fields (their defaults give the expected types), refuses
unknown keys with "did you mean", and collects every problem rather than stopping at the first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from ecco_build.errors import Problem, clip, did_you_mean

# C0 controls other than tab, newline and carriage return, and DEL: never meant in a setting
# (TOML lets them in through escapes such as "\u000b"); NUL would break every path operation.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Checker:
    """Builds the dataclasses from the parsed table, collecting every problem at its line."""

    def __init__(
        self, path: Path, lines: dict[tuple[str, ...], int], tables: Mapping[str, type] | None = None
    ):
        self.path = path
        self.lines = lines
        # key → the dataclass of each entry of a table of tables (e.g. [models.<alias>])
        self.tables = dict(tables or {})
        self.problems: list[Problem] = []

    def line(self, keys: tuple[str, ...]) -> int:
        """The line of a key (or, for a table, of its header); of its nearest parent if unseen."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1

    def label(self, where: tuple[str, ...]) -> str:
        """How a table is named in a message: [models.demo], or the file for the top level."""
        return f"[{clip('.'.join(where))}]" if where else self.path.name

    def add(self, keys: tuple[str, ...], message: str) -> None:
        self.problems.append(Problem(str(self.path), self.line(keys), message))

    def build(self, cls: type, table: dict[str, Any], where: tuple[str, ...]) -> Any:
        known = {f.name: f for f in fields(cls) if not f.metadata.get("internal")}
        values: dict[str, Any] = {}
        for name, value in table.items():
            keys = (*where, name)
            if name not in known:
                hint = did_you_mean(name, known)
                self.add(keys, f'unknown key "{clip(name)}" in {self.label(where)}; {hint}')
                continue
            default = _default(known[name])
            if dataclasses.is_dataclass(default):
                if self.is_table(value, keys):
                    values[name] = self.build(type(default), value, keys)
            elif name in self.tables:
                if self.is_table(value, keys):
                    values[name] = {
                        entry: self.build(self.tables[name], spec, (*keys, entry))
                        for entry, spec in value.items()
                        if self.is_table(spec, (*keys, entry))
                    }
            elif self.is_value(value, type(default), keys):
                values[name] = value
        return cls(**values)

    def is_table(self, value: Any, keys: tuple[str, ...]) -> bool:
        if isinstance(value, dict):
            return True
        name = ".".join(keys)
        self.add(keys, f'"{clip(name)}" must be a table ([{clip(name)}]), not {_shown(value)}')
        return False

    def is_value(self, value: Any, expected: type, keys: tuple[str, ...]) -> bool:
        where = f'"{keys[-1]}" in {self.label(keys[:-1])}'
        if not isinstance(value, expected):
            wanted = "true or false" if expected is bool else "a string (in quotes)"
            self.add(keys, f"{where} must be {wanted}, not {_shown(value)}")
            return False
        control = _CONTROL.search(value) if isinstance(value, str) else None
        if control:
            self.add(
                keys,
                f"{where} contains the control character U+{ord(control.group()):04X}; remove it",
            )
            return False
        return True

    def choice(self, value: str, choices: tuple[str, ...], keys: tuple[str, ...], name: str) -> None:
        if value not in choices:
            self.add(keys, f'{name} must be one of {", ".join(choices)}, not "{clip(value)}"')


def _default(f: dataclasses.Field) -> Any:
    return f.default if f.default is not MISSING else f.default_factory()


def _shown(value: Any) -> str:
    return clip(repr(value)) if isinstance(value, str) else clip(value)
