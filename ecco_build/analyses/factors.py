"""Factors of MLP neuron activations (Alammar 2021, "Finding the Words to Say"; NMF after
Lee & Seung 1999, "Learning the parts of objects by non-negative matrix factorization").

Activations are the input of each block's MLP down-projection: the d_ff neuron values at
every token, captured with hooks, shape (layers, d_ff, positions). The chosen layers'
neurons are stacked into X (neurons, positions) and factorised as X ≈ W·H with H the
factor × token matrix and W each factor's neuron loadings. NMF needs X ≥ 0, so negative
activations (GELU's small negative tail) are clipped to zero; PCA and ICA take X as it is
and give signed factors. Every method is seeded, so the same directive gives the same JSON.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import torch
from sklearn.decomposition import NMF, PCA, FastICA

from ecco_build.analyses.sequence import encode_prompt, generate_steps
from ecco_build.analyses.tokens import sequence_tokens
from ecco_build.errors import EccoBuildError
from ecco_build.kinds.factors import Options, one_token_problem
from ecco_build.kinds.schema import parse_layers
from ecco_build.models import adapters, families
from ecco_build.models.loader import LoadedModel

log = logging.getLogger(__name__)
AUTO_RANGE = range(2, 13)


def d_ff(model: Any) -> int:
    return families.d_ff(model.config)


@torch.inference_mode()
def capture(lm: LoadedModel, ids: list[int], layers: list[int]) -> torch.Tensor:
    """Neuron activations of the chosen layers: (len(layers), d_ff, positions), float32."""
    blocks = adapters.blocks(lm.model)
    captured: dict[int, torch.Tensor] = {}

    def hook_for(layer: int):
        def grab(module, args):
            # (positions, d_ff); OPT flattens batch and positions before its MLP, so reshape.
            # Gathered on the CPU: the layers may sit on different devices (models/placement.py).
            captured[layer] = args[0].detach().reshape(-1, args[0].shape[-1]).float().cpu()

        return grab

    handles = [adapters.mlp_down(blocks[i], lm.model).register_forward_pre_hook(hook_for(i)) for i in layers]
    try:
        lm.model(input_ids=torch.tensor([ids], device=lm.device))
    finally:
        for handle in handles:
            handle.remove()
    width = d_ff(lm.model)
    for layer, values in captured.items():
        if values.shape[-1] != width:  # a wrong hook point (e.g. the residual stream) must not pass
            raise RuntimeError(f"layer {layer}: captured width {values.shape[-1]}, expected d_ff={width}")
    return torch.stack([captured[i].T for i in layers])  # (layers, d_ff, positions)


# How each method is fitted (recorded in every block's `fit`, so a figure says how it was made).
SEED = 0
FITS = {
    "nmf": {"init": "nndsvda", "max_iterations": 500},
    "pca": {"init": "full SVD", "max_iterations": None},
    "ica": {"init": "unit-variance whitening", "max_iterations": 1000},
}


def fit_record(method: str, model: Any) -> dict[str, Any]:
    """How a fitted sklearn model got there: init, seed, iterations and whether it converged
    (reached its tolerance before the iteration limit; PCA is exact and always converges)."""
    limit = FITS[method]["max_iterations"]
    iterations = int(model.n_iter_) if limit is not None else None
    converged = limit is None or iterations < limit
    return {
        "init": FITS[method]["init"],
        "seed": SEED,
        "iterations": iterations,
        "max_iterations": limit,
        "converged": converged,
    }


def factorize(x: np.ndarray, k: int, method: str) -> tuple[np.ndarray, np.ndarray, float, dict[str, Any]]:
    """x (neurons, positions) → H (k, positions), W (neurons, k), relative Frobenius error, and
    the fit record (fit_record)."""
    samples = x.T  # (positions, neurons): sklearn factorises rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; the error is reported instead
        if method == "nmf":
            model = NMF(
                n_components=k, init="nndsvda", random_state=SEED, max_iter=FITS["nmf"]["max_iterations"]
            )
            scores = model.fit_transform(samples)
            rebuilt = scores @ model.components_
        elif method == "pca":
            model = PCA(n_components=k, random_state=SEED, svd_solver="full")
            scores = model.fit_transform(samples)
            rebuilt = model.inverse_transform(scores)
        else:
            limit = FITS["ica"]["max_iterations"]
            model = FastICA(n_components=k, random_state=SEED, whiten="unit-variance", max_iter=limit)
            scores = model.fit_transform(samples)
            rebuilt = model.inverse_transform(scores)
    norm = np.linalg.norm(samples)
    error = float(np.linalg.norm(samples - rebuilt) / norm) if norm > 0 else 0.0
    return scores.T, model.components_.T, error, fit_record(method, model)


def elbow(errors: list[float]) -> int:
    """Index of the point farthest below the chord from the first to the last error."""
    if len(errors) < 3:
        return 0
    xs = np.arange(len(errors), dtype=float)
    ys = np.array(errors)
    chord = ys[0] + (ys[-1] - ys[0]) * xs / xs[-1]
    return int(np.argmax(chord - ys))


def top_neurons(loadings: np.ndarray, layers: list[int], width: int, count: int) -> list[list[dict]]:
    """Per factor, the neurons with the largest |loading|: (layer, index, loading)."""
    out = []
    for column in loadings.T:  # (neurons,)
        order = np.argsort(-np.abs(column), kind="stable")[:count]
        out.append(
            [
                {"layer": layers[i // width], "neuron": int(i % width), "loading": float(column[i])}
                for i in order
            ]
        )
    return out


def signed_rank(x: np.ndarray) -> int:
    """How many signed factors x (neurons, positions) holds: the rank of its variation across
    positions. PCA and ICA centre each neuron over the tokens, so one token, or tokens whose
    activations are identical (a repeated token in a model without position embeddings), leave
    nothing to factor, and ICA's whitening divides by the variances of the factors it keeps."""
    centred = x - x.mean(axis=1, keepdims=True)  # (neurons, positions)
    if centred.shape[1] < 2:
        return 0
    singular = np.linalg.svd(centred, compute_uv=False)
    # float32 activations carry about 7 digits: centring identical columns leaves rounding
    # noise near 1e-7 of their norm. Variation below 1e-5 of it is noise, not a factor.
    return int((singular > 1e-5 * max(float(np.linalg.norm(x)), 1e-30)).sum())


def factor_block(acts: np.ndarray, layers: list[int], options: Options) -> dict[str, Any]:
    """Factorise activations (layers, d_ff, positions) of the given layers."""
    n_layers, width, positions = acts.shape
    x = acts.reshape(n_layers * width, positions)  # (neurons, positions)
    method = options.method
    if method == "nmf":
        x = np.clip(x, 0, None)
        limit = min(positions, x.shape[0])
    else:
        limit = signed_rank(x)
        if limit == 0:
            raise EccoBuildError(_nothing_varies(method, layers, positions))
    curve = None
    if options.components == "auto":
        ks = [k for k in AUTO_RANGE if k <= limit] or [limit]
        errors = [factorize(x, k, method)[2] for k in ks]
        k = ks[elbow(errors)]
        curve = {"k": ks, "error": errors}
    else:
        k = min(int(options.components), limit)
    h, w, error, fit = factorize(x, k, method)
    block = {
        "layers": layers,
        "components": k,
        "factors": h.tolist(),  # (k, positions)
        "neurons": top_neurons(w, layers, width, options.top_neurons),
        "error": error,
        "fit": fit,
    }
    if curve:
        block["elbow"] = curve
    return block


def _nothing_varies(method: str, layers: list[int], positions: int) -> str:
    if positions < 2:
        return one_token_problem(method)
    where = f"layer {layers[0]}" if len(layers) == 1 else f"layers {layers[0]}-{layers[-1]}"
    return (
        f":method: {method} factors how activations vary from token to token, and in {where} they do "
        f"not vary over these {positions} tokens; give a more varied prompt, or use :method: nmf"
    )


def compute(lm: LoadedModel, options: Options) -> dict[str, Any]:
    prompt_ids = encode_prompt(lm, options.prompt)
    output_ids: list[int] = []
    if options.max_new_tokens > 0:
        if lm.is_encoder:
            raise EccoBuildError("an encoder cannot generate; set :max_new_tokens: 0")
        output_ids = generate_steps(lm, prompt_ids, options)[0]
    ids = prompt_ids + output_ids
    n_layers = len(adapters.blocks(lm.model))
    spec = list(options.layers) if isinstance(options.layers, tuple) else options.layers
    try:
        layers = parse_layers(spec, n_layers)
    except ValueError as exc:
        raise EccoBuildError(str(exc)) from None
    acts = capture(lm, ids, layers).cpu().numpy()  # (layers, d_ff, positions)
    if options.per_layer:
        blocks = [factor_block(acts[i : i + 1], [layer], options) for i, layer in enumerate(layers)]
    else:
        blocks = [factor_block(acts, layers, options)]
    return {
        "prompt_length": len(prompt_ids),
        "tokens": sequence_tokens(lm.tokenizer, ids),
        "method": options.method,
        "clipped": options.method == "nmf",
        "negative_share": float((acts < 0).mean()),
        "shape": list(acts.shape),  # (layers, d_ff, positions)
        "blocks": blocks,
    }
