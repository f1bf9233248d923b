"""`ecco-build new DIR`: a site that builds as it is, using the built-in demo model."""

from __future__ import annotations

from pathlib import Path

from ecco_build.errors import EccoBuildError

SITE_TOML = """\
# ecco-build site configuration; `ecco-build kinds` lists what directives can do.
title = "{title}"
description = "Interactive explanations of a language model."
# base_url = "https://you.github.io/{title}/"   # for the feed, sitemap and social tags
default_model = "demo"

[author]
name = "Your Name"

[models.demo]
source = "builtin:demo"   # the small Python code model that ships with ecco-build
"""

WELCOME = """\
---
title: What does the model write next?
description: A first figure, computed by the demo model that ships with ecco-build.
date: 2026-01-01
---

The demo model was trained on Python source code. Below, it continues a constructor.
Hover over (or tab to) a generated token to see the other tokens it considered.

:::{generate}
:prompt: |
    class Person:
        def __init__(self, name):
            self.name =
:max_new_tokens: 8
The demo model completes an assignment, one token at a time.
:::

Edit this file in `articles/` and run `ecco-build build` again; results are stored in
`data/` and reused until the directive changes.
"""

GITIGNORE = "_site/\n"


def scaffold(directory: Path) -> None:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise EccoBuildError(f"{directory} already exists and is not empty; choose a new folder")
    (directory / "articles").mkdir(parents=True, exist_ok=True)
    (directory / "site.toml").write_text(SITE_TOML.format(title=directory.resolve().name), encoding="utf-8")
    (directory / "articles" / "welcome.md").write_text(WELCOME, encoding="utf-8")
    (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
