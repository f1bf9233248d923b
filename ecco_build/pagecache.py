"""Reuse article pages whose inputs have not changed since the last build.

An article's page is a function of its Markdown, its analysis results, its bibliography,
the files it links, the site's config, templates and static files, and this package's
code. The build records a fingerprint of those inputs per article in the output folder
(`.ecco-build-pages.json`); the next build copies an unchanged article's folder from the
previous site into the staging folder instead of rendering it again, so a prose edit
under `ecco-build serve` re-renders that article alone. The index, tag pages, feed and
sitemap are always rendered: they list every article and cost little.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecco_build import __version__
from ecco_build.config import SiteConfig
from ecco_build.contain import SiteFiles
from ecco_build.document.articles import Article
from ecco_build.plan import Job
from ecco_build.store import dumps

MANIFEST = ".ecco-build-pages.json"
FORMAT = 1


def site_fingerprint(config: SiteConfig, theme: Path) -> str:
    """Everything outside the articles that every page depends on. Files are identified by
    path, size and modification time (hashing the theme and package on every build would
    cost more than it saves)."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    digest.update(config.path.read_bytes())
    digest.update(f"{config.base_url}\0".encode())  # --base-url can differ from site.toml's
    files = SiteFiles.of(config)
    # The site's own folders as the build reads them (symbolic links followed inside the site).
    found = [real for name in ("templates", "static") for _, real in files.folder(name, "file")[0]]
    for folder in (theme / "templates", theme / "static", Path(__file__).parent):
        if folder.is_dir():
            found += [p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    for path in found:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def article_fingerprint(
    site: str,
    article: Article,
    jobs: list[Job],
    results: dict[str, dict[str, Any]],
    files: Sequence[Path],
    live_reload: bool,
) -> str:
    """`files`: what the page reads besides its Markdown (Collected.files: the bibliography,
    linked files, images, the hero)."""
    digest = hashlib.sha256(f"{site}\0{article.path}\0{article.slug}\0{live_reload}\0".encode())
    digest.update(article.text.encode())
    for job in jobs:
        digest.update(hashlib.sha256(dumps(results[job.key]).encode()).digest())
    for path in files:
        digest.update(str(path).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"missing"))
    return digest.hexdigest()


class PageCache:
    """The previous build's fingerprints (read from `previous`, the site being replaced) and
    this build's (written into the staging folder)."""

    def __init__(self, previous: Path, stage: Path) -> None:
        self.previous, self.stage = previous, stage
        self.old: dict[str, dict[str, Any]] = _entries(previous / MANIFEST)
        self.new: dict[str, dict[str, Any]] = {}

    def reuse(self, article: Article, fingerprint: str, jobs: list[Job]) -> bool:
        """Copy the article's previous output into the staging folder if it is still valid."""
        self.new[article.path] = {"fingerprint": fingerprint, "slug": article.slug}
        entry = self.old.get(article.path)
        folder = self.previous / article.slug
        embeds = self.previous / "embed" / article.slug  # its figures' embed pages (embeds.py)
        if not entry or entry["fingerprint"] != fingerprint or not _plain_tree(folder):
            return False
        if (embeds.is_symlink() or embeds.exists()) and not _plain_tree(embeds, index=None):
            return False
        shutil.copytree(folder, self.stage / article.slug, dirs_exist_ok=True)
        if embeds.is_dir():
            shutil.copytree(embeds, self.stage / "embed" / article.slug, dirs_exist_ok=True)
        for job in jobs:  # every figure's page form lives in data/, named by its job key
            stem = job.filename.removesuffix(".json")  # and its parts: <stem>.<part>.json
            for data in (self.previous / "data").glob(f"{glob.escape(stem)}*.json"):
                if (
                    data.is_file()
                    and not data.is_symlink()
                    and data.name.startswith((job.filename, f"{stem}."))
                ):
                    (self.stage / "data").mkdir(exist_ok=True)
                    shutil.copyfile(data, self.stage / "data" / data.name)
        return True

    def save(self) -> None:
        text = json.dumps({"format": FORMAT, "articles": self.new}, indent=1, sort_keys=True)
        (self.stage / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    """The usable entries of a manifest: {article path: {"fingerprint": str, "slug": str}}.
    Anything else (no file, not JSON, another format, an entry of the wrong shape) counts as
    absent, so a damaged or foreign manifest costs a full render, never a failed build."""
    try:
        if path.is_symlink() or not path.is_file():
            return {}  # we never write a link: this is not our manifest
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return {}
    articles = manifest.get("articles")
    if not isinstance(articles, dict):
        return {}
    return {
        key: entry
        for key, entry in articles.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("fingerprint"), str)
        and isinstance(entry.get("slug"), str)
    }


def _plain_tree(folder: Path, index: str | None = "index.html") -> bool:
    """True if `folder` is a page folder as a build writes it: an index.html (unless `index` is
    None), and only plain files and folders (a symbolic link there was put by someone else:
    render afresh)."""
    if folder.is_symlink() or not folder.is_dir() or (index and not (folder / index).is_file()):
        return False
    for parent, dirs, names in os.walk(folder):
        for name in [*dirs, *names]:
            path = Path(parent, name)
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                return False
    return True
