// <ecco-factors>: one sparkline per factor beside the text; tokens tinted by their dominant
// factor. Hover, focus or tap a sparkline to recolour the text by that factor alone and list
// its top neurons. The factor list is one tab stop (keys and pinning: rovingGrid).
import { EccoElement, rovingGrid } from "../lib/element.js";
import { factorColour } from "../lib/palette.js";
import { diverging, paint } from "../lib/scale.js";
import { sparkline } from "../lib/sparkline.js";
import { tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */

/**
 * A neuron that loads strongly on a factor (ecco_build/kinds/factors.py FactorNeuron).
 * @typedef {object} FactorNeuron
 * @property {number} layer
 * @property {number} neuron
 * @property {number} loading any sign
 */

/**
 * One factorisation of the neurons of some layers (ecco_build/kinds/factors.py FactorBlock).
 * @typedef {object} FactorBlock
 * @property {number[]} layers the layers factorised together
 * @property {number} components k, the number of factors
 * @property {number[][]} factors (k, T) each factor's activation at each token
 * @property {FactorNeuron[][]} neurons (k, top_neurons) each factor's strongest neurons
 * @property {number} error the relative reconstruction error
 * @property {{k: number[], error: number[]}} [elbow] present when :components: is auto
 */

/**
 * The data contract of <ecco-factors>: ecco_build/kinds/factors.py FactorsResult.
 * @typedef {object} FactorsResult
 * @property {number} prompt_length how many of tokens are the prompt
 * @property {Token[]} tokens (T,)
 * @property {string} method "nmf", "pca" or "ica"
 * @property {boolean} clipped whether negative activations were clipped to zero (NMF)
 * @property {number} negative_share the fraction of activations that were negative
 * @property {number[]} shape [layers, d_ff, T] of the activations
 * @property {FactorBlock[]} blocks one for all the layers, or one per layer
 */

/**
 * <ecco-factors>: its data is {kind: "factors", version, options, result: FactorsResult}.
 */
class EccoFactors extends EccoElement {
  build() {
    this.pinned = null;
    this.blockIndex = 0;
    this.signed = !this.data.result.clipped;
    this.view = document.createElement("div");
    this.view.className = "ecco-factors-view";
    this.render();
    // A new theme (palette.js) draws the figure again in its colours (and unpins).
    document.addEventListener("ecco-palette-change", () => { this.pinned = null; this.render(); });
    return this.view;
  }

  get block() {
    return this.data.result.blocks[this.blockIndex];
  }

  render() {
    const { blocks, tokens } = this.data.result;
    const parts = [];
    if (blocks.length > 1) {
      const label = document.createElement("label");
      label.className = "ecco-switcher";
      label.append("Layer: ");
      const select = document.createElement("select");
      blocks.forEach((block, i) => {
        const option = document.createElement("option");
        option.value = String(i);
        option.textContent = String(block.layers[0]);
        option.selected = i === this.blockIndex;
        select.append(option);
      });
      select.addEventListener("change", () => {
        this.blockIndex = Number(select.value);
        this.pinned = null;
        this.render();
      });
      label.append(select);
      parts.push(label);
    }
    const layout = document.createElement("div");
    layout.className = "ecco-factors-layout";
    const list = document.createElement("ol");
    list.className = "ecco-factor-list";
    this.factorNodes = this.block.factors.map((values, f) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ecco-factor";
      button.dataset.factor = String(f);
      button.setAttribute("aria-label", `Factor ${f + 1}: show its activation on the text`);
      const number = document.createElement("span");
      number.className = "ecco-factor-number";
      number.textContent = String(f + 1);
      number.style.borderColor = `rgb(${factorColour(f, this).join(",")})`;
      button.append(number, sparkline(values, factorColour(f, this)));
      item.append(button);
      button.addEventListener("pointerenter", () => this.show(f));
      button.addEventListener("focus", () => this.show(f));
      button.addEventListener("pointerleave", () => this.show(this.pinned));
      button.addEventListener("blur", () => this.show(this.pinned));
      list.append(item);
      return button;
    });
    // One tab stop for the list; a click, Enter or Space pins a factor, Escape unpins.
    rovingGrid(list, this.factorNodes.map((node) => [node]), {
      pin: (node) => this.pin(Number(node.dataset.factor)),
      unpin: () => this.pin(null),
    });
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    this.tokenNodes = tokens.map((token) => {
      const node = tokenNode(token);
      line.append(node);
      return node;
    });
    layout.append(list, line);
    this.status = document.createElement("p");
    this.status.className = "ecco-tooltip";
    this.status.setAttribute("aria-live", "polite");
    this.neurons = document.createElement("p");
    this.neurons.className = "ecco-factor-neurons";
    parts.push(layout, this.status, this.neurons);
    this.view.replaceChildren(...parts);
    // Colours are chosen against the page behind them, so paint only once attached.
    if (this.view.isConnected) this.show(null);
  }

  ready() {
    this.show(null);
  }

  // rovingGrid keeps aria-pressed; f is the pinned factor, or null.
  pin(f) {
    this.pinned = f;
    this.show(f);
  }

  // The strongest neurons of factor f, in words (none for null).
  listNeurons(f) {
    if (f === null) {
      this.neurons.textContent = "";
      return;
    }
    const top = this.block.neurons[f].map((n) => `layer ${n.layer} #${n.neuron} (${n.loading.toPrecision(3)})`);
    this.neurons.textContent = `Factor ${f + 1}'s strongest neurons: ${top.join(", ")}.`;
  }

  // Colour the text by one factor (f) or, for null, each token by its dominant factor.
  show(f) {
    const rows = this.block.factors;
    this.factorNodes.forEach((node, i) => node.classList.toggle("is-selected", i === f));
    this.tokenNodes.forEach((node, t) => {
      let factor = f;
      if (factor === null) {
        factor = 0;
        rows.forEach((row, i) => { if (Math.abs(row[t]) > Math.abs(rows[factor][t])) factor = i; });
      }
      const peak = Math.max(...rows[factor].map(Math.abs), 1e-12);
      const v = Math.abs(rows[factor][t]) / peak;
      if (f !== null && this.signed) {
        paint(node, diverging(rows[factor][t] / peak, this)); // PCA/ICA: blue positive, red negative
      } else {
        paint(node, { rgb: factorColour(factor, this), alpha: 0.08 + 0.8 * v });
      }
      node.dataset.factor = String(factor);
      node.dataset.value = String(rows[factor][t]);
    });
    const alone = this.signed
      ? `Factor ${f + 1} alone: blue tokens load positively, red negatively (scaled to its largest magnitude).`
      : `Factor ${f + 1} alone: the stronger a token's tint, the more it activates the factor (scaled to its maximum).`;
    this.status.textContent = f === null
      ? "Tokens tinted by their strongest factor. Hover or focus a factor to show it alone."
      : alone;
    this.listNeurons(f);
  }
}

if (!customElements.get("ecco-factors")) customElements.define("ecco-factors", EccoFactors);

export { EccoFactors };
