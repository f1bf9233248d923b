// <ecco-rankings>: the rank of each output token at every layer. Hover or focus a cell for
// token, layer, rank and probability; the output token's place in the text lights up.
import { EccoElement } from "../lib/element.js";
import { rankPanel } from "../lib/heatmap.js";
import { tokenNode } from "../lib/tokens.js";

/** @typedef {import("../lib/types.js").Token} Token */

/**
 * The data contract of <ecco-rankings>: ecco_build/kinds/rankings.py RankingsResult.
 * @typedef {object} RankingsResult
 * @property {string} lens how layers are read, "normed"
 * @property {number} prompt_length how many of tokens are the prompt
 * @property {Token[]} tokens (T,) the prompt and then the output tokens
 * @property {number[]} targets (n,) the positions of the output tokens ranked
 * @property {string[]} layers (L,) "embeddings", then "1", "2", …
 * @property {number[][]} rank (L, n) ranks ≥ 1
 * @property {number[][]} p (L, n) the output token's probability at each layer
 */

/**
 * <ecco-rankings>: its data is {kind: "rankings", version, options, result: RankingsResult}.
 */
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
      line.append(node);
    });
    const columns = targets.map((t) => tokens[t]);
    const panel = rankPanel({ layers, columns, rank, p }, (details) => {
      outputNodes.forEach((node, c) => node.classList.toggle("is-selected", c === details.column));
    });
    view.append(line, ...panel);
    return view;
  }
}

if (!customElements.get("ecco-rankings")) customElements.define("ecco-rankings", EccoRankings);

export { EccoRankings };
