"""Directive fences: `:::{kind}` or ```` ```{kind} ```` blocks whose body is options, then a caption.

Options come as `:name: value` lines (a `|` or `>` value starts a YAML block scalar) or as a
YAML block between --- lines. `split_body` reads them, with their lines, as raw text or YAML
values; checking them against a kind's schema is `kinds.options.validate_options`'s job.
"""

from __future__ import annotations

import re
from typing import Any

from ecco_build import safe_yaml
from ecco_build.errors import Problem, clip
from ecco_build.errors import shown as shown_value

# Prose blocks written like directives: `:::{note}` … `:::`. An optional title follows the
# kind (`:::{warning} Slow on CPU`). They hold Markdown, compute nothing.
CALLOUTS = {"note": "Note", "warning": "Warning", "aside": ""}
DIRECTIVE_INFO = re.compile(r"^\{([A-Za-z][\w-]*)\}\s*(.*)$")
OPTION_LINE = re.compile(r"^:([A-Za-z][\w-]*):(?:[ \t]+(.*?))?\s*$")
# What an author meant as an option line, well formed or not: `:name:`, `:_note:`, `:prompt :`,
# `:max new tokens:`. In the option area such a line that is not an OPTION_LINE is an error.
OPTION_SHAPED = re.compile(r"^:[ \t]*[\w-]+(?:[ \t]+[\w-]+)*[ \t]*:")
# `|` or `>`, then YAML's chomping (+ keep, - strip) and indentation (1-9) indicators in either order.
BLOCK_INDICATOR = re.compile(r"^[|>](?:[1-9][+-]?|[+-][1-9]?)?$")

# name → (value, line, value_is_raw_text)
RawOptions = dict[str, tuple[Any, int, bool]]


def split_body(body: str, fence_line: int, path: str, problems: list[Problem]) -> tuple[RawOptions, str]:
    """Options as {name: (value, line, value_is_raw_text)} and the caption Markdown.

    Options come first: a YAML block between --- lines, or `:name: value` lines, blank lines
    between them allowed. A value `|` or `>` (with YAML's chomping and indentation indicators)
    starts a YAML block scalar, which runs as YAML says: up to the first non-blank line indented
    less than its content, blank lines inside it included. The caption is what follows. A line
    there that starts like an option (`:_note: x`, `:prompt : x`, `:prompt:x`) but is not one
    is an error at its line, never silently the start of the caption.
    """
    lines = body.split("\n")
    first = fence_line + 1  # line number of lines[0]
    if lines and lines[0].strip() == "---":
        return _option_block(lines, first, path, problems)
    raw: RawOptions = {}
    i = 0
    while (found := _next_option(lines, i)) is not None:
        i = _read_option(lines, found, first, raw, path, problems)
    return raw, "\n".join(lines[i:]).strip()


def _read_option(
    lines: list[str], i: int, first: int, raw: RawOptions, path: str, problems: list[Problem]
) -> int:
    """Read the option line lines[i] (and its block scalar, if it starts one) into `raw`;
    returns the index after it."""
    line = first + i
    match = OPTION_LINE.match(lines[i])
    if not match:
        written = shown_value(lines[i].strip())
        problems.append(Problem(path, line, f"{written} is not an option line; write :name: value"))
        return i + 1
    name, value = _normalise(match.group(1)), match.group(2) or ""
    end = i + 1
    if BLOCK_INDICATOR.match(value):
        end = _block_end(lines, i + 1, value)
        entry = _block_scalar(lines[i + 1 : end], value, name, line, path, problems)
        if end < len(lines) and lines[end].startswith("\t"):
            problems.append(
                Problem(
                    path,
                    first + end,
                    f"this line starts with a tab, which ends the :{clip(name, 80)}: block above it; "
                    "indent the block with spaces (YAML does not indent with tabs)",
                )
            )
    else:
        entry = (value, line, True)
    if name in raw:
        where = f"lines {raw[name][1]} and {line}"
        twice = f"option :{clip(name, 80)}: is given twice ({where})"
        problems.append(Problem(path, line, f"{twice}; keep one"))
    raw[name] = entry
    return end


def _option_block(lines: list[str], first: int, path: str, problems: list[Problem]) -> tuple[RawOptions, str]:
    """Options written as a YAML block between --- lines (lines[0] is the opening ---)."""
    raw: RawOptions = {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(path, first, "option block opened with --- is never closed with ---"))
        return raw, ""
    try:
        loaded = safe_yaml.load("\n".join(lines[1:end]), first_line=first + 1)
    except safe_yaml.YamlError as exc:
        problems.append(Problem(path, exc.line, f"the option block {exc.message}"))
        return raw, ""
    data = {} if loaded.data is None else loaded.data
    if not isinstance(data, dict):
        problems.append(Problem(path, first + 1, "option block must be key: value lines"))
        return raw, ""
    for key, value in data.items():
        name, line = _normalise(str(key)), loaded.lines.get((str(key),), first + 1)
        if name in raw:  # max-new-tokens and max_new_tokens
            twice = f"option {clip(name, 80)} is given twice (lines {raw[name][1]} and {line})"
            problems.append(Problem(path, line, f"{twice}; keep one"))
        raw[name] = (value, line, False)
    stray = _next_option(lines, end + 1)
    if stray is not None:
        problems.append(
            Problem(
                path,
                first + stray,
                f"{shown_value(lines[stray].strip())} follows the option block; "
                "write it inside the block, as name: value",
            )
        )
    return raw, "\n".join(lines[end + 1 :]).strip()


def _next_option(lines: list[str], i: int) -> int | None:
    """The index of the next option line from i on, past blank lines; None where the caption
    starts. A line that merely looks like an option counts, so that it is reported."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i if i < len(lines) and OPTION_SHAPED.match(lines[i]) else None


def _block_end(lines: list[str], start: int, indicator: str) -> int:
    """The index after a block scalar that starts at lines[start]: YAML's rule, the first
    non-blank line indented less than the content (the indentation indicator's, or the first
    non-blank line's) or not at all. Blank lines before it belong to the block; its chomping
    indicator decides what they keep."""
    digits = [c for c in indicator if c.isdigit()]
    indent = int(digits[0]) if digits else None
    for k in range(start, len(lines)):
        if not lines[k].strip():
            continue
        spaces = len(lines[k]) - len(lines[k].lstrip(" "))
        if indent is None:
            indent = spaces
        if spaces == 0 or spaces < indent:
            return k
    return len(lines)


def _block_scalar(
    block: list[str], indicator: str, name: str, line: int, path: str, problems: list[Problem]
) -> tuple[Any, int, bool]:
    """The value of `:name: |` (at `line`) over the block's lines, read by YAML itself. A bare |
    or > drops the final newline (README: write |+ to keep it)."""
    if "+" not in indicator and "-" not in indicator:
        indicator += "-"
    try:
        loaded = safe_yaml.load(f"v: {indicator}\n" + "".join(f"{b}\n" for b in block), first_line=line)
    except safe_yaml.YamlError as exc:
        problems.append(Problem(path, exc.line, f"the :{clip(name, 80)}: block {exc.message}"))
        return "", line, False
    return loaded.data["v"] or "", line, False


def _normalise(name: str) -> str:
    return name.replace("-", "_")
