"""Social cards: the drawn card, a hero image, and a hero figure drawn by its kind."""

import pytest

from ecco_build.build import build
from ecco_build.errors import ArticleErrors
from ecco_build.kinds.drawing import HEIGHT, WIDTH
from ecco_build.render.cards import draw_card, fitted


def test_hero_image_is_used_and_checked(make_site):
    site = make_site(
        {"h.md": "---\ntitle: H\nhero: hero.png\n---\nText.\n"}, extra='base_url = "https://x.test/"'
    )
    (site / "articles" / "hero.png").write_bytes(b"\x89PNG hero")
    build(site)
    assert (site / "_site" / "h" / "hero.png").read_bytes() == b"\x89PNG hero"
    assert (
        '<meta property="og:image" content="https://x.test/h/hero.png">'
        in (site / "_site" / "h" / "index.html").read_text()
    )
    assert 'class="card-hero" src="h/hero.png"' in (site / "_site" / "index.html").read_text()
    (site / "articles" / "hero.png").unlink()
    with pytest.raises(
        ArticleErrors, match="articles/h.md:2: hero image hero.png not found beside the article"
    ):
        build(site)


def test_hero_figure_is_drawn_into_the_card(make_site):
    from PIL import Image

    text = (
        '---\ntitle: H\nhero: "#fig-s"\n---\n:::{saliency}\n:prompt: def f(x):\n:max_new_tokens: 2\n'
        ":method: gradient\n:label: fig-s\n:::\n"
    )
    site = make_site({"h.md": text})
    build(site)
    card = Image.open(site / "_site" / "h" / "card.png").convert("RGB")
    band = card.crop((60, 250, 1140, 630))
    blues = sum(1 for r, g, b in band.get_flattened_data() if b > r + 40)
    assert blues > 300  # the tinted tokens of the saliency figure's export (a plain card is white here)
    assert 'class="card-hero" src="h/card.png"' in (site / "_site" / "index.html").read_text()
    (site / "articles" / "h.md").write_text(text.replace('"#fig-s"', '"#fig-x"'))
    with pytest.raises(
        ArticleErrors,
        match=r'articles/h.md:2: hero "#fig-x" names no analysis figure of this '
        r'article; did you mean "fig-s"\?',
    ):
        build(site)


def test_a_huge_title_draws_a_normal_card(tmp_path):
    from PIL import Image

    path = tmp_path / "card.png"
    draw_card(path, "S" * 1_000_000, "T" * 1_000_000, "D " * 500_000)
    assert Image.open(path).size == (WIDTH, HEIGHT)
    assert fitted("a  b\nc", 10) == "a b c" and fitted("x" * 20, 10) == "xxxxxxx..."
