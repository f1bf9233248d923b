"""The contract every kind keeps, checked over the whole registry: a kind that forgets a piece
fails here under its own name (issue 14; the cases are numbered as in the migration plan §4a)."""

import dataclasses
import importlib
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import NotRequired, get_origin, get_type_hints

import pytest

from ecco_build.config import load_config
from ecco_build.document.articles import Directive
from ecco_build.envelope import check_result
from ecco_build.kinds.drawing import HEIGHT, WIDTH
from ecco_build.kinds.packing import unpack
from ecco_build.kinds.registry import KINDS, Kind
from ecco_build.plan import result_options
from ecco_build.render.figures import Page
from ecco_build.render.theme import environment

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parent / "fixtures"

# What a page may leave out of a stored record: (kind, path pattern of dropped keys).
DROPPED = {"saliency": {"norm"}, "attention": {"weights"}}
# What a page form adds: the names of the parts fetched on demand (kinds/kind.py `parts`).
ADDED = {"attention": {"parts"}}

every_kind = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))


def stored(kind: Kind) -> dict:
    """A committed result of the kind (taken from the example site's data/)."""
    return json.loads((FIXTURES / f"{kind.name}.json").read_text())


# 1. The room exists and is registered under its name.
@every_kind
def test_kind_file_defines_the_registered_kind(kind):
    module = importlib.import_module(f"ecco_build.kinds.{kind.module}")
    assert module.KIND is KINDS[kind.name]
    assert kind.element == f"ecco-{kind.name}"
    assert kind.template == f"directives/{kind.name}.html"
    assert (ROOT / "templates" / kind.template).is_file()
    assert kind.version >= 1 and kind.version == module.VERSION
    assert kind.doc and "\n" not in kind.doc
    assert kind.requires in ("causal", "causal_or_masked_lm", "any")
    assert callable(kind.check_result) and callable(kind.draw_card) and callable(kind.page_form)
    module_name, _, function = kind.compute.partition(":")
    assert module_name.startswith("ecco_build.analyses.") and function
    assert (ROOT / (module_name.replace(".", "/") + ".py")).is_file()


# 2. Defaults validate, and the example names every required option.
@every_kind
def test_defaults_and_example_validate(kind):
    required = {o.name for o in kind.options if o.required}
    assert required <= set(kind.example)
    for option in kind.options:
        if option.name in kind.example:
            assert option.check(kind.example[option.name]) == kind.example[option.name], option.name
        elif not option.required:
            assert option.check(option.default) == option.default, option.name
    assert list(kind.defaults(**kind.example)) == [o.name for o in kind.options]


# 3. The options tuple is the schema and the Options record its typed form: one field per option,
# named as it, its annotation agreeing with the option's type; flat ↔ record round-trips in order.
ANNOTATIONS = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    "choice": "str",
    "choices": "tuple[str, ...]",
    "list[str]": "tuple[str, ...]",
    "layers": "str | int | tuple[int, ...]",
    "components": "int | str",
    "aliases": "tuple[str, ...]",
}


@every_kind
def test_options_record_is_the_typed_schema(kind):
    names = [o.name for o in kind.options]
    assert len(names) == len(set(names))
    for option in kind.options:
        assert option.doc and option.type_name
        assert not option.choices or option.type in ("choice", "choices")
    fields = {f.name: f.type for f in dataclasses.fields(kind.record)}
    assert sorted(fields) == sorted(names)
    for option in kind.options:
        assert fields[option.name] == ANNOTATIONS[option.type], option.name
    assert kind.record.__dataclass_params__.frozen
    flat = kind.defaults(**kind.example)
    record = kind.record_of(flat)
    assert isinstance(record, kind.record)
    assert kind.flatten(record) == flat and list(kind.flatten(record)) == list(flat)
    assert json.dumps(kind.flatten(record)) == json.dumps(flat)
    committed = {**flat, **stored(kind)["options"]}  # a real directive's values (lists included)
    assert json.dumps(kind.flatten(kind.record_of(committed))) == json.dumps(committed)


# 4. The result is documented: its docstring names every key.
@every_kind
def test_result_docstring_names_every_key(kind):
    doc = kind.result.__doc__ or ""
    assert doc.startswith(f"`{kind.name}`")
    for key in get_type_hints(kind.result):
        assert f"{key}:" in doc or f" {key} " in doc, key


# 5. The job key reads the result options, in schema order, without model or presentation.
@every_kind
def test_result_options_are_the_schema_result_options(kind):
    options = kind.defaults(**kind.example)
    directive = Directive(kind.name, options, "", "articles/a.md", 1, 1)
    assert list(result_options(directive)) == [o.name for o in kind.options if o.result and o.name != "model"]


# 6. The template renders a stored result, the element around a server-rendered fallback.
@every_kind
def test_template_renders_a_stored_result(kind):
    data = stored(kind)
    assert data["kind"] == kind.name and data["version"] == kind.version
    assert check_result(kind.name, data) == []
    figure = {
        "id": "fig-1",
        "number": 1,
        "kind": kind.name,
        "element": kind.element,
        "width": "body",
        "where": "articles/a.md:1",
        "caption": "",
        "link": None,
    }
    options = {**kind.defaults(**kind.example), **data["options"]}
    html = (
        environment(load_config(ROOT))
        .get_template(kind.template)
        .render(
            figure=figure,
            data=data,
            result=data["result"],
            options=options,
            payload=None,
            src="data/x.json",
            page=Page("a/index.html", "../"),
        )
    )
    assert f"<{kind.element} " in html and f"</{kind.element}>" in html
    fallback = html.split('<div class="ecco-fallback">', 1)[1].split("</div>", 1)[0]
    assert fallback.strip()


def numbers(value, path="") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from numbers(item, f"{path}[{i}]")
    else:
        yield path, value


def without(value, dropped: set[str]):
    if isinstance(value, dict):
        return {k: without(v, dropped) for k, v in value.items() if k not in dropped}
    if isinstance(value, list):
        return [without(v, dropped) for v in value]
    return value


# 8. The page form round-trips to float16 precision, minus the documented dropped fields.
@every_kind
def test_page_form_round_trips(kind):
    data = stored(kind)
    before = json.dumps(data)
    page = json.loads(json.dumps(kind.page_form(data)))
    assert json.dumps(data) == before, "page_form changed the stored record"
    # A token's visible forms are decided at render time from its text (kinds/tokens.py).
    expected = without(data, DROPPED.get(kind.name, set()) | {"display", "flow"})
    back = without(unpack(page), {"display", "flow"} | ADDED.get(kind.name, set()))
    assert [p for p, _ in numbers(back)] == [p for p, _ in numbers(expected)]
    for (path, got), (_, want) in zip(numbers(back), numbers(expected), strict=True):
        if isinstance(want, float) and not isinstance(got, bool):
            assert math.isclose(got, want, rel_tol=1e-3, abs_tol=1e-4), path
        else:
            assert got == want, path


# 9. The card draws, and no two kinds bring a filter of the same name.
@every_kind
def test_card_draws(kind):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    kind.draw_card(ImageDraw.Draw(image), ImageFont.load_default(size=26), stored(kind)["result"])
    below = image.crop((0, 400, WIDTH, HEIGHT))
    assert below.getextrema() != ((255, 255), (255, 255), (255, 255)), "the card drew nothing"


def test_kind_filters_do_not_clash():
    seen: dict[str, object] = {}
    for kind in KINDS.values():
        for name, function in kind.filters.items():
            assert seen.setdefault(name, function) is function, f"{kind.name} redefines the filter {name}"
    env = environment(load_config(ROOT))
    assert {name for kind in KINDS.values() for name in kind.filters} <= set(env.filters)


# 7. Compute on a tiny model of every family the kind supports: the envelope run.compute_job
# stores is JSON without NaN, names the kind and version, and check_result finds no problems.
def _families(kind: Kind) -> tuple[str, ...]:
    from tests.tiny_models import ALL_CAUSAL, ENCODERS

    return {"causal": ALL_CAUSAL, "causal_or_masked_lm": ALL_CAUSAL + ENCODERS, "any": ALL_CAUSAL + ENCODERS}[
        kind.requires
    ]


def required_keys(typed_dict: type) -> set[str]:
    """The keys not marked NotRequired (__required_keys__ misses the marks under postponed annotations)."""
    hints = get_type_hints(typed_dict, include_extras=True)
    return {key for key, hint in hints.items() if get_origin(hint) is not NotRequired}


KIND_FAMILIES = [(kind, family) for kind in KINDS.values() for family in _families(kind)]
# Small enough to keep the case fast; each option is set only where the kind has it.
FAST = {"max_new_tokens": 2, "target": " width", "first_token": True, "n_steps": 8}


@pytest.mark.parametrize(
    ("kind", "family"), KIND_FAMILIES, ids=[f"{kind.name}-{family}" for kind, family in KIND_FAMILIES]
)
def test_compute_on_every_supported_family(kind, family, causal_models):
    from ecco_build.plan import make_job
    from ecco_build.run import compute_job

    lm = causal_models[family]
    changes = {name: value for name, value in FAST.items() if name in kind.option_map}
    if "max_new_tokens" in changes:  # shorten generation, never start it where it is off by default
        changes["max_new_tokens"] = min(kind.option_map["max_new_tokens"].default, 2)
    if lm.is_encoder and kind.name == "attention":  # an encoder reads its prompt; it continues nothing
        changes.pop("target")
    if lm.is_encoder and kind.name == "layer-predictions":
        tok = lm.tokenizer
        tok.mask_token = tok.mask_token or "<|endoftext|>"  # the tiny tokenizer has no [MASK]
        changes["prompt"] = f"The capital of France is {tok.mask_token}."
    options = kind.defaults(**{**kind.example, **changes})
    job = make_job(Directive(kind.name, options, "", "articles/a.md", 1, 1), lm.ref, lm.fingerprint)
    data = compute_job(job, lm, "articles/a.md:1")
    json.dumps(data, allow_nan=False)
    assert data["kind"] == kind.name and data["version"] == kind.version and data["key"] == job.key
    assert data["model"]["type"] == family
    assert check_result(kind.name, data, job.key) == []
    assert required_keys(kind.result) <= set(data["result"])
    for path, value in numbers(data["result"]):
        assert not isinstance(value, float) or math.isfinite(value), path


CAUSAL_KINDS = [kind for kind in KINDS.values() if kind.requires == "causal"]


@pytest.mark.parametrize("kind", CAUSAL_KINDS, ids=[kind.name for kind in CAUSAL_KINDS])
def test_a_causal_kind_refuses_an_encoder_before_computing(kind, causal_models):
    """run asks the kind what it requires; no analysis checks it again."""
    from ecco_build.errors import EccoBuildError
    from ecco_build.plan import make_job
    from ecco_build.run import compute_job

    lm = causal_models["bert"]
    directive = Directive(kind.name, kind.defaults(**kind.example), "", "articles/a.md", 1, 1)
    job = make_job(directive, lm.ref, lm.fingerprint)
    with pytest.raises(EccoBuildError) as exc:
        compute_job(job, lm, "articles/a.md:1")
    assert str(exc.value) == f"articles/a.md:1: {kind.name} needs a causal (text-generating) model"


# 10. The element's script is its own file under static/js/components/, defines its tag (guarded),
# is imported by the entry module, and writes its data contract down as a JSDoc @typedef that
# cites the result TypedDict and lists exactly its keys.
def typedef_properties(text: str, name: str) -> set[str] | None:
    """The @property names of the JSDoc block that declares `@typedef {object} name`."""
    import re

    for block in re.findall(r"/\*\*(.*?)\*/", text, re.DOTALL):
        if re.search(rf"@typedef \{{object\}} {name}\b", block):
            return set(re.findall(r"@property \{[^}]*\} \[?(\w+)", block))
    return None


@every_kind
def test_element_script_defines_and_documents_the_element(kind):
    script = ROOT / "static" / "js" / "components" / f"{kind.element}.js"
    assert script.is_file()
    text = script.read_text()
    assert f'customElements.define("{kind.element}"' in text
    assert f'if (!customElements.get("{kind.element}"))' in text
    entry = (ROOT / "static" / "js" / "ecco.js").read_text()
    assert (
        f'import "./components/{kind.element}.js";' in entry
        or f'import("./components/{kind.element}.js")' in entry
    )
    result = kind.result.__name__
    assert f"ecco_build/kinds/{kind.module}.py {result}" in " ".join(text.split()).replace(" * ", " ")
    assert typedef_properties(text, result) == set(get_type_hints(kind.result))
