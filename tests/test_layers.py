"""The layout holds: modules import only downwards, the torch-free parts stay torch-free, and
no module or function outgrows what a reader takes in at once (DESIGN.md §2, issue 14).

Read from the source with `ast` (module-level imports only: a function that imports torch
when it runs is how the render path stays torch-free), so nothing here imports the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "ecco_build"

# Layers from the bottom up. A module may import from a lower layer, and from its own column
# of its own layer; siblings on one layer (document/, kinds/, the model facts) never import
# each other. The rows are prefixes of dotted module names below ecco_build.
LAYERS: tuple[dict[str, tuple[str, ...]], ...] = (
    {
        "base": (
            "__init__",
            "errors",
            "atomic",
            "fields",
            "urls",
            "safe_yaml",
            "shapes",
            "contain",
            "toml_lines",
            "config_check",
            "active",
        )
    },
    {"config": ("config",)},
    {
        "document": ("document",),
        "kinds": ("kinds",),
        "families": ("models.families", "models.hub"),
    },
    {"models": ("models",)},
    {"planning": ("envelope", "plan", "store", "validate", "directive_models", "shard")},
    {"analyses": ("analyses",), "run": ("run",)},
    {"render": ("render",), "pagecache": ("pagecache",), "output": ("output",)},
    {"entry": ("build", "serve", "scaffold", "export", "cli", "__main__")},
)

# Only these may import the compute stack when they are imported.
HEAVY = {"torch", "transformers", "sklearn", "accelerate", "safetensors"}
HEAVY_ALLOWED = ("analyses", "models.adapters")

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
LONG_BY_DESIGN = {"build.build"}  # the top-down story of a build, read in one place


def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE).with_suffix("").parts): p for p in sorted(PACKAGE.rglob("*.py"))}


def place(name: str) -> tuple[int, str]:
    """(layer, column) of a module: the longest matching prefix wins."""
    best = None
    for rank, columns in enumerate(LAYERS):
        for column, prefixes in columns.items():
            for prefix in prefixes:
                if name == prefix or name.startswith(prefix + "."):
                    if best is None or len(prefix) > best[0]:
                        best = (len(prefix), rank, column)
    assert best is not None, f"ecco_build.{name} is in no layer of tests/test_layers.py; add it"
    return best[1], best[2]


def imports(path: Path) -> set[str]:
    """The modules a file imports at module level, as dotted names (ecco_build. stripped)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # `from ecco_build.document import links` imports the submodule
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def internal(name: str, known: dict[str, Path]) -> str | None:
    if name == "ecco_build":
        return "__init__"
    if not name.startswith("ecco_build."):
        return None
    short = name.removeprefix("ecco_build.")
    return short if short in known else None


def test_every_module_imports_only_downwards():
    known = modules()
    wrong = []
    for name, path in known.items():
        rank, column = place(name)
        for target in filter(None, (internal(i, known) for i in imports(path))):
            if target.endswith("__init__") or target == name:
                continue
            to_rank, to_column = place(target)
            if to_rank > rank or (to_rank == rank and to_column != column):
                wrong.append(f"{name} ({column}) imports {target} ({to_column})")
    assert not wrong, "\n".join(wrong)


def test_the_layers_name_real_modules():
    known = modules()
    for columns in LAYERS:
        for prefixes in columns.values():
            for prefix in prefixes:
                assert any(n == prefix or n.startswith(prefix + ".") for n in known), prefix


def test_validating_and_rendering_never_import_the_compute_stack():
    wrong = []
    for name, path in modules().items():
        if name.startswith(HEAVY_ALLOWED):
            continue
        heavy = {i for i in imports(path) if i.split(".")[0] in HEAVY}
        if heavy:
            wrong.append(f"{name} imports {', '.join(sorted(heavy))} at module level")
    assert not wrong, "\n".join(wrong)


def test_modules_and_functions_stay_readable():
    wrong = []
    for name, path in modules().items():
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            wrong.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and f"{name}.{node.name}" not in LONG_BY_DESIGN:
                    wrong.append(f"{name}.{node.name}: {length} lines (at most {MAX_FUNCTION_LINES})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "old", ["registry", "options", "results", "packing", "articles", "collect", "cards", "utils"]
)
def test_no_module_outside_its_room(old):
    """The kind's pieces live in kinds/ and analyses/, the Markdown side in document/; the old
    top-level homes (and any `utils`) stay gone."""
    assert not (PACKAGE / f"{old}.py").exists()
    assert not any(p.stem == "utils" for p in PACKAGE.rglob("*.py"))


def test_a_layer_violation_is_caught():
    """The check itself can fail: kinds/ importing document/ (siblings) and plan importing
    render (upwards) are both refused."""
    kinds_rank, kinds_column = place("kinds.saliency")
    doc_rank, doc_column = place("document.links")
    assert kinds_rank == doc_rank and kinds_column != doc_column
    assert place("render.pages")[0] > place("plan")[0]
    assert place("models.families") != place("models.loader")
