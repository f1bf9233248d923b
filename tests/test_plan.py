import json
import subprocess
import sys

from ecco_build.document.articles import Directive
from ecco_build.kinds.registry import KINDS
from ecco_build.models.loader import ModelRef
from ecco_build.plan import job_identity, job_key, make_job

REF = ModelRef("demo", "builtin:demo", None, "builtin:demo", "", "float32")


def directive(**options) -> Directive:
    full = {o.name: o.default for o in KINDS["generate"].options}
    full.update({"prompt": "def f(x):", **options})
    return Directive("generate", full, "caption", "articles/a.md", 3, 1)


def test_same_directive_same_key_and_presentation_ignored():
    a = make_job(directive(), REF, "sha256:abc")
    b = make_job(directive(label="fig-x", width="page"), REF, "sha256:abc")
    assert a.key == b.key
    assert len(a.key) == 64 and a.filename == f"generate-{a.key[:20]}.json"


def test_every_result_input_changes_the_key():
    base = make_job(directive(), REF, "sha256:abc").key
    changed = [
        make_job(directive(prompt="def g(x):"), REF, "sha256:abc").key,
        make_job(directive(max_new_tokens=3), REF, "sha256:abc").key,
        make_job(directive(seed=1), REF, "sha256:abc").key,
        make_job(directive(), REF, "sha256:abd").key,
        make_job(directive(), ModelRef("demo", "x", None, "x", "", "float16"), "sha256:abc").key,
        make_job(directive(), ModelRef("demo", "x", None, "x", "v2", "float32"), "sha256:abc").key,
        make_job(
            directive(),
            ModelRef("demo", "builtin:demo", None, "builtin:demo", "", "float32", True),
            "sha256:abc",
        ).key,
    ]
    assert len(set(changed + [base])) == len(changed) + 1


def test_key_stable_across_processes():
    identity = job_identity(directive(), REF, "sha256:abc")
    code = (
        "import json,sys; from ecco_build.plan import job_key; print(job_key(json.loads(sys.stdin.read())))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(identity),
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )
    assert other.stdout.strip() == job_key(identity)
    # The canonical form is compact, key-sorted UTF-8 JSON: spelled out so a change is deliberate.
    import hashlib

    expected = hashlib.sha256('{"a":1,"kind":"générer"}'.encode()).hexdigest()
    assert job_key({"kind": "générer", "a": 1}) == expected


def test_tf32_is_opt_in_and_scoped():
    """Off: the identity (and so every existing key) is as before; on: a new key, and the
    CUDA TF32 switch is set while that model computes and restored afterwards."""
    import torch

    from ecco_build.models import placement

    assert "tf32" not in job_identity(directive(), REF, "sha256:abc")["model"]
    on = ModelRef("demo", "builtin:demo", None, "builtin:demo", "", "float32", True)
    assert job_identity(directive(), on, "sha256:abc")["model"]["tf32"] is True
    before = torch.backends.cuda.matmul.allow_tf32
    with placement.matmul_precision(on):
        assert torch.backends.cuda.matmul.allow_tf32 is True
    with placement.matmul_precision(REF):
        assert torch.backends.cuda.matmul.allow_tf32 is False
    assert torch.backends.cuda.matmul.allow_tf32 == before
