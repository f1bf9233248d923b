"""Mutation operators over directives and their options."""

from __future__ import annotations

import random

from tests.fuzz.sitedraft import FIGURES, TOML, Draft, directive_spans, options, put, text

NUMBER_OPTIONS = (
    "max_new_tokens",
    "temperature",
    "top_p",
    "top_k",
    "seed",
    "candidates",
    "n_steps",
    "tolerance",
    "batch_size",
    "components",
    "top_neurons",
    "position",
)
SAMPLING_KINDS = ("generate", "saliency", "rankings", "layer-predictions")


def kinds_with(name: str) -> tuple[str, ...]:
    """The kinds that declare option `name` (all kinds if none does)."""
    from ecco_build.kinds.registry import KINDS

    found = tuple(k for k, kind in KINDS.items() if name in kind.option_map)
    return found or tuple(KINDS)


def _fence(draft: Draft, rng: random.Random) -> tuple[list[str], tuple[int, int, str] | None]:
    lines = text(draft, FIGURES).split("\n")
    spans = directive_spans("\n".join(lines))
    return lines, rng.choice(spans) if spans else None


def unknown_kind(draft: Draft, rng: random.Random) -> None:
    """A directive of an unknown kind: a near miss, wrong case, empty braces, spaces."""
    lines, span = _fence(draft, rng)
    if span:
        name = rng.choice(("generat", "Generate", "", "gen erate", "saliency2", "note-", "_x", "é"))
        lines[span[0]] = f":::{{{name}}}"
        put(draft, FIGURES, "\n".join(lines))


def unknown_option(draft: Draft, rng: random.Random) -> None:
    """An option the kind does not declare: a misspelling, another kind's option, odd case."""
    name = rng.choice(("promt", "Prompt", "foil", "watch", "layers", "max-new-tokens", "x" * 300))
    options(draft, rng, {name: "1"})


def unclosed_fence(draft: Draft, rng: random.Random) -> None:
    """A directive or callout whose closing ::: is missing: it swallows the rest of the file."""
    lines, span = _fence(draft, rng)
    if span:
        lines[span[1]] = rng.choice(("", "::", ":::: ", "```"))
        put(draft, FIGURES, "\n".join(lines))


def malformed_option_line(draft: Draft, rng: random.Random) -> None:
    """An option line off the pattern (`:_note: x`, `:prompt : x`, `:prompt:x`, `::`, `: x`)
    placed before the other options, which it would silently end."""
    lines, span = _fence(draft, rng)
    if span:
        bad = rng.choice(
            (":_note: x", ":prompt : x", ":prompt:x", "::", ": x", ":9: x", ":a b: c", ":prompt:\tx")
        )
        lines.insert(span[0] + 1, bad)
        put(draft, FIGURES, "\n".join(lines))


def block_blank_lines(draft: Draft, rng: random.Random) -> None:
    """A `|` block prompt with two blank lines inside (PEP 8 between functions) and options after."""
    blank = "\n" * rng.choice((2, 3))
    prompt = f"|\n    def a():\n        return 1\n{blank}    def b():\n        return 2"
    options(draft, rng, {"prompt": prompt, "label": "fig-after-block"}, ("generate", "saliency", "rankings"))
    put(draft, FIGURES, text(draft, FIGURES) + "\nSee [](#fig-after-block).\n")


def extreme_number(draft: Draft, rng: random.Random) -> None:
    """NaN, ±inf, 1e309, 10**20, -1, 0, 1.5, text or a list where a number option is expected."""
    name = rng.choice(NUMBER_OPTIONS)
    value = rng.choice(
        (".nan", "nan", "NaN", ".inf", "-.inf", "inf", "1e309", "1e30", "99999999999999999999", "-1", "0")
        + ("1.5", "ten", "true", "[1]", "{a: 1}", "0x10", "1_000", "''", "-0.0", "1e-320")
    )
    options(draft, rng, {name: value}, kinds_with(name))


def position_range(draft: Draft, rng: random.Random) -> None:
    """:position: far out of range (99999, -99999, 2**63), 0 or past the prompt's end."""
    value = rng.choice(("99999", "-99999", str(2**63), "0", "40", "-40", "1e3"))
    options(draft, rng, {"position": value}, ("rankings-watch", "layer-predictions"))


def layers_range(draft: Draft, rng: random.Random) -> None:
    """:layers: 0-99999999999, 5-2, [1, 99], -1, a-b, 1-2-3, [] or 2**70 on factors."""
    value = rng.choice(
        ("0-99999999999", "5-2", "[1, 99]", "-1", "a-b", "1-2-3", "[]", str(2**70), "0-1", "1")
    )
    options(draft, rng, {"layers": value}, ("factors",))


def multi_token(draft: Draft, rng: random.Random) -> None:
    """A multi-token or empty :watch: entry, :foil: or :target:, or a watch list that is not a list."""
    name, value = rng.choice(
        (
            ("watch", '["hello world", ")"]'),
            ("watch", '[""]'),
            ("watch", "[]"),
            ("watch", "x"),
            ("watch", "[1, 2]"),
            ("foil", '" Paris London"'),
            ("foil", '""'),
            ("foil", "))))"),
            ("target", '" "'),
            ("target", "x" * 2000),
        )
    )
    options(draft, rng, {name: value}, kinds_with(name))


def empty_prompt(draft: Draft, rng: random.Random) -> None:
    """An empty, blank or whitespace :prompt: ("", `|` with nothing, spaces, a tab)."""
    value = rng.choice(('""', "|", "''", "   ", '"\\t"', "|\n    ", ">"))
    options(draft, rng, {"prompt": value})


def yaml_in_option(draft: Draft, rng: random.Random) -> None:
    """YAML tags, aliases, dates and Python tags as option values (`!!int x`, `2026-13-45`, `*a`)."""
    name = rng.choice(
        ("seed", "max_new_tokens", "prompt", "watch", "method", "layers", "label", "temperature")
    )
    value = rng.choice(
        ("!!int x", "!!float nope", "2026-13-45", "*a", "&a [1]", "!!python/name:os.system", "!!binary x")
        + ("[&a x, *a]", '"\\ud800"', "{", "[1, 2", "2026-01-01", "? a", "!!timestamp 2026-02-30")
    )
    options(draft, rng, {name: value}, kinds_with(name))


def duplicate_option(draft: Draft, rng: random.Random) -> None:
    """The same option twice in one directive (a line, or a line and a block)."""
    lines, span = _fence(draft, rng)
    if span:
        extra = rng.choice((":label: fig-twice", ":prompt: again", ":prompt: |\n    again"))
        lines.insert(span[0] + 1, extra)
        lines.insert(span[0] + 1, extra.split("\n")[0].replace("|", "first"))
        put(draft, FIGURES, "\n".join(lines))


def option_block(draft: Draft, rng: random.Random) -> None:
    """Options in a --- YAML block: valid, unclosed, invalid YAML, a list, or an alias bomb."""
    lines, span = _fence(draft, rng)
    if span:
        bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "\n".join(
            f"b{i}: &b{i} [" + ", ".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 8) + "]" for i in range(8)
        )
        block = rng.choice(
            (
                "---\nprompt: hi\n---",
                "---\nprompt: hi",
                "---\nprompt: [\n---",
                "---\n- a\n---",
                f"---\n{bomb}\n---",
            )
        )
        lines[span[0] + 1 : span[0] + 1] = block.split("\n")
        put(draft, FIGURES, "\n".join(lines))
        draft.computes = True


def huge_seed(draft: Draft, rng: random.Random) -> None:
    """A :seed: past 2**32, 2**63 or 2**64, with sampling on."""
    value = str(rng.choice((2**32, 2**63, 2**64, 10**30, -(2**63) - 1)))
    options(draft, rng, {"do_sample": "true", "seed": value}, SAMPLING_KINDS)


def nan_sampling(draft: Draft, rng: random.Random) -> None:
    """Sampling with :temperature: or :top_p: NaN, 0, negative, tiny or infinite."""
    name = rng.choice(("temperature", "top_p"))
    value = rng.choice((".nan", "0", "-1", "1e-300", ".inf", "2"))
    options(draft, rng, {"do_sample": "true", name: value}, SAMPLING_KINDS)


def factors_degenerate(draft: Draft, rng: random.Random) -> None:
    """factors with :method: ica or pca on a one-token prompt, or more components than tokens."""
    method = rng.choice(("ica", "pca", "nmf"))
    prompt = rng.choice(("x", "class", ":"))
    components = rng.choice(("2", "64", "auto", "1"))
    options(draft, rng, {"method": method, "prompt": prompt, "components": components}, ("factors",))


def long_prompt(draft: Draft, rng: random.Random) -> None:
    """A prompt far past the model's context (100,000 characters) or a 1 MB single line."""
    value = rng.choice(("word " * 20_000, "x" * 1_000_000, "|\n" + "    line\n" * 20_000))
    options(draft, rng, {"prompt": value.rstrip("\n")})


def unknown_model(draft: Draft, rng: random.Random) -> None:
    """:model: naming no model: a near miss, empty, an upper-case alias, a path, a Hub id."""
    value = rng.choice(("tiny2", "Tiny", '""', "../model", "gpt2", "builtin:demo", "tiny tiny"))
    options(draft, rng, {"model": value})


def compare_models(draft: Draft, rng: random.Random) -> None:
    """:models: on any directive (factors refuses it): a second alias of the same model, one
    alias, an unknown one, a repeat, markup as an alias, with or without :model: beside it."""
    if rng.random() < 0.7:
        put(draft, TOML, text(draft, TOML) + '\n[models.twin]\nsource = "builtin:demo"\n')
    value = rng.choice(
        (
            "[tiny, twin]",
            "[twin, tiny]",
            "tiny, twin",
            "[tiny]",
            "[tiny, nope]",
            "[tiny, tiny]",
            "[]",
            '["</script><b>x", tiny]',
            "[tiny, twin, tiny2, tiny3, tiny4]",
            "{a: 1}",
        )
    )
    values = {"models": value, **({"model": "tiny"} if rng.random() < 0.2 else {})}
    options(draft, rng, values)


def prompt_surrogate(draft: Draft, rng: random.Random) -> None:
    """A lone surrogate in a prompt, target, foil, watch entry or label, via a YAML escape."""
    name = rng.choice(("prompt", "target", "foil", "watch", "label"))
    value = '["\\ud800"]' if name == "watch" else '"a\\ud800b"'
    options(draft, rng, {name: value}, kinds_with(name))


def nested_blocks(draft: Draft, rng: random.Random) -> None:
    """A directive inside a callout, a callout inside a caption, a code fence in a caption."""
    inner = ":::{generate}\n:prompt: nested\n:max_new_tokens: 1\nInner.\n:::"
    block = rng.choice(
        (
            f"::::{{note}}\n{inner}\n::::",
            f":::{{note}}\n{inner}\n:::",
            "::::{generate}\n:prompt: outer\n:max_new_tokens: 1\n:::{note}\nIn a caption.\n:::\n::::",
            ":::{generate}\n:prompt: outer\n:max_new_tokens: 1\n```\n:::\n```\n:::",
        )
    )
    put(draft, FIGURES, text(draft, FIGURES) + "\n" + block + "\n")
    draft.computes = True


def caption_problems(draft: Draft, rng: random.Random) -> None:
    """A caption with bad math, a dead link, an unknown citation, [](#missing) or a missing image."""
    lines, span = _fence(draft, rng)
    if span:
        problem = rng.choice(
            ("$\\frac{a}{$", "[x](gone.md)", "[@nobody]", "[](#missing)", "![x](gone.png)", "[x](gone.pdf)")
        )
        lines.insert(span[1], f"Caption with {problem}.")
        put(draft, FIGURES, "\n".join(lines))


def label_injection(draft: Draft, rng: random.Random) -> None:
    """A :label: with quotes, spaces, markup, a duplicate of another label, or 10,000 characters."""
    value = rng.choice(
        (
            '"x\\" onmouseover=\\"alert(1)"',
            "fig gen",
            "<script>alert(1)</script>",
            "fig-gen",
            "a" * 10_000,
            "#x",
        )
    )
    options(draft, rng, {"label": value})


def choice_values(draft: Draft, rng: random.Random) -> None:
    """A wrong choice: :width: huge, :method: [ica] on saliency, :view: none, :baseline: x, lists."""
    name, value = rng.choice(
        (
            ("width", "huge"),
            ("width", "[body]"),
            ("method", "[ica]"),
            ("method", "[]"),
            ("view", "none"),
            ("baseline", "x"),
            ("target_scalar", "[logit, logit]"),
            ("method", "integrated_gradients, integrated_gradients"),
        )
    )
    options(draft, rng, {name: value}, kinds_with(name))


def fence_variants(draft: Draft, rng: random.Random) -> None:
    """Odd fences: four colons, backticks (```{generate}), indentation, text after the kind."""
    lines, span = _fence(draft, rng)
    if span:
        start, close, kind = span
        opener, closer = rng.choice(
            (
                (f"::::{{{kind}}}", "::::"),
                (f"```{{{kind}}}", "```"),
                (f"   :::{{{kind}}}", "   :::"),
                (f":::{{{kind}}} trailing words", ":::"),
                (f":::{{{kind}}}", ":::::"),
            )
        )
        lines[start], lines[close] = opener, closer
        put(draft, FIGURES, "\n".join(lines))
