// <ecco-rankings-watch>: the rank of author-chosen candidate tokens at every layer, for the
// blank after a prefix. Hover or focus a cell for details.
import { EccoElement } from "./ecco-element.js";
import { rankHeatmap, rankLegend, rankText } from "./ecco-heatmap.js";
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
    const status = document.createElement("p");
    status.className = "ecco-tooltip";
    status.setAttribute("aria-live", "polite");
    status.textContent = "Hover or focus a cell for details.";
    const table = rankHeatmap({ layers, columns: watch, rank, p }, (details, cell) => {
      status.textContent = rankText(details);
      table.querySelectorAll(".is-current").forEach((node) => node.classList.remove("is-current"));
      cell.classList.add("is-current");
    });
    const scroll = document.createElement("div");
    scroll.className = "ecco-scroll";
    scroll.append(table);
    view.append(line, scroll, rankLegend(Math.max(...rank.flat())), status);
    return view;
  }
}

customElements.define("ecco-rankings-watch", EccoRankingsWatch);
