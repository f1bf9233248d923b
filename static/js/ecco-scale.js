// Colour scales shared by the heatmap-like explorables, as pure functions.
// Sequential: 0 → transparent, 1 → full accent; diverging: negative red, positive blue.
export function sequential(value) {
  const v = Math.max(0, Math.min(1, value));
  return { background: `rgba(31, 95, 191, ${(0.08 + 0.92 * v).toFixed(3)})`, dark: v > 0.55 };
}

export function diverging(value) {
  const v = Math.max(-1, Math.min(1, value));
  const alpha = (0.08 + 0.92 * Math.abs(v)).toFixed(3);
  const rgb = v >= 0 ? "31, 95, 191" : "200, 55, 45";
  return { background: `rgba(${rgb}, ${alpha})`, dark: Math.abs(v) > 0.55 };
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
