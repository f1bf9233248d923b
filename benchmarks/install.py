"""What publishing costs a CI runner: the render-only install (`pip install ecco-build`) and a
from-data build of the example site, side by side in one run with the install that computing
needs (the CPU torch wheel, then `ecco-build[examples]`), each in a fresh virtualenv with pip's
cache off, as on a fresh GitHub runner.

    python -m benchmarks.install            # prints a table: seconds, installed size, ratios

On this project's machines the torch wheel comes from local disk, so the install time of the
compute row is a lower bound; the installed size is what a runner downloads and unpacks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH = "torch==2.13.0"


def wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(folder)], check=True
    )
    return next(folder.glob("ecco_build-*.whl"))


def example_site(folder: Path) -> Path:
    """The example site as committed (its sources, results and model lock)."""
    site = folder / "site"
    for name in ("site.toml", "articles", "data", "bibliography.bib"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        elif source.is_file():
            site.mkdir(exist_ok=True)
            shutil.copy2(source, site / name)
    return site


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def timed(commands: list[list[str]], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(name: str, installs: list[list[str]], work: Path, site: Path) -> dict:
    venv = work / name
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "PIP_NO_CACHE_DIR": "1"}
    env.pop("PYTHONPATH", None)
    install = timed(installs, env, work)
    out = work / f"out-{name}"
    build = timed(
        [["ecco-build", "check", str(site)], ["ecco-build", "build", str(site), "--out", str(out)]], env, work
    )
    return {"name": name, "install": install, "build": build, "size": size_mb(venv)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        built = wheel(work / "dist")
        site = example_site(work)
        rows = [
            measure("render-only", [["pip", "install", "-q", str(built)]], work, site),
            measure(
                "compute",
                [["pip", "install", "-q", TORCH], ["pip", "install", "-q", f"{built}[examples]"]],
                work,
                site,
            ),
        ]
    base = rows[0]
    print(
        f"{'CI install + check + build':<28} {'install s':>10} {'build s':>8} {'total s':>8} {'venv MB':>8}"
    )
    for r in rows:
        total = r["install"] + r["build"]
        print(f"{r['name']:<28} {r['install']:10.1f} {r['build']:8.1f} {total:8.1f} {r['size']:8.0f}")
    compute = rows[1]
    print(
        f"{'compute / render-only':<28} {compute['install'] / base['install']:9.1f}x "
        f"{compute['build'] / base['build']:7.1f}x "
        f"{(compute['install'] + compute['build']) / (base['install'] + base['build']):7.1f}x "
        f"{compute['size'] / base['size']:7.1f}x"
    )


if __name__ == "__main__":
    main()
