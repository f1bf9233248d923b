"""The user-facing exception tree, in one place.

    EccoBuildError            any failure the user can fix; the CLI prints it and exits 1
    ├── ConfigError           site.toml is missing, unreadable or invalid
    ├── ArticleErrors         one or more problems in articles, each `path:line: message`
    ├── OutputError           the output folder may not be written (it holds sources, or files
    │                         ecco-build did not write, or it is not writable)
    ├── ModelLoadError        a model named by a directive cannot be loaded
    └── MissingResultError    a result is not in the data store and the model is unavailable

Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class EccoBuildError(Exception):
    """A failure the user can fix; its message says what to do."""


class ConfigError(EccoBuildError):
    pass


class OutputError(EccoBuildError):
    pass


class ModelLoadError(EccoBuildError):
    pass


class MissingResultError(EccoBuildError):
    pass


@dataclass(frozen=True)
class Problem:
    """One user error with its location."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ArticleErrors(EccoBuildError):
    """Every problem found in the articles, reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} error{'s' if count != 1 else ''}; nothing was built.")
        super().__init__("\n".join(lines))


# Echoed input (a formula, a value, a prompt) is cut to this many characters in messages, so
# that a hostile or huge input cannot make an error message huge.
ECHO_LIMIT = 200


def clip(value: object, limit: int = ECHO_LIMIT) -> str:
    """`repr`-like text of user input for a message, cut to about `limit` characters, with
    control characters written as escapes (a tab or an ANSI escape sequence in a file name must
    not reach the terminal as itself)."""
    text = value if isinstance(value, str) else _short_repr(value, limit)
    if len(text) > limit:
        text = text[:limit] + f"… ({len(text)} characters)"
    return text.translate(_CONTROL_ESCAPES)


def shown(value: object) -> str:
    """A user's value in a message: text quoted as repr quotes it (control characters escaped),
    anything else as `clip` shows it; cut to ECHO_LIMIT either way."""
    return clip(repr(value)) if isinstance(value, str) else clip(value)


_CONTROL_ESCAPES = {
    code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029)
}


def _short_repr(value: object, limit: int) -> str:
    # repr of a deeply nested or aliased structure (a YAML alias bomb) can be enormous: containers
    # are summarised instead of printed whole.
    if isinstance(value, (list, tuple, set, dict)):
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text


DID_YOU_MEAN_LISTED = 20  # names listed when none is close (a bibliography may hold thousands)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a near miss, else a list of the valid names."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    shown = [clip(choice, 40) for choice in choices[:DID_YOU_MEAN_LISTED]]
    more = len(choices) - len(shown)
    return "valid: " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
