// <ecco-factors>: one sparkline per factor beside the text; tokens tinted by their dominant
// factor. Hover, focus or tap a sparkline to recolour the text by that factor alone; click
// pins it; "neurons" lists the factor's top neurons.
import { EccoElement } from "./ecco-element.js";
import { diverging, paint } from "./ecco-scale.js";
import { appendToken, tokenNode } from "./ecco-tokens.js";

const COLOURS = ["31,119,180", "255,127,14", "44,160,44", "214,39,40", "148,103,189",
  "140,86,75", "227,119,194", "127,127,127", "188,189,34", "23,190,207"];
const SVG = "http://www.w3.org/2000/svg";

function sparkline(values, colour) {
  const width = 160;
  const height = 26;
  const low = Math.min(0, ...values);
  const high = Math.max(1e-12, ...values);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "polyline");
  const step = width / Math.max(1, values.length - 1);
  line.setAttribute("points", values.map((v, i) =>
    `${(i * step).toFixed(1)},${(height - 1 - ((v - low) / (high - low)) * (height - 2)).toFixed(1)}`).join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", `rgb(${colour})`);
  line.setAttribute("stroke-width", "1.5");
  if (low < 0) {
    const zero = document.createElementNS(SVG, "line");
    const y = (height - 1 - ((0 - low) / (high - low)) * (height - 2)).toFixed(1);
    zero.setAttribute("x1", "0");
    zero.setAttribute("x2", String(width));
    zero.setAttribute("y1", y);
    zero.setAttribute("y2", y);
    zero.setAttribute("stroke", "currentColor");
    zero.setAttribute("stroke-opacity", "0.3");
    svg.append(zero);
  }
  svg.append(line);
  return svg;
}

class EccoFactors extends EccoElement {
  build() {
    this.pinned = null;
    this.blockIndex = 0;
    this.signed = !this.data.result.clipped;
    this.view = document.createElement("div");
    this.view.className = "ecco-factors-view";
    this.render();
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
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", `Factor ${f + 1}: show its activation on the text`);
      const number = document.createElement("span");
      number.className = "ecco-factor-number";
      number.textContent = String(f + 1);
      number.style.borderColor = `rgb(${COLOURS[f % COLOURS.length]})`;
      button.append(number, sparkline(values, COLOURS[f % COLOURS.length]));
      const more = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = "neurons";
      const neurons = document.createElement("ul");
      for (const n of this.block.neurons[f]) {
        const entry = document.createElement("li");
        entry.textContent = `layer ${n.layer}, neuron ${n.neuron}: ${n.loading.toPrecision(3)}`;
        neurons.append(entry);
      }
      more.append(summary, neurons);
      item.append(button, more);
      button.addEventListener("pointerenter", () => this.show(f));
      button.addEventListener("focus", () => this.show(f));
      button.addEventListener("pointerleave", () => this.show(this.pinned));
      button.addEventListener("blur", () => this.show(this.pinned));
      button.addEventListener("click", () => this.pin(f));
      list.append(item);
      return button;
    });
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    this.tokenNodes = tokens.map((token) => {
      const node = tokenNode(token);
      appendToken(line, node, token);
      return node;
    });
    layout.append(list, line);
    this.status = document.createElement("p");
    this.status.className = "ecco-tooltip";
    this.status.setAttribute("aria-live", "polite");
    parts.push(layout, this.status);
    this.view.replaceChildren(...parts);
    // Colours are chosen against the page behind them, so paint only once attached.
    if (this.view.isConnected) this.show(null);
  }

  ready() {
    this.show(null);
  }

  pin(f) {
    this.pinned = this.pinned === f ? null : f;
    this.factorNodes.forEach((node, i) => node.setAttribute("aria-pressed", String(i === this.pinned)));
    this.show(this.pinned ?? f);
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
        paint(node, diverging(rows[factor][t] / peak)); // PCA/ICA: blue positive, red negative
      } else {
        paint(node, { rgb: COLOURS[factor % COLOURS.length].split(",").map(Number), alpha: 0.08 + 0.8 * v });
      }
      node.dataset.factor = String(factor);
      node.dataset.value = String(rows[factor][t]);
    });
    const alone = this.signed
      ? `Factor ${f + 1} alone: blue tokens load positively, red negatively (scaled to its largest magnitude).`
      : `Factor ${f + 1} alone: darker tokens activate it more (scaled to its maximum).`;
    this.status.textContent = f === null
      ? "Tokens tinted by their strongest factor. Hover or focus a factor to show it alone."
      : alone;
  }
}

customElements.define("ecco-factors", EccoFactors);
