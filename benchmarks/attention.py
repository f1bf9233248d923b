"""Attention benchmark: what an attention figure and the attention-based saliency methods cost,
next to their baselines, measured side by side in one run on a random model of a real shape.

    python -m benchmarks.attention                       # GPT-2-small shape, 128 tokens, CPU
    python -m benchmarks.attention --tokens 64 --device cuda

Rows (ours vs baseline, median of --repeats after a warm-up):
- the attention kind's compute (eager forward, 16-bit packing, thumbnails, head statistics) vs the
  model's own forward pass with its default (SDPA) kernel: the price of getting the weights;
- rollout over every output position vs nothing to compare (printed as time only);
- attention flow into one output position (one max-flow per input token) with SciPy's Dinic vs
  networkx's preflow-push on the same graph, at --flow-tokens tokens (networkx is slow).
The page sizes of an attention figure are in `python -m benchmarks.site`.
"""

from __future__ import annotations

import argparse

from benchmarks.run import SHAPES, make_model, texts, timed


def rows(args: argparse.Namespace) -> list[tuple[str, float, float | None, str]]:
    import numpy as np
    import torch

    from ecco_build.analyses import attention
    from tests.analyses.test_attention import networkx_flows

    lm = make_model(SHAPES[args.shape], args.device)
    ids, _ = texts(lm, args.tokens, 0)

    def ours_attention():
        weights = attention.weights_of(lm, ids)
        attention.pack_unit(weights, True)
        attention.thumbnails(weights)
        attention.head_stats(weights, [{"text": "x"}] * len(ids), [])

    def plain_forward():
        with torch.no_grad():
            lm.model(input_ids=torch.tensor([ids], device=lm.device))

    found = []
    ours, _ = timed(ours_attention, args.repeats)
    base, _ = timed(plain_forward, args.repeats)
    found.append((f"attention figure, {len(ids)} tokens", ours, base, "vs the model's own SDPA forward"))
    weights = attention.weights_of(lm, ids)
    roll, _ = timed(lambda: attention.rollout(weights), args.repeats)
    found.append(("rollout, every position", roll, None, ""))
    one, _ = timed(lambda: attention.flows(weights, len(ids) - 1), args.repeats)
    found.append((f"flow into the last of {len(ids)} positions", one, None, f"{len(ids)} max-flows"))
    small = weights[..., : args.flow_tokens, : args.flow_tokens]
    small = small / small.sum(-1, keepdims=True)
    ours_small, got = timed(lambda: attention.flows(small, args.flow_tokens - 1), args.repeats)
    base_small, want = timed(lambda: networkx_flows(small, args.flow_tokens - 1), 1)
    agree = float(np.abs(np.asarray(got) - np.asarray(want)).max())
    note = f"vs networkx; max |diff| {agree:.1e}"
    found.append((f"flow, {args.flow_tokens} positions", ours_small, base_small, note))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--shape", default="gpt2-small", choices=sorted(SHAPES))
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--flow-tokens", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'workload':<44} {'ours s':>9} {'baseline s':>11} {'ratio':>7}  note")
    for what, ours, base, note in rows(args):
        ratio = f"{ours / base:.2f}" if base else "—"
        base_text = f"{base:.4f}" if base else "—"
        print(f"{what:<44} {ours:9.4f} {base_text:>11} {ratio:>7}  {note}")


if __name__ == "__main__":
    main()
