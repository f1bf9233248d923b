"""Write static/css/palette.css from ecco_build/kinds/palette.py (tests/test_palette.py checks
that the two agree)."""

from pathlib import Path

from ecco_build.kinds.palette import css

PALETTE_CSS = Path(__file__).parent.parent / "static" / "css" / "palette.css"

if __name__ == "__main__":
    PALETTE_CSS.write_text(css(), encoding="utf-8")
