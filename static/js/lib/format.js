// Numbers as the figures print them, character for character as the Python `percent` filter
// writes the static fallbacks (tests/browser/test_format.py compares the two).

/**
 * x with one decimal, rounded as Python's format(x, ".1f") rounds: to the nearest, and an exact
 * tie (x*4 an odd integer: 0.25, 1.25, …) to even, where toFixed would round it up.
 * @param {number} x ≥ 0
 * @returns {string}
 */
function oneDecimal(x) {
  const quarters = x * 4;
  if (!Number.isInteger(quarters) || quarters % 2 === 0) return x.toFixed(1);
  const down = Math.floor(x * 10);
  return ((down % 2 === 0 ? down : down + 1) / 10).toFixed(1);
}

/**
 * A probability as a percentage with one decimal, "<0.1%" below 0.001, "–" when unknown.
 * @param {number|null|undefined} p
 * @returns {string}
 */
export function percent(p) {
  if (p === null || p === undefined) return "–";
  return p >= 0.001 ? `${oneDecimal(100 * p)}%` : "<0.1%";
}
