"""Write static/css/ecco-embed.css, the stylesheet of a standalone figure (a figure element
pasted into a page that ecco-build did not write; static/js/lib/element.js adopts it in the
element's shadow root), from the site's own sheets, so the two cannot drift apart
(tests/test_embed_css.py checks that the file is current).

It keeps, from static/css/palette.css and static/css/ecco.css, only what a figure's view uses:
the custom properties (`:root` → the shadow root's wrapper `.ecco-root`, the `data-theme`
toggle → the element's `theme` attribute), a few element rules (tables, code, focus rings), and
the rules whose classes the scripts under static/js/components and static/js/lib create;
`.ecco-explorable` becomes `.ecco-root`. Nothing for print, the static fallback or the page
around the figure. `rem` becomes px (1rem = 16px): inside a shadow root rem is still the host
page's root font size, which the host may set to anything.

The rules of a component that ecco.js loads only when the page has one (LAZY: the attention
figure) go to a sheet of their own, static/css/ecco-embed-<name>.css, which that component
adopts beside this one; a page without such a figure never downloads them.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
EMBED_CSS = STATIC / "css" / "ecco-embed.css"
# Lazily loaded components: the class prefix of their rules → their own sheet.
LAZY = {"ecco-attention": STATIC / "css" / "ecco-embed-attention.css"}

HEADER = """\
/* Written by scripts/update_embed_css.py from palette.css and ecco.css: do not edit. */
:host{display:block}
:host([hidden]){display:none}
.ecco-root{all:initial;display:block;font:17px/1.65 var(--sans);color:var(--text);text-align:left}
.ecco-loading{margin:0;color:var(--muted);font-size:14px}
.ecco-error{margin:0;font-size:14px;border-left:4px solid #b3261e;padding-left:8px}
"""

# The page's theme selectors and what they become in a shadow root (longest first).
ROOTS = (
    (':root:not([data-theme="light"])', ':host(:not([theme="light"])) .ecco-root'),
    (':root[data-theme="dark"]', ':host([theme="dark"]) .ecco-root'),
    (':root[data-theme="light"]', ':host([theme="light"]) .ecco-root'),
    (":root", ".ecco-root"),
    (".ecco-explorable", ".ecco-root"),
)
ELEMENTS = {"*", ":focus-visible", "code", "table", "th", "td"}
LEFT_OUT = ("ecco-fallback", "data-level", "ecco-error")  # the fallback's; the error's is above


def blocks(text: str) -> list[tuple[str, str]]:
    """The top-level (prelude, body) pairs of a stylesheet without comments."""
    found, start = [], 0
    while (open_at := text.find("{", start)) >= 0:
        depth, end = 1, open_at + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        found.append((text[start:open_at].strip(), text[open_at + 1 : end - 1]))
        start = end
    return found


def used_names() -> set[str]:
    """Every word inside a string literal of the figures' scripts (the classes and the tags they
    create among them), and the table parts that insertRow and insertCell create."""
    names = {"ecco-root", "thead", "tbody", "tr", "td"}
    for path in sorted((STATIC / "js" / "components").glob("*.js")) + sorted(
        (STATIC / "js" / "lib").glob("*.js")
    ):
        for literal in re.findall(r"\"([^\"\n]*)\"|`([^`]*)`", path.read_text(encoding="utf-8")):
            names.update("".join(literal).split())
    return names


def keep(selector: str, used: set[str]) -> bool:
    """Whether a (mapped) selector styles something a figure's view holds."""
    if selector.startswith(":host"):
        return True
    if any(name in selector for name in LEFT_OUT):
        return False
    classes = re.findall(r"\.([\w-]+)", selector)
    tags = re.findall(r"(?:^|[\s>+~])([a-z][\w-]*)", selector)
    if selector in ELEMENTS:
        return True
    return any(c.startswith("ecco-") for c in classes) and all(n in used for n in classes + tags)


def in_sheet(selector: str, lazy: str | None) -> bool:
    """Whether a kept selector belongs to the sheet of `lazy` (None: the main sheet)."""
    owner = next((prefix for prefix in LAZY if f".{prefix}" in selector), None)
    return owner == lazy


def rules(text: str, used: set[str], lazy: str | None = None) -> list[str]:
    """The kept rules of a stylesheet's text, one per line (media blocks on one line), for the
    main sheet or for one lazily loaded component's."""
    out = []
    for prelude, body in blocks(text):
        if prelude.startswith("@media"):
            inner = rules(body, used, lazy)
            if inner and "print" not in prelude:
                out.append(f"{prelude}{{{''.join(inner)}}}")
            continue
        for page, shadow in ROOTS:
            prelude = prelude.replace(page, shadow)
        selectors = [
            s.strip() for s in prelude.split(",") if keep(s.strip(), used) and in_sheet(s.strip(), lazy)
        ]
        if selectors:
            declarations = ";".join(
                ":".join(p.strip() for p in d.split(":", 1)) for d in body.split(";") if d.strip()
            )
            out.append(f"{','.join(s.replace(' > ', '>') for s in selectors)}{{{declarations}}}")
    return out


def px(match: re.Match) -> str:
    return f"{float(match.group(1)) * 16:g}px"


def sheet_text(lazy: str | None) -> str:
    """A sheet's rules with rem as px, before unused custom properties are dropped."""
    used = used_names()
    parts = [HEADER if lazy is None else HEADER.splitlines()[0] + "\n"]
    for name in ("palette.css", "ecco.css"):
        text = re.sub(r"/\*.*?\*/", "", (STATIC / "css" / name).read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"\s+", " ", text)
        parts += [rule + "\n" for rule in rules(text, used, lazy)]
    return re.sub(r"(\d*\.?\d+)rem\b", px, "".join(parts))


def embed_css(lazy: str | None = None) -> str:
    """The main stylesheet's text, or that of the lazily loaded component `lazy`. A custom
    property that no sheet reads is dropped (the sheets share one shadow root)."""
    texts = {name: sheet_text(name) for name in (None, *LAZY)}
    text, every = texts[lazy], "".join(texts.values())
    unused = {name for name in re.findall(r"(--[\w-]+):", text) if f"var({name}" not in every}
    unused -= {name for name in unused if name.startswith("--ecco-")}  # palette.js reads these
    return re.sub("|".join(rf"{name}:[^;}}]*;?" for name in sorted(unused)) or "$^", "", text)


if __name__ == "__main__":
    EMBED_CSS.write_text(embed_css(), encoding="utf-8")
    for prefix, path in LAZY.items():
        path.write_text(embed_css(prefix), encoding="utf-8")
