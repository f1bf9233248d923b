"""site.toml as text: read (UTF-8), parsed (TOML), and the line of every key.

tomllib gives values without positions, so `key_lines` scans the text once more; each problem
can then be reported at its line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ecco_build.errors import ConfigError, clip


def read_text(path: Path) -> str:
    """The file's text; a ConfigError at its line if it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is tolerated, as editors write one
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise ConfigError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
            "save site.toml as UTF-8"
        ) from None


def parse(text: str, path: Path) -> dict[str, Any]:
    """The TOML table; a ConfigError at the line tomllib names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        if found:
            where = f"{path}:{found.group(1)}"
            message = f"{message[: found.start()]} (column {found.group(2)})"
        else:  # "(at end of document)"
            where = f"{path}:{text.count(chr(10)) + 1}"
            message = message.removesuffix(" (at end of document)") + " (at the end of the file)"
        raise ConfigError(f"{where}: not valid TOML: {clip(message)}") from None
    except RecursionError:
        raise ConfigError(f"{path}:1: not valid TOML: arrays or tables nested too deeply") from None


# Where each key sits in the file. tomllib gives values without positions, so the text is
# scanned once more: headers and `key =` lines are recorded at the start of each logical
# line; strings (multi-line ones too), arrays and comments are skipped so that nothing inside
# a value is taken for a key. The text has already parsed, so the scan can be lenient.
_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER = re.compile(rf"[ \t]*\[\[?[ \t]*({_DOTTED})[ \t]*\]\]?")
_ASSIGN = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=")
_SEGMENT = re.compile(_KEY)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """(table, …, key) → the line that declares it: a key's own line, a table's header line
    (or, for a table only implied by a dotted key or a deeper header, the first such line)."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    pos, line = 0, 1
    while pos < len(text):
        header = _HEADER.match(text, pos)
        assign = None if header else _ASSIGN.match(text, pos)
        if header:
            table = _key_path(header.group(1))
            found[table] = line  # an explicit header wins over an earlier implied one
            for end in range(1, len(table)):
                found.setdefault(table[:end], line)
            pos = header.end()
        elif assign:
            keys = (*table, *_key_path(assign.group(1)))
            for end in range(len(table) + 1, len(keys) + 1):
                found.setdefault(keys[:end], line)
            pos = assign.end()
        pos, line = _skip_value(text, pos, line)
    return found


def _key_path(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _SEGMENT.finditer(dotted):
        segment = match.group()
        parts.append(tomllib.loads(f"k = {segment}")["k"] if segment[0] in "\"'" else segment)
    return tuple(parts)


def _skip_value(text: str, pos: int, line: int) -> tuple[int, int]:
    """Skip to the start of the next logical line: past strings, arrays, inline tables, comments."""
    depth = 0
    while pos < len(text):
        char = text[pos]
        if char == "\n":
            line += 1
            pos += 1
            if depth == 0:
                break
        elif char == "#":
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        elif char in "[{":
            depth += 1
            pos += 1
        elif char in "]}":
            depth = max(0, depth - 1)
            pos += 1
        elif char in "\"'":
            pos, line = _skip_string(text, pos, line)
        else:
            pos += 1
    return pos, line


def _skip_string(text: str, pos: int, line: int) -> tuple[int, int]:
    quote = text[pos]
    delimiter = quote * 3 if text.startswith(quote * 3, pos) else quote
    pos += len(delimiter)
    while pos < len(text):
        if text.startswith(delimiter, pos):
            pos += len(delimiter)
            if len(delimiter) == 3:  # up to two more quotes belong to the string: """a""""
                for _ in range(2):
                    if text.startswith(quote, pos):
                        pos += 1
            return pos, line
        char = text[pos]
        if char == "\n":
            line += 1
        if char == "\\" and quote == '"':
            if text.startswith("\n", pos + 1):
                line += 1
            pos += 2
        else:
            pos += 1
    return pos, line
