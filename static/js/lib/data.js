// Load a figure's precomputed JSON: inlined in a child <script type="application/json">, or
// fetched from src (any origin that allows it) or data-src (larger results).

/**
 * The figure's payload, with packed arrays expanded.
 * @param {HTMLElement} element the figure element, with src, data-src or a JSON <script> child
 * @returns {Promise<{kind: string, result: object}>} the page form of the stored result
 */
export async function loadData(element) {
  const src = element.getAttribute("src") ?? element.dataset.src;
  let data;
  if (src) {
    data = await fetchJson(src);
  } else {
    const script = element.querySelector(':scope > script[type="application/json"]:not([data-part])');
    if (!script) throw new Error("figure has no data: give it a src attribute");
    data = JSON.parse(script.textContent);
  }
  const kind = element.localName.slice(5); // <ecco-saliency> shows "saliency"
  if (data?.kind !== kind || typeof data.result !== "object") {
    const what = typeof data?.kind === "string" ? `a “${data.kind}” figure` : "no figure";
    throw new Error(`${src ?? "its JSON"} holds ${what}, not a “${kind}” one`);
  }
  return unpack(data);
}

/**
 * Fetch a JSON file (a figure's, or a part of one): absolute, or relative to the page; the
 * errors say what went wrong.
 * @param {string} src
 * @returns {Promise<*>}
 */
export async function fetchJson(src) {
  let response;
  try {
    response = await fetch(src);
  } catch {
    throw new Error(`could not fetch ${src} (offline, or its server sends no Access-Control-Allow-Origin header)`);
  }
  if (!response.ok) throw new Error(`could not load ${src}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${src} is not JSON`);
  }
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
 * Swap the static fallback (or, standalone, the loading state) for the interactive view.
 * @param {HTMLElement} element the figure element
 * @param {Node} view its interactive view
 */
export function hydrate(element, view) {
  const fallback = element.querySelector(":scope > .ecco-fallback");
  if (fallback) fallback.hidden = true;
  if (element.embedRoot) element.embedRoot.replaceChildren(view);
  else element.append(view);
  element.classList.add("is-hydrated");
}

/**
 * Say in the figure that it stays static (or, standalone, could not be shown), and why.
 * @param {HTMLElement} element the figure element
 * @param {Error} error what went wrong
 */
export function showError(element, error) {
  const note = document.createElement("p");
  note.className = "ecco-error";
  note.setAttribute("role", "alert");
  if (element.embedRoot) {
    note.textContent = `This figure could not be shown: ${error.message}.`;
    element.embedRoot.querySelector(".ecco-loading")?.replaceWith(note);
    return;
  }
  note.textContent = `This figure could not be made interactive (${error.message}); the static version is shown.`;
  element.append(note);
}
