"""`ecco-build new DIR`: a repository ready to push, whose site builds as it is with the
built-in demo model and publishes itself to GitHub Pages from its committed results.

The workflow installs ecco-build render-only (no torch, no model): results are computed on
the writer's machine with `ecco-build[compute]` and committed in data/ with the model lock.
"""

from __future__ import annotations

import json
from pathlib import Path

from ecco_build import __version__
from ecco_build.errors import EccoBuildError

SITE_TOML = """\
# ecco-build site configuration; `ecco-build kinds` lists what directives can do.
title = "{title}"
description = "Interactive explanations of a language model."
# The address the site is published at, for the feed, sitemap and social tags. The GitHub
# Pages workflow passes the address GitHub reports (build --base-url), so this can stay unset.
# base_url = "https://you.github.io/{title}/"
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

GITIGNORE = """\
_site/
.venv/
__pycache__/
*.pyc
"""

README = """\
# {title}

Interactive articles about a language model, built with
[ecco-build](https://pypi.org/project/ecco-build/) {version}.

## Write and compute (on your machine)

    python3 -m venv .venv && . .venv/bin/activate
    pip install 'ecco-build[compute]=={version}'   # the model side: torch, transformers, …
    ecco-build serve        # preview on http://127.0.0.1:8000, rebuilt as you edit
    ecco-build build        # computes what is missing into data/, writes _site/

Commit `articles/`, `data/` (the results and `models.lock`) and `site.toml`. The
published site is built from `data/`: no model runs in CI.

## Publish on GitHub Pages

1. Push this repository to GitHub.
2. Settings → Pages → Build and deployment → Source: **GitHub Actions**.
3. Every push to `main` runs `.github/workflows/pages.yml`: it installs ecco-build without
   torch, checks the articles, builds with the address GitHub reports, and deploys.

The workflow's install line names ecco-build {version}; change that one line to upgrade.

## One file to send

    ecco-build export articles/welcome.md -o welcome.html

writes the article as one HTML file (styles, scripts, data and images inside) that works
opened from disk or attached to an email.
"""

WORKFLOW = """\
# Publish the site on GitHub Pages from the committed results in data/. No model runs here:
# compute new results on your machine (ecco-build build) and commit data/ before pushing.
# Settings -> Pages -> Source must be "GitHub Actions".
name: Publish site
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: true
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - id: pages
        uses: actions/configure-pages@v5
      # THE ONE LINE TO CHANGE to upgrade ecco-build. It installs the render-only package (no torch).
      # From a release on PyPI:       pip install "ecco-build=={version}"
      # From git, pinned to a tag:    pip install "ecco-build @ git+https://github.com/OWNER/ecco-build@v{version}"
      - name: Install ecco-build (render-only)
        run: pip install "ecco-build=={version}"
      - name: Check articles
        run: ecco-build check
      - name: Build
        run: ecco-build build --strict --base-url "${{{{ steps.pages.outputs.base_url }}}}"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

# Every file a new site starts with (relative path → template; {title} and {version} filled in).
FILES = {
    "site.toml": SITE_TOML,
    "articles/welcome.md": WELCOME,
    ".gitignore": GITIGNORE,
    "README.md": README,
    ".github/workflows/pages.yml": WORKFLOW,
}
FILLED = {"site.toml", "README.md", ".github/workflows/pages.yml"}  # the others hold literal braces


def scaffold(directory: Path) -> None:
    directory = Path(directory)
    if directory.exists() and (directory.is_file() or any(directory.iterdir())):
        raise EccoBuildError(f"{directory} already exists and is not empty; choose a new folder")
    title = directory.resolve().name
    for name, template in FILES.items():
        text = template
        if name in FILLED:
            # JSON's string escapes are TOML's: a folder named with quotes still makes valid TOML
            shown = json.dumps(title)[1:-1] if name == "site.toml" else title
            text = template.format(title=shown, version=__version__)
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
