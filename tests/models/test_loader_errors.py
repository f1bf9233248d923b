"""A model that cannot be loaded is a clean ModelLoadError naming the alias and what to do:
a truncated weights file, a config.json that is not JSON, a Hub id with no network. Offline."""

import shutil
from pathlib import Path

import pytest

from ecco_build.build import check
from ecco_build.errors import ArticleErrors, ModelLoadError
from ecco_build.models import hub, loader

ARTICLE = "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:::\n"


@pytest.fixture
def model_copy(tiny_model_dir, tmp_path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir["gpt2"], folder)
    return folder


def ref_of(folder: Path) -> loader.ModelRef:
    return loader.ModelRef("tiny", str(folder), folder, None, "", "float32")


def load_error(ref: loader.ModelRef) -> str:
    with pytest.raises(ModelLoadError) as exc:
        loader.load(ref, "cpu")
    return str(exc.value)


def test_truncated_safetensors(model_copy):
    weights = model_copy / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    first, hint = load_error(ref_of(model_copy)).split("\n")
    assert first.startswith(f'model "tiny": cannot load {model_copy}: Error while deserializing header')
    assert hint == (
        "Its files may be truncated or may not match its config.json: "
        "copy or download the model folder again."
    )
    weights.write_bytes(b"")
    assert "cannot load" in load_error(ref_of(model_copy))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"model_type": ',
            "is not valid JSON (Expecting value: line 1 column 16 (char 15)); restore the model folder's "
            "config.json (copy or download the model again)",
        ),
        (
            b'{"model_type": "gpt2", "name": "caf\xe9"}',
            "is not valid JSON ('utf-8' codec can't decode byte 0xe9 in position 35: invalid continuation "
            "byte); restore the model folder's config.json (copy or download the model again)",
        ),
        ("[1, 2]", "holds a JSON list, not an object of settings; restore the model folder's config.json"),
    ],
)
def test_config_json_that_is_not_an_object(model_copy, make_site, text, expected):
    path = model_copy / "config.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert load_error(ref_of(model_copy)) == f'model "tiny": {path} {expected}'
    # `check` reads config.json too, and says the same at the directive.
    site = make_site({"a.md": ARTICLE})
    (site / "site.toml").write_text(
        f'default_model = "tiny"\n[models.tiny]\nsource = "{model_copy}"\n', encoding="utf-8"
    )
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    assert [str(p) for p in exc.value.problems] == [f'articles/a.md:4: model "tiny": {path} {expected}']


def test_broken_tokenizer_json_is_a_clean_check_error(model_copy, make_site):
    (model_copy / "tokenizer.json").write_text("{")
    site = make_site({"a.md": ARTICLE})
    (site / "site.toml").write_text(f'default_model = "tiny"\n[models.tiny]\nsource = "{model_copy}"\n')
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    [problem] = [str(p) for p in exc.value.problems]
    assert problem.startswith(f'articles/a.md:4: model "tiny": cannot read {model_copy}/tokenizer.json: ')
    assert problem.endswith("; restore the model folder's tokenizer.json (copy or download the model again)")


class NoNetwork:
    """Stands for huggingface_hub's HTTP session on a machine with no network."""

    def __init__(self):
        self.asked = []

    def head(self, url, timeout):
        import httpx2

        self.asked.append((url, timeout))
        raise httpx2.ConnectError("[Errno -2] Name or service not known")


@pytest.fixture
def no_hub(monkeypatch, tmp_path):
    """An empty HF cache, no network, and transformers forbidden from trying the Hub itself."""
    import huggingface_hub
    import transformers

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    session = NoNetwork()
    monkeypatch.setattr(huggingface_hub, "get_session", lambda: session)

    def forbidden(*args, **kwargs):
        if not kwargs.get("local_files_only"):
            raise AssertionError("the Hub was tried after it was found unreachable")
        return real(*args, **kwargs)

    real = transformers.AutoConfig.from_pretrained
    monkeypatch.setattr(transformers.AutoConfig, "from_pretrained", forbidden)
    return session


def hub_ref(revision: str = "") -> loader.ModelRef:
    return loader.ModelRef("gpt", "org/tiny-gpt", None, "org/tiny-gpt", revision, "float32")


def test_hub_id_without_network_fails_at_once(no_hub):
    from huggingface_hub import constants

    assert load_error(hub_ref()) == (
        f'model "gpt": "org/tiny-gpt" is not in the local Hugging Face cache and {constants.ENDPOINT} '
        "cannot be reached: [Errno -2] Name or service not known. Run once with network to download it "
        "(it is then cached), or set source in site.toml to a model folder inside the site"
    )
    assert no_hub.asked == [(constants.ENDPOINT, hub.HUB_PROBE_SECONDS)]  # one quick request


def test_hub_offline_mode_asks_nothing(no_hub, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert load_error(hub_ref("v1.0")) == (
        'model "gpt": "org/tiny-gpt" (revision v1.0) is not in the local Hugging Face cache and '
        "HF_HUB_OFFLINE is set. Run once with network to download it (it is then cached), or set "
        "source in site.toml to a model folder inside the site"
    )
    assert no_hub.asked == []


def test_cached_hub_model_loads_without_network(no_hub, tiny_model_dir, tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hf-cache" / "models--org--tiny-gpt"
    shutil.copytree(tiny_model_dir["gpt2"], repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    lm = loader.load(hub_ref(), "cpu")
    assert lm.fingerprint == f"hub:org/tiny-gpt@{commit}"
    assert lm.model.config.model_type == "gpt2"
