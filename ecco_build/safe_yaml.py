"""YAML as authors write it in front matter and directive options: plain data, located errors.

Front matter and option blocks are a few keys with scalars and short lists. They need none of
YAML's graph features, and several of those features hurt:

- an alias (`*name`) shares a node, so nine levels of `&a [*b, *b, …]` in a few hundred bytes
  stand for billions of items (the "billion laughs"); anchors and aliases are refused;
- a tag whose constructor fails (`!!int x`, `!!float nope`, the impossible date `2026-13-45`)
  raises ValueError or TypeError from inside PyYAML; here it is a located error;
- a key given twice is silently resolved to the last one; here it is an error naming both lines;
- a double-quoted escape can make a lone surrogate (`"\\ud800"`), which is not a character and
  fails later when the page is encoded; it is refused where it is read.

Lines are counted from each mark's character index, by "\\n" alone: YAML also breaks lines at
U+0085, U+2028 and U+2029, Markdown does not, and the lines reported must be the file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ecco_build.errors import clip

_SURROGATE = re.compile("[\ud800-\udfff]")
# What a failing YAML constructor raises: int("x"), float("nope"), date(2026, 13, 45), the bool
# table lookup of `!!bool maybe`, the unmatched timestamp pattern of `!!timestamp nope`.
_CONSTRUCTOR_FAILURES = (ValueError, TypeError, KeyError, OverflowError, IndexError, AttributeError)


class YamlError(Exception):
    """Why a YAML text cannot be read, and where. `message` is a predicate that follows the
    subject the caller names ("front matter", "the option block", "seed"): "is not valid YAML: …"."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line  # in the file: the text's first line is `first_line`


@dataclass(frozen=True)
class Loaded:
    data: Any
    # The file line of each mapping key and sequence item, by path: ("authors", 0, "url") → 7.
    lines: dict[tuple[str | int, ...], int]


class _Refused(yaml.MarkedYAMLError):
    """A document that parses but is refused here; carries a full message and its mark."""

    def __init__(self, message: str, mark: yaml.Mark, first: yaml.Mark | None = None):
        super().__init__(problem=message, problem_mark=mark, context_mark=first)


class _Checks:
    """Constructor checks shared by the libyaml loader and the pure-Python one."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            value = super().construct_object(node, deep)  # type: ignore[misc]
        except _CONSTRUCTOR_FAILURES as exc:
            raise _Refused(_unreadable(node, exc), node.start_mark) from None
        if isinstance(value, str):
            surrogate = _SURROGATE.search(value)
            if surrogate:
                raise _Refused(
                    f"has the lone surrogate \\u{ord(surrogate.group()):04x}, half of a UTF-16 pair "
                    "and not a character; write the character itself",
                    node.start_mark,
                )
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> Any:
        seen: dict[tuple[str, str], yaml.Mark] = {}
        for key_node, _ in node.value if isinstance(node, MappingNode) else ():  # !!set [a] is not one
            if not isinstance(key_node, ScalarNode):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                message = f"gives the key {_quoted(key_node.value)} twice"
                raise _Refused(message, key_node.start_mark, seen[key])
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)  # type: ignore[misc]


class _FastLoader(_Checks, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when PyYAML was built with it: the same documents, about 5× faster
    (front matter of a 200-article site took 0.3 s with the pure-Python loader)."""


class _ClearLoader(_Checks, yaml.SafeLoader):
    """The pure-Python loader, whose error messages and marks are the clearer ones; it refuses
    anchors and aliases while composing."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        _refuse_anchor(self.peek_event())
        return super().compose_node(parent, index)


def load(text: str, first_line: int) -> Loaded:
    """Read one YAML document whose first line is line `first_line` of its file."""
    try:
        return _load(text, first_line, _FastLoader)
    except _Refused as exc:
        raise _located(exc, text, first_line) from None
    except RecursionError:
        raise YamlError("is nested too deeply; write it flat", first_line) from None
    except yaml.YAMLError as fast:
        if "nesting depth" in str(fast):
            raise _located(fast, text, first_line) from None  # the pure-Python reader would recurse
        try:
            # Read again for the clearer message; libyaml's verdict stands where the pure-Python
            # reader cannot decide (it recurses once per nesting level).
            return _load(text, first_line, _ClearLoader)
        except yaml.YAMLError as clear:
            raise _located(clear, text, first_line) from None
        except RecursionError:
            raise _located(fast, text, first_line) from None


def _load(text: str, first_line: int, loader_class: type) -> Loaded:
    if loader_class is _FastLoader and ("*" in text or "&" in text):
        # libyaml composes in C, out of reach of compose_node: look at its events first. An
        # alias is refused at its own line, before any node is shared.
        for event in yaml.parse(text, Loader=loader_class):
            _refuse_anchor(event)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return Loaded(data, _lines(node, text, first_line))


def _refuse_anchor(event: yaml.Event) -> None:
    anchor = getattr(event, "anchor", None)
    if anchor is None:
        return
    sign, what = ("*", "an alias") if isinstance(event, yaml.AliasEvent) else ("&", "an anchor")
    raise _Refused(
        f"uses {what} ({clip(sign + anchor, 40)}); YAML anchors and aliases are not supported here: "
        "write each value out",
        event.start_mark,
    )


def _unreadable(node: Node, exc: Exception) -> str:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    value = node.value if isinstance(node, ScalarNode) else f"a {type(node).__name__[:-4].lower()}"
    # int(), float() and date() explain themselves; a failed table lookup or pattern match does not.
    reason = f" ({clip(str(exc), 80)})" if isinstance(exc, (ValueError, OverflowError)) else ""
    if tag == "!!timestamp":
        return f"has {clip(value)}, which is not a date{reason}; write dates as YYYY-MM-DD"
    return f"has {clip(value)}, which YAML cannot read as {clip(tag, 40)}{reason}"


def _quoted(key: str) -> str:
    return '"' + clip(key, 80) + '"'


def _line(mark: yaml.Mark, text: str, first_line: int) -> int:
    return first_line + text.count("\n", 0, mark.index)


def _located(exc: yaml.YAMLError, text: str, first_line: int) -> YamlError:
    if isinstance(exc, yaml.reader.ReaderError):
        line = first_line + text.count("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return YamlError(f"holds the character U+{code:04X}, which YAML does not allow; remove it", line)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = _line(mark, text, first_line) if mark else first_line
    if isinstance(exc, _Refused):
        message = exc.problem
        if exc.context_mark is not None:  # a key given twice: name both lines
            first = _line(exc.context_mark, text, first_line)
            where = f"lines {first} and {line}" if first != line else f"both on line {line}"
            message += f" ({where}); YAML would keep only the last: remove one"
        return YamlError(message, line)
    problem = getattr(exc, "problem", None) or next(iter(str(exc).splitlines()), "unreadable")
    return YamlError(f"is not valid YAML: {clip(problem)}", line)


def _lines(root: Node | None, text: str, first_line: int) -> dict[tuple[str | int, ...], int]:
    """Walked without recursion: nesting is as deep as the author made it."""
    found: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[tuple[str | int, ...], Node]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else ""
                found.setdefault((*path, key), _line(key_node.start_mark, text, first_line))
                stack.append(((*path, key), value_node))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                found[(*path, index)] = _line(item.start_mark, text, first_line)
                stack.append(((*path, index), item))
    return found
