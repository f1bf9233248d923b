"""Placement through accelerate (issue 20): a tiny model split between the CPU and disk, by
max_memory or by an explicit device_map, gives every kind the results of the in-memory run;
placement never moves a job key; memory-aware batching and the peak in provenance."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from ecco_build.config import load_config
from ecco_build.errors import ConfigError, ModelLoadError
from ecco_build.kinds.registry import KINDS
from ecco_build.models import loader, placement
from ecco_build.models.placement import Placement
from tests import tiny_models

# family → an explicit map that puts one block (and more) on disk and the rest on the CPU;
# GPT-2's tied embeddings stay together.
MAPS = {
    "gpt2": {
        "transformer.wte": "cpu",
        "transformer.wpe": "cpu",
        "transformer.drop": "cpu",
        "transformer.h.0": "cpu",
        "transformer.h.1": "disk",
        "transformer.ln_f": "disk",
        "lm_head": "cpu",
    },
    "llama": {
        "model.embed_tokens": "cpu",
        "model.rotary_emb": "cpu",
        "model.layers.0": "disk",
        "model.layers.1": "cpu",
        "model.norm": "disk",
        "lm_head": "disk",
    },
}


# Beyond each kind's example: every saliency method (the example runs integrated gradients only).
METHODS = next(o for o in KINDS["saliency"].options if o.name == "method")
MORE = {"saliency": {"method": list(METHODS.choices), "max_new_tokens": 3}}


def weight_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.safetensors"))


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """family → (in-memory model, {placement name: placed model)."""
    root = tmp_path_factory.mktemp("placed")
    found = {}
    for family in ("gpt2", "llama"):
        folder = tiny_models.build(family, root / family)
        plain = loader.ModelRef(family, str(folder), folder, None, "", "float32")
        # 70% of the weights' size for the CPU: accelerate keeps the embeddings there and
        # offloads the blocks to disk (asserted below, so the test cannot pass unsplit).
        by_memory = Placement("auto", (("cpu", int(weight_bytes(folder) * 0.7)),), root / f"{family}-m")
        by_map = Placement(tuple(MAPS[family].items()), (), root / f"{family}-x")
        placed = {
            name: loader.load(replace(plain, placement=where), "cpu")
            for name, where in (("max_memory", by_memory), ("device_map", by_map))
        }
        found[family] = (loader.load(plain, "cpu"), placed)
    return found


def close(a, b, where: str = "result") -> None:
    """Equal structures; numbers to 1e-5 (absolute, or relative for large ones)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and not isinstance(a, bool):
        assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-5), (where, a, b)
    else:
        assert a == b, (where, a, b)


@pytest.mark.parametrize("family", ["gpt2", "llama"])
@pytest.mark.parametrize("how", ["max_memory", "device_map"])
def test_offloaded_model_gives_every_kind_the_in_memory_results(models, family, how):
    plain, placed = models[family]
    lm = placed[how]
    devices = set(lm.model.hf_device_map.values())
    assert devices == {"cpu", "disk"}, lm.model.hf_device_map  # really split and offloaded
    assert lm.device == "cpu" and lm.devices == ("cpu",)
    for kind in KINDS.values():
        options = kind.record_of(kind.defaults(**{**kind.example, **MORE.get(kind.name, {})}))
        expected = kind.compute_function()(plain, options)
        close(kind.compute_function()(lm, options), expected, f"{kind.name}")


def test_placement_enters_no_job_key(models):
    from ecco_build.document.articles import Directive
    from ecco_build.plan import make_job

    plain, placed = models["gpt2"]
    kind = KINDS["generate"]
    directive = Directive(kind.name, kind.defaults(**kind.example), "", "articles/a.md", 1, 1)
    keys = {make_job(directive, lm.ref, "sha256:x").key for lm in (plain, *placed.values())}
    assert len(keys) == 1
    other = replace(plain.ref, dtype="float16")
    assert make_job(directive, other, "sha256:x").key not in keys  # dtype still does


def test_tied_embeddings_split_by_disk_are_refused(models, tmp_path):
    plain, _ = models["gpt2"]
    split = {**MAPS["gpt2"], "lm_head": "disk"}
    ref = replace(plain.ref, placement=Placement(tuple(split.items()), (), tmp_path))
    with pytest.raises(ModelLoadError, match="tied input and output embeddings apart"):
        loader.load(ref, "cpu")


def test_a_map_that_misses_a_module_is_a_model_error(models, tmp_path):
    plain, _ = models["llama"]
    partial = {k: v for k, v in MAPS["llama"].items() if k != "model.norm"}
    ref = replace(plain.ref, placement=Placement(tuple(partial.items())))
    with pytest.raises(ModelLoadError) as caught:
        loader.load(ref, "cpu")
    assert "[models.llama]" in str(caught.value) and "device_map" in str(caught.value)


def test_memory_short_devices_get_smaller_batches_and_the_same_saliency(models, monkeypatch):
    from ecco_build.analyses import gradients

    plain, _ = models["gpt2"]
    kind = KINDS["saliency"]
    options = kind.record_of(
        kind.defaults(prompt="The cat sat on the", method=["integrated_gradients", "gradient_x_input"])
    )
    roomy = kind.compute_function()(plain, options)
    assert gradients.backward_rows(plain) == gradients.BACKWARD_ROWS
    row = gradients.row_bytes(plain)
    assert row == gradients.ROW_FACTOR * 2 * 32 * 4  # 2 blocks of width 32, float32
    monkeypatch.setattr(gradients, "free_bytes", lambda device: 12 * row)  # 6 rows fit
    assert gradients.rows_that_fit(plain) == 6
    assert gradients.backward_rows(plain) == 6
    assert gradients.sized_chunk(plain, 50, 2**16, 10, 3) == 2  # 6 rows / 3 per sequence
    assert gradients.sized_chunk(plain, 50, 2**16, 10, 100) == 1  # never below one
    close(kind.compute_function()(plain, options), roomy, "saliency")


def test_free_memory_on_the_cpu_is_read():
    free = placement.cpu_available()
    assert free is None or free > 0
    assert placement.execution_device("disk", ["cpu", "disk"]) == "cpu"
    assert placement.execution_device("cpu", [1, "cpu", "disk"]) == "cuda:1"
    assert placement.execution_device(0, [0]) == "cuda:0"


def test_provenance_records_the_peak_and_the_map(models):
    from ecco_build.plan import Job
    from ecco_build.run import compute_job

    _, placed = models["gpt2"]
    lm = placed["max_memory"]
    kind = KINDS["generate"]
    options = {o.name: v for o, v in zip(kind.options, kind.defaults(**kind.example).values(), strict=True)}
    identity = {"model": {"name": "m", "revision": "", "fingerprint": "f", "dtype": "float32"}}
    job = Job("0" * 64, "generate", lm.ref, identity, {k: options[k] for k in options if k != "model"})
    data = compute_job(job, lm, "articles/a.md:1")
    found = data["provenance"]
    assert found["peak_memory_measure"] == "ru_maxrss growth" and found["peak_memory_mb"] >= 0
    assert set(found["device_map"].values()) == {"cpu", "disk"}


SITE = """title = "t"
[models.a]
source = "builtin:demo"
device_map = "autox"
max_memory = {"0" = "2GiB", "cpux" = "1GB", "1" = "lots"}
offload_folder = "data/off"

[models.b]
source = "builtin:demo"
device_map = {"transformer.h.0" = "cpu", "lm_head" = "gpu"}
offload_folder = "../off"

[models.c]
source = "builtin:demo"
max_memory = {"cpu" = "1GB"}

[models.d]
source = "builtin:demo"
device_map = {"" = "cuda:1"}
max_memory = {"cpu" = "1.5GiB", "0" = "500 MB"}
offload_folder = "offload"
"""


def test_placement_settings_are_checked_at_their_lines(tmp_path):
    (tmp_path / "site.toml").write_text(SITE)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    message = str(caught.value)
    for line, text in (
        (4, "[models.a] device_map must be one of auto, balanced, balanced_low_0, sequential"),
        (5, '"cpux" is not a device'),
        (5, 'the size for "1" must be text such as "2GiB"'),
        (6, "(it is in the data folder)"),
        (10, 'the device of "lm_head" must be a GPU index'),
        (11, "(no absolute path, no ..)"),
        (15, '[models.c] max_memory needs a device_map (e.g. device_map = "auto")'),
    ):
        assert f"site.toml:{line}: " in message and text in message, text
        assert any(f"site.toml:{line}: " in row and text in row for row in message.splitlines()), text
    assert "models.d" not in message and "7 errors" in message


def test_valid_placement_becomes_loader_options(tmp_path):
    (tmp_path / "site.toml").write_text(SITE.split("[models.a]")[0] + SITE.split("\n\n")[-1])
    config = load_config(tmp_path)
    spec = config.models["d"]
    assert spec.max_memory == {"cpu": int(1.5 * 2**30), "0": 500 * 10**6}
    where = placement.from_config(spec, config.root)
    assert where == Placement(
        (("", 1),), (("cpu", int(1.5 * 2**30)), (0, 500 * 10**6)), config.root / "offload"
    )
    options = placement.load_options(where, "cuda")
    assert options["device_map"] == {"": 1} and options["max_memory"] == {"cpu": 1610612736, 0: 500000000}
    assert (config.root / "offload").is_dir()  # created when needed
    auto = Placement("auto", ((0, 10), ("cpu", 20)))
    assert placement.load_options(auto, "cpu")["max_memory"] == {"cpu": 20}  # --device cpu: no GPU
    assert placement.from_config(load_config(tmp_path).models["d"].__class__(source="x"), tmp_path) is None
