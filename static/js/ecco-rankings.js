// <ecco-rankings>: the rank of each output token at every layer. Hover or focus a cell for
// token, layer, rank and probability; the output token's place in the text lights up.
import { EccoElement } from "./ecco-element.js";
import { rankPanel } from "./ecco-heatmap.js";
import { appendToken, tokenNode } from "./ecco-tokens.js";

class EccoRankings extends EccoElement {
  build() {
    const { tokens, targets, layers, rank, p } = this.data.result;
    const view = document.createElement("div");
    view.className = "ecco-rankings-view";
    const line = document.createElement("div");
    line.className = "ecco-token-line";
    const outputNodes = [];
    tokens.forEach((token, i) => {
      const node = tokenNode(token);
      node.classList.add(targets.includes(i) ? "output" : "prompt");
      if (targets.includes(i)) outputNodes.push(node);
      appendToken(line, node, token);
    });
    const columns = targets.map((t) => tokens[t]);
    const panel = rankPanel({ layers, columns, rank, p }, (details) => {
      outputNodes.forEach((node, c) => node.classList.toggle("is-selected", c === details.column));
    });
    view.append(line, ...panel);
    return view;
  }
}

customElements.define("ecco-rankings", EccoRankings);
