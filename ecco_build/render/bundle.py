"""Bundle the page's ES modules into one inline module with no imports, for `ecco-build export`.

Chromium blocks `<script type="module" src>` and `data:` imports on file://, but runs an inline
module whose hash the page's policy lists. So the module graph is flattened: each file becomes
an IIFE that receives its imports from the IIFEs before it and returns its exports, emitted in
dependency order (the order the browser would evaluate them in).

Only the syntax the theme uses is understood (a regex parse, not a JavaScript parser):

    import { a, b as c } from "./x.js";      import "./x.js";
    export function f / export async function f / export class C / export const x
    export { a, b as c };                    export {};

Anything else at the start of a statement (`import * as`, `export default`, `export … from`,
`export let`), `import(…)` and `import.meta` is an EccoBuildError at `static/js/…:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ecco_build.errors import EccoBuildError, display_path

IMPORT = re.compile(
    r"""^[ \t]*import\s*(?:\{(?P<names>[^}]*)\}\s*from\s*)?(?P<q>["'])(?P<spec>[^"'\n]+)(?P=q)[ \t]*;?""",
    re.M,
)
EXPORT_DECLARATION = re.compile(
    r"^[ \t]*export\s+(?=(?:async\s+)?function\b\s*\*?\s*(?P<f>[\w$]+)"
    r"|class\s+(?P<c>[\w$]+)|const\s+(?P<v>[\w$]+)\s*=)",
    re.M,
)
EXPORT_LIST = re.compile(r"^[ \t]*export\s*\{(?P<names>[^}]*)\}[ \t]*;?[ \t]*$", re.M)
STATEMENT = re.compile(r"^[ \t]*(?:import|export)\b", re.M)
DYNAMIC = re.compile(r"\bimport\s*(?:\(|\.\s*meta\b)")
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
NAME = re.compile(r"^[\w$]+(?:\s+as\s+[\w$]+)?$")


@dataclass
class Module:
    path: Path
    text: str
    imports: list[tuple[Path, list[tuple[str, str]], int]] = field(default_factory=list)  # file, names, line
    exports: list[tuple[str, str]] = field(default_factory=list)  # (exported name, local name)
    body: str = ""


def bundle(entries: list[Path], static: Path) -> str:
    """One module's text: every file reachable from `entries` (in page order), dependencies
    first, each once. `static` is the staged site's static/ folder; imports must stay in it."""
    modules: dict[Path, Module] = {}
    order: list[Path] = []
    for entry in entries:
        _visit(entry.resolve(), static.resolve(), modules, order, [])
    names = {path: f"__ecco_{i}" for i, path in enumerate(order)}
    parts = [_emit(modules[path], names) for path in order]
    return "\n".join(parts) + "\n"


def _visit(
    path: Path, static: Path, modules: dict[Path, Module], order: list[Path], stack: list[Path]
) -> None:
    """Depth-first: `path`'s dependencies, then `path`, appended to `order`."""
    if path in modules:
        return
    module = parse(path, static)
    modules[path] = module
    stack.append(path)
    for dependency, _, line in module.imports:
        if dependency in stack:
            raise EccoBuildError(
                f"{_where(path, static, line)}: import cycle through "
                f"{display_path(dependency, static.parent)}; "
                "a one-file export cannot bundle modules that import each other"
            )
        _visit(dependency, static, modules, order, stack)
    stack.pop()
    order.append(path)


def parse(path: Path, static: Path) -> Module:
    """The module at `path`: its imports (resolved), exports and body with both stripped.
    Statements are found with comments blanked out (JSDoc may mention `import(…)` types)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EccoBuildError(
            f"{display_path(path, static.parent)}: cannot be read for the export ({exc})"
        ) from None
    module = Module(path, text)
    code = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    _check_syntax(module, code, static)
    cut: list[tuple[int, int]] = []
    for match in IMPORT.finditer(code):
        line = _line(text, match.start())
        target = _resolve(path, match.group("spec"), static, line)
        module.imports.append((target, _names(match.group("names") or "", path, static, line), line))
        cut.append(match.span())
    for match in EXPORT_LIST.finditer(code):
        module.exports += _names(match.group("names"), path, static, _line(text, match.start()))
        cut.append(match.span())
    for match in EXPORT_DECLARATION.finditer(code):
        name = match.group("f") or match.group("c") or match.group("v")
        module.exports.append((name, name))
        cut.append(match.span())
    pieces, last = [], 0
    for start, end in sorted(cut):
        pieces.append(text[last:start])
        last = end
    module.body = "".join(pieces) + text[last:]
    return module


def _check_syntax(module: Module, code: str, static: Path) -> None:
    """Every import/export statement is one of the supported forms; no dynamic import."""
    for match in STATEMENT.finditer(code):
        start = match.start()
        if not any(p.match(code, start) for p in (IMPORT, EXPORT_LIST, EXPORT_DECLARATION)):
            end = code.find("\n", start)
            statement = code[start : end if end >= 0 else None].strip()
            raise EccoBuildError(
                f"{_where(module.path, static, _line(code, start))}: unsupported module syntax "
                f"({statement[:60]!r}); a one-file export bundles only "
                '`import { a } from "./x.js"`, `import "./x.js"`, `export function/class/const` and '
                "`export { a }`"
            )
    dynamic = DYNAMIC.search(code)
    if dynamic:
        raise EccoBuildError(
            f"{_where(module.path, static, _line(code, dynamic.start()))}: import() and import.meta "
            "cannot be bundled into a one-file export; import the module statically"
        )


def _names(listed: str, path: Path, static: Path, line: int) -> list[tuple[str, str]]:
    """`a, b as c` → [("a", "a"), ("b", "c")]: (name in the exporting module, local name);
    for an export list, (local, exported) is read the same way and swapped by the caller."""
    found = []
    for item in (part.strip() for part in listed.split(",")):
        if not item:
            continue
        if not NAME.match(item):
            raise EccoBuildError(f"{_where(path, static, line)}: cannot bundle the name list entry {item!r}")
        words = item.split()
        found.append((words[0], words[-1]))
    return found


def _resolve(path: Path, spec: str, static: Path, line: int) -> Path:
    """The file an import names: relative to the importing file, inside static/."""
    if not spec.startswith(("./", "../")):
        raise EccoBuildError(
            f'{_where(path, static, line)}: import "{spec}": only relative imports of the site\'s own '
            'scripts ("./x.js") can be bundled into a one-file export'
        )
    target = (path.parent / spec).resolve()
    if not target.is_relative_to(static) or not target.is_file():
        raise EccoBuildError(f'{_where(path, static, line)}: import "{spec}": no such file in static/')
    return target


def _emit(module: Module, names: dict[Path, str]) -> str:
    """`const __ecco_N = (() => { const { a } = __ecco_M; …body…; return { x }; })();`"""
    head = []
    for target, imported, _ in module.imports:
        if imported:
            pairs = ", ".join(a if a == b else f"{a}: {b}" for a, b in imported)
            head.append(f"const {{ {pairs} }} = {names[target]};")
    exports = ", ".join(
        local if local == exported else f"{exported}: {local}" for local, exported in module.exports
    )
    return "\n".join(
        [
            f"const {names[module.path]} = (() => {{",
            *head,
            module.body.rstrip(),
            f"return {{ {exports} }};" if exports else "return {};",
            "})();",
        ]
    )


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _where(path: Path, static: Path, line: int) -> str:
    return f"{display_path(path, static.parent)}:{line}"
