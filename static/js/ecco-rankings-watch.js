// <ecco-rankings-watch>: the rank of author-chosen candidate tokens at every layer, for the
// blank after a prefix. Hover or focus a cell for details.
import { EccoElement } from "./ecco-element.js";
import { rankPanel } from "./ecco-heatmap.js";
import { appendToken, tokenNode } from "./ecco-tokens.js";

class EccoRankingsWatch extends EccoElement {
  build() {
    const { tokens, position, watch, layers, rank, p } = this.data.result;
    const view = document.createElement("div");
    view.className = "ecco-rankings-view";
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    tokens.slice(0, position + 1).forEach((token) => {
      const node = tokenNode(token);
      node.classList.add("prompt");
      appendToken(line, node, token);
    });
    const blank = document.createElement("span");
    blank.className = "ecco-blank";
    blank.textContent = "____";
    blank.setAttribute("aria-label", "the position being predicted");
    line.append(blank);
    view.append(line, ...rankPanel({ layers, columns: watch, rank, p }));
    return view;
  }
}

customElements.define("ecco-rankings-watch", EccoRankingsWatch);
