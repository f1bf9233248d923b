"""Rewrite the README's directive reference from `ecco-build kinds`."""

from pathlib import Path

from ecco_build.cli import kinds_text
from ecco_build.kinds.registry import KINDS

README = Path(__file__).parent.parent / "README.md"
START, END = "<!-- kinds:start -->\n", "<!-- kinds:end -->"

text = README.read_text()
head, rest = text.split(START)
_, tail = rest.split(END)
README.write_text(head + START + "```text\n" + kinds_text(list(KINDS.values())) + "```\n" + END + tail)
