"""Each figure's exports, drawn at build time with no browser (site.toml `exports`, on by
default): a static SVG and a 2x PNG in the light and dark themes, and for chart-like kinds the
Vega-Lite spec they were drawn from (figure_files.py names the files).

A kind draws its export through its hooks (kinds/kind.py `chart` or `draw_svg`); here the
charts are rendered with vl-convert (started once per process, on the first drawing) and every
SVG becomes a PNG. Exports are reused like pages: `.ecco-build-exports.json` records a key per
figure (its kind, result, caption, number, model, the themes and the drawing code), and an
unchanged figure's files are copied from the previous site instead of drawn. altair and
vl_convert are imported only when something is drawn.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecco_build import __version__
from ecco_build.document.articles import Article
from ecco_build.errors import EccoBuildError, clip
from ecco_build.kinds.exporting import THEMES, ExportMeta
from ecco_build.kinds.registry import KINDS
from ecco_build.render.figure_files import FigureFiles, export_ids
from ecco_build.render.figures import plain_text
from ecco_build.store import dumps

MANIFEST = ".ecco-build-exports.json"
FORMAT = 1
WORKERS = 2  # vl-convert renders on its own thread; two overlap Python's share of the work
_CODE = [Path(__file__), *sorted((Path(__file__).parents[1] / "kinds").glob("*.py"))]


@dataclass(frozen=True)
class ExportJob:
    files: FigureFiles
    data: dict[str, Any]  # the figure's stored record
    meta: ExportMeta

    @property
    def name(self) -> str:
        return f"{self.files.slug}/{self.files.figure_id}"

    def paths(self) -> list[str]:
        chart = [self.files.chart_spec] if KINDS[self.data["kind"]].chart else []
        return [p for theme in THEMES for p in (self.files.svg(theme), self.files.png(theme))] + chart

    def key(self, code: str) -> str:
        kind = KINDS[self.data["kind"]]
        digest = hashlib.sha256(f"{code}\0{kind.name}\0{kind.version}\0{self.meta!r}\0".encode())
        digest.update(dumps(kind.page_form(self.data)).encode())
        return digest.hexdigest()


def export_job(slug: str, figure_id: str, number: int, caption_html: str, data: dict[str, Any]) -> ExportJob:
    model = data.get("model") or {}
    alias, name = model.get("alias", ""), model.get("name", "")
    credit = " · ".join(dict.fromkeys(part for part in (alias, name) if part)) or "a model"
    return ExportJob(FigureFiles(slug, figure_id), data, ExportMeta(number, excerpt(caption_html), credit))


def excerpt(html: str, limit: int = 160) -> str:
    """The plain text of a rendered caption, whitespace collapsed, cut at a word to `limit`."""
    text = plain_text(html)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def code_fingerprint() -> str:
    """The drawing code and the themes, by path, size and modification time (like pagecache)."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{THEMES!r}\0".encode())
    for path in _CODE:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


_IDS = re.compile(r"\b(gradient|clip|pattern|marker)_?(\d+)\b")


def stable_ids(svg: str) -> str:
    """vega numbers gradients and clip paths with a counter that runs across renders in one
    process; renumber them from 0 in order of appearance, so one spec always gives one SVG."""
    seen: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        return seen.setdefault(match.group(0), f"{match.group(1)}_{len(seen)}")

    return _IDS.sub(renumber, svg)


def spec_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec drawn as SVG by vl-convert (its ids made stable)."""
    import vl_convert

    return stable_ids(vl_convert.vegalite_to_svg(spec))


def draw(job: ExportJob, theme: str) -> dict[str, bytes]:
    """One theme's files of a figure: {site path: bytes}."""
    import vl_convert

    kind = KINDS[job.data["kind"]]
    try:
        if kind.chart is not None:
            spec = kind.chart(job.data, job.meta, THEMES[theme])
            svg = spec_svg(spec)
        else:
            spec, svg = None, kind.draw_svg(job.data, job.meta, THEMES[theme])  # type: ignore[misc]
        png = vl_convert.svg_to_png(svg, scale=2)
    except Exception as exc:  # a result the drawing code cannot handle is a bug, said plainly
        raise EccoBuildError(
            f"figure {job.name} ({kind.name}): drawing its {theme} export failed: "
            f"{clip(str(exc) or type(exc).__name__)}; this is a bug in ecco-build: report it, and set "
            "exports = false in site.toml to build without exports meanwhile"
        ) from None
    files = {job.files.svg(theme): svg.encode(), job.files.png(theme): png}
    if spec is not None and theme == "light":  # the light spec; a writer restyles it
        files[job.files.chart_spec] = (json.dumps(spec, indent=1, ensure_ascii=False) + "\n").encode()
    return files


class Exports:
    """This build's exports: drawn, or copied from `previous` (the site being replaced)."""

    def __init__(self, previous: Path, stage: Path) -> None:
        self.previous, self.stage = previous, stage
        self.old = _entries(previous / MANIFEST)
        self.new: dict[str, str] = {}
        self.code = code_fingerprint()
        self.drawn = 0

    def keep(self, article: Article) -> bool:
        """For an article whose page was reused: copy its figures' exports; False if the
        previous site lacks one (render the article again, which redraws what is missing)."""
        names = [
            f"{article.slug}/{name}"
            for f in article.figures.values()
            if f.directive is not None
            for name in export_ids(f.id, f.directive.options.get("models") or [])
        ]
        if not all(name in self.old and self._present(self.old[name]["paths"]) for name in names):
            return False
        for name in names:
            self._copy(self.old[name]["paths"])
            self.new[name] = self.old[name]
        return True

    def run(self, jobs: list[ExportJob]) -> None:
        """Every figure's exports into the staging folder: copied when unchanged, else drawn."""
        todo = []
        for job in jobs:
            key, old = job.key(self.code), self.old.get(job.name)
            self.new[job.name] = {"key": key, "paths": job.paths()}
            if old and old["key"] == key and old["paths"] == job.paths() and self._present(old["paths"]):
                self._copy(old["paths"])
            else:
                todo.append(job)
        tasks = [(job, theme) for job in todo for theme in THEMES]
        if not tasks:
            return
        with ThreadPoolExecutor(WORKERS) as pool:
            for files in pool.map(lambda task: draw(*task), tasks):
                for path, content in files.items():
                    target = self.stage / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
        self.drawn = len(todo)

    def save(self) -> None:
        text = json.dumps({"format": FORMAT, "figures": self.new}, indent=1, sort_keys=True)
        (self.stage / MANIFEST).write_text(text + "\n", encoding="utf-8")

    def _present(self, paths: list[str]) -> bool:
        return all((self.previous / p).is_file() and not (self.previous / p).is_symlink() for p in paths)

    def _copy(self, paths: list[str]) -> None:
        for path in paths:
            (self.stage / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.previous / path, self.stage / path)


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    """The usable entries of a previous manifest ({figure: {"key", "paths"}}); anything damaged
    or foreign counts as absent (a full redraw, never a failed build)."""
    try:
        if path.is_symlink() or not path.is_file():
            return {}
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    figures = (
        manifest.get("figures") if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None
    )
    if not isinstance(figures, dict):
        return {}
    return {
        name: entry
        for name, entry in figures.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and isinstance(entry.get("paths"), list)
        and all(
            isinstance(p, str) and p.startswith("exports/") and ".." not in p.split("/")
            for p in entry["paths"]
        )
    }
