"""Typed directive options: declaration, coercion from `:key: value` text, validation."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecco_build import safe_yaml
from ecco_build.errors import clip, shown

# A directive's options as validated, stored and hashed: option name → value, in the order of
# its kind's options tuple (the typed form is the kind's Options record).
FlatOptions = dict[str, Any]


class OptionError(ValueError):
    """A value that does not fit its option; the message is shown after `path:line:`."""


@dataclass(frozen=True)
class Option:
    """One directive option.

    `result` says whether the option changes the computed JSON (and so the job key);
    presentation options (caption layout, labels, views) do not.
    """

    name: str
    type: type | str  # str, int, float, bool, "list[str]", "choice" or "choices" (a list of them)
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    result: bool = True

    @property
    def type_name(self) -> str:
        if self.type == "choice":
            return " | ".join(self.choices)
        if self.type == "choices":
            return "list of " + " | ".join(self.choices)
        if self.type == "layers":
            return "all | N | A-B | [list]"
        if self.type == "components":
            return "int | auto"
        return self.type if isinstance(self.type, str) else self.type.__name__

    def from_text(self, text: str) -> Any:
        """Coerce the raw text of a `:key: value` line."""
        if self.type in ("layers",) and _is_range(text) and "-" in text:
            value = text
        elif self.type is str or self.type == "choice":
            value = self._yaml(text) if text[:1] in "\"'" else text
        elif self.type == "choices" and text[:1] != "[":
            value = [part.strip() for part in text.split(",")]
        else:
            value = self._yaml(text)
        return self.check(value)

    def _yaml(self, text: str) -> Any:
        try:
            return safe_yaml.load(text, first_line=1).data
        except safe_yaml.YamlError as exc:
            raise OptionError(f"{self.name} {exc.message}") from None

    def check(self, value: Any) -> Any:
        """Validate an already-typed value (from YAML or from_text)."""
        check = _CHECKS.get(self.type) if isinstance(self.type, str) else None
        return (check or _scalar)(self, value)


def _choice(option: Option, value: Any) -> Any:
    if not isinstance(value, str) or value not in option.choices:
        raise OptionError(
            f"{named(value)} is not a valid {option.name}; choose one of: {', '.join(option.choices)}"
        )
    return value


def _layers(option: Option, value: Any) -> Any:
    ok = value == "all" or _is_layer(value)
    ok = ok or (isinstance(value, list) and value and all(_is_layer(v) for v in value))
    ok = ok or (isinstance(value, str) and _is_range(value))
    if not ok:
        raise OptionError(
            f'{option.name} must be "all", a layer number, a range like 0-5 or a list like [0, 2]'
        )
    return value


def _components(option: Option, value: Any) -> Any:
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64):
        return value
    raise OptionError(
        f'{option.name} must be a number of factors from 1 to 64, or "auto", not {shown(value)}'
    )


def _choices(option: Option, value: Any) -> Any:
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not value:
        raise OptionError(f"{option.name} must be one name or a list, like [{', '.join(option.choices[:2])}]")
    for item in value:
        if not isinstance(item, str) or item not in option.choices:
            raise OptionError(
                f"{named(item)} is not a valid {option.name}; choose from: {', '.join(option.choices)}"
            )
    return list(dict.fromkeys(value))


def _strings(option: Option, value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise OptionError(f'{option.name} must be a list of one or more strings, like [" is", " are"]')
    return value


def _scalar(option: Option, value: Any) -> Any:
    """str, int, float and bool options, with their bounds."""
    kind = option.type
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):  # type: ignore[arg-type]
        raise OptionError(f"{option.name} must be {_article(option.type_name)}, not {shown(value)}")
    if kind is float and not math.isfinite(value):
        # NaN passes every comparison below, and an infinite temperature or top_p breaks sampling.
        raise OptionError(f"{option.name} must be a finite number, not {shown(value)}")
    if option.minimum is not None and value < option.minimum:
        raise OptionError(f"{option.name} must be at least {_number(option.minimum)}, not {shown(value)}")
    if option.maximum is not None and value > option.maximum:
        raise OptionError(f"{option.name} must be at most {_number(option.maximum)}, not {shown(value)}")
    return value


_CHECKS: dict[str, Callable[[Option, Any], Any]] = {
    "choice": _choice,
    "choices": _choices,
    "layers": _layers,
    "components": _components,
    "list[str]": _strings,
}


def named(value: Any) -> str:
    """A name the user wrote, in double quotes ("huge"); anything else as `shown` shows it."""
    return '"' + clip(repr(value)[1:-1]) + '"' if isinstance(value, str) else shown(value)


def _number(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def _is_layer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# A layer range as written, "2-5": digits only (no signs, no Unicode digits int() would refuse),
# and short enough for int(); the numbers are compared, never expanded into a list.
_RANGE = re.compile(r"\s*([0-9]{1,100})\s*(?:-\s*([0-9]{1,100})\s*)?", re.ASCII)


def _range_ends(text: str) -> tuple[int, int] | None:
    match = _RANGE.fullmatch(text)
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    return (low, high) if low <= high else None


def _is_range(text: str) -> bool:
    return _range_ends(text) is not None


def _article(type_name: str) -> str:
    return {"int": "an integer", "float": "a number", "bool": "true or false", "str": "text"}.get(
        type_name, type_name
    )


def parse_layers(spec: str | int | list, n_layers: int) -> list[int]:
    """'all', '0-5', 3 or [0, 2, 4] → sorted unique 0-based layer indices; ValueError if out of range.
    A range is checked by its ends, so "0-99999999999" costs nothing before it is refused."""
    if spec == "all":
        return list(range(n_layers))
    if isinstance(spec, list):
        bad = sorted({int(i) for i in spec if not 0 <= int(i) < n_layers})
        if bad:
            raise ValueError(
                f":layers: {clip(repr(bad))} are not layers of this model; "
                f"it has {n_layers} layers, 0 to {n_layers - 1}"
            )
        return sorted({int(i) for i in spec})
    ends = (spec, spec) if isinstance(spec, int) else _range_ends(str(spec))
    if ends is None:
        raise ValueError(f':layers: {shown(spec)} is not "all", a layer, a range like 0-5 or a list')
    low, high = ends
    if not 0 <= low <= high < n_layers:
        raise ValueError(
            f":layers: {clip(str(spec))} is not within this model's layers; "
            f"it has {n_layers} layers, 0 to {n_layers - 1}"
        )
    return list(range(low, high + 1))
