"""A token's visible forms (kinds/tokens.py), decided once from its exact text: the label that
tells whitespace apart, the running form that keeps code's shape, and the page form."""

import json
from pathlib import Path

import pytest

from ecco_build.kinds.registry import KINDS
from ecco_build.kinds.tokens import flow, label, looks_like_code, page_token, text_style

ROOT = Path(__file__).parents[2]

LABELS = [
    ("\n        ", "⏎ +8"),
    ("\n            ", "⏎ +12"),
    ("\n", "⏎"),
    ("\n\n", "⏎⏎"),
    ("\n\n    ", "⏎⏎ +4"),
    ("\r\n", "⏎"),
    ("\n\t\t", "⏎ →→"),
    (" ", "␣"),
    ("  ", "␣␣"),
    ("        ", "␣×8"),
    ("\t", "→"),
    ("", "∅"),
    ("\ufffd", "<byte>"),
    ("\x19", "<0x19>"),
    ("\x00", "<0x00>"),
    ("\u200b", "<U+200B>"),
    ("a\u00a0b", "a<U+00A0>b"),
    (":\n    return", ":⏎ +4 return"),
    # Ordinary words, with or without their leading space, stay as they are.
    ("the", "the"),
    (" the", " the"),
    (" Paris", " Paris"),
    ("ing", "ing"),
    ("é", "é"),
    ("<script>", "<script>"),
]


@pytest.mark.parametrize(("text", "expected"), LABELS)
def test_label(text, expected):
    assert label(text) == expected


def test_whitespace_labels_are_all_different():
    texts = ["\n", "\n ", "\n   ", "\n       ", "\n           ", "\n\n", "\n\n   ", " ", "  ", "\t"]
    labels = [label(t) for t in texts]
    assert len(set(labels)) == len(labels), labels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n        ", "\n        "),  # the indentation is real whitespace at the line start
        ("\n\n", "\n\n"),
        (" x", " x"),
        ("\t", "\t"),
        ("", "∅"),
        ("\ufffd", "<byte>"),
        ("\x19", "<0x19>"),
        ("\r\n", "\n"),
    ],
)
def test_flow(text, expected):
    assert flow(text) == expected


def test_page_token_replaces_the_stored_display_and_adds_flow_only_when_needed():
    stored = {"id": 3, "text": "\n    ", "display": "⏎    ", "newline": True}
    assert page_token(stored) == {"id": 3, "text": "\n    ", "newline": True, "display": "⏎ +4"}
    assert page_token({"id": 1, "text": " cat", "space": True}) == {"id": 1, "text": " cat", "space": True}
    assert page_token({"id": 2, "text": ""}) == {"id": 2, "text": "", "display": "∅", "flow": "∅"}
    assert stored["display"] == "⏎    "  # the stored token is left as it is


def test_code_or_prose():
    code = [{"text": "def f():"}, {"text": "\n   "}, {"text": " return"}]
    prose = [{"text": "The"}, {"text": " cat"}, {"text": "\n\n"}, {"text": "It"}]
    assert looks_like_code(code) and text_style({"tokens": code}) == "code"
    assert not looks_like_code(prose) and text_style({"tokens": prose}) == "prose"
    assert text_style({}) == "prose"


def token_entries(value):
    """Every token entry (a dict with id and text) inside a result."""
    if isinstance(value, dict):
        if "id" in value and "text" in value:
            yield value
        for item in value.values():
            yield from token_entries(item)
    elif isinstance(value, list):
        for item in value:
            yield from token_entries(item)


@pytest.mark.parametrize("kind", ["generate", "saliency", "layer-predictions"])
def test_every_token_of_a_page_carries_its_label(kind):
    for path in sorted((ROOT / "data").glob(f"{kind}-*.json")):
        data = json.loads(path.read_text())
        found = list(token_entries(KINDS[kind].page_form(data)["result"]))
        assert found
        for token in found:
            assert token.get("display", token["text"]) == label(token["text"])
            assert token.get("flow", token["text"]) == flow(token["text"])
            assert "\ufffd" not in token.get("display", token["text"])
