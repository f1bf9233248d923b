"""Side-by-side benchmark: ecco-build's analyses vs the per-target / per-position loops that
Ecco and inseq use, on random-weight models of real shapes. Prints one table.

    python -m benchmarks.run                 # CPU workloads (GPT-2-small shape, 30 + 20 tokens)
    python -m benchmarks.run --only lens     # one workload
    python -m benchmarks.run --device cuda --prompt 256 --output 50   # on a GPU
    python -m benchmarks.run --only in-memory offloaded   # peak memory, whole vs offloaded

Each workload runs in a fresh process (so peak RSS is its own): one warm-up, then the median of
--repeats timed runs for ours and for the baseline, measured in the same process and run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    name: str
    layers: int
    width: int
    heads: int
    vocab: int = 50257


SHAPES = {
    "gpt2-small": Shape("gpt2-small", 12, 768, 12),
    "distilgpt2": Shape("distilgpt2", 6, 768, 12),
    "gpt2-xl": Shape("gpt2-xl", 48, 1600, 25),
}


def make_model(shape: Shape, device: str):
    """A random GPT-2 of the given shape, wrapped with the demo tokenizer (its ids fit any vocab)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from ecco_build.models import loader

    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=shape.vocab, n_positions=1024, n_embd=shape.width, n_layer=shape.layers, n_head=shape.heads
    )
    model = GPT2LMHeadModel(config).to(device).eval()
    ref = loader.resolve(
        "demo", __import__("ecco_build.config").config.ModelConfig(source="builtin:demo"), "."
    )
    tokenizer = loader.load_tokenizer(ref)
    return loader.LoadedModel(ref, model, tokenizer, device, "float32", "random")


def texts(lm, prompt_tokens: int, output_tokens: int) -> tuple[list[int], int]:
    """Fixed token ids: prompt + output, from a repeated Python snippet."""
    source = "def area(width, height):\n    return (width * height) + [x for x in range(10)]\n" * 40
    ids = lm.tokenizer(source)["input_ids"]
    return ids[: prompt_tokens + output_tokens], prompt_tokens


def timed(fn, repeats: int, warmup=None, tf32: bool = False) -> tuple[float, object]:
    """Median seconds of `repeats` runs after one warm-up run (of `warmup`, a cheaper call of the
    same code, when the full run is too slow to repeat). `tf32`: TensorFloat-32 matrix products
    on CUDA during these runs (what a model's `tf32 = true` does in a build)."""
    import torch

    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    try:
        (warmup or fn)()
        times, result = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            result = fn()
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before
    return statistics.median(times), result


def matmul_rate(device: str) -> float:
    """Measured fp32 matmul FLOP/s on this device (the arithmetic floor's denominator)."""
    import torch

    n = 2048
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    best = float("inf")
    for _ in range(8):  # the best of several: the rate the hardware sustains, not a cold start
        start = time.perf_counter()
        a @ b
        if device == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best


# Greedy continuation with the top-10 candidates per step, as a `generate` directive stores it.
GENERATE = {"do_sample": False, "seed": 0, "stop_at_eos": False, "candidates": 10}


def options_of(kind: str, **changes):
    """The kind's Options record, as the analyses take it: its defaults, then `changes`."""
    from ecco_build.kinds.registry import KINDS

    return KINDS[kind].record_of(KINDS[kind].defaults(**changes))


def ours_generate(lm, prompt_ids: list[int], count: int):
    """Our continuation as a `generate` directive runs it: greedy, `count` tokens."""
    from ecco_build.analyses.sequence import generate_steps

    options = options_of("generate", **GENERATE, max_new_tokens=count)
    return generate_steps(lm, prompt_ids, options, candidates=options.candidates)


def hf_generate(lm, prompt_ids: list[int], count: int):
    """The baseline continuation: transformers' own generate(), greedy, exactly `count` tokens."""
    import torch

    prompt = torch.tensor([prompt_ids], device=lm.device)
    return lm.model.generate(
        prompt,
        max_new_tokens=count,
        min_new_tokens=count,
        do_sample=False,
        attention_mask=torch.ones_like(prompt),
        pad_token_id=0,
    )


def workload(name: str, args: dict) -> dict:
    import torch

    from benchmarks import baselines
    from ecco_build.analyses import factors, layer_predictions, rankings, saliency

    torch.set_grad_enabled(True)
    device = args["device"]
    lm = make_model(SHAPES[args["shape"]], device)
    ids, prompt = texts(lm, args["prompt"], args["output"])
    n, T = len(ids) - prompt, len(ids)
    params = sum(p.numel() for p in lm.model.transformer.h.parameters())
    forward = 2 * params * T  # FLOPs of one forward over the sequence, without the unembedding
    unembed = 2 * lm.model.config.n_embd * lm.model.config.vocab_size
    # The attribution floor per IG step (or G×I pass): one forward over the text and the target
    # rows' unembedding, one backward through the head for all targets, and per target one
    # backward over the positions up to it (an input-gradient backward costs about a forward;
    # a causal model's gradient after the target is zero, so no method needs those positions).
    prefix_rows = sum(range(prompt, T))  # target at position t is predicted by row t − 1: t rows
    attribution = forward + 2 * n * unembed + 2 * params * prefix_rows
    repeats = args["repeats"]
    tf32 = args.get("tf32", False)  # ours only: the baselines run as Ecco does, in full float32
    row: dict = {"workload": name}
    args.setdefault("ig_repeats", repeats)

    def ours_saliency(method, **extra):
        opts = options_of("saliency", method=[method], **extra)
        return saliency.attribute(lm, ids, prompt, opts)[method]

    short = ids[: prompt + 2]  # warm-up input: same code, two targets

    if name == "integrated-gradients":
        # One Captum baseline, compared with our fixed-step and adaptive runs.
        fixed = {"n_steps": 50, "tolerance": 0.0}
        adaptive = {"n_steps": 8, "tolerance": 0.01}
        base_t, (_, base_deltas) = timed(
            lambda: baselines.captum_per_target(lm, ids, prompt, "integrated_gradients"),
            args["ig_repeats"],
            warmup=lambda: baselines.captum_per_target(lm, short, prompt, "integrated_gradients"),
        )
        rows = []
        for label, extra in (("IG, 50 steps", fixed), ("IG, adaptive", adaptive)):
            ours_t, ours = timed(
                lambda extra=extra: ours_saliency("integrated_gradients", **extra),
                args["ig_repeats"],
                warmup=lambda extra=extra: saliency.attribute(
                    lm, short, prompt, options_of("saliency", method=["integrated_gradients"], **extra)
                ),
                tf32=tf32,
            )
            # Input gradients only (no weight gradients): each backward costs about one forward.
            flops = ours["n_steps"] * attribution
            rows.append(
                finish(
                    {
                        "workload": label,
                        "ours_delta": ours["worst_relative_delta"],
                        "base_delta": max(base_deltas),
                        "steps": ours["n_steps"],
                    },
                    ours_t,
                    base_t,
                    flops,
                    device,
                )
            )
        return rows
    if name == "gradient-x-input":
        ours_t, _ = timed(lambda: ours_saliency("gradient_x_input"), repeats, tf32=tf32)
        base_t, _ = timed(lambda: baselines.captum_per_target(lm, ids, prompt, "gradient_x_input"), repeats)
        flops = attribution
    elif name == "lens":
        target = lm.tokenizer.decode(ids[prompt:])
        prompt_text = lm.tokenizer.decode(ids[:prompt])
        lens_opts = options_of("rankings", prompt=prompt_text, target=target)
        lp_opts = options_of("layer-predictions", prompt=prompt_text, target=target)

        def ours_lens():
            lm.memo.clear()  # no residual stream carried over from the previous timed run
            rankings.compute(lm, lens_opts)
            return layer_predictions.compute(lm, lp_opts)

        ours_t, _ = timed(ours_lens, repeats, tf32=tf32)
        base_t, _ = timed(lambda: baselines.lens_per_position(lm, ids, prompt), repeats)
        flops = forward + (lm.model.config.n_layer + 1) * (n + 1) * unembed  # one shared forward
    elif name == "factors":
        opts = options_of("factors", prompt="x")
        acts = torch.rand(12, 3072, 500).numpy()  # 12 layers × 3,072 neurons × 500 positions
        ours_t, _ = timed(lambda: factors.factor_block(acts, list(range(12)), opts), repeats)
        base_t, flops = None, None
    elif name == "generate":
        ours_t, _ = timed(lambda: ours_generate(lm, ids[:prompt], n), repeats)
        base_t, _ = timed(lambda: hf_generate(lm, ids[:prompt], n), repeats)
        flops = None
    elif name == "article":
        # One text, every analysis an article shows: the continuation, saliency with integrated
        # gradients (directive defaults: 50 steps, more only if the delta exceeds 1%) and
        # gradient × input, rankings + layer predictions, and factors of all 12 layers.
        # The factors step is the same code on both sides (Ecco also hooks the MLP and runs NMF).
        sal_opts = options_of("saliency", method=["integrated_gradients", "gradient_x_input"])
        prompt_text, target = lm.tokenizer.decode(ids[:prompt]), lm.tokenizer.decode(ids[prompt:])
        lens_opts = options_of("rankings", prompt=prompt_text, target=target)
        lp_opts = options_of("layer-predictions", prompt=prompt_text, target=target)
        fac_opts = options_of("factors", prompt=prompt_text + target)

        def ours_article(text_ids=ids):
            lm.memo.clear()
            ours_generate(lm, text_ids[:prompt], len(text_ids) - prompt)
            result = saliency.attribute(lm, text_ids, prompt, sal_opts)
            rankings.compute(lm, lens_opts)
            layer_predictions.compute(lm, lp_opts)
            factors.compute(lm, fac_opts)
            return result

        def base_article(text_ids=ids):
            hf_generate(lm, text_ids[:prompt], len(text_ids) - prompt)
            _, deltas = baselines.captum_per_target(lm, text_ids, prompt, "integrated_gradients")
            baselines.captum_per_target(lm, text_ids, prompt, "gradient_x_input")
            baselines.lens_per_position(lm, text_ids, prompt)
            factors.compute(lm, fac_opts)
            return deltas

        ours_t, ours = timed(ours_article, args["ig_repeats"], warmup=lambda: ours_article(short), tf32=tf32)
        base_t, deltas = timed(base_article, args["ig_repeats"], warmup=lambda: base_article(short))
        ig = ours["integrated_gradients"]
        row.update(ours_delta=ig["worst_relative_delta"], base_delta=max(deltas), steps=ig["n_steps"])
        flops = None
    else:
        raise ValueError(name)
    return [finish(row, ours_t, base_t, flops, device)]


def finish(row: dict, ours_t: float, base_t: float | None, flops: float | None, device: str) -> dict:
    import torch

    row.update(
        ours_s=ours_t,
        base_s=base_t,
        ratio=(base_t / ours_t) if base_t else None,
        rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    if device == "cuda":
        row["cuda_gb"] = torch.cuda.max_memory_allocated() / 2**30
    if flops:
        row["floor_s"] = flops / matmul_rate(device)
        row["over_floor"] = ours_t / row["floor_s"]
    return row


def saved_model(shape_name: str) -> str:
    """The random model of `shape_name` saved as a model folder (safetensors and the demo
    tokenizer), made once in a temporary folder; the offload rows load it from there."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / f"ecco-bench-{shape_name}"
    if not (folder / "model.safetensors").is_file():
        lm = make_model(SHAPES[shape_name], "cpu")
        lm.model.save_pretrained(folder)
        lm.tokenizer.save_pretrained(folder)
    return str(folder)


def offload_workload(name: str, args: dict) -> list[dict]:
    """Gradient × input and the lens (rankings) with the model loaded whole ("in-memory") or
    split by accelerate ("offloaded": max_memory of a quarter of the weights for the CPU, and on
    a GPU for GPU 0, the rest on disk), each in its own process: the peak RSS (and the CUDA
    peak on a GPU) of the whole process, loading included, side by side."""
    from pathlib import Path

    from ecco_build.analyses import rankings, saliency
    from ecco_build.models import loader
    from ecco_build.models.placement import Placement

    device, folder = args["device"], Path(args["model_folder"])
    weights = sum(p.stat().st_size for p in folder.glob("*.safetensors"))
    where = None
    if name == "offloaded":
        budget = {"cpu": weights // 4} if device == "cpu" else {0: weights // 4, "cpu": weights // 4}
        where = Placement("auto", tuple(budget.items()), folder.parent / f"{folder.name}-offload")
    lm = loader.load(
        loader.ModelRef("bench", str(folder), folder, None, "", "float32", placement=where), device
    )
    ids, prompt = texts(lm, args["prompt"], args["output"])
    sal_opts = options_of("saliency", method=["gradient_x_input"])
    prompt_text, target = lm.tokenizer.decode(ids[:prompt]), lm.tokenizer.decode(ids[prompt:])
    lens_opts = options_of("rankings", prompt=prompt_text, target=target)

    def ours():
        lm.memo.clear()
        rankings.compute(lm, lens_opts)
        return saliency.attribute(lm, ids, prompt, sal_opts)

    # Each analysis once, alone, for its peak anonymous memory: forward only (the lens), and
    # with a backward (gradient × input), which keeps what it saved of each layer until it has
    # passed that layer.
    with AnonymousPeak() as lens_peak:
        lm.memo.clear()
        rankings.compute(lm, lens_opts)
    with AnonymousPeak() as grad_peak:
        saliency.attribute(lm, ids, prompt, sal_opts)
    ours_t, _ = timed(ours, args["repeats"])
    placed = getattr(lm.model, "hf_device_map", {})
    counts = {d: list(map(str, placed.values())).count(d) for d in sorted(set(map(str, placed.values())))}
    note = ", ".join(f"{c} module(s) on {d}" for d, c in counts.items()) or "whole model on " + device
    note += f"; peak anonymous MB: lens {lens_peak.peak / 2**20:.0f}, G×I {grad_peak.peak / 2**20:.0f}"
    if device.startswith("cuda"):
        import torch

        note += f"; CUDA peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GB"
    return [finish({"workload": f"G×I + lens, {name}", "note": note}, ours_t, None, None, device)]


class AnonymousPeak:
    """The peak of RssAnon (/proc/self/status, Linux), sampled every 5 ms on a thread. Peak RSS
    also counts the pages of memory-mapped weight files, which offloaded layers are read from
    and the kernel can drop; anonymous memory is what the process itself holds."""

    def __enter__(self):
        import threading

        self.peak, self.done = 0, threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self) -> None:
        while not self.done.wait(0.005):
            try:
                with open("/proc/self/status") as status:
                    line = next(x for x in status if x.startswith("RssAnon:"))
            except (OSError, StopIteration):
                return
            self.peak = max(self.peak, int(line.split()[1]) * 1024)

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()


def run_isolated(name: str, args: dict) -> list[dict]:
    if name in OFFLOAD_WORKLOADS:
        with mp.get_context("spawn").Pool(1) as pool:  # made apart: its RSS is not the rows'
            args = {**args, "model_folder": pool.apply(saved_model, (args["shape"],))}
    chosen = (
        site_workload
        if name in SITE_WORKLOADS
        else offload_workload
        if name in OFFLOAD_WORKLOADS
        else workload
    )
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(chosen, (name, args))


MODEL_WORKLOADS = ("integrated-gradients", "gradient-x-input", "lens", "factors", "generate", "article")
# The issue's CPU targets: ratio to the baseline (and, for IG, a worst delta no worse than it).
CPU_TARGETS = {"IG, 50 steps": 3, "IG, adaptive": 3, "gradient-x-input": 3, "lens": 30}
SITE_WORKLOADS = ("rebuild", "prose-edit", "site-200", "exports")
# Placement (issue 20): the same analyses with the model whole in memory and offloaded.
OFFLOAD_WORKLOADS = ("in-memory", "offloaded")
WORKLOADS = MODEL_WORKLOADS + OFFLOAD_WORKLOADS + SITE_WORKLOADS


def site_workload(name: str, args: dict) -> list[dict]:
    from benchmarks import site

    measure = {
        "rebuild": site.rebuild_example,
        "prose-edit": site.prose_edit,
        "site-200": site.synthetic_site,
        "exports": site.exports_from_scratch,
    }
    row = measure[name](args["repeats"])
    row.update(
        workload=name,
        base_s=None,
        ratio=None,
        rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return [row]


def fmt(value, spec: str, unit: str = "") -> str:
    return "–" if value is None else format(value, spec) + unit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--shape", default="gpt2-small", choices=sorted(SHAPES))
    parser.add_argument("--prompt", type=int, default=30)
    parser.add_argument("--output", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--ig-repeats",
        type=int,
        default=3,
        help="timed runs for integrated gradients (the Captum loop takes minutes per run on CPU)",
    )
    parser.add_argument("--only", nargs="*", choices=WORKLOADS)
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument(
        "--tf32",
        action="store_true",
        help="CUDA: TensorFloat-32 matrix products for ours (the baselines stay in full float32)",
    )
    parser.add_argument("--no-sizes", dest="sizes", action="store_false", help="skip the page-weight table")
    args = vars(parser.parse_args())
    rows = []
    for name in args["only"] or WORKLOADS:
        rows += run_isolated(name, args)
        print(f"done {name}: {rows[-1]}", flush=True)
    print(
        f"\n{args['shape']}, {args['prompt']} prompt + {args['output']} output tokens, "
        f"device {args['device']}, median of {args['repeats']} runs after a warm-up "
        f"({args['ig_repeats']} for integrated gradients)"
        + (", ours with TF32" if args["tf32"] else "")
        + "\n"
    )
    header = (
        f"{'workload':<20} {'ours s':>8} {'baseline s':>10} {'ratio':>7} {'peak RSS MB':>11} "
        f"{'floor s':>8} {'ours/floor':>10} {'worst rel. delta ours / base':>28}  {'target':<18} met  note"
    )
    print(header)
    print("-" * len(header))
    targets = CPU_TARGETS if args["device"] == "cpu" else {}
    for r in rows:
        delta = f"{r['ours_delta']:.1e} / {r['base_delta']:.1e}" if "ours_delta" in r else "–"
        if r["workload"] in targets:
            r["target"] = f"≥ {targets[r['workload']]}× baseline"
            r["met"] = r["ratio"] >= targets[r["workload"]] and r.get("ours_delta", 0) <= r.get(
                "base_delta", 0
            )
        met = {True: "yes", False: "no"}.get(r.get("met"), "–")
        print(
            f"{r['workload']:<20} {fmt(r['ours_s'], '8.2f')} {fmt(r['base_s'], '10.2f')} "
            f"{fmt(r['ratio'], '6.1f', '×'):>7} {r['rss_mb']:11.0f} {fmt(r.get('floor_s'), '8.2f')} "
            f"{fmt(r.get('over_floor'), '9.1f', '×'):>10} {delta:>28}  {r.get('target', '–'):<18} {met:<4} "
            f"{r.get('note', '')}"
        )
    if args["sizes"]:
        from benchmarks import site

        with mp.get_context("spawn").Pool(1) as pool:
            sizes = pool.apply(site.sizes)
        site.print_sizes(sizes)
        rows += sizes
    if args["json"]:
        with open(args["json"], "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
