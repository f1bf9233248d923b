"""Every export of the shared JS modules (static/js/lib/) carries a JSDoc block, so the
functions the components build on say what they take and return."""

import re
from pathlib import Path

import pytest

LIB = Path(__file__).parents[1] / "static" / "js" / "lib"
EXPORT = re.compile(r"^export (?:async )?(?:function\*?|class|const|let) (\w+)", re.MULTILINE)
MODULES = sorted(LIB.glob("*.js"))


def test_lib_has_modules():
    expected = "data element tokens format scale palette heatmap sparkline types".split()
    assert set(expected) <= {path.stem for path in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_every_export_has_jsdoc(path):
    text = path.read_text()
    exports = list(EXPORT.finditer(text))
    assert exports or path.name == "types.js", f"{path.name} exports nothing"
    for match in exports:
        before = text[: match.start()].rstrip()
        assert before.endswith("*/"), f"{path.name}: export {match.group(1)} has no JSDoc block"
        block = before[before.rfind("/**") :]
        assert block.startswith("/**") and "*/" not in block[:-2], f"{path.name}: {match.group(1)}"
