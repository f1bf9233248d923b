"""Captions, callout bodies and image titles get the same checks and rewriting as prose."""

import pytest

from ecco_build.build import build, check
from ecco_build.errors import ArticleErrors

BIB = "@misc{known, title = {A Known Work}, author = {Doe, Jane}, year = {2020}}\n"

BROKEN = """\
---
title: P
bibliography: refs.bib
---
## Part

:::{generate}
:prompt: hi
:max_new_tokens: 2
:label: fig-g

See [gone](gone.pdf), [@nokey], [](#missing) and $x^{2$.
:::

:::{note} Careful
A note.

Then [link](gone2.pdf), [@nokey2], [](#nowhere) and $\\fancy$.
:::

![A plot](plot.png "Loss $\\frac{1$ falls")
"""


def test_captions_callouts_and_image_titles_are_checked_at_their_lines(make_site):
    site = make_site({"p.md": BROKEN})
    (site / "articles" / "refs.bib").write_text(BIB)
    (site / "articles" / "plot.png").write_bytes(b"\x89PNG")
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    valid = "valid: fig-g, figure-2, part"
    assert [str(p) for p in exc.value.problems] == [
        f'articles/p.md:12: link to "#missing": no figure label or heading has that id; {valid}',
        "articles/p.md:12: formula $x^{2$ cannot be rendered (a { is never closed); fix its LaTeX",
        "articles/p.md:12: link to gone.pdf: no such file beside the article "
        f"({site / 'articles' / 'gone.pdf'})",
        "articles/p.md:12: unknown citation key @nokey in refs.bib; valid: known",
        f'articles/p.md:18: link to "#nowhere": no figure label or heading has that id; {valid}',
        "articles/p.md:18: formula $\\fancy$ cannot be rendered (unknown command \\fancy); fix its LaTeX",
        "articles/p.md:18: link to gone2.pdf: no such file beside the article "
        f"({site / 'articles' / 'gone2.pdf'})",
        "articles/p.md:18: unknown citation key @nokey2 in refs.bib; valid: known",
        "articles/p.md:21: formula $\\frac{1$ cannot be rendered (a { is never closed); fix its LaTeX",
    ]


GOOD = """\
---
title: P
bibliography: refs.bib
---
:::{generate}
:prompt: hi
:max_new_tokens: 2
:label: fig-g
Continues [@first]; see [the other](b.md#part) and ![an icon](icon.png).
:::

:::{warning}
As [](#fig-g) shows [@known], ![a chart](chart.png) and $x^2$.
:::

Prose cites [@known] again.
"""


def test_captions_and_callouts_render_like_prose(make_site):
    site = make_site({"p.md": GOOD, "b.md": "---\ntitle: B\n---\n## Part\n\nText.\n"})
    (site / "articles" / "refs.bib").write_text(
        BIB + "@misc{first, title = {The First}, author = {Roe, Rick}, year = {2019}}\n"
    )
    (site / "articles" / "icon.png").write_bytes(b"\x89PNG icon")
    (site / "articles" / "chart.png").write_bytes(b"\x89PNG chart")
    build(site)
    out = site / "_site" / "p"
    page = (out / "index.html").read_text()
    assert (out / "icon.png").read_bytes() == b"\x89PNG icon"
    assert (out / "chart.png").read_bytes() == b"\x89PNG chart"  # an image inside a callout
    caption = page.split("<figcaption")[1].split("</figcaption>")[0]
    assert '<a href="../b/index.html#part">the other</a>' in caption
    assert '<a href="#ref-first">1</a>' in caption  # numbered in reading order, caption first
    callout = page.split('class="callout callout-warning"')[1].split("</div>")[0]
    assert '<a href="#fig-g" class="cross-ref">Figure 1</a>' in callout
    assert '<a href="#ref-known">2</a>' in callout and "<math" in callout
    assert '<img src="chart.png" alt="a chart"' in callout
    references = page.split('<section class="references">')[1]
    assert references.index('id="ref-first"') < references.index('id="ref-known"')
