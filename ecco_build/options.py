"""Typed directive options: declaration, coercion from `:key: value` text, validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


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
            value = _yaml(text) if text[:1] in "\"'" else text
        elif self.type == "choices" and text[:1] != "[":
            value = [part.strip() for part in text.split(",")]
        else:
            value = _yaml(text)
        return self.check(value)

    def check(self, value: Any) -> Any:
        """Validate an already-typed value (from YAML or from_text)."""
        kind = self.type
        if kind == "choice":
            if value not in self.choices:
                raise OptionError(
                    f'"{value}" is not a valid {self.name}; choose one of: {", ".join(self.choices)}'
                )
            return value
        if kind == "layers":
            ok = value == "all" or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
            ok = ok or (
                isinstance(value, list) and value and all(isinstance(v, int) and v >= 0 for v in value)
            )
            ok = ok or (isinstance(value, str) and _is_range(value))
            if not ok:
                raise OptionError(
                    f'{self.name} must be "all", a layer number, a range like 0-5 or a list like [0, 2]'
                )
            return value
        if kind == "components":
            if value == "auto" or (
                isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64
            ):
                return value
            raise OptionError(
                f'{self.name} must be a number of factors from 1 to 64, or "auto", not {value!r}'
            )
        if kind == "choices":
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not value:
                raise OptionError(
                    f"{self.name} must be one name or a list, like [{', '.join(self.choices[:2])}]"
                )
            for item in value:
                if item not in self.choices:
                    raise OptionError(
                        f'"{item}" is not a valid {self.name}; choose from: {", ".join(self.choices)}'
                    )
            return list(dict.fromkeys(value))
        if kind == "list[str]":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise OptionError(f'{self.name} must be a list of strings, like [" is", " are"]')
            return value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise OptionError(f"{self.name} must be {_article(self.type_name)}, not {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise OptionError(f"{self.name} must be at least {self.minimum:g}, not {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise OptionError(f"{self.name} must be at most {self.maximum:g}, not {value!r}")
        return value


def _is_range(text: str) -> bool:
    low, dash, high = text.partition("-")
    return low.strip().isdigit() and (not dash or (high.strip().isdigit() and int(low) <= int(high)))


def _article(type_name: str) -> str:
    return {"int": "an integer", "float": "a number", "bool": "true or false", "str": "text"}.get(
        type_name, type_name
    )


# libyaml's safe loader when PyYAML was built with it: the same documents, about 5× faster
# (front matter of a 200-article site took 0.3 s with the pure-Python loader).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """yaml.safe_load, with libyaml where available. A document libyaml rejects is read again
    by the pure-Python loader, whose error messages and line marks are the clearer ones."""
    try:
        return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def _yaml(text: str) -> Any:
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise OptionError(f"cannot read value {text!r}: {problem}") from None


def parse_layers(spec: str | int | list, n_layers: int) -> list[int]:
    """'all', '0-5', 3 or [0, 2, 4] → sorted unique 0-based layer indices; ValueError if out of range."""
    if spec == "all":
        return list(range(n_layers))
    if isinstance(spec, int):
        chosen = [spec]
    elif isinstance(spec, list):
        chosen = spec
    else:
        low, _, high = str(spec).partition("-")
        chosen = list(range(int(low), int(high) + 1)) if high else [int(low)]
    bad = [i for i in chosen if not 0 <= int(i) < n_layers]
    if bad:
        raise ValueError(f":layers: {bad} are not layers of this model; it has layers 0 to {n_layers - 1}")
    return sorted({int(i) for i in chosen})
