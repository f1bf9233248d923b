// The figures' colours, read from the CSS custom properties of static/css/palette.css, which
// scripts/update_palette.py writes from ecco_build/kinds/palette.py (the one source). When the
// theme changes, the cache is cleared and "ecco-palette-change" is dispatched on the document,
// so that figures paint again.

let cache = new WeakMap();

/** Forget the cached colours and tell the figures that the palette changed. */
export function paletteChanged() {
  cache = new WeakMap();
  document.dispatchEvent(new Event("ecco-palette-change"));
}

new MutationObserver(paletteChanged).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", paletteChanged);

// Where a node's palette is set: the wrapper of its shadow root (a standalone figure), else :root.
function source(node) {
  const root = node?.shadowRoot ?? node?.getRootNode?.();
  return root instanceof ShadowRoot ? root.firstElementChild : document.documentElement;
}

/**
 * A custom property of the palette, as its trimmed text (cached until the theme changes).
 * @param {string} name the property, e.g. "--ecco-positive"
 * @param {Node} [node] where it is read (see source)
 * @returns {string}
 */
function property(name, node) {
  const from = source(node);
  if (!cache.has(from)) cache.set(from, new Map());
  const values = cache.get(from);
  if (!values.has(name)) {
    const value = getComputedStyle(from).getPropertyValue(name).trim();
    if (!value) throw new Error(`${name} is not defined: link static/css/palette.css`);
    values.set(name, value);
  }
  return values.get(name);
}

/**
 * A colour of the palette as its channels.
 * @param {string} name the property, e.g. "--ecco-positive" (written "31 95 191")
 * @param {Node} [node] the figure, or a node in it
 * @returns {number[]} [r, g, b], each 0–255
 */
export function cssRgb(name, node) {
  return property(name, node).split(/[\s,]+/).map(Number);
}

/**
 * A number of the palette.
 * @param {string} name the property, e.g. "--ecco-factor-count"
 * @param {Node} [node] the figure, or a node in it
 * @returns {number}
 */
export function cssNumber(name, node) {
  return Number(property(name, node));
}

/**
 * Factor i's colour: the palette's factor colours, in turn.
 * @param {number} index the factor, from 0
 * @param {Node} [node] the figure, or a node in it
 * @returns {number[]} [r, g, b]
 */
export function factorColour(index, node) {
  return cssRgb(`--ecco-factor-${index % cssNumber("--ecco-factor-count", node)}`, node);
}
