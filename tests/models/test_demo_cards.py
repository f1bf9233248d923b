"""The shipped models' cards are reproducible: the evaluation script, run again on the weights
in the repository, gives the numbers their evaluation.json (and so their README card) report."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BUILTIN = ROOT / "ecco_build" / "models"
FOLDERS = sorted(p for p in BUILTIN.iterdir() if (p / "evaluation.json").is_file())

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_evaluation_reproduces_the_card(folder):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import evaluate_demo_model as script
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    card = json.loads((folder / "evaluation.json").read_text())
    config = json.loads((folder / "config.json").read_text())
    again = script.evaluate(folder, script.shape(config)["context"])
    for key in ("held_out_files", "held_out_tokens", "bracket_positions", "indentation_positions"):
        assert again[key] == card[key], key
    assert again["held_out_loss"] == pytest.approx(card["held_out_loss"], rel=1e-4)
    # An argmax may flip where two scores tie to float32 rounding: at most one position each.
    assert again["bracket_accuracy"] == pytest.approx(
        card["bracket_accuracy"], abs=1 / card["bracket_positions"]
    )
    assert again["indentation_accuracy"] == pytest.approx(
        card["indentation_accuracy"], abs=1 / card["indentation_positions"]
    )
    assert again["init_completion"] == card["init_completion"]
    # The card shows these numbers (the README is generated from evaluation.json).
    text = (folder / "README.md").read_text()
    assert f"{card['held_out_loss']:.3f} nats" in text and f"{card['indentation_accuracy']:.1%}" in text
