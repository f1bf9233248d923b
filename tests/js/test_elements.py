"""The figure elements' module graph, read statically: one element per file under
static/js/components/, named as its tag and defined once (guarded), built only on static/js/lib/;
every import resolves to a file that exports the names imported; static/js/ecco.js imports every
component. The browser tests (tests/browser/) run them."""

import re
from pathlib import Path

import pytest

from ecco_build.kinds.registry import KINDS
from ecco_build.render.compare import COMPARE_ELEMENT

JS = Path(__file__).parents[2] / "static" / "js"
COMPONENTS = sorted((JS / "components").glob("*.js"))
MODULES = sorted(JS.rglob("*.js"))
IMPORT = re.compile(r'^import\s+(?:\{([^}]*)\}\s+from\s+)?"([^"]+)";', re.MULTILINE)
EXPORT = re.compile(r"^export (?:async )?(?:function\*?|class|const|let) (\w+)", re.MULTILINE)
EXPORT_LIST = re.compile(r"^export \{([^}]*)\};", re.MULTILINE)
DEFINE = re.compile(r'customElements\.define\("([\w-]+)", (\w+)\)')


def imports(path: Path) -> list[tuple[Path, list[str]]]:
    """(the imported file, the names imported) for each import of a module."""
    found = []
    for names, source in IMPORT.findall(path.read_text()):
        found.append(((path.parent / source).resolve(), [n.strip() for n in names.split(",") if n.strip()]))
    return found


def exports(path: Path) -> set[str]:
    text = path.read_text()
    names = set(EXPORT.findall(text))
    for listed in EXPORT_LIST.findall(text):
        names |= {n.strip() for n in listed.split(",") if n.strip()}
    return names


def test_one_component_per_kind():
    elements = [kind.element for kind in KINDS.values()] + [COMPARE_ELEMENT]  # and a comparison's
    assert sorted(path.stem for path in COMPONENTS) == sorted(elements)


@pytest.mark.parametrize("path", COMPONENTS, ids=[path.stem for path in COMPONENTS])
def test_component_defines_its_tag_once_guarded(path):
    text = path.read_text()
    [(tag, cls)] = DEFINE.findall(text)
    assert tag == path.stem
    assert f'if (!customElements.get("{tag}")) customElements.define("{tag}", {cls});' in text
    assert re.search(rf"^class {cls} extends EccoElement \{{", text, re.MULTILINE)
    for source, _ in imports(path):
        assert source.parent == (JS / "lib").resolve(), f"{path.name} imports {source}"


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(JS)) for path in MODULES])
def test_imports_resolve_to_exported_names(path):
    for source, names in imports(path):
        assert source.is_file(), f"{path.name} imports a missing {source}"
        missing = set(names) - exports(source)
        assert not missing, f"{path.name} imports {missing} that {source.name} does not export"


def test_only_components_define_elements():
    for path in MODULES:
        if path.parent.name != "components":
            assert not DEFINE.search(path.read_text()), path


def test_entry_imports_every_component():
    # A component may be imported when one of its elements appears: import("./components/….js").
    lazy = re.findall(r'import\("(\./components/[\w-]+\.js)"\)', (JS / "ecco.js").read_text())
    imported = {source for source, _ in imports(JS / "ecco.js")} | {(JS / s).resolve() for s in lazy}
    assert imported == {path.resolve() for path in COMPONENTS}
