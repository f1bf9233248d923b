// <ecco-attention>: small multiples of every head (rows: layers, columns: heads; click one, or
// arrow to it and press Enter, to open it) and the opened head as lines (queries left, keys
// right) or as a query × key matrix, or the layer's heads averaged. Hover or focus a token to
// see where it attends, or, with "Attended by", what attends to it. Each layer's full weights
// are fetched when it is first opened (lib/attention.js). Keys: rovingGrid, one tab stop for
// the heads and one for the tokens.
import { scrollFrame } from "../lib/scroll.js";
import { bytesOf, headMatrix, largest, loadLayer } from "../lib/attention.js";
import { EccoElement, rovingGrid } from "../lib/element.js";
import { percent } from "../lib/format.js";
import { cssRgb } from "../lib/palette.js";
import { legend, paint, sequential, sequentialGradient, unpaint } from "../lib/scale.js";
import { display } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */

/**
 * Packed 8- or 16-bit values (ecco_build/kinds/attention.py): base64 bytes and their shape.
 * @typedef {object} Packed
 * @property {string} [u8] base64 of bytes, q / 255
 * @property {string} [u16] base64 of little-endian 16-bit values, q / 65535
 * @property {number[]} shape
 * @property {boolean} [causal] only the lower triangle of each head is stored
 */

/**
 * The data contract of <ecco-attention>: ecco_build/kinds/attention.py AttentionResult (its
 * page form: `weights` stays in the layer parts, fetched on demand).
 * @typedef {object} AttentionResult
 * @property {number} prompt_length how many of tokens are the prompt
 * @property {Token[]} tokens (T,) the prompt and then any continuation
 * @property {number[]} special positions of the tokenizer's special tokens
 * @property {boolean} causal whether each token attends only to itself and earlier ones
 * @property {number} layers L
 * @property {number} heads H (query heads)
 * @property {number} kv_heads the model's key/value heads (fewer under grouped-query attention)
 * @property {Packed} weights (L, H, T, T) at 16 bits; not in pages: the layer parts hold it at 8
 * @property {Packed} thumbnails (L, H, S, S) each head's block means, q / 255 of its largest
 * @property {Object<string, (number[][]|null)>} head_stats (L, H) mean weights on the previous
 *   token, itself, the first token, special tokens and from a closing bracket to its opener
 */

/**
 * The largest value of a (possibly long) array, at least 1e-9.
 * @param {ArrayLike<number>} values
 * @returns {number}
 */
function peak(values) {
  let top = 1e-9;
  for (let k = 0; k < values.length; k += 1) top = Math.max(top, values[k]);
  return top;
}

const STATS = { previous: "previous token", self: "itself", first: "first token", special: "special tokens", bracket: "bracket opener" };

/**
 * <ecco-attention>: its data is {kind: "attention", version, options, result: AttentionResult}.
 */
class EccoAttention extends EccoElement {
  /** Standalone, this figure also adopts its own rules (scripts/update_embed_css.py LAZY). */
  static sheets = ["ecco-embed-attention.css"];

  build() {
    const r = this.data.result;
    this.shape = { heads: r.heads, count: r.tokens.length, causal: r.causal };
    this.layer = Math.min(r.layers, Math.max(1, Number(this.dataset.layer) || 1));
    this.head = Math.min(r.heads, Math.max(1, Number(this.dataset.head) || 1));
    this.average = this.dataset.average === "true";
    this.matrixView = this.dataset.view === "matrix";
    this.attendedBy = false;
    this.parts = new Map(); // layer → Promise of its bytes
    this.pinned = null;
    const view = document.createElement("div");
    view.className = "ecco-attention-view";
    this.heading = document.createElement("p");
    this.heading.className = "ecco-attention-title";
    this.detail = document.createElement("div");
    this.status = document.createElement("p");
    this.status.className = "ecco-tooltip";
    this.status.setAttribute("aria-live", "polite");
    this.legendSlot = document.createElement("div");
    view.append(this.controls(), this.multiples(), this.heading, this.detail, this.legendSlot, this.status);
    document.addEventListener("ecco-palette-change", () => this.repaint());
    return view;
  }

  ready() {
    this.drawThumbnails();
    this.open();
  }

  /**
   * The pickers: layer and head <select>s, the averaged, view and attended-by toggles.
   * @returns {HTMLElement}
   */
  controls() {
    const { layers, heads } = this.data.result;
    const bar = document.createElement("div");
    bar.className = "ecco-attention-controls";
    const picker = (label, count, value, change) => {
      const wrap = document.createElement("label");
      const select = document.createElement("select");
      for (let n = 1; n <= count; n += 1) select.add(new Option(String(n), String(n)));
      select.value = String(value);
      select.addEventListener("change", () => change(Number(select.value)));
      wrap.append(`${label} `, select);
      bar.append(wrap);
      return select;
    };
    this.layerSelect = picker("Layer", layers, this.layer, (l) => this.open({ layer: l }));
    this.headSelect = picker("Head", heads, this.head, (h) => this.open({ head: h, average: false }));
    const toggle = (label, get, set) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ecco-toggle";
      button.textContent = label;
      button.setAttribute("aria-pressed", String(get()));
      button.addEventListener("click", () => set(!get()));
      bar.append(button);
      return button;
    };
    this.averageButton = toggle("Heads averaged", () => this.average, (on) => this.open({ average: on }));
    this.viewButton = toggle("Matrix view", () => this.matrixView, (on) => {
      this.matrixView = on;
      this.rebuild();
    });
    this.byButton = toggle("Attended by", () => this.attendedBy, (on) => {
      this.attendedBy = on;
      this.rebuild();
    });
    return bar;
  }

  /**
   * The small multiples: a canvas per head, one tab stop (arrow keys; Enter or a click opens).
   * @returns {HTMLElement}
   */
  multiples() {
    const { layers, heads, head_stats: stats } = this.data.result;
    const grid = document.createElement("div");
    grid.className = "ecco-attention-multiples";
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-label", `Every head: ${layers} layers × ${heads} heads; arrow keys move, Enter opens one`);
    grid.style.setProperty("--heads", String(heads));
    const axis = (text, role) => {
      const node = Object.assign(document.createElement("span"), { textContent: text, className: "ecco-attention-axis" });
      if (role) node.setAttribute("role", role);
      return node;
    };
    const row = () => {
      const node = Object.assign(document.createElement("div"), { className: "ecco-attention-row" });
      node.setAttribute("role", "row");
      grid.append(node);
      return node;
    };
    const header = row();
    header.append(axis(""));
    for (let h = 1; h <= heads; h += 1) header.append(axis(`H${h}`, "columnheader"));
    this.thumbs = [];
    for (let l = 1; l <= layers; l += 1) {
      const line = row();
      line.append(axis(`L${l}`, "rowheader"));
      const cells = [];
      for (let h = 1; h <= heads; h += 1) {
        const canvas = document.createElement("canvas");
        canvas.setAttribute("role", "gridcell");
        const said = Object.entries(STATS)
          .filter(([name]) => stats[name])
          .map(([name, what]) => `${what} ${percent(stats[name][l - 1][h - 1])}`);
        canvas.setAttribute("aria-label", `Layer ${l}, head ${h}${said.length ? `: mean weight on ${said.join(", ")}` : ""}`);
        canvas.title = `Layer ${l}, head ${h}`;
        Object.assign(canvas.dataset, { layer: String(l), head: String(h) });
        cells.push(canvas);
      }
      line.append(...cells);
      this.thumbs.push(cells);
    }
    rovingGrid(grid, this.thumbs, {
      pin: (cell) => this.open({ layer: Number(cell.dataset.layer), head: Number(cell.dataset.head), average: false }),
      unpin: () => this.markOpen(),
    });
    const scroll = Object.assign(document.createElement("div"), { className: "ecco-scroll" });
    scroll.append(grid);
    return scroll;
  }

  /** Paint each head's thumbnail: the palette's colour, opaque in proportion to the weight. */
  drawThumbnails() {
    const { u8, shape } = this.data.result.thumbnails;
    const [, , size] = shape;
    const bytes = (this.thumbBytes ??= bytesOf(u8));
    const rgb = cssRgb("--ecco-positive", this);
    this.thumbs.flat().forEach((canvas, n) => {
      canvas.width = canvas.height = size;
      const image = new ImageData(size, size);
      for (let k = 0; k < size * size; k += 1) {
        image.data.set(rgb, 4 * k);
        image.data[4 * k + 3] = bytes[n * size * size + k];
      }
      canvas.getContext("2d").putImageData(image, 0, 0);
    });
  }

  /** Mark the open head (or, averaged, the open layer's heads) in the small multiples. */
  markOpen() {
    for (const canvas of this.thumbs.flat()) {
      const open = Number(canvas.dataset.layer) === this.layer && (this.average || Number(canvas.dataset.head) === this.head);
      canvas.classList.toggle("is-open", open);
      canvas.setAttribute("aria-selected", String(open));
    }
  }

  /**
   * Open a layer and head (or the layer's heads averaged): fetch the layer once, then draw.
   * @param {{layer?: number, head?: number, average?: boolean}} [change]
   */
  async open(change = {}) {
    Object.assign(this, change);
    this.layerSelect.value = String(this.layer);
    this.headSelect.value = String(this.head);
    this.headSelect.disabled = this.average;
    this.averageButton.setAttribute("aria-pressed", String(this.average));
    this.markOpen();
    const { layers, heads, kv_heads: kv } = this.data.result;
    const group = kv < heads && !this.average ? ` (key/value head ${Math.floor((this.head - 1) / (heads / kv)) + 1} of ${kv})` : "";
    this.heading.textContent = `Layer ${this.layer} of ${layers}, ${this.average ? `all ${heads} heads averaged` : `head ${this.head} of ${heads}${group}`}`;
    const wanted = `${this.layer}/${this.average ? "mean" : this.head}`;
    this.wanted = wanted;
    if (!this.parts.has(this.layer)) this.parts.set(this.layer, loadLayer(this, this.layer, this.shape));
    const loading = setTimeout(() => this.message("ecco-loading", `Loading layer ${this.layer}…`), 80);
    let bytes;
    try {
      bytes = await this.parts.get(this.layer);
    } catch (error) {
      this.parts.delete(this.layer); // try again when it is opened again
      if (this.wanted === wanted) this.message("ecco-error", `Layer ${this.layer} could not be loaded: ${error.message}.`);
      return;
    } finally {
      clearTimeout(loading);
    }
    if (this.wanted !== wanted) return; // another head was opened meanwhile
    this.matrix = headMatrix(bytes, this.average ? null : this.head - 1, this.shape);
    if (!this.area?.isConnected) this.rebuild();
    else this.repaint();
  }

  /**
   * Show a loading note or an error in place of the opened head.
   * @param {string} className "ecco-loading" or "ecco-error"
   * @param {string} text
   */
  message(className, text) {
    const note = document.createElement("p");
    note.className = className;
    note.setAttribute("role", className === "ecco-error" ? "alert" : "status");
    note.textContent = text;
    this.detail.replaceChildren(note);
    this.area = null;
  }

  /** Build the token area for the current view and direction (lines or matrix). */
  rebuild() {
    this.viewButton.setAttribute("aria-pressed", String(this.matrixView));
    this.byButton.setAttribute("aria-pressed", String(this.attendedBy));
    if (!this.matrix) return;
    const { tokens, special, prompt_length: prompt } = this.data.result;
    const label = (token, i, side) => {
      const node = document.createElement("span");
      node.className = `ecco-token ecco-attention-token ${side}`; // ecco-token: selected, later, pinned
      node.textContent = display(token);
      node.title = special.includes(i) ? `${display(token)}: a special token added by the tokenizer` : display(token);
      node.dataset.position = String(i);
      if (special.includes(i)) node.classList.add("is-special");
      if (i >= prompt) node.classList.add("output");
      node.addEventListener("pointerenter", () => this.select(i));
      node.addEventListener("focus", () => this.select(i));
      return node;
    };
    this.queries = tokens.map((t, i) => label(t, i, "is-query"));
    this.keys = tokens.map((t, i) => label(t, i, "is-key"));
    this.area = this.matrixView ? this.matrixArea() : this.linesArea();
    this.area.setAttribute("aria-label", `Tokens: arrow keys move, Enter pins, Escape unpins; showing ${this.attendedBy ? "what attends to each" : "where each attends"}`);
    this.pinned = null;
    const cells = this.attendedBy ? this.keys : this.queries;
    cells.forEach((node) => node.setAttribute("role", "button"));
    rovingGrid(this.area, cells.map((node) => [node]), {
      pin: (node) => this.select((this.pinned = Number(node.dataset.position))),
      unpin: () => this.select((this.pinned = null)),
    });
    this.area.addEventListener("pointerleave", () => this.select(this.pinned));
    this.detail.replaceChildren(this.frame(this.area));
    this.repaint();
  }

  /**
   * The area in a scrolling box that shows a cue while it is wider than the figure.
   * @param {HTMLElement} area
   * @returns {HTMLElement}
   */
  frame(area) {
    return scrollFrame(area, "ecco-attention-frame", "Scroll sideways for more →", () => {
      if (!this.matrixView) this.drawLines();
    });
  }

  /**
   * Lines view: queries left, keys right, a canvas between them for the lines.
   * @returns {HTMLElement}
   */
  linesArea() {
    const area = document.createElement("div");
    area.className = "ecco-attention-lines";
    const column = () => Object.assign(document.createElement("div"), { className: "ecco-attention-column" });
    const left = column();
    left.append(...this.queries);
    const right = column();
    right.append(...this.keys);
    const middle = Object.assign(document.createElement("div"), { className: "ecco-attention-wires" });
    this.canvas = document.createElement("canvas");
    this.canvas.setAttribute("aria-hidden", "true");
    middle.append(this.canvas);
    area.append(left, middle, right);
    return area;
  }

  /**
   * Matrix view: key labels across the top, query labels down the side, the weights as a canvas
   * (a pixel per cell, scaled up) with a band over the selected row or column.
   * @returns {HTMLElement}
   */
  matrixArea() {
    const count = this.shape.count;
    const area = document.createElement("div");
    area.className = "ecco-attention-matrix";
    area.style.setProperty("--count", String(count));
    const top = Object.assign(document.createElement("div"), { className: "ecco-attention-keys" });
    top.append(...this.keys);
    const side = Object.assign(document.createElement("div"), { className: "ecco-attention-queries" });
    side.append(...this.queries);
    const cells = Object.assign(document.createElement("div"), { className: "ecco-attention-cells" });
    this.canvas = document.createElement("canvas");
    this.canvas.width = this.canvas.height = count;
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Query × key weights; hover a cell for its row or column");
    this.band = Object.assign(document.createElement("div"), { className: "ecco-attention-band", hidden: true });
    cells.append(this.canvas, this.band);
    this.canvas.addEventListener("pointermove", (event) => {
      const box = this.canvas.getBoundingClientRect();
      const i = Math.floor(((event.clientY - box.top) / box.height) * count);
      const j = Math.floor(((event.clientX - box.left) / box.width) * count);
      this.select(Math.min(count - 1, Math.max(0, this.attendedBy ? j : i)));
    });
    area.append(document.createElement("span"), top, side, cells);
    return area;
  }

  /** Draw the whole open head again (new weights, or a new palette). */
  repaint() {
    if (this.thumbs && this.data) this.drawThumbnails();
    if (!this.area || !this.matrix) return;
    if (this.matrixView) this.drawMatrix();
    this.select(this.pinned ?? this.current ?? null);
  }

  /** The matrix view's canvas: each cell opaque in proportion to its weight over the largest. */
  drawMatrix() {
    const count = this.shape.count;
    const rgb = cssRgb("--ecco-positive", this);
    const top = peak(this.matrix);
    const image = new ImageData(count, count);
    this.matrix.forEach((w, k) => {
      image.data.set(rgb, 4 * k);
      image.data[4 * k + 3] = Math.round(255 * (0.04 + 0.96 * (w / top)));
    });
    this.canvas.getContext("2d").putImageData(image, 0, 0);
  }

  /**
   * The lines view's canvas: every weight as a line from its query to its key, opacity ∝ weight,
   * or only the selected token's row (or column).
   * @param {number|null} [chosen] the selected token
   */
  drawLines(chosen = this.current ?? null) {
    if (!this.canvas || this.matrixView || !this.matrix) return;
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const context = this.canvas.getContext("2d");
    context.scale(ratio, ratio);
    const base = this.canvas.getBoundingClientRect().top;
    const middle = (node) => { const box = node.getBoundingClientRect(); return box.top - base + box.height / 2; };
    const ys = this.queries.map(middle);
    const count = this.shape.count;
    const rgb = cssRgb("--ecco-positive", this).join(",");
    // The selected token's lines against its largest weight; all lines at 60% of their weight.
    const rows = chosen === null ? null : [...Array(count).keys()].map((k) => this.matrix[this.attendedBy ? k * count + chosen : chosen * count + k]);
    const scale = rows ? 1 / Math.max(...rows, 1e-9) : 0.6;
    for (let i = 0; i < count; i += 1) {
      for (let j = 0; j < count; j += 1) {
        const w = this.matrix[i * count + j];
        const shown = chosen === null || (this.attendedBy ? j === chosen : i === chosen);
        if (!shown || w < 0.005) continue;
        context.lineWidth = rows ? 1 + 2 * w * scale : 1.5;
        context.strokeStyle = `rgba(${rgb},${Math.min(1, w * scale).toFixed(3)})`;
        context.beginPath();
        context.moveTo(0, ys[i]);
        context.lineTo(width, ys[j]);
        context.stroke();
      }
    }
  }

  /**
   * Show where token t attends (its row) or, attended by, what attends to it (its column):
   * tint the other side's tokens, draw the lines or the band, say it in words; null clears.
   * @param {number|null} t
   */
  select(t) {
    if (!this.area || !this.matrix) return;
    this.current = t;
    const { tokens } = this.data.result;
    const count = this.shape.count;
    const weights = t === null ? null : Array.from({ length: count }, (_, k) => this.matrix[this.attendedBy ? k * count + t : t * count + k]);
    const top = weights ? Math.max(...weights, 1e-9) : 1;
    const [chosen, other] = this.attendedBy ? [this.keys, this.queries] : [this.queries, this.keys];
    chosen.forEach((node, k) => {
      node.classList.toggle("is-selected", k === t);
      node.classList.remove("is-later");
      delete node.dataset.weight;
      unpaint(node);
    });
    other.forEach((node, k) => {
      node.classList.remove("is-selected");
      const never = t !== null && this.shape.causal && (this.attendedBy ? k < t : k > t);
      node.classList.toggle("is-later", never);
      if (weights && !never) {
        node.dataset.weight = String(weights[k]);
        paint(node, sequential(weights[k] / top, node));
      } else {
        delete node.dataset.weight;
        unpaint(node);
      }
    });
    if (this.matrixView) this.placeBand(t);
    else this.drawLines(t);
    this.legendSlot.replaceChildren(legend("attention weight", "0%", percent(weights ? top : peak(this.matrix)), sequentialGradient(this)));
    this.status.textContent = t === null ? this.hint() : this.sentence(t, weights, tokens);
  }

  /**
   * The matrix view's band over the selected row (or column).
   * @param {number|null} t
   */
  placeBand(t) {
    this.band.hidden = t === null;
    this.band.classList.toggle("is-column", this.attendedBy);
    this.band.style.setProperty("--at", String(t ?? 0));
  }

  /**
   * What the status line says with nothing selected.
   * @returns {string}
   */
  hint() {
    const what = this.attendedBy ? "what attends to it" : "where it attends";
    return `Hover or focus a token to see ${what}; Enter pins it, Escape unpins.`;
  }

  /**
   * The selection in words: “cat” attends most to “The” (41%), then …
   * @param {number} t the selected token
   * @param {number[]} weights its row or column
   * @param {Token[]} tokens
   * @returns {string}
   */
  sentence(t, weights, tokens) {
    const name = (k) => `“${display(tokens[k])}”${this.data.result.special.includes(k) ? " (special)" : ""}`;
    const [first, ...rest] = largest(weights, 3).filter((e) => e.value > 0);
    const then = rest.map((e) => `${name(e.index)} (${percent(e.value)})`).join(", ");
    const verb = this.attendedBy ? "is attended to most by" : "attends most to";
    const pinned = this.pinned === t ? " Pinned: Escape unpins." : "";
    if (!first) return `${name(t)}: nothing attends to it here.${pinned}`;
    return `${name(t)} ${verb} ${name(first.index)} (${percent(first.value)})${then ? `, then ${then}` : ""}.${pinned}`;
  }
}

if (!customElements.get("ecco-attention")) customElements.define("ecco-attention", EccoAttention);

export { EccoAttention };
