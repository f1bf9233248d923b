// <ecco-layer-predictions>: the logit lens's top-k tokens at every layer for one position.
// Hover or focus a candidate to highlight the same token in every layer (its trajectory).
import { EccoElement } from "../lib/element.js";
import { percent } from "../lib/format.js";
import { appendToken, display, tokenNode } from "../lib/tokens.js";

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
    const view = document.createElement("div");
    view.className = "ecco-layer-predictions-view";
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    tokens.slice(0, position + 1).forEach((token, i) => {
      const node = tokenNode(token);
      node.classList.add("prompt");
      if (i === position) node.classList.add("is-target");
      appendToken(line, node, token);
    });
    const status = document.createElement("p");
    status.className = "ecco-tooltip";
    status.setAttribute("aria-live", "polite");
    status.textContent = "Hover or focus a candidate to follow it through the layers.";
    const grid = document.createElement("div");
    grid.className = "ecco-layer-grid";
    grid.style.setProperty("--k", String(top[0].length));
    const cells = [];
    for (let l = layers.length - 1; l >= 0; l -= 1) {
      const label = document.createElement("div");
      label.className = "ecco-layer-label";
      label.textContent = layers[l] === "embeddings" ? "emb." : `layer ${layers[l]}`;
      grid.append(label);
      top[l].forEach((candidate, rank) => {
        const cell = document.createElement("div");
        cell.className = "ecco-candidate-cell";
        cell.tabIndex = 0;
        cell.dataset.id = String(candidate.id);
        const code = document.createElement("code");
        code.textContent = display(candidate);
        const bar = document.createElement("span");
        bar.className = "ecco-bar";
        bar.style.setProperty("--value", String(candidate.p ?? 0));
        const value = document.createElement("small");
        value.textContent = percent(candidate.p);
        cell.append(code, bar, value);
        const show = () => {
          cells.forEach((other) => other.classList.toggle("is-same", other.dataset.id === cell.dataset.id));
          const where = layers[l] === "embeddings" ? "the embeddings" : `layer ${layers[l]}`;
          const seen = cells.filter((other) => other.dataset.id === cell.dataset.id).length;
          status.textContent =
            `“${display(candidate)}” at ${where}: #${rank + 1}, probability ${percent(candidate.p)}; ` +
            `in the top ${top[0].length} at ${seen} of ${layers.length} layers.`;
        };
        cell.addEventListener("pointerenter", show);
        cell.addEventListener("focus", show);
        cells.push(cell);
        grid.append(cell);
      });
    }
    const scroll = document.createElement("div");
    scroll.className = "ecco-scroll";
    scroll.append(grid);
    view.append(line, scroll, status);
    return view;
  }
}

if (!customElements.get("ecco-layer-predictions")) customElements.define("ecco-layer-predictions", EccoLayerPredictions);

export { EccoLayerPredictions };
