"""The shared field mechanism: each validator accepts what fits and refuses the rest with its
message; a Collector puts every problem at its key's line, or at its nearest parent's."""

import math

import pytest

from ecco_build import fields
from ecco_build.errors import Problem
from ecco_build.fields import Collector, Field, FieldError


def refusal(check, value, name="x") -> str:
    with pytest.raises(FieldError) as exc:
        check(value, name)
    return exc.value.message


def test_boolean():
    assert fields.boolean()(False, "draft") is False
    assert refusal(fields.boolean(), "yes", "draft") == "draft must be true or false, not 'yes'"
    assert refusal(fields.boolean(), 1, "draft") == "draft must be true or false, not 1"


def test_text_strips_refuses_other_types_and_controls():
    assert fields.text()(" a ", "t") == " a "
    assert fields.text(strip=True)(" a ", "t") == "a"
    assert refusal(fields.text(), 3, "title") == "title must be text, not 3"
    assert refusal(fields.text("{name} must be a file name"), [], "bib") == "bib must be a file name"
    assert fields.text()("a\x0bb", "t") == "a\x0bb"
    assert (
        refusal(fields.text(controls=True), "a\x0bb", "t")
        == "t contains the control character U+000B; remove it"
    )


def test_integer_in_range():
    check = fields.integer(1, 1024)
    assert check(16, "n") == 16
    assert refusal(check, True, "n") == "n must be an integer, not True"
    assert refusal(check, 1.5, "n") == "n must be an integer, not 1.5"
    assert refusal(check, 0, "n") == "n must be at least 1, not 0"
    assert refusal(check, 2000, "n") == "n must be at most 1024, not 2000"
    assert fields.integer()(-(10**30), "n") == -(10**30)


def test_number_is_finite_and_takes_integers():
    check = fields.number(0.01, 10)
    assert check(2, "t") == 2.0 and isinstance(check(2, "t"), float)
    assert refusal(check, "hot", "t") == "t must be a number, not 'hot'"
    assert refusal(check, math.nan, "t") == "t must be a finite number, not nan"
    assert refusal(check, 0.001, "t") == "t must be at least 0.01, not 0.001"
    assert refusal(check, 11, "t") == "t must be at most 10, not 11.0"


def test_choice_and_its_message_template():
    check = fields.choice(("body", "page"))
    assert check("page", "width") == "page"
    assert refusal(check, "huge", "width") == '"huge" is not a valid width; choose one of: body, page'
    assert refusal(check, 3, "width") == "3 is not a valid width; choose one of: body, page"
    custom = fields.choice(("a", "b"), '{name} must be one of {choices}, not "{text}"')
    assert refusal(custom, "a\\b", "k") == 'k must be one of a, b, not "a\\b"'


def test_strings():
    check = fields.strings()
    assert check(" is", "t") == [" is"]
    assert check(["", "x"], "t") == ["", "x"]
    assert refusal(check, [], "t") == 't must be a list of one or more strings, like [" is", " are"]'
    assert refusal(check, [1], "t").startswith("t must be a list")
    words = fields.strings("{name} must be words", least=0, blank=False)
    assert words([], "tags") == []
    assert refusal(words, ["a", " "], "tags") == "tags must be words"


def test_field_checks_under_its_name():
    field = Field("draft", "true to hide", False, fields.boolean())
    assert field.check(True) is True
    with pytest.raises(FieldError, match="^draft must be true or false"):
        field.check("no")


def test_collector_maps_keys_to_lines_and_falls_back_to_the_nearest_parent():
    lines = {("models",): 3, ("models", "demo"): 4, ("models", "demo", "dtype"): 6}
    collector = Collector("site.toml", lines, default_line=1)
    collector.fail("a", "models", "demo", "dtype")
    collector.fail("b", "models", "demo", "source")  # unseen: its table's header line
    collector.fail("c", "title")  # nothing known: the default line
    collector.fail("d")
    assert collector.problems == [
        Problem("site.toml", 6, "a"),
        Problem("site.toml", 4, "b"),
        Problem("site.toml", 1, "c"),
        Problem("site.toml", 1, "d"),
    ]


def test_collector_take_collects_every_refusal_and_returns_the_fallback():
    shared: list[Problem] = []
    collector = Collector("a.md", {("authors",): 2, ("authors", 1): 4}, default_line=9, problems=shared)
    assert collector.take(lambda v: v * 2, 3, "x") == 6

    def several(value):
        raise FieldError("first", 0, each=(FieldError("first", 0), FieldError("second", 1, "url")))

    assert collector.take(several, [], "authors", fallback=()) == ()
    assert collector.take(lambda v: fields.boolean()(v, "draft"), "x", "draft") is None
    assert shared == [
        Problem("a.md", 2, "first"),
        Problem("a.md", 4, "second"),
        Problem("a.md", 9, "draft must be true or false, not 'x'"),
    ]
