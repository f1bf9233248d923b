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

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from ecco_build import __version__, links
from ecco_build.articles import Article
from ecco_build.config import SiteConfig
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
    package = Path(__file__).parent
    folders = [config.root / "templates", config.root / "static", theme / "templates", theme / "static"]
    for folder in [*folders, package]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def article_fingerprint(
    site: str,
    article: Article,
    jobs: list[Job],
    results: dict[str, dict[str, Any]],
    bibliography: Path | None,
    live_reload: bool,
) -> str:
    digest = hashlib.sha256(f"{site}\0{article.path}\0{article.slug}\0{live_reload}\0".encode())
    digest.update(article.text.encode())
    for job in jobs:
        digest.update(hashlib.sha256(dumps(results[job.key]).encode()).digest())
    for path in [*([bibliography] if bibliography else []), *links.local_files(article)]:
        digest.update(str(path).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"missing"))
    return digest.hexdigest()


class PageCache:
    """The previous build's fingerprints (read from `previous`, the site being replaced) and
    this build's (written into the staging folder)."""

    def __init__(self, previous: Path, stage: Path) -> None:
        self.previous, self.stage = previous, stage
        self.old: dict[str, dict[str, Any]] = {}
        self.new: dict[str, dict[str, Any]] = {}
        try:
            manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("format") == FORMAT:
                self.old = manifest["articles"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no previous site, or not one we wrote: render everything

    def reuse(self, article: Article, fingerprint: str, jobs: list[Job]) -> bool:
        """Copy the article's previous output into the staging folder if it is still valid."""
        self.new[article.path] = {"fingerprint": fingerprint, "slug": article.slug}
        entry = self.old.get(article.path)
        folder = self.previous / article.slug
        if not entry or entry.get("fingerprint") != fingerprint or not (folder / "index.html").is_file():
            return False
        shutil.copytree(folder, self.stage / article.slug, dirs_exist_ok=True)
        for job in jobs:  # results too large to inline live in data/, named by their job key
            data = self.previous / "data" / job.filename
            if data.is_file():
                (self.stage / "data").mkdir(exist_ok=True)
                shutil.copyfile(data, self.stage / "data" / job.filename)
        return True

    def save(self) -> None:
        text = json.dumps({"format": FORMAT, "articles": self.new}, indent=1, sort_keys=True)
        (self.stage / MANIFEST).write_text(text + "\n", encoding="utf-8")
