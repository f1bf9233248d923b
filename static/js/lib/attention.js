// The attention figure's data: its packed bytes, its layer parts (fetched when a layer is
// opened, or inlined by the single-file export) and the matrices drawn from them. The formats
// are ecco_build/kinds/attention.py's: 8-bit weights, q / 255; a causal model's heads keep only
// the lower triangle, row by row (row i holds i + 1 values).
import { fetchJson } from "./data.js";

/**
 * Base64 text as its bytes.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function bytesOf(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Where a layer's part lives: the figure's data URL with ".json" replaced by ".layer-<l>.json"
 * (the data URL: the src attribute, else data-src, else data-parts).
 * @param {HTMLElement} element the figure element
 * @param {number} layer from 1
 * @returns {string|null} null when the figure names no data URL
 */
export function partUrl(element, layer) {
  const base = element.getAttribute("src") ?? element.dataset.src ?? element.dataset.parts;
  return base ? base.replace(/(\.json)?([?#].*)?$/, `.layer-${layer}.json$2`) : null;
}

/**
 * Layer l's weights: the element's inline <script type="application/json" data-part="layer-l">,
 * else the part file beside its data; checked against the figure's heads and tokens.
 * @param {HTMLElement} element the figure element
 * @param {number} layer from 1
 * @param {{heads: number, count: number, causal: boolean}} expected
 * @returns {Promise<Uint8Array>} the layer's bytes, head after head
 */
export async function loadLayer(element, layer, { heads, count, causal }) {
  const inline = element.querySelector(`:scope > script[type="application/json"][data-part="layer-${layer}"]`);
  const url = partUrl(element, layer);
  if (!inline && !url) throw new Error("the figure names no data file for its layers");
  const where = inline ? `its inline layer ${layer}` : url;
  const part = inline ? JSON.parse(inline.textContent) : await fetchJson(url);
  const weights = part?.weights;
  if (part?.kind !== "attention-layer" || part.layer !== layer || typeof weights?.u8 !== "string") {
    throw new Error(`${where} is not layer ${layer} of an attention figure`);
  }
  const bytes = bytesOf(weights.u8);
  const size = heads * (causal ? (count * (count + 1)) / 2 : count * count);
  if (String(weights.shape) !== String([heads, count, count]) || bytes.length !== size) {
    throw new Error(`${where} does not match the figure (${heads} heads, ${count} tokens)`);
  }
  return bytes;
}

/**
 * One head's weights as a full count × count matrix (row = query, column = key; 0 above the
 * diagonal of a causal model), or the mean of all heads when head is null.
 * @param {Uint8Array} bytes a layer's bytes (loadLayer)
 * @param {number|null} head from 0, or null for the heads' mean
 * @param {{heads: number, count: number, causal: boolean}} shape
 * @returns {Float32Array} row-major, weight = q / 255
 */
export function headMatrix(bytes, head, { heads, count, causal }) {
  const per = causal ? (count * (count + 1)) / 2 : count * count;
  const chosen = head === null ? [...Array(heads).keys()] : [head];
  const out = new Float32Array(count * count);
  for (const h of chosen) {
    let at = h * per;
    for (let i = 0; i < count; i += 1) {
      const width = causal ? i + 1 : count;
      for (let j = 0; j < width; j += 1) out[i * count + j] += bytes[at++] / 255 / chosen.length;
    }
  }
  return out;
}

/**
 * The largest values of a list, with their indices, largest first.
 * @param {number[]} values
 * @param {number} n how many
 * @returns {{index: number, value: number}[]}
 */
export function largest(values, n) {
  return values
    .map((value, index) => ({ index, value }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, n);
}
