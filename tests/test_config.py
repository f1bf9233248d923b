"""site.toml: every problem is reported at once, each at its line; no input gives a traceback."""

from pathlib import Path

import pytest

from ecco_build.config import SiteConfig, key_lines, load_config
from ecco_build.errors import ConfigError


def write(tmp_path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        (tmp_path / "site.toml").write_bytes(text)
    else:
        (tmp_path / "site.toml").write_text(text)
    return tmp_path


def errors(tmp_path: Path, text: str | bytes) -> list[str]:
    """The error lines of load_config's one ConfigError, with the site folder replaced by `~`."""
    with pytest.raises(ConfigError) as exc:
        load_config(write(tmp_path, text))
    return str(exc.value).replace(str(tmp_path), "~").splitlines()


def test_defaults_and_models(tmp_path):
    config = load_config(
        write(tmp_path, 'title = "T"\ndefault_model = "demo"\n[models.demo]\nsource = "builtin:demo"\n')
    )
    assert config.title == "T"
    assert config.models["demo"].dtype == "float32"
    assert config.data_path == tmp_path.resolve() / "data"
    assert config.out_path == tmp_path.resolve() / "_site"
    assert config.raw_html is False


def test_every_key_has_a_docstring():
    from dataclasses import fields

    from ecco_build.config import AuthorConfig, ModelConfig

    for cls in (SiteConfig, AuthorConfig, ModelConfig):
        for f in fields(cls):
            assert f.metadata.get("doc"), f"{cls.__name__}.{f.name} has no doc"


def test_unknown_key_names_line_and_suggestion(tmp_path):
    assert errors(tmp_path, 'title = "T"\n\ndescriptoin = "x"\n') == [
        '~/site.toml:3: unknown key "descriptoin" in site.toml; did you mean "description"?',
        "1 error in site.toml; nothing was built.",
    ]


def test_unknown_model_key(tmp_path):
    assert errors(tmp_path, '[models.demo]\nsource = "builtin:demo"\nrevison = "main"\n')[0] == (
        '~/site.toml:3: unknown key "revison" in [models.demo]; did you mean "revision"?'
    )


def test_model_needs_source_and_valid_dtype(tmp_path):
    assert errors(tmp_path, "title = 'T'\n\n[models.demo]\ndtype = 'float32'\n")[0] == (
        '~/site.toml:3: [models.demo] needs a source (e.g. source = "builtin:demo")'
    )
    assert errors(tmp_path, "[models.demo]\nsource = 'x'\ndtype = 'fp8'\n")[0] == (
        '~/site.toml:3: [models.demo] dtype must be one of float32, float16, bfloat16, not "fp8"'
    )


def test_default_model_must_exist(tmp_path):
    assert errors(tmp_path, "default_model = 'dmeo'\n[models.demo]\nsource = 'x'\n")[0] == (
        '~/site.toml:1: default_model "dmeo" is not a [models.*] alias; did you mean "demo"?'
    )
    assert errors(tmp_path, "title = 'T'\ndefault_model = 'demo'\n")[0] == (
        '~/site.toml:2: default_model "demo" is not a [models.*] alias; site.toml defines no models'
    )


def test_wrong_type_and_missing_file(tmp_path):
    assert errors(tmp_path, "title = 3\nraw_html = 'yes'\nauthor = 'Ada'\n")[:3] == [
        '~/site.toml:1: "title" in site.toml must be a string (in quotes), not 3',
        "~/site.toml:2: \"raw_html\" in site.toml must be true or false, not 'yes'",
        "~/site.toml:3: \"author\" must be a table ([author]), not 'Ada'",
    ]
    with pytest.raises(ConfigError, match="no site configuration here; run `ecco-build new"):
        load_config(tmp_path / "nowhere")


def test_every_problem_is_reported_at_once_each_at_its_line(tmp_path):
    text = """\
title = "T"
tilte = "typo"
device = "gpu"
citation_style = "apa"
default_model = "gtp2"
base_url = "javascript:alert(1)//"
out_dir = "/tmp/elsewhere"
data_dir = "../data"
articles_dir = "posts/../../x"
bibliography = 'C:\\refs.bib'

[author]
name = "Ada"
url = "javascript:alert(1)"
affiliation = 5

[models.gpt2]
source = "gpt2"
dtype = "fp8"
tf32 = "yes"

[models.empty]
revision = "main"
"""
    assert errors(tmp_path, text) == [
        '~/site.toml:2: unknown key "tilte" in site.toml; did you mean "title"?',
        '~/site.toml:3: device must be one of auto, cpu, cuda, not "gpu"',
        '~/site.toml:4: citation_style must be one of numbered, author-year, not "apa"',
        '~/site.toml:5: default_model "gtp2" is not a [models.*] alias; did you mean "gpt2"?',
        '~/site.toml:6: base_url must be an absolute http(s) URL such as "https://you.github.io/repo/", '
        'not "javascript:alert(1)//"',
        '~/site.toml:7: out_dir must be a folder, e.g. "_site" or "docs" inside the site, relative to '
        'site.toml, not "/tmp/elsewhere" (no absolute path, no ..)',
        '~/site.toml:8: data_dir must be a folder, e.g. "data" inside the site, relative to site.toml, '
        'not "../data" (no absolute path, no ..)',
        '~/site.toml:9: articles_dir must be a folder, e.g. "articles" inside the site, relative to '
        'site.toml, not "posts/../../x" (no absolute path, no ..)',
        '~/site.toml:10: bibliography must be a file, e.g. "references.bib" inside the site, relative '
        'to site.toml, not "C:\\refs.bib" (no absolute path, no ..)',
        "~/site.toml:14: [author] url must be an absolute http(s) or mailto URL (it is shown on every page), "
        'not "javascript:alert(1)"',
        '~/site.toml:15: "affiliation" in [author] must be a string (in quotes), not 5',
        '~/site.toml:19: [models.gpt2] dtype must be one of float32, float16, bfloat16, not "fp8"',
        "~/site.toml:20: \"tf32\" in [models.gpt2] must be true or false, not 'yes'",
        '~/site.toml:22: [models.empty] needs a source (e.g. source = "builtin:demo")',
        "14 errors in site.toml; nothing was built.",
    ]


def test_good_urls_and_site_paths_pass(tmp_path):
    config = load_config(
        write(
            tmp_path,
            'base_url = "https://you.github.io/repo/"\nout_dir = "docs"\ndata_dir = "site/data"\n'
            'bibliography = "refs/main.bib"\n[author]\nurl = "mailto:ada@example.org"\n',
        )
    )
    assert (config.out_dir, config.data_dir, config.author.url) == (
        "docs",
        "site/data",
        "mailto:ada@example.org",
    )
    assert load_config(write(tmp_path, '[author]\nurl = "https://example.org/~ada"\n')).author.url
    for relative in ("about/", "#me", "//host/x"):  # shown on pages at every depth: must be absolute
        [message, _] = errors(tmp_path, f'[author]\nurl = "{relative}"\n')
        assert message.startswith("~/site.toml:2: [author] url must be an absolute http(s) or mailto URL")
    for base in ("//host/x", "https:example.org", "data:text/html,x", "/repo/"):
        assert errors(tmp_path, f'base_url = "{base}"\n')[0].startswith("~/site.toml:1: base_url must be")


def test_lines_are_found_past_strings_arrays_comments_and_dotted_keys(tmp_path):
    text = '''\
description = """
nme = "inside a string, not a key"
"""
# nme = "a comment"
tags_like = [
  "x", # ]
]
author.nme = "dotted"
[models.demo]
source = "builtin:demo"
'dtype' = "float32"
"revison" = "x"
'''
    assert errors(tmp_path, text) == [
        '~/site.toml:5: unknown key "tags_like" in site.toml; valid: articles_dir, author, base_url, '
        "bibliography, citation_style, data_dir, default_model, description, device, exports, language, "
        "models, out_dir, raw_html, title",
        '~/site.toml:8: unknown key "nme" in [author]; did you mean "name"?',
        '~/site.toml:12: unknown key "revison" in [models.demo]; did you mean "revision"?',
        "3 errors in site.toml; nothing was built.",
    ]
    assert key_lines('a = """x""""\nb = 1\n"c.d" . e = {f = 1}\n') == {
        ("a",): 1,
        ("b",): 2,
        ("c.d",): 3,
        ("c.d", "e"): 3,
    }


def test_latin1_site_toml_is_a_clean_error(tmp_path):
    assert errors(tmp_path, 'title = "T"\nauthor.name = "Andr\xe9"\n'.encode("latin-1")) == [
        "~/site.toml:2: not UTF-8 (byte 0xe9 at column 20); save site.toml as UTF-8"
    ]


def test_control_characters_and_lone_surrogates_are_clean_errors(tmp_path):
    # Raw in the file: TOML forbids them, and the error keeps the line.
    assert errors(tmp_path, 'title = "T"\ndescription = "a\x0bb"\n') == [
        "~/site.toml:2: not valid TOML: Illegal character '\\x0b' (column 17)"
    ]
    # Written as an escape, TOML allows them; a setting never means one.
    assert errors(tmp_path, 'title = "T"\ndescription = "a\\u001cb"\n')[0] == (
        '~/site.toml:2: "description" in site.toml contains the control character U+001C; remove it'
    )
    assert errors(tmp_path, 'out_dir = "_site\\u0000x"\n')[0] == (
        '~/site.toml:1: "out_dir" in site.toml contains the control character U+0000; remove it'
    )
    # A lone surrogate, as an escape or encoded in the bytes.
    assert errors(tmp_path, 'title = "\\ud800"\n') == [
        "~/site.toml:1: not valid TOML: Escaped character is not a Unicode scalar value (column 16)"
    ]
    assert errors(tmp_path, b'\n\ntitle = "\xed\xa0\x80"\n') == [
        "~/site.toml:3: not UTF-8 (byte 0xed at column 10); save site.toml as UTF-8"
    ]


def test_not_toml_names_the_line_and_a_bom_is_accepted(tmp_path):
    assert errors(tmp_path, 'title = "T"\n\ndescription = \n') == [
        "~/site.toml:3: not valid TOML: Invalid value (column 15)"
    ]
    assert errors(tmp_path, 'title = "T"\ndescription = "x') == [
        "~/site.toml:2: not valid TOML: Unterminated string (at the end of the file)"
    ]
    assert load_config(write(tmp_path, '\ufefftitle = "T"\n')).title == "T"


def test_echoed_values_are_clipped(tmp_path):
    [message, _] = errors(tmp_path, f'base_url = "javascript:{"a" * 5000}"\n')
    assert message.endswith('not "javascript:' + "a" * 189 + '… (5011 characters)"')
    assert len(message) < 400


def test_deep_nesting_is_a_clean_error(tmp_path):
    assert errors(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n") == [
        "~/site.toml:1: not valid TOML: arrays or tables nested too deeply"
    ]


def test_a_site_toml_linked_to_nothing_or_outside_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").symlink_to(tmp_path / "gone.toml")
    with pytest.raises(ConfigError) as exc:
        load_config(site)
    assert str(exc.value) == (
        f"{site}/site.toml:1: it is a symbolic link to a missing file ({tmp_path}/gone.toml); "
        "fix or remove the link"
    )
    (tmp_path / "gone.toml").write_text('title = "outside"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(site)
    assert str(exc.value) == (
        f"{site}/site.toml:1: it resolves to {tmp_path}/gone.toml, outside the site folder; "
        "copy it into the site instead"
    )
