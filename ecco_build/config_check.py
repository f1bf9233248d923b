"""Building typed config dataclasses from a parsed TOML table, every problem at its line.

`Checker.build` walks a dataclass's fields (their defaults give the expected types, their
`check` metadata any further rule, as `config.key` declares them), refuses unknown keys with
"did you mean", and collects every problem rather than stopping at the first: a Checker is the
shared `fields.Collector` of site.toml, whose lines come from `toml_lines.key_lines`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from ecco_build import fields as shared
from ecco_build.errors import clip, did_you_mean, shown
from ecco_build.fields import Collector

# The validators of a key's type, as its default gives it.
_BOOL = shared.boolean()
_STRING = shared.text("{name} must be a string (in quotes), not {value}", controls=True)
# How a declared choice is refused in site.toml.
CHOOSE = '{name} must be one of {choices}, not "{text}"'


class Checker(Collector):
    """Builds the dataclasses from the parsed table, collecting every problem at its line."""

    def __init__(
        self, path: Path, lines: dict[tuple[str, ...], int], tables: Mapping[str, type] | None = None
    ):
        super().__init__(path, lines)
        # key → the dataclass of each entry of a table of tables (e.g. [models.<alias>])
        self.tables = dict(tables or {})

    def label(self, where: tuple[str, ...]) -> str:
        """How a table is named in a message: [models.demo], or the file for the top level."""
        return f"[{clip('.'.join(where))}]" if where else self.path.name

    def build(self, cls: type, table: dict[str, Any], where: tuple[str, ...]) -> Any:
        known = {f.name: f for f in fields(cls) if not f.metadata.get("internal")}
        values: dict[str, Any] = {}
        for name, value in table.items():
            keys = (*where, name)
            if name not in known:
                hint = did_you_mean(name, known)
                self.fail(f'unknown key "{clip(name)}" in {self.label(where)}; {hint}', *keys)
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
            else:
                checked = self.value(value, known[name], keys)
                if checked is not MISSING:
                    values[name] = checked
        return cls(**values)

    def is_table(self, value: Any, keys: tuple[str, ...]) -> bool:
        if isinstance(value, dict):
            return True
        name = ".".join(keys)
        self.fail(f'"{clip(name)}" must be a table ([{clip(name)}]), not {shown(value)}', *keys)
        return False

    def value(self, value: Any, field: dataclasses.Field, keys: tuple[str, ...]) -> Any:
        """The value of a key: of its default's type ("device" in site.toml must be …), then
        passing its declared check (device must be …); MISSING once its problem is collected."""
        typed = _BOOL if isinstance(_default(field), bool) else _STRING
        where = f'"{keys[-1]}" in {self.label(keys[:-1])}'
        if not field.metadata.get("tables"):  # a key that also takes a table checks its type itself
            value = self.take(lambda v: typed(v, where), value, *keys, fallback=MISSING)
        check = field.metadata.get("check")
        if value is MISSING or check is None:
            return value
        name = f"[{'.'.join(clip(k) for k in keys[:-1])}] {keys[-1]}" if len(keys) > 1 else keys[-1]
        return self.take(lambda v: check(v, name), value, *keys, fallback=MISSING)


def _default(f: dataclasses.Field) -> Any:
    return f.default if f.default is not MISSING else f.default_factory()


# Placement of a model's layers ([models.<alias>] device_map, max_memory; models/placement.py).
STRATEGIES = ("auto", "balanced", "balanced_low_0", "sequential")
MAP_EXAMPLE = '{"model.layers.0" = 0, "lm_head" = "cpu"}'
_GPU = re.compile(r"(?:cuda:)?\d+")
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)\s*", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def device_map(value: Any, name: str) -> Any:
    """A strategy name, or a table of module name → device (a GPU index, "cpu" or "disk")."""
    if isinstance(value, str) and value in STRATEGIES:
        return value
    if not isinstance(value, dict) or not value:
        raise shared.FieldError(
            f"{name} must be one of {', '.join(STRATEGIES)} or a table of module name → device "
            f"such as {MAP_EXAMPLE}, not {shown(value)}"
        )
    bad = [
        shared.FieldError(
            f'{name}: the device of "{clip(module)}" must be a GPU index (0, 1, …), "cpu" or "disk", '
            f"not {shown(device)}",
            module,
        )
        for module, device in value.items()
        if not _is_device(device)
    ]
    if bad:
        raise shared.FieldError(bad[0].message, *bad[0].where, each=tuple(bad))
    return dict(value)


def _is_device(device: Any) -> bool:
    if isinstance(device, bool):
        return False
    if isinstance(device, int):
        return device >= 0
    return isinstance(device, str) and (device in ("cpu", "disk") or bool(_GPU.fullmatch(device)))


def max_memory(value: Any, name: str) -> dict[str, int]:
    """A table of device ("cpu", or a GPU index as a string, "0") → size ("2GiB", "500MB"), in bytes."""
    if not isinstance(value, dict) or not value:
        raise shared.FieldError(
            f'{name} must be a table of device → size such as {{"0" = "20GiB", "cpu" = "64GiB"}}, '
            f"not {shown(value)}"
        )
    sizes, bad = {}, []
    for device, size in value.items():
        if device != "cpu" and not device.isdigit():
            bad.append(
                shared.FieldError(
                    f'{name}: "{clip(device)}" is not a device; use "cpu" or a GPU index such as "0"', device
                )
            )
            continue
        found = _SIZE.fullmatch(size) if isinstance(size, str) else None
        if found is None:
            bad.append(
                shared.FieldError(
                    f'{name}: the size for "{clip(device)}" must be text such as "2GiB" or "500MB", '
                    f"not {shown(size)}",
                    device,
                )
            )
            continue
        sizes[device] = int(float(found.group(1)) * _UNITS[found.group(2).upper()])
    if bad:
        raise shared.FieldError(bad[0].message, *bad[0].where, each=tuple(bad))
    return sizes
