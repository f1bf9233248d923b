"""The contract every kind keeps, checked over the whole registry: a kind that forgets a piece
fails here under its own name (issue 14; the cases are numbered as in the migration plan §4a)."""

import dataclasses
import importlib
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import get_type_hints

import pytest

from ecco_build.articles import Directive
from ecco_build.config import load_config
from ecco_build.envelope import check_result
from ecco_build.kinds.drawing import HEIGHT, WIDTH
from ecco_build.kinds.packing import unpack
from ecco_build.kinds.registry import KINDS, Kind
from ecco_build.plan import result_options
from ecco_build.render import Page, environment

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parent / "fixtures"

# What a page may leave out of a stored record: (kind, path pattern of dropped keys).
DROPPED = {"saliency": {"norm"}}

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
    expected = without(data, DROPPED.get(kind.name, set()))
    back = unpack(page)
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
