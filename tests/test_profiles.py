"""Install profiles: the render path (check, build from data, serve, export) imports no part of
the compute stack, and every compute module imports where the compute extra is installed."""

from __future__ import annotations

import importlib
import json
import pkgutil
import struct
import subprocess
import sys

import pytest

import ecco_build.analyses
from ecco_build.kinds import packing
from ecco_build.kinds.registry import KINDS

RENDER_PATH = (
    "ecco_build.build",
    "ecco_build.cli",
    "ecco_build.serve",
    "ecco_build.export",
    "ecco_build.validate",
    "ecco_build.render.pages",
    "ecco_build.render.figures",
    "ecco_build.render.cards",
    "ecco_build.render.theme",
    "ecco_build.render.embed",
    "ecco_build.render.bundle",
)
HEAVY = ("torch", "transformers", "sklearn", "numpy", "safetensors", "huggingface_hub")


def test_render_path_imports_no_compute_stack():
    script = (
        f"import importlib, json, sys\nfor m in {RENDER_PATH!r}: importlib.import_module(m)\n"
        f"print(json.dumps(sorted({{n.split('.')[0] for n in sys.modules}} & set({HEAVY!r}))))"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == []


def compute_modules() -> list[str]:
    names = {kind.compute.partition(":")[0] for kind in KINDS.values()}
    names |= {f"ecco_build.analyses.{m.name}" for m in pkgutil.iter_modules(ecco_build.analyses.__path__)}
    return sorted(names | {"ecco_build.models.adapters"})


@pytest.mark.parametrize("name", compute_modules())
def test_compute_module_imports(name):
    importlib.import_module(name)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_compute_requires_covers_the_compute_function(kind):
    module = importlib.import_module(KINDS[kind].compute.partition(":")[0])
    used = {n.split(".")[0] for n in vars(module) if n in sys.modules} | {
        v.__name__.split(".")[0] for v in vars(module).values() if type(v).__name__ == "module"
    }
    declared = set(KINDS[kind].compute_requires)
    assert used & {"torch", "sklearn", "numpy"} <= declared


def test_half_precision_matches_numpy():
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(15)
    edges = [0.0, -0.0, 1.0, -1.0, 65504.0, -65504.0, 65503.9, 6.1e-5, 5.96e-8, 2.98e-8, 1e-9, 0.1, 1 / 3]
    edges += [1 + 2**-11, 1 + 3 * 2**-11, 2048.5, 2049.0, 3.0e-5, -7.7e-6]
    values = [
        *edges,
        *rng.normal(0, 1, 50_000),
        *rng.uniform(-65504, 65504, 50_000),
        *rng.lognormal(-12, 6, 50_000),
    ]
    values = [v for v in map(float, values) if abs(v) <= packing.HALF_MAX]
    rows = [values[i : i + 997] for i in range(0, len(values), 997)]
    packed = packing.pack_rows(rows)
    import base64

    expected = np.array(values, dtype=np.float64).astype("<f2").tobytes()
    assert base64.b64decode(packed["f16"]) == expected
    back = packing.unpack(packed)
    assert back == [
        np.frombuffer(expected, "<f2").astype(np.float64).tolist()[i : i + 997]
        for i in range(0, len(values), 997)
    ]
    assert [len(r) for r in back] == [len(r) for r in rows]


def test_half_precision_overflow_and_nan_keep_rows():
    assert packing.pack_rows([[1.0, 65505.0]]) == [[1.0, 65505.0]]
    assert packing.pack_rows([[1.0, -1e9]]) == [[1.0, -1e9]]
    nan = [[float("nan")]]
    assert packing.pack_rows(nan) is nan
    assert packing.pack_rows([[]]) == {"f16": "", "rows": [0]}
    assert struct.calcsize("<e") == 2
