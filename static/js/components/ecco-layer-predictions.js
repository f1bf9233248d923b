// <ecco-layer-predictions>: the logit lens's top-k tokens at every layer for one position.
// Hover or focus a candidate to highlight the same token in every layer (its trajectory); one
// tab stop (rovingGrid): arrow keys move, Enter/Space pins, Escape unpins.
import { scrollFrame } from "../lib/scroll.js";
import { EccoElement, rovingGrid } from "../lib/element.js";
import { percent } from "../lib/format.js";
import { display, tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */
/** @typedef {import("../lib/types.js").Candidate} Candidate */

/**
 * The data contract of <ecco-layer-predictions>: ecco_build/kinds/layer_predictions.py
 * LayerPredictionsResult.
 * @typedef {object} LayerPredictionsResult
 * @property {string} lens how layers are read, "normed"
 * @property {boolean} masked true for a masked LM (the prediction is for the token at position)
 * @property {number} prompt_length how many of tokens are the prompt
 * @property {Token[]} tokens (T,)
 * @property {number} position the token whose prediction is shown
 * @property {string[]} layers (L,) "embeddings", then "1", "2", …
 * @property {Candidate[][]} top (L, k) the k most likely tokens at each layer, most likely first
 */

/**
 * <ecco-layer-predictions>: its data is {kind: "layer-predictions", version, options, result: LayerPredictionsResult}.
 */
class EccoLayerPredictions extends EccoElement {
  build() {
    const { tokens, position, layers, top } = this.data.result;
    this.pinned = null;
    const view = document.createElement("div");
    view.className = "ecco-layer-predictions-view";
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    tokens.slice(0, position + 1).forEach((token, i) => {
      const node = tokenNode(token);
      node.classList.add("prompt");
      if (i === position) node.classList.add("is-target");
      line.append(node);
    });
    this.status = document.createElement("p");
    this.status.className = "ecco-tooltip";
    this.status.setAttribute("aria-live", "polite");
    this.hint = "Hover or focus a candidate to follow it through the layers; Enter pins it.";
    this.status.textContent = this.hint;
    const grid = document.createElement("div");
    grid.className = "ecco-layer-grid";
    grid.setAttribute("role", "group");
    grid.setAttribute("aria-label", `Top ${top[0].length} candidates at each of ${layers.length} layers`);
    grid.style.setProperty("--k", String(top[0].length));
    this.rows = [];
    this.cells = [];
    for (let l = layers.length - 1; l >= 0; l -= 1) grid.append(this.layerRow(l));
    grid.addEventListener("pointerleave", () => this.show(this.pinned));
    rovingGrid(grid, this.rows, {
      pin: (cell) => this.show((this.pinned = cell)),
      unpin: () => this.show((this.pinned = null)),
    });
    this.frame = scrollFrame(grid, "ecco-layer-scroll", "Scroll sideways for more candidates →");
    view.append(line, this.frame, this.status);
    return view;
  }

  /**
   * One layer's label and candidate cells (top layer first in the grid).
   * @param {number} l the layer's index in the result
   * @returns {HTMLElement}
   */
  layerRow(l) {
    const { layers, top } = this.data.result;
    const row = document.createElement("div");
    row.className = "ecco-layer-row";
    const label = document.createElement("div");
    label.className = "ecco-layer-label";
    label.textContent = layers[l] === "embeddings" ? "emb." : `L${layers[l]}`;
    label.title = layers[l] === "embeddings" ? "the embeddings" : `layer ${layers[l]}`;
    row.append(label);
    const cells = top[l].map((candidate, rank) => {
      const cell = document.createElement("div");
      cell.className = "ecco-candidate-cell";
      cell.dataset.id = String(candidate.id);
      cell.style.setProperty("--value", String(candidate.p ?? 0));
      const where = layers[l] === "embeddings" ? "the embeddings" : `layer ${layers[l]}`;
      cell.setAttribute("aria-label", `${display(candidate)}, #${rank + 1} at ${where}, ${percent(candidate.p)}`);
      cell.title = display(candidate);
      const code = document.createElement("code");
      code.textContent = display(candidate);
      const value = document.createElement("small");
      value.textContent = percent(candidate.p);
      cell.append(code, value);
      cell.addEventListener("pointerenter", () => this.show(cell));
      cell.addEventListener("focus", () => this.show(cell));
      cell.info = { candidate, rank, where };
      this.cells.push(cell);
      return cell;
    });
    this.rows.push(cells);
    row.append(...cells);
    return row;
  }

  /**
   * Mark every cell of a cell's token and say where it ranks (null: clear).
   * @param {HTMLElement|null} cell
   */
  show(cell) {
    this.cells.forEach((other) => other.classList.toggle("is-same", cell !== null && other.dataset.id === cell.dataset.id));
    if (!cell) {
      this.status.textContent = this.hint;
      return;
    }
    const { candidate, rank, where } = cell.info;
    const { layers, top } = this.data.result;
    const seen = this.cells.filter((other) => other.dataset.id === cell.dataset.id).length;
    this.status.textContent =
      `“${display(candidate)}” at ${where}: #${rank + 1}, probability ${percent(candidate.p)}; ` +
      `in the top ${top[0].length} at ${seen} of ${layers.length} layers${this.pinned ? " (pinned; Escape unpins)" : ""}.`;
  }

}

if (!customElements.get("ecco-layer-predictions")) customElements.define("ecco-layer-predictions", EccoLayerPredictions);

export { EccoLayerPredictions };
