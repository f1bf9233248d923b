"""A site held in memory, the valid seed site every mutant starts from, and editing helpers.

A mutant lives in a "box": `box/site/` is the site (site.toml, articles/, data/ …) and
`box/outside/` holds files beside it that no page may read (a secret, a .bib, an image, an
article). All paths in a `Draft` are relative to the box, written with "/".
"""

from __future__ import annotations

import base64
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SITE = "site"
TOML = "site/site.toml"
ARTICLES = "site/articles"
INTRO = "site/articles/intro.md"
FIGURES = "site/articles/figures.md"
BIB = "site/articles/refs.bib"
DATA = "site/data"
OUTSIDE = "outside"
# Stands for the box's absolute path in file contents and symlink targets; replaced on writing.
BOX = "@@BOX@@"

# An 8 × 8 PNG: the seed's image and hero (the social card opens it with Pillow).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAFElEQVR4nGM8EaDBgA0wYRUdtBIA/ygBUMG5Z0IAAAAASUVORK5CYII="
)


@dataclass
class Draft:
    """A site folder and its surroundings, before it is written to disk."""

    files: dict[str, str | bytes]
    links: dict[str, str] = field(default_factory=dict)  # path → symlink target, as written
    folders: set[str] = field(default_factory=set)  # empty folders (or folders that stand for files)
    ops: list[str] = field(default_factory=list)  # names of the operators applied, in order
    disposable: set[str] = field(default_factory=set)  # paths an earlier build wrote (may go)
    computes: bool = False  # directive options changed: a build must run the model
    out_arg: str | None = None  # an output folder given to the build (--out), relative to the site

    def write(self, box: Path) -> None:
        """Create the box on disk: folders, files, then symlinks (which may dangle). A symlink
        wins over a file or folder an operator later put at or below its path."""
        for folder in sorted(f for f in self.folders if not self._below_link(f)):
            (box / folder).mkdir(parents=True, exist_ok=True)
        for path, data in self.contents(box).items():
            target = box / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for path, destination in self.targets(box).items():
            link = box / path
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(destination, link)

    def contents(self, box: Path) -> dict[str, bytes]:
        """Each file's bytes as written into `box`."""
        found = {}
        for path, content in self.files.items():
            if self._below_link(path):
                continue
            data = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
            found[path] = data.replace(BOX.encode(), str(box).encode())
        return found

    def targets(self, box: Path) -> dict[str, str]:
        """Each symlink's target as written into `box`."""
        return {
            path: target.replace(BOX, str(box))
            for path, target in self.links.items()
            if not any(path.startswith(link + "/") for link in self.links)
        }

    def _below_link(self, path: str) -> bool:
        return path in self.links or any(path.startswith(link + "/") for link in self.links)

    def size(self) -> int:
        """Bytes in the draft: the tie-breaker when choosing the smallest reproducer."""
        return sum(len(c) for c in self.files.values()) + len(self.links) + len(self.folders)


def seed_site(model_folder: Path, data: dict[str, bytes]) -> Draft:
    """The valid seed: two articles using every prose feature and every kind, one tiny model,
    and the `data/` files of an earlier build (so that building it loads no model)."""
    files: dict[str, str | bytes] = {
        TOML: SEED_TOML.format(model=model_folder),
        INTRO: SEED_INTRO,
        FIGURES: SEED_FIGURES,
        BIB: SEED_BIB,
        "site/articles/plot.png": PNG,
        "site/articles/hero.png": PNG,
        "outside/secret.txt": "a file beside the site that no page may publish\n",
        "outside/outside.bib": SEED_BIB.replace("lee1999", "outside2020"),
        "outside/outside.png": PNG,
        "outside/outside.md": "---\ntitle: Outside\n---\nAn article that lives outside the site.\n",
    }
    for name, content in data.items():
        files[f"{DATA}/{name}"] = content
    return Draft(files)


SEED_TOML = """\
title = "Fuzz seed"
description = "The site every mutant starts from."
base_url = "https://example.test/fuzz/"
default_model = "tiny"

[author]
name = "Seed Author"
url = "https://example.test/author"

[models.tiny]
source = "{model}"
"""

SEED_INTRO = """\
---
title: A seed article
description: Every prose feature once, so that mutations have something to break.
authors:
  - name: Ada Lovelace
    affiliation: Analytical Engines
    url: https://example.test/ada
date: 2026-01-02
tags: [seed, prose]
bibliography: refs.bib
hero: hero.png
---

## First part

A paragraph with a [link to the figures](figures.md#results), an image ![a square](plot.png),
a citation [@lee1999], inline math $x^2 + y_i$, a footnote[^one] and `code`.

$$
\\sum_i a_i = 1
$$

:::{note} A title
A callout with **bold** text and $a + b$.
:::

:::{aside}
An aside.
:::

```python
def f(x):
    return x
```

![A figure with a caption](plot.png "A caption."){#fig-plot}

See [](#fig-plot) and [the site](https://example.test/).

[^one]: The footnote text.
"""

SEED_FIGURES = """\
---
title: Seed figures
date: 2026-01-03
tags: [seed]
---

## Results

:::{generate}
:prompt: The capital of France is
:max_new_tokens: 2
:label: fig-gen
A generated continuation.
:::

:::{saliency}
:prompt: |
    def area(width, height):
        return width
:max_new_tokens: 2
:method: [gradient_x_input]
:label: fig-sal
Saliency of each input token.
:::

:::{layer-predictions}
:prompt: The keys to the cabinet
:top_k: 3
Predictions at every layer.
:::

:::{rankings}
:prompt: for i in range(10)
:max_new_tokens: 2
Ranks at every layer.
:::

:::{rankings-watch}
:prompt: print(i, [i
:watch: [")", "]"]
Two closers.
:::

:::{factors}
:prompt: class Point:
:components: 2
Two factors.
:::

See [](#fig-gen) and [](#fig-sal).
"""

SEED_BIB = """\
@article{lee1999,
  title = {Learning the parts of objects by non-negative matrix factorization},
  author = {Lee, Daniel D. and Seung, H. Sebastian},
  journal = {Nature},
  year = {1999},
  url = {https://example.test/nmf}
}
@inproceedings{sundararajan2017,
  title = {Axiomatic Attribution for Deep Networks},
  author = {Sundararajan, Mukund and Taly, Ankur},
  booktitle = {Proceedings of ICML},
  year = {2017}
}
"""


# ---- editing helpers shared by the operators -------------------------------------------------


def text(draft: Draft, path: str) -> str:
    """The file as text (bytes that are not UTF-8 survive a round trip as escapes)."""
    content = draft.files.get(path, "")
    return content if isinstance(content, str) else content.decode("utf-8", "surrogateescape")


def put(draft: Draft, path: str, new: str) -> None:
    """Replace the file's text, keeping it bytes if an encoding operator made it bytes."""
    old = draft.files.get(path)
    draft.files[path] = new.encode("utf-8", "surrogateescape") if isinstance(old, bytes) else new


def article(draft: Draft, rng: random.Random) -> str:
    """One of the seed's articles that is still a file."""
    choices = [p for p in (INTRO, FIGURES) if p in draft.files]
    return rng.choice(choices) if choices else INTRO


def front_line(draft: Draft, path: str, line: str, replace: str = "") -> None:
    """Add `line` at the end of the front matter; first drop the top-level key `replace`
    (with its indented continuation lines)."""
    lines = text(draft, path).split("\n")
    if lines[:1] != ["---"]:
        return put(draft, path, "\n".join(["---", line, "---", *lines]))
    end = next((i for i in range(1, len(lines)) if lines[i] == "---"), len(lines))
    head = lines[1:end]
    if replace:
        head = _drop_key(head, replace)
    put(draft, path, "\n".join(["---", *head, line, *lines[end:]]))


def _drop_key(lines: list[str], key: str) -> list[str]:
    kept, skipping = [], False
    for line in lines:
        if re.match(rf"^{re.escape(key)}\s*:", line):
            skipping = True
            continue
        if skipping and line[:1] in (" ", "\t", "-"):
            continue
        skipping = False
        kept.append(line)
    return kept


def prose(draft: Draft, rng: random.Random, markdown: str) -> None:
    """Append a paragraph to one of the articles."""
    append(draft, article(draft, rng), markdown)


def append(draft: Draft, path: str, markdown: str) -> None:
    """Append a paragraph to the article `path`."""
    put(draft, path, text(draft, path).rstrip("\n") + "\n\n" + markdown + "\n")


def directive_spans(source: str) -> list[tuple[int, int, str]]:
    """(fence line, closing line, kind) of each `:::{kind}` block, as line indexes."""
    lines, spans, i = source.split("\n"), [], 0
    while i < len(lines):
        match = re.match(r"^:::\{([\w-]+)\}", lines[i])
        close = next((j for j in range(i + 1, len(lines)) if lines[j] == ":::"), None) if match else None
        if match and close is not None:
            spans.append((i, close, match.group(1)))
            i = close
        i += 1
    return spans


def options(draft: Draft, rng: random.Random, values: dict[str, str], kinds: tuple[str, ...] = ()) -> None:
    """Set `:name: value` lines in one directive of the figures article (of one of `kinds`, if
    given), replacing options of those names. A value may span lines (a block scalar)."""
    source = text(draft, FIGURES)
    spans = [s for s in directive_spans(source) if not kinds or s[2] in kinds]
    if not spans:
        return
    start, close, _ = rng.choice(spans)
    lines = source.split("\n")
    body = lines[start + 1 : close]
    for name in values:
        body = _drop_option(body, name)
    new = [f":{name}: {value}".rstrip() for name, value in values.items()]
    lines[start + 1 : close] = new + body
    put(draft, FIGURES, "\n".join(lines))
    draft.computes = True


def _drop_option(body: list[str], name: str) -> list[str]:
    kept, skipping = [], False
    for line in body:
        if line.startswith(f":{name}:"):
            skipping = True
            continue
        if skipping and (line[:1] in (" ", "\t") or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    return kept


def toml_line(draft: Draft, line: str, replace: str = "") -> None:
    """Add a top-level `key = value` line to site.toml (before its tables), first dropping
    the top-level key `replace`."""
    lines = text(draft, TOML).split("\n")
    first_table = next((i for i, line_ in enumerate(lines) if line_.startswith("[")), len(lines))
    head = [x for x in lines[:first_table] if not (replace and re.match(rf"^{replace}\s*=", x))]
    put(draft, TOML, "\n".join([*head, line, *lines[first_table:]]))


def toml_table(draft: Draft, table: str, line: str) -> None:
    """Add `line` to the `[table]` of site.toml (appending the table if it is missing)."""
    source = text(draft, TOML)
    header = f"[{table}]"
    if header in source:
        put(draft, TOML, source.replace(header, f"{header}\n{line}", 1))
    else:
        put(draft, TOML, source.rstrip("\n") + f"\n\n{header}\n{line}\n")


def link(draft: Draft, path: str, target: str) -> None:
    """Make `path` a symlink to `target` (replacing a file of that name)."""
    draft.files.pop(path, None)
    draft.links[path] = target
