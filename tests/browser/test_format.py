"""The figures print numbers as the server-rendered fallbacks do: static/js/lib/format.js and the
Python filters agree on a table of values, edge cases included."""

from pathlib import Path

import pytest

from ecco_build.render.theme import percent
from tests.browser import browser_page, serve

pytestmark = pytest.mark.browser

STATIC = Path(__file__).parents[2] / "static"
# Exact ties of the last digit (100 * p = 1.25, 0.75, …) round to even in Python.
PROBABILITIES = [None, 0, 1e-9, 0.0005, 0.00099, 0.001, 0.00105, 0.0025, 0.0075, 0.0125, 0.0175, 0.12345]
PROBABILITIES += [0.1235, 0.333, 0.5, 0.6666, 0.9995, 0.99949, 1] + [i / 1000 for i in range(1000)]


def test_percent_matches_the_python_filter():
    with serve(STATIC) as url, browser_page() as page:
        page.goto(url)
        shown = page.evaluate(
            "async ([src, values]) => { const { percent } = await import(src); return values.map(percent); }",
            [url + "js/lib/format.js", PROBABILITIES],
        )
    assert shown == [percent(p) for p in PROBABILITIES]
