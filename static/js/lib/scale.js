// Colour scales shared by the explorables, as pure functions, plus paint(), which tints a
// node and picks black or white text for contrast against what the tint actually looks like.
// The blue of positive values and the red of negative ones come from the palette.
import { cssRgb } from "./palette.js";

/**
 * A colour and its opacity, as paint() takes them.
 * @typedef {object} Tint
 * @property {number[]} rgb [r, g, b], each 0–255
 * @property {number} alpha opacity, 0–1
 */

/**
 * The one-sided scale: 0 faint blue, 1 full blue.
 * @param {number} value clamped to [0, 1]
 * @param {Node} [node] the figure (palette.js)
 * @returns {Tint}
 */
export function sequential(value, node) {
  const v = Math.max(0, Math.min(1, value));
  return { rgb: cssRgb("--ecco-positive", node), alpha: 0.08 + 0.92 * v };
}

/**
 * The two-sided scale: blue for positive values, red for negative ones, fainter near 0.
 * @param {number} value clamped to [-1, 1]
 * @param {Node} [node] the figure (palette.js)
 * @returns {Tint}
 */
export function diverging(value, node) {
  const v = Math.max(-1, Math.min(1, value));
  return { rgb: cssRgb(v >= 0 ? "--ecco-positive" : "--ecco-negative", node), alpha: 0.08 + 0.92 * Math.abs(v) };
}

/**
 * The CSS gradient of sequential(), for its legend.
 * @param {Node} [node] the figure (palette.js)
 * @returns {string}
 */
export function sequentialGradient(node) {
  const blue = cssRgb("--ecco-positive", node).join(",");
  return `linear-gradient(to right, rgba(${blue},0.08), rgba(${blue},1))`;
}

/**
 * The CSS gradient of diverging(), for its legend: red at -1, blue at 1.
 * @param {Node} [node] the figure (palette.js)
 * @returns {string}
 */
export function divergingGradient(node) {
  const blue = cssRgb("--ecco-positive", node).join(",");
  const red = cssRgb("--ecco-negative", node).join(",");
  return `linear-gradient(to right, rgba(${red},1), rgba(${red},0.08), rgba(${blue},0.08), rgba(${blue},1))`;
}

/**
 * An sRGB channel, linearised (WCAG).
 * @param {number} c 0–255
 * @returns {number}
 */
function channel(c) {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/**
 * Relative luminance (WCAG).
 * @param {number[]} rgb
 * @returns {number}
 */
function luminance([r, g, b]) {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/**
 * A computed CSS colour's channels, or null when it is fully transparent.
 * @param {string} text "rgb(…)" or "rgba(…)"
 * @returns {number[]|null}
 */
function parseRgb(text) {
  const parts = (text.match(/[\d.]+/g) || ["255", "255", "255"]).map(Number);
  return parts.length >= 4 && parts[3] === 0 ? null : parts.slice(0, 3);
}

/**
 * The opaque colour behind a node: the first ancestor with a non-transparent background.
 * @param {Element} node
 * @returns {number[]}
 */
function backdrop(node) {
  for (let el = node.parentElement; el; el = el.parentElement) {
    const rgb = parseRgb(getComputedStyle(el).backgroundColor);
    if (rgb) return rgb;
  }
  return [255, 255, 255];
}

/**
 * The text colour (black or white) with the higher WCAG contrast on a background.
 * @param {number[]} rgb the background
 * @returns {string} "#000" or "#fff"
 */
export function readableText(rgb) {
  const l = luminance(rgb);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}

/**
 * Tint a node's background and pick its text colour against the tint as it looks on the page
 * (call it once the node is attached).
 * @param {HTMLElement} node
 * @param {Tint} tint
 */
export function paint(node, { rgb, alpha }) {
  const base = backdrop(node);
  const mixed = rgb.map((c, i) => Math.round(alpha * c + (1 - alpha) * base[i]));
  node.style.background = `rgba(${rgb.join(", ")}, ${alpha.toFixed(3)})`;
  node.style.color = readableText(mixed);
}

/**
 * Undo paint().
 * @param {HTMLElement} node
 */
export function unpaint(node) {
  node.style.background = "";
  node.style.color = "";
}

/**
 * A legend: a gradient bar with labelled ends, as a DOM node.
 * @param {string} label what the colours mean
 * @param {string} low the left end's label
 * @param {string} high the right end's label
 * @param {string} gradient the bar's CSS background
 * @returns {HTMLElement}
 */
export function legend(label, low, high, gradient) {
  const node = document.createElement("div");
  node.className = "ecco-legend";
  const bar = document.createElement("span");
  bar.className = "ecco-legend-bar";
  bar.style.background = gradient;
  const lo = document.createElement("span");
  lo.textContent = low;
  const hi = document.createElement("span");
  hi.textContent = high;
  const text = document.createElement("span");
  text.className = "ecco-legend-label";
  text.textContent = label;
  node.append(text, lo, bar, hi);
  return node;
}
