from pathlib import Path

import pytest

from ecco_build.config import load_config
from ecco_build.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text)
    return tmp_path


def test_defaults_and_models(tmp_path):
    config = load_config(
        write(tmp_path, 'title = "T"\ndefault_model = "demo"\n[models.demo]\nsource = "builtin:demo"\n')
    )
    assert config.title == "T"
    assert config.models["demo"].dtype == "float32"
    assert config.data_path == tmp_path.resolve() / "data"
    assert config.out_path == tmp_path.resolve() / "_site"


def test_unknown_key_names_line_and_suggestion(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(write(tmp_path, 'title = "T"\n\ndescriptoin = "x"\n'))
    assert str(exc.value) == (
        f'{tmp_path}/site.toml:3: unknown key "descriptoin" in site.toml; did you mean "description"?'
    )


def test_unknown_model_key(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(write(tmp_path, '[models.demo]\nsource = "builtin:demo"\nrevison = "main"\n'))
    assert str(exc.value) == (
        f'{tmp_path}/site.toml:3: unknown key "revison" in [models.demo]; did you mean "revision"?'
    )


def test_model_needs_source_and_valid_dtype(tmp_path):
    with pytest.raises(ConfigError, match=r"\[models.demo\] needs a source"):
        load_config(write(tmp_path, "[models.demo]\ndtype = 'float32'\n"))
    with pytest.raises(ConfigError, match=r'dtype must be one of float32, float16, bfloat16, not "fp8"'):
        load_config(write(tmp_path, "[models.demo]\nsource = 'x'\ndtype = 'fp8'\n"))


def test_default_model_must_exist(tmp_path):
    with pytest.raises(
        ConfigError, match=r'default_model "dmeo" is not a \[models.\*\] alias; did you mean "demo"\?'
    ):
        load_config(write(tmp_path, "default_model = 'dmeo'\n[models.demo]\nsource = 'x'\n"))


def test_wrong_type_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r'"title" in site.toml must be a str, not 3'):
        load_config(write(tmp_path, "title = 3\n"))
    with pytest.raises(ConfigError, match="no site configuration here; run `ecco-build new"):
        load_config(tmp_path / "nowhere")
