"""Typed directive options: declaration, coercion from `:key: value` text, validation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ecco_build import fields, safe_yaml
from ecco_build.errors import clip, shown
from ecco_build.fields import Check, Field, FieldError

# A directive's options as validated, stored and hashed: option name → value, in the order of
# its kind's options tuple (the typed form is the kind's Options record).
FlatOptions = dict[str, Any]


# The error of a value that does not fit its option (the message is shown after `path:line:`):
# the shared FieldError, under the name the kinds know it by.
OptionError = FieldError


@dataclass(frozen=True)
class Option:
    """One directive option.

    `result` says whether the option changes the computed JSON (and so the job key);
    presentation options (caption layout, labels, views) do not.
    """

    name: str
    # str, int, float, bool, "list[str]", "choice", "choices" (a list of them), "layers",
    # "components" or "aliases" (2 to 4 model aliases)
    type: type | str
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
        if self.type == "aliases":
            return "[alias, alias, ...] (2 to 4)"
        return self.type if isinstance(self.type, str) else self.type.__name__

    @property
    def field(self) -> Field:
        """The option as a shared Field: its validator is made from its type, choices and bounds."""
        return Field(self.name, self.doc, self.default, _validator(self))

    def from_text(self, text: str) -> Any:
        """Coerce the raw text of a `:key: value` line."""
        if self.type in ("layers",) and _is_range(text) and "-" in text:
            value = text
        elif self.type is str or self.type == "choice":
            value = self._yaml(text) if text[:1] in "\"'" else text
        elif self.type in ("choices", "aliases") and text[:1] != "[":
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
        return self.field.check(value)


def _validator(option: Option) -> Check:
    """The shared validator of an option's type (str, int, float, bool, or a named type)."""
    low, high = option.minimum, option.maximum
    made = {
        str: lambda: _text,
        int: lambda: fields.integer(low, high),
        float: lambda: fields.number(low, high),
        bool: fields.boolean,
        "choice": lambda: fields.choice(option.choices),
        "choices": lambda: _choices(option.choices),
        "list[str]": fields.strings,
        "layers": lambda: _layers,
        "components": lambda: _components,
        "aliases": lambda: _aliases,
    }
    return made[option.type]()


def _text(value: Any, name: str) -> str:
    """Text; a number is taken as the text it is written as (:target: 42)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return fields.text()(value, name)


def _layers(value: Any, name: str) -> Any:
    ok = value == "all" or _is_layer(value)
    ok = ok or (isinstance(value, list) and value and all(_is_layer(v) for v in value))
    ok = ok or (isinstance(value, str) and _is_range(value))
    if not ok:
        raise OptionError(f'{name} must be "all", a layer number, a range like 0-5 or a list like [0, 2]')
    return value


def _components(value: Any, name: str) -> Any:
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64):
        return value
    raise OptionError(f'{name} must be a number of factors from 1 to 64, or "auto", not {shown(value)}')


def _aliases(value: Any, name: str) -> list[str]:
    """2 to 4 model aliases, none twice (:models:), or none (the default: one model, :model:'s);
    one string is not a comparison."""
    if value == []:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise OptionError(
            f"{name} must be a list of 2 to 4 model aliases, like [demo, llama], not {shown(value)}"
        )
    if not 2 <= len(value) <= 4:
        raise OptionError(
            f"{name} lists {len(value)} model(s); a comparison takes 2 to 4, like [demo, llama]"
        )
    items = [item.strip() for item in value]
    twice = sorted({item for item in items if items.count(item) > 1})
    if twice:
        raise OptionError(f"{name} lists {clip(', '.join(twice))} twice; list each model once")
    return items


def _choices(choices: tuple[str, ...]) -> Check:
    """One or more of `choices`, as a list without repeats."""
    one = fields.choice(choices, "{quoted} is not a valid {name}; choose from: {choices}")

    def check(value: Any, name: str) -> list[str]:
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not value:
            raise OptionError(f"{name} must be one name or a list, like [{', '.join(choices[:2])}]")
        return list(dict.fromkeys(one(item, name) for item in value))

    return check


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
