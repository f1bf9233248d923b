"""The `ecco-build` command. Imports are lazy: torch is loaded only when a model runs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from ecco_build import __version__

SITE_DIR = click.argument(
    "site_dir", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)


class CleanErrors(click.Group):
    """Print EccoBuildError messages without a traceback and exit 1; bugs keep theirs."""

    def invoke(self, ctx: click.Context):
        from ecco_build.errors import EccoBuildError

        try:
            return super().invoke(ctx)
        except EccoBuildError as exc:
            click.secho("error: ", fg="red", bold=True, err=True, nl=False)
            click.echo(str(exc), err=True)
            sys.exit(1)


@click.group(cls=CleanErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ecco-build")
@click.option("-v", "--verbose", is_flag=True, help="Show progress and debug messages.")
def main(verbose: bool) -> None:
    """Build static interactive articles that explain transformer language models.

    Write Markdown in articles/, add analysis directives such as :::{generate},
    then run `ecco-build build`. Start a new site with `ecco-build new DIR`.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s: %(message)s" if verbose else "%(message)s",
    )
    if not verbose:
        for noisy in ("transformers", "httpx", "huggingface_hub", "urllib3"):
            logging.getLogger(noisy).setLevel(logging.ERROR)


@main.command()
@SITE_DIR
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: out_dir in site.toml, _site).",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    help="Where to compute missing results (default: site.toml, auto).",
)
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. stale data files) as errors.")
@click.option("--recompute", is_flag=True, help="Recompute every result even if it is in the data folder.")
@click.option(
    "--base-url",
    envvar="ECCO_BUILD_BASE_URL",
    help="The address the site is published at (replaces base_url in site.toml); a Pages "
    "workflow passes the URL GitHub reports. Also read from ECCO_BUILD_BASE_URL.",
)
@click.option(
    "--relock",
    is_flag=True,
    help="Use the models as they are now: results whose model changed since data/models.lock "
    "was written are recomputed, and the lock is rewritten.",
)
@click.option(
    "--shard",
    metavar="I/N",
    help="Compute only share I of N of the missing results (chosen by job key) into the data "
    "folder, and render nothing: run 1/N … N/N on N machines, copy their data folders together, "
    "then run build without --shard to render.",
)
def build(
    site_dir: Path,
    out: Path | None,
    device: str | None,
    strict: bool,
    recompute: bool,
    base_url: str | None,
    relock: bool,
    shard: str | None,
) -> None:
    """Build the site in SITE_DIR (default: the current folder).

    Results already in the data folder are reused; missing ones are computed with the
    model (which is loaded once). The output replaces the previous site only if the
    whole build succeeds.
    """
    from ecco_build.build import build as run_build

    if shard is not None:
        build_shard(site_dir, shard, out, device, recompute, relock)
        return

    result = run_build(
        site_dir, out=out, device=device, strict=strict, recompute=recompute, base_url=base_url, relock=relock
    )
    models = f", loaded {', '.join(result.models_loaded)}" if result.models_loaded else ", loaded no model"
    click.echo(
        f"built {result.pages} pages into {result.out} in {result.seconds:.1f} s "
        f"({result.reused} results reused, {result.computed} computed{models}; {result.pages_note})"
    )


def build_shard(
    site_dir: Path, text: str, out: Path | None, device: str | None, recompute: bool, relock: bool
) -> None:
    """`build --shard I/N`: this machine's share of the missing results, into the data folder."""
    from ecco_build.build import build_shard as run_shard
    from ecco_build.errors import EccoBuildError
    from ecco_build.shard import parse_shard

    shard = parse_shard(text)
    if out is not None:
        raise EccoBuildError(
            "--shard writes the data folder only and renders no pages, so --out has nothing to do; "
            "pass --out to the final build (without --shard) instead"
        )
    result = run_shard(site_dir, shard, device=device, recompute=recompute, relock=relock)
    models = f"loaded {', '.join(result.models_loaded)}" if result.models_loaded else "loaded no model"
    click.echo(
        f"shard {result.shard}: {result.jobs} of {result.total} results are this shard's "
        f"({result.reused} reused, {result.computed} computed, {models}) in {result.seconds:.1f} s; "
        "nothing rendered: copy the shards' data folders together, then run ecco-build build"
    )


@main.command()
@SITE_DIR
def check(site_dir: Path) -> None:
    """Validate site.toml, every article and every directive; load no model."""
    from ecco_build.build import check as run_check

    _, articles, directives, warnings = run_check(site_dir)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"ok: {articles} article(s), {directives} directive(s)")


@main.command()
@SITE_DIR
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port on 127.0.0.1."
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), help="Where to compute missing results."
)
def serve(site_dir: Path, port: int, device: str | None) -> None:
    """Preview the site on http://127.0.0.1:PORT, rebuilding and reloading on change.

    Results are reused from the data folder, so editing prose never reruns a model. The port
    is taken before the first build: a port in use is an error at once.
    """
    from ecco_build.serve import serve as run_serve

    run_serve(site_dir, port=port, device=device)


@main.command()
@click.argument("article")
@SITE_DIR
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The file to write (or a folder to write NAME.html into; default: NAME.html here).",
)
@click.option("--force", is_flag=True, help="Replace an existing file that ecco-build did not write.")
def export(article: str, site_dir: Path, output: Path | None, force: bool) -> None:
    """Write ARTICLE as one self-contained HTML file that works opened from disk.

    ARTICLE is the article's path (articles/x.md) or its name (x). CSS, scripts, figure data
    and images are inlined, like pandoc's --embed-resources or Quarto's embed-resources: true.
    Only stored results are used (run `ecco-build build` first); no model is loaded.
    """
    from ecco_build.export import export as run_export

    result = run_export(site_dir, article, out=output, force=force)
    click.echo(f"wrote {result.path} ({result.size / 2**20:.1f} MB)")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Create a new site in DIRECTORY with an example article that builds as it is."""
    from ecco_build.scaffold import scaffold

    scaffold(directory)
    click.echo(
        f"created {directory} (a site, its README and a GitHub Pages workflow); next:\n"
        f"  cd {directory} && ecco-build build    # computes with the demo model: needs ecco-build[compute]\n"
        "  then commit articles/ data/ site.toml and push; the site's README.md says how to publish"
    )


@main.command()
@click.argument("kind", required=False)
def kinds(kind: str | None) -> None:
    """List directive kinds with their options, types, defaults and docs."""
    from ecco_build.errors import EccoBuildError, did_you_mean
    from ecco_build.kinds.registry import KINDS

    if kind and kind not in KINDS:
        raise EccoBuildError(f'unknown kind "{kind}"; {did_you_mean(kind, KINDS)}')
    click.echo(kinds_text([KINDS[kind]] if kind else list(KINDS.values())), nl=False)


def kinds_text(selected) -> str:
    lines = []
    for entry in selected:
        lines.append(f"{entry.name}  (<{entry.element}>, version {entry.version})")
        lines.append(f"    {entry.doc}")
        for option in entry.options:
            default = "required" if option.required else f"default {option.default!r}"
            lines.append(f"    :{option.name}: {option.type_name}  [{default}]")
            lines.append(f"        {option.doc}")
        lines.append("")
    return "\n".join(lines)
