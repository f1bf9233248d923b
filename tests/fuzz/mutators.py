"""The explicit list of mutation operators, and the seeded generator of mutants.

A mutant is the seed site with one to three operators applied in turn. Mutant `index` of
`seed` depends on nothing else, so a failing case is reproduced from its two numbers.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable

from tests.fuzz import ops_content, ops_directives, ops_front, ops_paths, ops_site
from tests.fuzz.sitedraft import Draft

Operator = Callable[[Draft, random.Random], None]

OPERATORS: tuple[Operator, ...] = (
    # front matter
    ops_front.yaml_tag,
    ops_front.yaml_alias,
    ops_front.alias_bomb,
    ops_front.control_character,
    ops_front.lone_surrogate,
    ops_front.impossible_date,
    ops_front.duplicate_key,
    ops_front.wrong_type,
    ops_front.unknown_key,
    ops_front.byte_order_mark,
    ops_front.huge_value,
    ops_front.unclosed_front_matter,
    ops_front.front_not_mapping,
    ops_front.author_url_script,
    ops_front.deep_yaml,
    ops_front.line_endings,
    # encodings
    ops_front.latin1_article,
    ops_front.truncated_utf8,
    ops_front.other_encoding,
    ops_front.nul_bytes,
    ops_front.latin1_toml,
    # directives and options
    ops_directives.unknown_kind,
    ops_directives.unknown_option,
    ops_directives.unclosed_fence,
    ops_directives.malformed_option_line,
    ops_directives.block_blank_lines,
    ops_directives.extreme_number,
    ops_directives.position_range,
    ops_directives.layers_range,
    ops_directives.multi_token,
    ops_directives.empty_prompt,
    ops_directives.yaml_in_option,
    ops_directives.duplicate_option,
    ops_directives.option_block,
    ops_directives.huge_seed,
    ops_directives.nan_sampling,
    ops_directives.factors_degenerate,
    ops_directives.long_prompt,
    ops_directives.unknown_model,
    ops_directives.compare_models,
    ops_directives.prompt_surrogate,
    ops_directives.nested_blocks,
    ops_directives.caption_problems,
    ops_directives.label_injection,
    ops_directives.choice_values,
    ops_directives.fence_variants,
    # math
    ops_content.unbalanced_math,
    ops_content.math_text_markup,
    ops_content.math_href,
    ops_content.huge_math,
    ops_content.math_macros,
    ops_content.math_in_blocks,
    # citations
    ops_content.unknown_citation,
    ops_content.bibliography_outside,
    ops_content.malformed_bib,
    ops_content.huge_bib,
    ops_content.bib_injection,
    # document structure
    ops_content.raw_html,
    ops_content.html_in_heading,
    ops_content.html_in_caption,
    ops_content.html_in_footnote,
    ops_content.html_in_callout,
    ops_content.deep_nesting,
    ops_content.long_lines,
    ops_content.attrs_injection,
    ops_content.active_file,
    ops_content.entity_obfuscation,
    ops_content.document_rewrites,
    # links and paths
    ops_paths.parent_link,
    ops_paths.absolute_link,
    ops_paths.query_link,
    ops_paths.odd_names,
    ops_paths.script_url,
    ops_paths.missing_target,
    ops_paths.hero_outside,
    ops_paths.link_to_sources,
    ops_paths.encoded_traversal,
    ops_paths.misplaced_articles,
    # symlinks and odd files
    ops_paths.symlink_secret,
    ops_paths.symlink_image,
    ops_paths.dangling_symlink,
    ops_paths.symlink_loop,
    ops_paths.article_is_folder,
    ops_paths.symlinked_article,
    ops_paths.symlinked_theme,
    ops_paths.site_templates,
    ops_paths.bibliography_symlink,
    ops_paths.static_overrides,
    # site.toml, output, data and models
    ops_site.toml_unknown_key,
    ops_site.toml_wrong_type,
    ops_site.toml_wrong_tables,
    ops_site.toml_syntax,
    ops_site.toml_script_url,
    ops_site.toml_markup,
    ops_site.toml_huge,
    ops_site.toml_control,
    ops_site.out_dir_hazard,
    ops_site.out_flag_hazard,
    ops_site.dirs_outside,
    ops_site.bad_model,
    ops_site.stale_output,
    ops_site.corrupt_data,
    ops_site.data_folder_odd,
)


def mutant(base: Draft, seed: int, index: int, keep: tuple[str, ...] | None = None) -> Draft:
    """Mutant `index` of `seed`: the base with 1–3 operators applied in turn. With `keep`, only
    the chosen operators named there are applied, each exactly as in the full mutant (every
    operator draws from its own generator), which is how a failure is shrunk."""
    rng = random.Random(f"ecco-fuzz:{seed}:{index}")
    count = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
    draft = copy.deepcopy(base)
    for position, operator in enumerate(rng.sample(OPERATORS, count)):
        if keep is None or operator.__name__ in keep:
            operator(draft, random.Random(f"ecco-fuzz:{seed}:{index}:{position}"))
            draft.ops.append(operator.__name__)
    return draft


BY_NAME = {operator.__name__: operator for operator in OPERATORS}

# Operators whose effect shows only in what a build writes (pages, copies, the output folder)
# or reads while rendering: mutants using them are built more often than the others.
SHOWN_BY_BUILD = frozenset(
    operator.__name__
    for operator in (
        ops_front.author_url_script,
        ops_front.huge_value,
        ops_directives.label_injection,
        ops_directives.nested_blocks,
        ops_directives.caption_problems,
        ops_content.math_text_markup,
        ops_content.math_href,
        ops_content.math_in_blocks,
        ops_content.bib_injection,
        ops_content.raw_html,
        ops_content.html_in_heading,
        ops_content.html_in_caption,
        ops_content.html_in_footnote,
        ops_content.html_in_callout,
        ops_content.attrs_injection,
        ops_content.active_file,
        ops_content.entity_obfuscation,
        ops_content.document_rewrites,
        ops_paths.parent_link,
        ops_paths.absolute_link,
        ops_paths.query_link,
        ops_paths.odd_names,
        ops_paths.script_url,
        ops_paths.hero_outside,
        ops_paths.link_to_sources,
        ops_paths.encoded_traversal,
        ops_paths.symlink_secret,
        ops_paths.symlink_image,
        ops_paths.symlinked_theme,
        ops_paths.site_templates,
        ops_paths.bibliography_symlink,
        ops_paths.static_overrides,
        ops_site.toml_script_url,
        ops_site.toml_markup,
        ops_site.out_dir_hazard,
        ops_site.out_flag_hazard,
        ops_site.dirs_outside,
        ops_site.stale_output,
        ops_site.corrupt_data,
        ops_site.data_folder_odd,
    )
)


def named(base: Draft, names: tuple[str, ...], seed: int, index: int) -> Draft:
    """The base with the named operators applied in order (to explore one operator's variants)."""
    draft = copy.deepcopy(base)
    for position, name in enumerate(names):
        BY_NAME[name](draft, random.Random(f"ecco-fuzz:{seed}:{index}:{position}"))
        draft.ops.append(name)
    return draft
