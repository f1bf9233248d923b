"""Mutation operators over site.toml, the output folder, the data folder and model folders."""

from __future__ import annotations

import random

from tests.fuzz.sitedraft import DATA, TOML, Draft, put, text, toml_line, toml_table


def toml_unknown_key(draft: Draft, rng: random.Random) -> None:
    """An unknown or misspelt key in site.toml, at the top level or in a table."""
    where, line = rng.choice(
        (
            ("", 'titel = "x"'),
            ("", 'out-dir = "x"'),
            ("author", 'nmae = "x"'),
            ("models.tiny", 'sorce = "x"'),
            ("", "raw_htm = true"),
            ("extra", "a = 1"),
        )
    )
    if where:
        toml_table(draft, where, line)
    else:
        toml_line(draft, line)


def toml_wrong_type(draft: Draft, rng: random.Random) -> None:
    """A site.toml value of the wrong type: title = 5, models = "x", author = "x", raw_html = "yes"."""
    where, line = rng.choice(
        (
            ("", "title = 5"),
            ("", 'raw_html = "yes"'),
            ("", "base_url = []"),
            ("", "out_dir = 1"),
            ("", "language = {a = 1}"),
            ("", "device = 1.5"),
            ("", "citation_style = true"),
            ("", "date = 2026-01-01"),
            ("author", "url = 5"),
            ("author", "affiliation = 5"),
            ("models.tiny", "dtype = 5"),
            ("models.tiny", "tf32 = 1"),
            ("models.tiny", 'dtype = "int8"'),
            ("", 'device = "tpu"'),
            ("", 'citation_style = "apa"'),
        )
    )
    if where:
        toml_table(draft, where, line)
    else:
        toml_line(draft, line, replace=line.split(" ")[0])


def toml_wrong_tables(draft: Draft, rng: random.Random) -> None:
    """Tables replaced by values: models = "x", author = "x", [models] tiny = 5, [[models]]."""
    source = text(draft, TOML)
    variant = rng.choice(("models-str", "author-str", "model-int", "array", "empty-models"))
    if variant == "models-str":
        put(draft, TOML, source.split("[models.tiny]")[0].replace("[author]", 'models = "x"\n[author]'))
    elif variant == "author-str":
        put(draft, TOML, source.replace('[author]\nname = "Seed Author"', 'author = "Seed Author"\n[x]'))
    elif variant == "model-int":
        put(draft, TOML, source.split("[models.tiny]")[0] + "[models]\ntiny = 5\n")
    elif variant == "array":
        put(draft, TOML, source.replace("[models.tiny]", "[[models.tiny]]"))
    else:
        put(draft, TOML, source.split("[models.tiny]")[0] + "[models]\n")


def toml_syntax(draft: Draft, rng: random.Random) -> None:
    """site.toml that is not TOML: an unclosed string, a duplicate key, a bare word, a redefined table."""
    line = rng.choice(
        ('title = "unclosed', 'title = "again"', "bare words", "[author]\nname = 'x'", "= 1", 'x = """')
        + ('title = "\\ud800"', 'title = "\\x41"', "[models.tiny\n", "a = 1\na = 2")
    )
    put(draft, TOML, text(draft, TOML) + "\n" + line + "\n")


def toml_script_url(draft: Draft, rng: random.Random) -> None:
    """base_url or the author url as javascript:, data:, relative or spaced URLs."""
    url = rng.choice(
        ("javascript:alert(1)//", " javascript:alert(1)", "data:text/html,x", "relative/path", "//x")
    )
    if rng.random() < 0.5:
        toml_line(draft, f'base_url = "{url}"', replace="base_url")
    else:
        put(draft, TOML, text(draft, TOML).replace('url = "https://example.test/author"', f'url = "{url}"'))


def toml_markup(draft: Draft, rng: random.Random) -> None:
    """Markup in site.toml text: a <script> title, description, author name or language."""
    key = rng.choice(("title", "description", "language"))
    value = rng.choice(
        ("<script>alert(1)</script>", '\\"><img src=x onerror=alert(1)>', "</title><script>x</script>")
    )
    if rng.random() < 0.3:
        put(draft, TOML, text(draft, TOML).replace('name = "Seed Author"', f'name = "{value}"'))
    else:
        toml_line(draft, f'{key} = "{value}"', replace=key)


def toml_huge(draft: Draft, rng: random.Random) -> None:
    """A huge site.toml: a 1 MB title, 5,000 model tables, or 10,000 unknown keys."""
    variant = rng.choice(("title", "models", "keys"))
    if variant == "title":
        toml_line(draft, f'title = "{"T" * 1_000_000}"', replace="title")
    elif variant == "models":
        put(
            draft,
            TOML,
            text(draft, TOML) + "".join(f'\n[models.m{i}]\nsource = "x{i}"\n' for i in range(5000)),
        )
    else:
        toml_line(draft, "\n".join(f"k{i} = {i}" for i in range(10_000)))


def toml_control(draft: Draft, rng: random.Random) -> None:
    """Control characters in site.toml strings: \\u0000, \\u001b, U+2028 escapes, a raw tab or NEL."""
    value = rng.choice(("\\u0000", "\\u001b[31m", "\\u2028", "\\u0085", "a\tb", "\\u007f"))
    key = rng.choice(("title", "description", "language", "default_model"))
    toml_line(draft, f'{key} = "{value}"', replace=key)


OUTPUT_HAZARDS = (".", "..", "", "articles", "data", "static", "templates", "docs", "notes.txt", "site.toml")
OUTPUT_HAZARDS += (
    "articles/sub",
    "./articles/../data",
    "@@BOX@@/site",
    "../public",
    "_site/",
    "articles/intro.md",
)


def out_dir_hazard(draft: Draft, rng: random.Random) -> None:
    """out_dir pointing at the user's files: ".", "..", "", articles, data, static, templates,
    docs/ holding the user's pages, an existing file, a folder inside the sources."""
    value = rng.choice(OUTPUT_HAZARDS)
    _users_own(draft, value)
    toml_line(draft, f'out_dir = "{value}"', replace="out_dir")


def out_flag_hazard(draft: Draft, rng: random.Random) -> None:
    """The same hazards given as `ecco-build build --out …` (build's `out`) instead of site.toml."""
    value = rng.choice(tuple(v for v in OUTPUT_HAZARDS if "@@" not in v))
    _users_own(draft, value)
    draft.out_arg = value


def _users_own(draft: Draft, value: str) -> None:
    """Put the user's own files where the output folder `value` would land."""
    if value in ("static", "templates"):
        draft.files[f"site/{value}/mine.txt"] = "the user's own file\n"
    if value == "docs":
        draft.files["site/docs/index.md"] = "the user's documentation\n"
    if value == "notes.txt":
        draft.files["site/notes.txt"] = "the user's notes\n"


def dirs_outside(draft: Draft, rng: random.Random) -> None:
    """articles_dir or data_dir outside the site (../outside, an absolute path, /etc), or equal to it."""
    key, value = rng.choice(
        (
            ("articles_dir", "../outside"),
            ("articles_dir", "@@BOX@@/outside"),
            ("articles_dir", "/etc"),
            ("articles_dir", "."),
            ("articles_dir", ""),
            ("data_dir", "../outside"),
            ("data_dir", "articles"),
            ("data_dir", "/proc"),
        )
    )
    toml_line(draft, f'{key} = "{value}"', replace=key)


def bad_model(draft: Draft, rng: random.Random) -> None:
    """A model that cannot load: a missing folder, empty source, a Hub id, config.json that is not
    JSON, a truncated safetensors file, no tokenizer, a source outside the site."""
    source = rng.choice(
        ("models/missing", "", "nobody/no-such-model", "models/badjson", "models/truncated", "models/empty")
        + ("builtin:nope", "package:no_such_package", "package:os", "../outside", "/etc")
    )
    draft.files["site/models/badjson/config.json"] = "{not json"
    draft.files["site/models/truncated/config.json"] = GPT2_CONFIG
    draft.files["site/models/truncated/model.safetensors"] = b'\x08\x00\x00\x00\x00\x00\x00\x00{"a":'
    draft.folders.add("site/models/empty")
    put(draft, TOML, text(draft, TOML).replace('source = "', f'source = "{source}" # was "', 1))
    draft.computes = True


GPT2_CONFIG = '{"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": 2, "n_positions": 128}'


def stale_output(draft: Draft, rng: random.Random) -> None:
    """Leftovers of earlier builds: a page manifest holding [] or garbage, stale staging folders."""
    variant = rng.choice(("manifest-list", "manifest-garbage", "manifest-dict", "staging", "old"))
    files = {
        "manifest-list": {"site/_site/.ecco-build-pages.json": "[]"},
        "manifest-garbage": {"site/_site/.ecco-build-pages.json": "\x00{", "site/_site/index.html": "old"},
        "manifest-dict": {"site/_site/.ecco-build-pages.json": '{"format": 1, "pages": {"intro": 5}}'},
        "staging": {"site/._site.building-99999/index.html": "half-built"},
        "old": {"site/._site.old-99999/index.html": "previous"},
    }[variant]
    draft.files.update(files)
    draft.disposable.update(files)


def corrupt_data(draft: Draft, rng: random.Random) -> None:
    """A data/*.json that is truncated, not JSON, holds NaN, a wrong result shape, or an empty result."""
    names = sorted(p for p in draft.files if p.startswith(DATA + "/"))
    if not names:
        return
    path = rng.choice(names)
    source = text(draft, path)
    new = rng.choice(
        (
            source[: len(source) // 2],
            "not json",
            source.replace("0.", "NaN, 0.", 1),
            source.replace('"result": {', '"result": {"tokens": 5, ', 1),
            source.split('"result"')[0] + '"result": {}}',
            "[]",
            source.replace('"tokens": [', '"tokens": [1e999, ', 1),
        )
    )
    put(draft, path, new)
    draft.computes = True


def data_folder_odd(draft: Draft, rng: random.Random) -> None:
    """The data folder holding odd things: a folder named like a result, a symlink, a stray file."""
    names = sorted(p for p in draft.files if p.startswith(DATA + "/"))
    variant = rng.choice(("folder", "symlink", "stray", "file"))
    if variant == "folder" and names:
        del draft.files[names[0]]
        draft.folders.add(names[0])
    elif variant == "symlink" and names:
        del draft.files[names[0]]
        draft.links[names[0]] = "/etc/passwd"
    elif variant == "stray":
        draft.files[f"{DATA}/stray.json"] = "{}"
    else:
        for name in names:
            del draft.files[name]
        draft.files[DATA] = "a file where the data folder should be"
    draft.computes = True
