// Load a figure's precomputed JSON: inlined in a child <script type="application/json">,
// or fetched from data-src (relative to the page) for larger results.

/**
 * The figure's payload, with packed arrays expanded.
 * @param {HTMLElement} element the figure element, with data-src or a JSON <script> child
 * @returns {Promise<{kind: string, result: object}>} the page form of the stored result
 */
export async function loadData(element) {
  const src = element.dataset.src;
  if (src) {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`could not load ${src}: HTTP ${response.status}`);
    return unpack(await response.json());
  }
  const script = element.querySelector(':scope > script[type="application/json"]');
  if (!script) throw new Error("figure has no data");
  return unpack(JSON.parse(script.textContent));
}

/**
 * A float16 bit pattern as a number (exact: every half-precision value is a double).
 * @param {number} bits the 16 bits
 * @returns {number}
 */
function half(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Expand packed arrays ({"f16": base64 little-endian float16, "rows": [lengths]}, written by
 * ecco_build/kinds/packing.py) back into rows of numbers, wherever they occur.
 * @param {*} value parsed JSON; objects are expanded in place
 * @returns {*} the value with every packed array replaced by its rows
 */
export function unpack(value) {
  if (Array.isArray(value)) return value.map(unpack);
  if (value === null || typeof value !== "object") return value;
  if (typeof value.f16 === "string" && Array.isArray(value.rows)) {
    const bytes = Uint8Array.from(atob(value.f16), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    let offset = 0;
    return value.rows.map((length) =>
      Array.from({ length }, () => half(view.getUint16((offset += 2) - 2, true))),
    );
  }
  for (const key of Object.keys(value)) value[key] = unpack(value[key]);
  return value;
}

/**
 * Swap the static fallback for the interactive view once it is built.
 * @param {HTMLElement} element the figure element
 * @param {Node} view its interactive view
 */
export function hydrate(element, view) {
  const fallback = element.querySelector(":scope > .ecco-fallback");
  if (fallback) fallback.hidden = true;
  element.append(view);
  element.classList.add("is-hydrated");
}

/**
 * Say under the figure that it stays static, and why.
 * @param {HTMLElement} element the figure element
 * @param {Error} error what went wrong
 */
export function showError(element, error) {
  const note = document.createElement("p");
  note.className = "ecco-error";
  note.textContent = `This figure could not be made interactive (${error.message}); the static version is shown.`;
  element.append(note);
}
