"""Build-side workloads: rebuilding the example site, a prose edit, a 200-article site, and
the weight of what a reader downloads. No model runs in any of them."""

from __future__ import annotations

import gzip
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent

SYNTHETIC = """---
title: Article {i}
description: A synthetic article, number {i}, with the usual furniture.
date: 2026-01-{day:02d}
tags: [{tag}, benchmark]
---
## Introduction

Transformers predict the next token[^note]. Here is inline math, $p(x_t \\mid x_{{<t}})$, and
a display formula:

$$\\mathrm{{softmax}}(z)_i = \\frac{{e^{{z_i}}}}{{\\sum_j e^{{z_j}}}}$$

```python
def area(width, height):
    return width * height  # article {i}
```

## Details

:::{{note}}
A callout with **bold** text and a [link](https://example.org).
:::

{paragraphs}

[^note]: A footnote shown in the margin.
"""


def median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up: imports, template compilation, the first build
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def copy_example_site(into: Path) -> Path:
    site = into / "examples"
    site.mkdir()
    for name in ("site.toml", "articles", "data"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, site / name)
    return site


def rebuild_example(repeats: int) -> dict:
    """All results present, nothing changed: no model, every page copied."""
    from ecco_build.build import build

    with tempfile.TemporaryDirectory() as tmp:
        site = copy_example_site(Path(tmp))
        results = []
        seconds = median_seconds(lambda: results.append(build(site)), repeats)
        last = results[-1]
        assert last.models_loaded == () and last.computed == 0, "the rebuild loaded a model"
        note = "no model; exports on, copied" if (site / "_site" / "exports").is_dir() else "no model"
        return {"ours_s": seconds, "target": "≤ 1 s, no model", "met": seconds <= 1.0, "note": note}


def prose_edit(repeats: int) -> dict:
    """One sentence added to one article of the example site, as `ecco-build serve` sees it."""
    from ecco_build.build import build

    with tempfile.TemporaryDirectory() as tmp:
        site = copy_example_site(Path(tmp))
        article = site / "articles" / "brackets.md"
        original = article.read_text()
        edits = iter(range(10**6))
        results = []

        def edit_and_build():
            article.write_text(original + f"\nOne more sentence ({next(edits)}).\n")
            results.append(build(site, live_reload=True))

        seconds = median_seconds(edit_and_build, repeats)
        last = results[-1]
        assert last.computed == 0 and last.rendered == 1, (last.computed, last.rendered)
        return {
            "ours_s": seconds,
            "target": "that article only",
            "met": last.rendered == 1,
            "note": f"{last.rendered} of {last.pages - 1} article pages rendered",
        }


def exports_from_scratch(repeats: int) -> dict:
    """Every export of the example site drawn from nothing (site.toml `exports`, on by default):
    the first build in a fresh process, so vl-convert's start and altair's import count; the
    note gives the median of later builds into an emptied folder (vl-convert already started)."""
    from ecco_build.build import build

    with tempfile.TemporaryDirectory() as tmp:
        site = copy_example_site(Path(tmp))
        out = Path(tmp) / "out"

        def fresh_build():
            shutil.rmtree(out, ignore_errors=True)
            return build(site, out=out)

        start = time.perf_counter()
        first = fresh_build()
        cold = time.perf_counter() - start
        manifest = json.loads((out / ".ecco-build-exports.json").read_text())
        files = sum(len(entry["paths"]) for entry in manifest["figures"].values())
        assert first.computed == 0, "the build computed a result"
        warm = median_seconds(fresh_build, max(1, repeats - 1))
        return {
            "ours_s": cold,
            "target": "≤ 10 s",
            "met": cold <= 10.0,
            "note": f"{len(manifest['figures'])} figures, {files} files; {warm:.1f} s warm",
        }


def synthetic_site(repeats: int, count: int = 200) -> dict:
    """A from-scratch build of `count` articles without analyses (no page reused)."""
    from ecco_build.build import build

    paragraph = (
        "Attention lets each position read from earlier ones; the residual stream carries what "
        "every layer writes. " * 6
    )
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "many"
        (site / "articles").mkdir(parents=True)
        (site / "site.toml").write_text('title = "Many articles"\n')
        for i in range(count):
            text = SYNTHETIC.format(
                i=i, day=1 + i % 28, tag=f"topic-{i % 10}", paragraphs="\n\n".join([paragraph] * 4)
            )
            (site / "articles" / f"a{i:03d}.md").write_text(text)
        results = []

        def fresh_build():
            shutil.rmtree(site / "_site", ignore_errors=True)
            results.append(build(site))

        seconds = median_seconds(fresh_build, repeats)
        assert results[-1].rendered == count
        return {
            "ours_s": seconds,
            "target": "≤ 5 s",
            "met": seconds <= 5.0,
            "note": f"{count} articles rendered from scratch",
        }


def sizes() -> list[dict]:
    """Bytes a reader downloads: the explorables' JS + CSS, and a 100-token saliency figure's JSON."""
    from ecco_build.render.theme import theme_dir

    static = theme_dir() / "static"
    explorable = [p for p in sorted(static.rglob("*")) if p.suffix in (".js", ".css") and p.is_file()]
    js_css = sum(p.stat().st_size for p in explorable)
    rows = [
        {
            "what": f"explorable JS + CSS ({len(explorable)} files)",
            "bytes": js_css,
            "gzip": sum(len(gzip.compress(p.read_bytes())) for p in explorable),
            "target": 60_000,
        }
    ]
    # The entry imports a kind's component when a figure of that kind is in the page: what a
    # page that pastes one figure downloads is the entry, that kind's module graph and the
    # scoped CSS (the attention figure adds its own sheet). The target applies to the heaviest.
    per_kind = {}
    compare = static / "js" / "components" / "ecco-compare.js"  # a comparison's frame, no kind's
    for component in sorted((static / "js" / "components").glob("ecco-*.js")):
        if component == compare:
            continue
        files = embed_files(static, component)
        per_kind[component.stem] = (
            sum(p.stat().st_size for p in files),
            sum(len(gzip.compress(p.read_bytes())) for p in files),
        )
    heaviest = max(per_kind, key=lambda name: per_kind[name][1])
    everything = embed_files(static, *sorted((static / "js" / "components").glob("ecco-*.js")))
    compared = embed_files(static, compare, static / "js" / "components" / f"{heaviest}.js")
    rows += [
        {
            "what": f"embed: ecco.js + <{heaviest}> + scoped CSS",
            "bytes": per_kind[heaviest][0],
            "gzip": per_kind[heaviest][1],
            "target": 70_000,
            "gzip_target": 25_000,
        },
        {
            # A comparison (:models:) downloads its frame too; measured, no separate target set.
            "what": f"  a comparison of <{heaviest}>: + <ecco-compare>",
            "bytes": sum(p.stat().st_size for p in compared),
            "gzip": sum(len(gzip.compress(p.read_bytes())) for p in compared),
            "target": None,
        },
        {
            "what": f"  one figure of every kind ({len(per_kind)})",
            "bytes": sum(p.stat().st_size for p in everything),
            "gzip": sum(len(gzip.compress(p.read_bytes())) for p in everything),
            "target": None,
        },
    ]
    page, stored = saliency_figure_json(100)
    for what, text, target in (
        ("saliency figure JSON in the page, 100 tokens", page, 40_000),
        ("  the same result in data/ (all arrays)", stored, None),
    ):
        rows.append(
            {
                "what": what,
                "bytes": len(text.encode()),
                "gzip": len(gzip.compress(text.encode())),
                "target": target,
            }
        )
    return rows + attention_sizes()


def attention_sizes(layers: int = 12, heads: int = 12, tokens: int = 128, spread: float = 2.0) -> list[dict]:
    """What a page loads for a layers × heads × tokens causal attention figure (issue 18 §5):
    before any interaction, its page form (tokens, thumbnails, head statistics) and the layer it
    opens with; in all, the page form and every layer's part. Synthetic weights: softmax rows of
    normal logits (standard deviation `spread`) over each query's keys, packed as
    ecco_build/analyses/attention.py packs a model's. Each file is gzipped on its own."""
    import numpy as np

    from ecco_build.analyses.attention import head_stats, pack_unit, thumbnails
    from ecco_build.kinds.attention import KIND
    from ecco_build.store import dumps

    logits = np.random.default_rng(18).normal(0, spread, (layers, heads, tokens, tokens))
    logits[..., np.triu_indices(tokens, 1)[0], np.triu_indices(tokens, 1)[1]] = -np.inf
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    words = [{"id": i, "text": f" w{i}", "space": True} for i in range(tokens)]
    result = {
        "prompt_length": tokens,
        "tokens": words,
        "special": [],
        "causal": True,
        "layers": layers,
        "heads": heads,
        "kv_heads": heads,
        "weights": pack_unit(weights, True),
        "thumbnails": thumbnails(weights),
        "head_stats": head_stats(weights, words, []),
    }
    data = {"kind": "attention", "version": KIND.version, "options": {}, "result": result}
    page = dumps(KIND.page_form(data)).encode()
    parts = [dumps(part).encode() for part in KIND.parts(data).values()]
    shape = f"{layers}×{heads}×{tokens}"
    rows = []
    for what, files, target in (
        (f"attention {shape}: page form + first layer", [page, parts[0]], 250_000),
        (f"attention {shape}: page form + all {layers} layers", [page, *parts], 1_500_000),
    ):
        size = sum(len(gzip.compress(f)) for f in files)
        rows.append(
            {"what": what, "bytes": sum(map(len, files)), "gzip": size, "target": None, "gzip_target": target}
        )
    return rows


def embed_files(static: Path, *components: Path) -> list[Path]:
    """What a page that pastes web components of the given kinds downloads: static/js/ecco.js,
    each component and every module it imports (followed through the import statements), and the
    scoped stylesheets. Each file travels gzipped on its own, so the gzip column sums the files'
    gzipped sizes."""
    import re

    found, todo = [], [static / "js" / "ecco.js", *components]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.append(path)
        for source in re.findall(
            r'^(?:import|export)\s(?:[^;"]*?\s?from\s*)?"(\.[^"]+)";', path.read_text(), re.M
        ):
            todo.append((path.parent / source).resolve())
    sheets = [static / "css" / "ecco-embed.css"]
    if any(c.stem == "ecco-attention" for c in components):
        sheets.append(static / "css" / "ecco-embed-attention.css")
    return found + sheets


def saliency_figure_json(tokens: int) -> tuple[str, str]:
    """The JSON a page carries for a saliency figure over `tokens` tokens: a prompt of half
    of them and a given continuation of the other half, default method (integrated gradients).
    Returns (the page's JSON, the data folder's JSON)."""
    from ecco_build.config import ModelConfig
    from ecco_build.kinds.registry import KINDS
    from ecco_build.models import loader
    from ecco_build.run import compute_job
    from ecco_build.store import dumps

    ref = loader.resolve("demo", ModelConfig(source="builtin:demo"), ROOT)
    lm = loader.load(ref, "cpu")
    source = (ROOT / "ecco_build" / "cli.py").read_text()
    ids = lm.tokenizer(source)["input_ids"][:tokens]
    half = tokens // 2
    options = {o.name: o.default for o in KINDS["saliency"].options}
    options.update(
        prompt=lm.tokenizer.decode(ids[:half]), target=lm.tokenizer.decode(ids[half:]), model="demo"
    )
    # compute_job wraps the result as the data store and the page carry it
    job = SimpleNamespace(
        kind="saliency",
        key="0" * 64,
        identity={
            "model": {
                "name": "builtin:demo",
                "revision": "",
                "fingerprint": lm.fingerprint,
                "dtype": "float32",
            }
        },
        model=SimpleNamespace(alias="demo"),
        options=options,
    )
    data = compute_job(job, lm, "benchmark")
    total = len(data["result"]["tokens"])
    assert abs(total - tokens) <= 2, total  # re-tokenising the decoded halves may merge a piece
    return dumps(KINDS[data["kind"]].page_form(data)), dumps(data)


def print_sizes(rows: list[dict]) -> None:
    print(f"\n{'page weight':<48} {'bytes':>8} {'gzip':>8} {'target (gzip)':>17}  met")
    for r in rows:
        target, met = ("–", "")
        if r["target"] is not None or r.get("gzip_target"):
            gzip_target = r.get("gzip_target")
            target = (f"{r['target']:,d}" if r["target"] else "–") + (
                f" ({gzip_target:,d})" if gzip_target else ""
            )
            ok = (r["target"] is None or r["bytes"] <= r["target"]) and (
                gzip_target is None or r["gzip"] <= gzip_target
            )
            met = "yes" if ok else "no"
        print(f"{r['what']:<48} {r['bytes']:8,d} {r['gzip']:8,d} {target:>17}  {met}")


if __name__ == "__main__":
    print(json.dumps(sizes(), indent=1))
