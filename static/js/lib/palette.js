// The figures' colours, read from the CSS custom properties of static/css/palette.css, which
// scripts/update_palette.py writes from ecco_build/kinds/palette.py (the one source). The palette
// has a light and a dark set: when the theme changes (the toggle's data-theme, or the system
// setting), the cache is cleared and "ecco-palette-change" is dispatched on the document, so that
// figures which painted with the old colours can paint again.

const cache = new Map();

/** Forget the cached colours and tell the figures that the palette changed. */
function changed() {
  cache.clear();
  document.dispatchEvent(new Event("ecco-palette-change"));
}

new MutationObserver(changed).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", changed);

/**
 * A custom property of the root element, as its trimmed text (cached until the theme changes).
 * @param {string} name the property, e.g. "--ecco-positive"
 * @returns {string}
 */
function property(name) {
  if (!cache.has(name)) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    if (!value) throw new Error(`${name} is not defined: link static/css/palette.css`);
    cache.set(name, value);
  }
  return cache.get(name);
}

/**
 * A colour of the palette as its channels.
 * @param {string} name the property, e.g. "--ecco-positive" (written "31 95 191")
 * @returns {number[]} [r, g, b], each 0–255
 */
export function cssRgb(name) {
  return property(name).split(/[\s,]+/).map(Number);
}

/**
 * A number of the palette.
 * @param {string} name the property, e.g. "--ecco-factor-count"
 * @returns {number}
 */
export function cssNumber(name) {
  return Number(property(name));
}

/**
 * Factor i's colour: the palette's factor colours, in turn.
 * @param {number} index the factor, from 0
 * @returns {number[]} [r, g, b]
 */
export function factorColour(index) {
  return cssRgb(`--ecco-factor-${index % cssNumber("--ecco-factor-count")}`);
}
