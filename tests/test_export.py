"""`ecco-build export`: the module bundler, the self-contained page (policy hashes, nothing
left to fetch), and the command's errors (missing results, unknown articles, unsafe outputs)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecco_build import export as export_module
from ecco_build.cli import main
from ecco_build.errors import EccoBuildError
from ecco_build.export import export
from ecco_build.render import figures
from ecco_build.render.bundle import bundle

ROOT = Path(__file__).parent.parent


def write_modules(static: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = static / "js" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_bundle_puts_dependencies_first_and_each_module_once(tmp_path):
    static = tmp_path / "static"
    write_modules(
        static,
        {
            "a.js": (
                'import { b } from "./lib/b.js";\n'
                'import { c as see } from "./lib/c.js";\nwindow.A = b + see;\n'
            ),
            "lib/b.js": 'import { c } from "./c.js";\nexport const b = c + 1;\n',
            "lib/c.js": (
                "/** @typedef {import('./x.js').T} T */\nexport function c() { return 1; }\nexport {};\n"
            ),
            "d.js": 'import "./lib/c.js";\nexport class D {}\nconst e = 2;\nexport { e as f };\n',
        },
    )
    text = bundle([static / "js/a.js", static / "js/d.js"], static)
    starts = [text.index(marker) for marker in ("function c()", "const b = c + 1", "window.A", "class D")]
    assert starts == sorted(starts)
    assert text.count("function c()") == 1
    assert "const { c: see } = __ecco_0;" in text and "return { f: e, D };" in text
    assert "import " not in text.replace("import('./x.js')", "") and "export " not in text


@pytest.mark.parametrize(
    "source, line",
    [
        ('// a comment\nimport * as x from "./b.js";\n', 2),
        ("const a = 1;\n\nexport default a;\n", 3),
        ('export { a } from "./b.js";\n', 1),
        ("const a = 1;\nexport let b = a;\n", 2),
        ('const m = await import("./b.js");\n', 1),
        ('import { b } from "https://cdn.example/b.js";\n', 1),
    ],
)
def test_unsupported_module_syntax_is_an_error_at_its_line(tmp_path, source, line):
    static = tmp_path / "static"
    write_modules(static, {"x.js": source, "b.js": "export const a = 1;\n"})
    with pytest.raises(EccoBuildError, match=rf"^static/js/x\.js:{line}: "):
        bundle([static / "js/x.js"], static)


def test_an_import_cycle_is_refused(tmp_path):
    static = tmp_path / "static"
    write_modules(static, {"a.js": 'import "./b.js";\n', "b.js": 'import "./a.js";\n'})
    with pytest.raises(EccoBuildError, match=r"static/js/b\.js:1: import cycle"):
        bundle([static / "js/a.js"], static)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> str:
    """The brackets article, exported with every figure's data set aside as a file (as large
    results are), so that inlining them is tested too."""
    out = tmp_path_factory.mktemp("export") / "brackets.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "INLINE_LIMIT", 0)
        export(ROOT, "articles/brackets.md", out=out)
    return out.read_text()


def test_the_policy_hashes_exactly_the_inline_scripts(exported):
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', exported).group(1)
    listed = re.search(r"script-src ([^;]+);", policy).group(1).split()
    scripts = re.findall(r"<script(?: type=\"module\")?>(.*?)</script>", exported, re.S)
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts
    ]
    assert len(scripts) == 2 and sorted(hashes) == sorted(listed)
    assert "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "connect-src 'none'" in policy and "img-src data: https:" in policy
    assert exported.count('http-equiv="Content-Security-Policy"') == 1


def test_nothing_is_left_to_fetch(exported):
    for attr, value in re.findall(r'\s(src|href|data-src)="([^"]*)"', exported):
        assert value.startswith(("data:", "#", "https://")), (attr, value)
    assert '<link rel="stylesheet"' not in exported and ' data-src="' not in exported
    assert "static/js/file-notice.js" not in exported and "__ecco_build_id" not in exported
    assert exported.count('<script type="application/json">') >= 5


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the example site's sources (the theme comes from the package)."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("articles", "data"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    return root


def test_a_missing_result_is_an_error_at_its_directive(site, tmp_path):
    for stored in (site / "data").glob("generate-*.json"):
        stored.unlink()
    with pytest.raises(EccoBuildError) as caught:
        export(site, "brackets", out=tmp_path / "b.html")
    message = str(caught.value)
    assert re.search(r"articles/brackets\.md:\d+: the generate result is not usable", message)
    assert "ecco-build build" in message and not (tmp_path / "b.html").exists()


def test_an_unknown_article_lists_the_names(site, tmp_path):
    with pytest.raises(EccoBuildError, match=r'no article "nothing".*brackets.*neurons'):
        export(site, "nothing", out=tmp_path / "x.html")
    with pytest.raises(EccoBuildError, match=r'did you mean "brackets"'):
        export(site, "bracket", out=tmp_path / "x.html")


def test_the_output_is_never_a_source_or_a_foreign_file(site, tmp_path):
    with pytest.raises(EccoBuildError, match="lies in the articles folder"):
        export(site, "brackets", out=site / "articles" / "b.html")
    foreign = tmp_path / "mine.html"
    foreign.write_text("my own notes")
    with pytest.raises(EccoBuildError, match="did not write it.*--force"):
        export(site, "brackets", out=foreign)
    assert foreign.read_text() == "my own notes"
    export(site, "brackets", out=foreign, force=True)
    export(site, "brackets", out=foreign)  # its own file: replaced without --force
    folder = tmp_path / "folder"
    folder.mkdir()
    assert export(site, "brackets", out=folder).path == (folder / "brackets.html").resolve()


def test_a_large_file_names_its_heaviest_figure(site, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "EMBED_WARN_BYTES", 1000)
    result = export(site, "articles/brackets.md", out=tmp_path / "b.html")
    assert len(result.warnings) == 1
    assert re.search(
        r"articles/brackets\.md: the exported file is [\d.]+ MB; the heaviest figure is Figure \d+ "
        r"\([a-z-]+, articles/brackets\.md:\d+, [\d.]+ MB of data\)",
        result.warnings[0],
    )
    monkeypatch.setattr(export_module, "EMBED_WARN_BYTES", 10 * 2**20)
    assert export(site, "brackets", out=tmp_path / "b.html").warnings == ()


def test_the_command(site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert "--embed-resources" in runner.invoke(main, ["export", "--help"]).output
    result = runner.invoke(main, ["export", "brackets", str(site)])
    assert result.exit_code == 0 and "wrote" in result.output and (tmp_path / "brackets.html").is_file()
    result = runner.invoke(main, ["export", "nope", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_an_attention_figure_carries_every_layer_inline(tmp_path):
    """Its layers are fetched on demand on the site; opened from disk nothing can be fetched, so
    the export inlines each layer's part beside the figure's own JSON."""
    out = tmp_path / "attention.html"
    export(ROOT, "articles/attention.md", out=out)
    text = out.read_text()
    found = re.findall(r'<script type="application/json" data-part="(layer-\d+)">(.*?)</script>', text, re.S)
    # Every attention figure of the article (6-layer models): six parts each, in layer order.
    figures = (ROOT / "articles" / "attention.md").read_text().count(":::{attention}")
    assert figures >= 2 and [name for name, _ in found] == [f"layer-{n}" for n in range(1, 7)] * figures
    assert not [p for p in (ROOT / "data").glob("attention-*.json") if ".layer-" in p.name]  # site only
    # Each inlined part is the JSON the site's part file holds (escaped for a script element).
    for name, payload in found:
        record = json.loads(payload.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&"))
        assert record["kind"] == "attention-layer" and f"layer-{record['layer']}" == name
