// Colour scales shared by the explorables, as pure functions, plus paint(), which tints a
// node and picks black or white text for contrast against what the tint actually looks like.
const BLUE = [31, 95, 191];
const RED = [200, 55, 45];

export function sequential(value) {
  const v = Math.max(0, Math.min(1, value));
  return { rgb: BLUE, alpha: 0.08 + 0.92 * v };
}

export function diverging(value) {
  const v = Math.max(-1, Math.min(1, value));
  return { rgb: v >= 0 ? BLUE : RED, alpha: 0.08 + 0.92 * Math.abs(v) };
}

function channel(c) {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

function luminance([r, g, b]) {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function parseRgb(text) {
  const parts = (text.match(/[\d.]+/g) || ["255", "255", "255"]).map(Number);
  return parts.length >= 4 && parts[3] === 0 ? null : parts.slice(0, 3);
}

// The opaque colour behind a node: the first ancestor with a non-transparent background.
function backdrop(node) {
  for (let el = node.parentElement; el; el = el.parentElement) {
    const rgb = parseRgb(getComputedStyle(el).backgroundColor);
    if (rgb) return rgb;
  }
  return [255, 255, 255];
}

// The text colour (black or white) with the higher WCAG contrast on a background.
export function readableText(rgb) {
  const l = luminance(rgb);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}

export function paint(node, { rgb, alpha }) {
  const base = backdrop(node);
  const mixed = rgb.map((c, i) => Math.round(alpha * c + (1 - alpha) * base[i]));
  node.style.background = `rgba(${rgb.join(", ")}, ${alpha.toFixed(3)})`;
  node.style.color = readableText(mixed);
}

export function unpaint(node) {
  node.style.background = "";
  node.style.color = "";
}

// A legend: a gradient bar with labelled ends, as a DOM node.
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
