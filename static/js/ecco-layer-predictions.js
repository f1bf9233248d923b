// <ecco-layer-predictions>: the logit lens's top-k tokens at every layer for one position.
// Hover or focus a candidate to highlight the same token in every layer (its trajectory).
import { EccoElement } from "./ecco-element.js";
import { appendToken, display, percent, tokenNode } from "./ecco-tokens.js";

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

customElements.define("ecco-layer-predictions", EccoLayerPredictions);
